import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from '../internal/decorators.js';
import type {
  CreatePaymentRequest,
  InstallmentOption,
  MethodFamily,
  Payment,
  PaymentMethod,
} from '../../server/api-types.js';
import { LoaderController } from '../controllers/loader.js';
import type { PaymentStatusController } from '../controllers/payment-status.js';
import { ApiError, BayarApi } from '../internal/api.js';
import { ensureLocale } from '../i18n/localize.js';
import { BayarElement } from '../internal/base.js';
import { formatIdr, safeHttpUrl } from '../internal/format.js';
import { loadViews } from '../internal/lazy.js';
import type { MethodPickerEvents } from '../method-picker/method-picker.js';
import { defaultServer } from '../internal/script-base.js';
import { controls } from '../styles/controls.js';
import { spinner } from '../styles/spinner.js';
import { tokens } from '../styles/tokens.js';
import { checkoutStyles } from './checkout.styles.js';
import type { BayarEventMap } from './events.js';
import { focusView, holdsFocus } from './focus.js';
import { randomKey, readOrder, type Order } from './order.js';
import { methodKey, paymentKey, readSaved, storage } from './resume-storage.js';

type View = 'loading' | 'setup' | 'pick' | 'pending' | 'final';
type Views = typeof import('../views.js');

interface ShownError {
  code: string;
  message: string;
  retry?: () => void;
}

/**
 * @summary Embeddable checkout for Indonesian payments: the customer picks a method (Virtual Account, QRIS, e-wallet,
 * convenience store, PayLater, card on the provider's 3-D Secure page), sees exactly what to do, and the element turns to "paid" by itself when the provider
 * confirms (Server-Sent Events, with polling as a fallback). A reload resumes the order's pending payment.
 *
 * @attr server - base URL of the companion server. Default: the origin the script was loaded from.
 * @attr session - checkout session token from the merchant backend (`POST /api/sessions`).
 * @attr order-id - unsigned checkout: the order id (with `amount`).
 * @attr amount - unsigned checkout: the integer IDR amount.
 * @attr items - catalog checkout: `SKU:QTY,SKU:QTY`, priced by the server.
 * @attr customer-name - unsigned/catalog checkout only.
 * @attr customer-email - unsigned/catalog checkout only.
 * @attr customer-phone - unsigned/catalog checkout only.
 * @attr methods - optional filter, comma separated: families (`va`, `qris`, `ewallet`, `cstore`, `paylater`, `card`) or method ids (`va:bca`).
 * @attr locale - `id` (default) or `en`; switches live.
 * @attr ui-mode - `auto` (default), `qr` or `redirect`: how e-wallets hand off (`auto`: the wallet's QR on a wide
 *   non-touch screen, the app link on a phone).
 * @attr hide-unavailable - hide methods the amount cannot use instead of showing them greyed with the reason.
 * @attr remember-method - `on` (default) or `off`: show the customer's last used method first (only its id is kept,
 *   in this browser's localStorage).
 *
 * @fires bayar-ready - `{ methods }`: methods loaded and shown.
 * @fires bayar-method-select - `{ method }`: the customer picked a method.
 * @fires bayar-payment-pending - `{ payment }`: a payment was created or resumed; instructions are on screen.
 * @fires bayar-payment-paid - `{ payment }`: the server confirmed payment.
 * @fires bayar-payment-expired - `{ payment }`: the payment expired unpaid.
 * @fires bayar-payment-cancelled - `{ payment }`: the payment was cancelled.
 * @fires bayar-payment-failed - `{ payment }`: the provider declined or failed it.
 * @fires bayar-error - `{ code, message }`: a request failed; `code` is the server's error code or a client code such as
 *   `network_error` or `timeout` (no answer in time: the customer is offered a retry that cannot create a second payment).
 *
 * @csspart base - the checkout card.
 * (Parts of the inner views are forwarded with `exportparts`, so `bayar-checkout::part(qr)` works from the page.)
 * @csspart method - each payment method (a radio), inside the method picker.
 * @csspart va-number - the VA number (and Mandiri biller code / bill key).
 * @csspart copy-button - copy buttons.
 * @csspart qr - the QRIS canvas.
 * @csspart countdown - deadline and remaining time.
 * @csspart instructions - how-to-pay steps.
 * @csspart payment-code - the convenience-store payment code.
 * @csspart installment - each PayLater instalment option.
 * @csspart status - the outcome panel (paid, expired, cancelled, failed).
 *
 * @cssprop [--bayar-color-primary=#1d4ed8] - accent: buttons, selection, focus ring.
 * @cssprop [--bayar-color-text=#0f172a] - text.
 * @cssprop [--bayar-color-muted=#475569] - secondary text.
 * @cssprop [--bayar-color-background=#ffffff] - card and control surfaces.
 * @cssprop [--bayar-color-border=#cbd5e1] - borders.
 * @cssprop [--bayar-color-success=#15803d] - paid.
 * @cssprop [--bayar-color-danger=#b91c1c] - errors, expiry, failure.
 * @cssprop [--bayar-radius=12px] - corner radius.
 * @cssprop [--bayar-font-family=system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif] - font.
 * @cssprop [--bayar-space=16px] - spacing unit.
 */
