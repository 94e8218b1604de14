import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from '../internal/decorators.js';
import { query } from '../internal/query.js';
import type { Payment } from '../../server/api-types.js';
import { CountdownController, type CountdownEvents } from '../controllers/countdown.js';
import { BayarElement } from '../internal/base.js';
import { mark } from '../internal/brands.js';
import { channelName, payStepsFor } from '../internal/view-format.js';
import { formatIdr, safeHttpUrl } from '../internal/format.js';
import { paintQr, symbolFor } from '../internal/qr-canvas.js';
import { countdownTemplate } from '../internal/templates.js';
import { controls } from '../styles/controls.js';
import { marks } from '../styles/marks.js';
import { spinner } from '../styles/spinner.js';
import { tokens } from '../styles/tokens.js';
import { qrFrame, viewStyles } from '../styles/views.js';
import { walletViewStyles } from './wallet-view.styles.js';

/**
 * A wallet's app link: providers hand out app schemes (`gojek://…`, `shopeeid://…`) as well as https links. Any scheme
 * is allowed except those that run or smuggle code into the page.
 */
export const safeAppUrl = (value: unknown): string | null => {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value);
    return /^(javascript|data|vbscript|file|blob|about):$/i.test(url.protocol) ? null : url.href;
  } catch {
    return null;
  }
};

/**
 * @summary E-wallet hand-off that fits the device (GoPay, ShopeePay, DANA, LinkAja, OVO). `ui-mode="auto"`: on a wide
 * screen without touch, the wallet's QR (drawn from the provider's string, or the provider's own QR image) with its
 * countdown, or else the wallet's web checkout in a new tab; on a phone, a button that opens the wallet app (or its
 * mobile page) right from the customer's tap, so no pop-up blocker is involved, with "pay on another device instead"
 * to show the QR. `qr` and `redirect` force one or the other where the provider gives it. OVO gives neither: the
 * customer approves the push in the OVO app before the deadline.
 *
 * @attr locale - `id` (default) or `en`.
 * @attr ui-mode - `auto` (default), `qr` or `redirect`.
 *
 * @fires expire - (internal) the local countdown reached the deadline.
 *
 * @csspart qr - the wallet QR (canvas or the provider's image).
 * @csspart countdown - deadline and remaining time.
 * @csspart instructions - the in-app approval steps (OVO).
 *
 * @cssprop [--bayar-color-primary=#1d4ed8] - accent (the open-the-app button).
 * @cssprop [--bayar-color-text=#0f172a] - text.
 * @cssprop [--bayar-color-muted=#475569] - secondary text.
 * @cssprop [--bayar-color-background=#ffffff] - surfaces.
 * @cssprop [--bayar-color-border=#cbd5e1] - borders.
 * @cssprop [--bayar-color-danger=#b91c1c] - errors.
 * @cssprop [--bayar-radius=12px] - corner radius.
 * @cssprop [--bayar-font-family=system-ui, …] - font.
 * @cssprop [--bayar-space=16px] - spacing unit.
 */
export class BayarWalletView extends BayarElement<CountdownEvents> {
  static override styles = [tokens, controls, marks, spinner, viewStyles, qrFrame, walletViewStyles];

  /**
   * Whether this is a wide screen whose main pointer is not a finger (a computer): the wallet's QR is then the way to
   * pay from the phone. Tablets and phones (coarse pointer) get the app. A static seam so tests can pose as either.
   */
  static isDesktop = (): boolean => matchMedia('(min-width: 768px)').matches && !matchMedia('(pointer: coarse)').matches;

  /** The pending e-wallet payment. */
  @property({ attribute: false }) payment: Payment | null = null;

  /** `auto` | `qr` | `redirect`. */
  @property({ attribute: 'ui-mode' }) uiMode = 'auto';

  /** The customer on a phone asked for the QR ("pay on another device instead"), or back to the app button. */
  @state() private wantQr: boolean | null = null;
  @state() private qrFailed = false;

  @query('canvas') private canvas?: HTMLCanvasElement | null;
  private drawn?: string;
  private paymentId?: string;