export class BayarCheckout extends BayarElement {
  static override styles = [tokens, controls, spinner, checkoutStyles];

  /** Base URL of the companion server; empty means the origin this script was loaded from. */
  @property() server = '';
  @property() session = '';
  @property({ attribute: 'order-id' }) orderId = '';
  @property({ type: Number }) amount?: number;
  @property() items = '';
  @property({ attribute: 'customer-name' }) customerName = '';
  @property({ attribute: 'customer-email' }) customerEmail = '';
  @property({ attribute: 'customer-phone' }) customerPhone = '';
  /** Filter: families or method ids, comma separated. */
  @property() methods = '';
  /** `auto` | `qr` | `redirect`: how e-wallets hand off. */
  @property({ attribute: 'ui-mode' }) uiMode = 'auto';
  /** Hide methods the amount cannot use (instead of greyed with the reason). */
  @property({ type: Boolean, attribute: 'hide-unavailable' }) hideUnavailable = false;
  /** `off`: do not remember the last used method. */
  @property({ attribute: 'remember-method' }) rememberMethod = 'on';

  @state() private view: View = 'loading';
  @state() private allMethods: PaymentMethod[] = [];
  @state() private selected = '';
  @state() private options: InstallmentOption[] | null = null;
  @state() private installment = '';
  @state() private current: Payment | null = null;
  @state() private busy = false;
  @state() private error: ShownError | null = null;
  /** Status announced by the polite live region (its text follows the locale). */
  @state() private live: Payment['status'] | '' = '';
  /** OVO: the payer's wallet number in `+62…` form once valid (asked by the picker's extras). */
  @state() private walletPhone = '';
  /** What the last "check status" found, while the payment is still pending. */
  @state() private checkNote: 'stillPending' | 'tooSoon' | '' = '';

  private api = new BayarApi('');
  private order: Order | null = null;
  /** The current payment's client secret: it alone lets this page read, follow and cancel the payment. */
  private secret = '';
  /**
   * Payments of an order the inputs just moved away from (a new session): once the new order's amount is known (a
   * session is opaque; it comes with the methods), those of the same order for another amount are cancelled.
   */
  private left: Array<{ payment: Payment; secret: string; identity: string | undefined }> = [];
  private methodsLoaded = false;
  /** Identity of the inputs the current load was started for. */
  private loadedFor?: string;
  /** The order's flow (resume, methods; a create checks it): a (re)start supersedes it, so late answers are dropped. */
  private readonly flow = new LoaderController(this);
  /** The chosen PayLater method's instalment plans: picking another method supersedes them. */
  private readonly plans = new LoaderController(this);
  /** `paymentId:status` already announced: each transition fires once. */
  private readonly fired = new Set<string>();
  /** A customer action is under way that started with focus in here: the view it leads to takes focus. */
  private focusWanted = false;
  /** The attempt being made: its key is reused if the same attempt is retried after a failure. */
  private attempt?: { what: string; key: string };

  /** Follows the shown payment's status; it comes with the views' chunk (nothing to follow before a payment exists). */
  private status?: PaymentStatusController;
  /** The views' chunk once loaded: it renders the payment. */
  @state() private views?: Views;

  /** The current payment object, or `null`. Read-only. */
  get payment(): Payment | null {
    return this.current;
  }

  /** Back to method picking, unless the current payment is paid. The pending payment is left to expire. */
  reset(): void {
    if (this.current?.status === 'paid' || this.current?.status === 'refunded') return;
    const hadFocus = holdsFocus(this, false);
    const key = this.order && this.storageKey(this.order);
    if (key) storage.remove(key);
    this.clear();
    if (this.methodsLoaded) this.view = 'pick';
    else this.flow.start((signal) => this.loadMethods(signal));
    if (hadFocus) this.moveFocus();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // Inputs that name the server or the order restart the flow; `methods` and `locale` only re-render.
    const inputs = JSON.stringify([this.server, this.session, this.orderId, this.amount, this.items]);
    if (inputs !== this.loadedFor) {
      this.loadedFor = inputs;
      this.start();
    }
  }

  // ---- flow -------------------------------------------------------------------------------------------------------

  private emit<K extends keyof BayarEventMap>(type: K, detail: BayarEventMap[K]['detail']): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /** Null while a session's order is not known yet (nothing to resume or remember under). */
  private storageKey(order: Order): string | null {
    return paymentKey(this.api.base, order.identity);
  }

  /**
   * A pending payment of an order whose amount has since changed (a new session for a new cart total) is cancelled:
   * the customer may have noted its VA number or code, and paying that old amount must not stay possible. It also
   * frees the order for a payment of the new amount (the server refuses a second pending one for another amount).
   * Best effort: a provider that cannot cancel lets it expire. `newAmount` is the order's amount now, where the page
   * knows it (a session is opaque: its amount comes with the methods, and the server itself replaces a pending
   * payment of another amount when the new one is created).
   */
  private dropLeft(order: Order): void {
    for (const o of this.left.splice(0))
      if (o.identity === order.identity && o.payment.status === 'pending' && o.payment.amount !== order.amount)
        this.api.cancelPayment(o.payment.id, o.secret).catch(() => undefined);
  }

  /** The last used method, per shop (its companion): only the method id is kept, nothing about the customer. */
  private get lastMethodKey(): string {
    return methodKey(this.api.base);
  }

  /** Nothing followed, chosen or shown (no payment, method, plans, error): what comes next decides the view. */
  private clear(): void {
    this.status?.stop();
    this.plans.start();
    this.current = null;
    this.error = null;
    this.selected = '';
    this.options = null;
    this.installment = '';
    this.attempt = undefined;
  }

  /** (Re)starts for the current inputs: resume the order's remembered payment, or load the methods. */
  private start(): void {
    if (this.current) this.left.push({ payment: this.current, secret: this.secret, identity: this.order?.identity });
    this.clear();
    this.secret = '';
    this.allMethods = [];
    this.methodsLoaded = false;
    this.api = new BayarApi(this.server || defaultServer(), this.clock);
    const order = (this.order = readOrder(this));
    if (!order) {
      this.flow.start();
      this.view = 'setup';
      this.fail(new ApiError('invalid_config', 'Set session, order-id with amount, or items.'));
      return;
    }
    this.view = 'loading';
    this.flow.start(async (signal) => {
      // A session's order is learnt with the methods; any other order can be resumed before they load.
      if (order.identity && (await this.resume(order, signal))) return;
      if (!signal.aborted) await this.loadMethods(signal, !order.identity);
    });
  }