  private readonly countdown = new CountdownController(this, () => this.notify('expire'));

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('payment')) return;
    // Kept now: the QR may be asked for only after a status update that carries the payload without its symbol.
    const w = this.payment?.ewallet;
    if (w?.qrString) symbolFor(w.qrString, w.qr);
    if (this.payment?.id !== this.paymentId) {
      this.paymentId = this.payment?.id;
      this.wantQr = null;
      this.drawn = undefined;
      this.qrFailed = false;
    }
    this.countdown.expiresAt = this.payment?.expiresAt;
  }

  protected override updated(): void {
    const w = this.payment?.ewallet;
    if (!w?.qrString || !this.canvas || this.drawn === w.qrString) return;
    this.drawn = w.qrString;
    // A malformed symbol: the view falls back to the wallet's link, as for a QR image that failed to load.
    if (!paintQr(this.canvas, w.qr, w.qrString)) this.qrFailed = true;
  }

  protected override render() {
    const p = this.payment;
    if (!p) return nothing;
    const t = this.t;
    const channel = p.method.split(':')[1] || 'ewallet';
    const name = channelName(channel);
    const amount = formatIdr(p.amount);
    const w = p.ewallet ?? {};
    const desktop = BayarWalletView.isDesktop();
    const qrImage = safeHttpUrl(w.qrImageUrl);
    const hasQr = !!(w.qrString || qrImage) && !this.qrFailed;
    const link = desktop
      ? safeHttpUrl(w.desktopUrl) ?? safeHttpUrl(w.mobileUrl) ?? safeHttpUrl(p.redirectUrl) ?? safeAppUrl(w.deeplinkUrl)
      : safeAppUrl(w.deeplinkUrl) ?? safeHttpUrl(w.mobileUrl) ?? safeHttpUrl(w.desktopUrl) ?? safeHttpUrl(p.redirectUrl);
    const forced = this.uiMode === 'qr' ? true : this.uiMode === 'redirect' ? false : null;
    const showQr = hasQr && (this.wantQr ?? forced ?? (desktop || !link));
    const countdown = countdownTemplate(t, this.countdown, p.expiresAt, this.locale);
    const total = html`<div>
      <div class="muted">${t.total}</div>
      <div class="amount">${amount}</div>
    </div>`;
    const waiting = html`<p class="muted waiting"><span class="spinner" aria-hidden="true"></span>${t.waiting}</p>`;
    const head = (title: string) => html`<div class="head">${mark(channel)}<h2 id="title" tabindex="-1">${title}</h2></div>`;

    if (!hasQr && !link && (p.redirectUrl || w.desktopUrl || w.mobileUrl || w.deeplinkUrl)) {
      // The provider sent somewhere to go, but not a link we may open (javascript:, data:, …): refused.
      return html`<section class="stack" aria-labelledby="title">
        ${head(t.redirectTitle(name))} ${total}
        <p class="error" role="alert">${t.errorCodes.invalid_redirect}</p>
      </section>`;
    }
    if (!hasQr && !link) {
      // OVO: the provider pushes the request to the customer's OVO app; nothing to open or scan here.
      return html`
        <section class="stack" aria-labelledby="title">
          ${head(t.appTitle(name))} ${total} ${countdown}
          <ol part="instructions" class="app-steps">
            ${payStepsFor(p, t.lang, { name, amount })[0]?.slice(1).map((s) => html`<li>${s}</li>`)}
          </ol>
          ${waiting}
        </section>
      `;
    }

    if (showQr) {
      const qr = w.qrString
        ? html`<canvas part="qr" role="img" aria-label=${t.wallet.qrAlt(name, amount)} width="264" height="264"></canvas>`
        : html`<img part="qr" src=${qrImage!} alt=${t.wallet.qrAlt(name, amount)} width="264" height="264" @error=${() => (this.qrFailed = true)} />`;
      return html`
        <section class="stack" aria-labelledby="title">
          ${head(t.wallet.qrTitle(name))} ${total}
          <div class="qr-frame">${qr}</div>
          ${countdown}
          <p class="muted">${t.wallet.qrNote(name)}</p>
          ${!desktop && link
            ? html`<button type="button" class="switch" @click=${() => (this.wantQr = false)}>${t.wallet.thisDevice(name)}</button>`
            : nothing}
          ${waiting}
        </section>
      `;
    }

    // A real link, followed by the customer's own tap: on a phone the wallet app (or its page) opens in place; on a
    // computer its web checkout opens in a new tab while this page keeps listening.
    return html`
      <section class="stack" aria-labelledby="title">
        ${head(t.redirectTitle(name))} ${total} ${countdown}
        <p>${desktop ? t.redirectNote : t.wallet.appNote(name)}</p>
        <a class="button primary open" href=${link!} target=${desktop ? '_blank' : nothing} rel="noopener noreferrer">${t.redirectButton(name)}</a>
        ${!desktop && hasQr
          ? html`<button type="button" class="switch" @click=${() => (this.wantQr = true)}>${t.wallet.otherDevice}</button>`
          : nothing}
        ${waiting}
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'bayar-wallet-view': BayarWalletView;
  }
}