  /** Shows the order's remembered payment if the server still has it pending or paid; whether it did. */
  private async resume(order: Order, signal: AbortSignal): Promise<boolean> {
    const key = this.storageKey(order);
    const saved = key ? readSaved(storage.get(key)) : null;
    if (!key || !saved) return false;
    try {
      const [payment] = await Promise.all([this.api.getPayment(saved.id, saved.secret, signal), ensureLocale(this.locale)]);
      if (signal.aborted) return true;
      // The order's amount changed since (a new cart under the same order id): that payment is not this order's.
      const sameOrder = order.amount === undefined || payment.amount === order.amount;
      if (sameOrder && (payment.status === 'pending' || payment.status === 'paid')) {
        this.secret = saved.secret;
        this.show(payment);
        return true;
      }
      storage.remove(key);
    } catch (e) {
      if (signal.aborted) return true;
      // Forget it only when the server says it is gone; on a network error keep it for the next load.
      if (e instanceof ApiError && e.status >= 400 && e.status < 500) storage.remove(key);
    }
    return false;
  }

  private async loadMethods(signal: AbortSignal, thenResume = false): Promise<void> {
    const order = this.order;
    if (!order) return;
    this.view = 'loading';
    this.error = null;
    try {
      // The method list appears in the right language: its texts load alongside the methods.
      const [answer] = await Promise.all([this.api.methods(order.query, signal), ensureLocale(this.locale)]);
      if (signal.aborted) return;
      if (answer.order && !order.identity) {
        order.identity = `order:${answer.order.orderId}`;
        order.amount = answer.order.amount;
      }
      this.dropLeft(order);
      this.allMethods = answer.methods;
      this.methodsLoaded = true;
      if (this.current) return; // a payment was shown meanwhile
      if (thenResume && (await this.resume(order, signal))) return;
      if (signal.aborted || this.current) return;
      this.view = 'pick';
      await this.updateComplete;
      this.emit('bayar-ready', { methods: this.visibleMethods() });
      // The views' chunk is not needed until "Pay": its import (a request, then compiling the chunk) starts after the
      // frame that shows the list, not between the list's render and that frame's layout, where it delayed the
      // first method's focus. A payment shown meanwhile loads it itself (show()).
      requestAnimationFrame(() => setTimeout(() => this.prepareViews()));
    } catch (e) {
      if (signal.aborted) return;
      this.view = 'pick';
      this.fail(e, () => this.flow.start((retry) => this.loadMethods(retry, thenResume)));
    }
  }

  /** The loaded methods after the `methods` filter (families or ids). */
  private visibleMethods(): PaymentMethod[] {
    const wanted = this.methods
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    return this.allMethods.filter(
      (m) =>
        (!wanted.length || wanted.includes(m.family) || wanted.includes(m.id.toLowerCase())) &&
        (!this.hideUnavailable || m.available !== false),
    );
  }

  private onSelect(method: PaymentMethod): void {
    this.selected = method.id;
    this.error = null;
    this.attempt = undefined;
    this.emit('bayar-method-select', { method });
    this.installment = '';
    this.walletPhone = '';
    this.options = null;
    if (method.family === 'paylater') this.loadInstallments();
    else this.plans.start();
  }

  private loadInstallments(): void {
    const order = this.order;
    if (!order) return;
    this.plans.start(async (signal) => {
      try {
        const options = await this.api.installments(order.query, signal);
        if (signal.aborted) return;
        this.options = options;
        if (options.length === 1) this.installment = options[0]!.id;
      } catch (e) {
        if (signal.aborted) return;
        this.options = [];
        this.fail(e, () => this.loadInstallments());
      }
    });
  }

  private onPay(): void {
    const method = this.visibleMethods().find((m) => m.id === this.selected);
    if (!method || this.busy) return;
    const paylater = method.family === 'paylater';
    if ((paylater && !this.installment) || (method.id === 'ewallet:ovo' && !this.walletPhone)) return;
    // PayLater approval and the provider's card page open from this click itself so pop-up blockers allow it: a
    // blank tab now, pointed at the provider's page once the payment exists. If it was blocked anyway, the hand-off
    // view shows a link to click.
    let approval: Window | null = null;
    if (paylater || method.family === 'card') {
      approval = window.open('about:blank', '_blank');
      if (approval) approval.opener = null;
    }
    void this.create(method.id, method.family, paylater ? this.installment : undefined, approval);
  }

  private async create(methodId: string, family: MethodFamily, installment: string | undefined, approval: Window | null): Promise<void> {
    const order = this.order;
    if (!order || this.busy) return;
    // Answered after a newer flow started (another order), the payment is not this page's to show.
    const superseded = this.flow.signal;
    const phone = methodId === 'ewallet:ovo' ? this.walletPhone : '';
    const what = `${methodId}|${installment ?? ''}|${phone}`;
    if (this.attempt?.what !== what) this.attempt = { what, key: randomKey() };
    // The button pressed is about to go away with the picker: keep the customer's place for keyboard and screen readers.
    this.focusWanted = holdsFocus(this);
    this.busy = true;
    this.error = null;
    try {
      const body = { ...order.body, method: methodId, ...(installment ? { installment } : {}), ...(phone ? { walletPhone: phone } : {}) } as CreatePaymentRequest;
      const api = this.api;
      const { payment, clientSecret } = await api.createPayment(body, this.attempt.key, this.secret);
      // The order changed meanwhile (a new session: another cart total). That payment is for the old order: it is
      // never shown, so the customer cannot pay the old amount; it is cancelled where the new amount is known,
      // otherwise it expires unpaid (and the server replaces it when the new order's payment is created).
      if (superseded.aborted) {
        approval?.close();
        this.left.push({ payment, secret: clientSecret, identity: order.identity });
        if (this.order?.identity) this.dropLeft(this.order);
        return;
      }
      this.attempt = undefined;
      this.secret = clientSecret;
      if (this.rememberMethod !== 'off') storage.set(this.lastMethodKey, methodId);
      else storage.remove(this.lastMethodKey);
      if (approval) {
        const url = family === 'paylater' || family === 'card' ? safeHttpUrl(payment.redirectUrl) : null;
        if (url) approval.location.href = url;
        else approval.close();
      }
      if (payment.redirectUrl && !safeHttpUrl(payment.redirectUrl))
        this.fail(new ApiError('invalid_redirect', 'The provider sent a redirect URL that is not http(s); it was refused.'));
      this.show(payment);
      if (this.focusWanted) this.moveFocus();
    } catch (e) {
      this.focusWanted = false;
      approval?.close();
      if (superseded.aborted) return;
      this.fail(e, () => void this.create(methodId, family, installment, null));
    } finally {
      this.busy = false;
    }
  }

  /** Makes sure the payment views' chunk is loaded (see internal/lazy.ts); a failed load offers a retry. */
  private prepareViews(): void {
    loadViews().then(
      (views) => (this.views = views as Views),
      () => this.fail(new ApiError('network_error', 'Could not load the payment views.'), () => this.prepareViews()),
    );
  }

  /** Shows a payment (created, resumed, or updated by the status stream) and announces its status once. */
  private show(payment: Payment): void {
    this.prepareViews();
    const previous = this.current;
    this.current = payment;
    if (previous?.id !== payment.id || payment.status !== 'pending') this.checkNote = '';
    const order = this.order;
    const key = order && this.storageKey(order);
    if (key) {
      if (payment.status === 'pending' || payment.status === 'paid') storage.set(key, `${payment.id} ${this.secret}`);
      else storage.remove(key);
    }
    this.view = payment.status === 'pending' ? 'pending' : 'final';
    if (payment.status === 'pending' && (previous?.id !== payment.id || !this.status || this.status.mode === 'idle'))
      void this.follow(payment);
    if (payment.status !== 'pending') this.status?.stop();
    void this.announce(payment);
  }

  private async follow(payment: Payment): Promise<void> {
    const views = (await loadViews().catch(() => null)) as Views | null;
    // Gone by then (another payment, a final status), or the chunk failed to load (prepareViews offers the retry).
    if (!views || this.current !== payment) return;
    this.status ??= new views.PaymentStatusController(this, (p) => this.apply(p));
    this.status.watch(this.api, payment, this.secret);
  }

  /** A newer state of the current payment (SSE, poll, cancel). Stale or foreign ones are ignored. */
  private apply(payment: Payment): void {
    const current = this.current;
    if (!current || payment.id !== current.id) return;
    // A final status never goes back to pending (a late poll answer must not resurrect instructions).
    if (current.status !== 'pending' && payment.status === 'pending') return;
    const hadFocus = this.focusWanted || holdsFocus(this, false);
    this.show(payment);
    if (payment.status !== current.status && hadFocus) this.moveFocus();
  }

  /** The view now on screen takes focus (see focus.ts); the action that wanted it is over. */
  private moveFocus(): void {
    this.focusWanted = false;
    void focusView(this);
  }

  private async announce(payment: Payment): Promise<void> {
    const key = `${payment.id}:${payment.status}`;
    if (payment.status === 'refunded' || this.fired.has(key)) return;
    this.fired.add(key);
    this.live = payment.status;
    // Fire once the state is on screen: the view's chunk loaded, this element and the view rendered.
    await loadViews().catch(() => undefined);
    await this.updateComplete;
    await (this.renderRoot.querySelector('.view') as BayarElement | null)?.updateComplete;
    this.emit(`bayar-payment-${payment.status}`, { payment });
  }

  private fail(e: unknown, retry?: () => void): void {
    const error = e instanceof ApiError ? e : new ApiError('client_error', e instanceof Error ? e.message : String(e));
    const t = this.t;
    // The server's message is for developers (bayar-error); the customer reads their own language, by code.
    const known: Record<string, string> = { network_error: t.errors.network, invalid_config: t.errors.config, timeout: t.errors.timeout };
    const message = known[error.code] ?? error.text?.[t.lang as 'id'] ?? t.errorCodes?.[error.code] ?? t.errors.generic;
    this.error = { code: error.code, message, retry };
    this.emit('bayar-error', { code: error.code, message: error.message });
  }

  private async onCancel(): Promise<void> {
    const payment = this.current;
    if (!payment || this.busy) return;
    // Read before the button is disabled (which drops its focus). The outcome may arrive over the status stream
    // before the answer to this request: whichever shows it first moves focus.
    this.focusWanted = holdsFocus(this);
    this.busy = true;
    try {
      this.apply(await this.api.cancelPayment(payment.id, this.secret));
    } catch (e) {
      this.fail(e);
    } finally {
      this.busy = false;
      this.focusWanted = false;
    }
  }

  /** "I have paid — check status": the companion asks the provider now; the answer shows as any other update. */
  private async onCheck(): Promise<void> {
    const payment = this.current;
    if (!payment || this.busy) return;
    this.busy = true;
    this.checkNote = '';
    try {
      const fresh = await this.api.checkPayment(payment.id, this.secret);
      this.apply(fresh);
      if (fresh.status === 'pending') this.checkNote = 'stillPending';
    } catch (e) {
      if (e instanceof ApiError && e.code === 'check_too_soon') this.checkNote = 'tooSoon';
      else this.fail(e);
    } finally {
      this.busy = false;
    }
  }

  /** A view's local countdown ran out: ask the server now instead of waiting for the next message. */
  private onExpire(): void {
    void this.status?.refresh();
  }

  private onRenew(): void {
    const p = this.current;
    if (!p) return;
    this.attempt = undefined;
    void this.create(p.method, p.family, undefined, null);
  }

  // ---- rendering --------------------------------------------------------------------------------------------------

  /**
   * While the element's first methods load, it shows nothing for its first two frames, then the loading view if they
   * are still loading. A list answered by then (the loader's, read while bayar.mjs loaded; one just arriving) appears
   * with no frame spent laying out and painting a spinner before it: on the time to interactive's critical path, that
   * frame cost about as much as the list's own. Later loads (a retry, a new order) show the loading view at once.
   */
  private spinnerDue = false;

  protected override firstUpdated(): void {
    requestAnimationFrame(() => requestAnimationFrame(() => ((this.spinnerDue = true), this.requestUpdate())));
  }

  protected override render() {
    const t = this.t;
    const error = this.error;
    if (this.view === 'loading' && !this.spinnerDue) return nothing;
    return html`
      <div part="base" class="card" lang=${t.lang} aria-busy=${this.view === 'loading' || this.busy ? 'true' : 'false'}>
        ${this.renderView()}
        ${error
          ? html`<div class="alert" role="alert" data-code=${error.code}>
              <strong>${t.errorTitle}</strong>
              <p>${error.message}</p>
              ${error.retry
                ? html`<button type="button" @click=${() => (this.error = null, error.retry!())}>${t.tryAgain}</button>`
                : nothing}
            </div>`
          : nothing}
        <div class="sr-only" role="status">${!this.live ? '' : this.live === 'pending' ? t.waiting : t.status[this.live]}</div>
      </div>
    `;
  }

  private renderView() {
    const t = this.t;
    const loading = html`<p class="muted loading"><span class="spinner" aria-hidden="true"></span>${t.loading}</p>`;
    switch (this.view) {
      case 'loading':
        return loading;
      case 'setup':
        return nothing;
      case 'pick':
        return this.renderPicker();
      case 'pending':
      case 'final':
        return this.views
          ? this.views.paymentView({
              payment: this.current!,
              clock: this.clock,
              locale: this.locale,
              uiMode: this.uiMode,
              t,
              busy: this.busy,
              checkNote: this.checkNote,
              on: {
                expire: () => this.onExpire(),
                renew: () => this.onRenew(),
                retry: () => this.reset(),
                check: () => void this.onCheck(),
                cancel: () => void this.onCancel(),
                error: (code, message) => this.fail(new ApiError(code, message)),
              },
            })
          : loading;
    }
  }

  private renderPicker() {
    const t = this.t;
    const methods = this.visibleMethods();
    if (!this.methodsLoaded) return nothing;
    if (!methods.length) return html`<p class="muted">${t.noMethods}</p>`;
    const selected = methods.find((m) => m.id === this.selected);
    const paylater = selected?.family === 'paylater';
    const ready = selected && (!paylater || this.installment) && (selected.id !== 'ewallet:ovo' || this.walletPhone) && !this.busy;
    const amount = this.session || this.items || !this.amount ? null : formatIdr(this.amount);
    return html`
      <bayar-method-picker
        exportparts="method"
        .methods=${methods}
        .value=${selected?.id ?? ''}
        last-used=${this.rememberMethod === 'off' ? '' : (storage.get(this.lastMethodKey) ?? '')}
        locale=${this.locale}
        @change=${(e: CustomEvent<MethodPickerEvents['change']>) => this.onSelect(e.detail)}
      ></bayar-method-picker>
      ${this.views?.pickerExtras({
        method: selected,
        options: this.options,
        installment: this.installment,
        phone: this.customerPhone,
        locale: this.locale,
        on: { installment: (id) => ((this.installment = id), (this.attempt = undefined)), phone: (p) => (this.walletPhone = p) },
      })}
      <button type="button" class="primary pay" ?disabled=${!ready} @click=${this.onPay}>
        ${this.busy ? t.processing : t.pay(amount)}
      </button>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'bayar-checkout': BayarCheckout;
  }
}
