import { html, nothing, type PropertyValues } from 'lit';
import { property } from '../internal/decorators.js';
import type { Payment } from '../../server/api-types.js';
import { CopyController } from '../controllers/copy.js';
import { CountdownController, type CountdownEvents } from '../controllers/countdown.js';
import { BayarElement } from '../internal/base.js';
import { mark } from '../internal/brands.js';
import { formatIdr, safeHttpUrl } from '../internal/format.js';
import { channelName, payStepsFor } from '../internal/view-format.js';
import { codeField, countdownTemplate } from '../internal/templates.js';
import { controls } from '../styles/controls.js';
import { marks } from '../styles/marks.js';
import { spinner } from '../styles/spinner.js';
import { tokens } from '../styles/tokens.js';
import { viewStyles } from '../styles/views.js';
import { handoffViewStyles } from './handoff-view.styles.js';

/**
 * @summary Hand-off for methods paid outside the page: the store payment code with Indomaret/Alfamart steps, or a clear
 * button to the PayLater lender's page or the provider's hosted card page (3-D Secure) (`redirectUrl`, http(s) only,
 * anything else is refused); with a countdown while
 * the checkout keeps listening for the outcome. E-wallets have their own device-aware view (`<bayar-wallet-view>`).
 *
 * @attr locale - `id` (default) or `en`.
 *
 * @fires expire - (internal) the local countdown reached the deadline.
 *
 * @csspart payment-code - the store payment code.
 * @csspart copy-button - the copy button.
 * @csspart countdown - deadline and remaining time.
 * @csspart instructions - the store steps.
 *
 * @cssprop [--bayar-color-primary=#1d4ed8] - accent (hand-off button).
 * @cssprop [--bayar-color-text=#0f172a] - text.
 * @cssprop [--bayar-color-muted=#475569] - secondary text.
 * @cssprop [--bayar-color-background=#ffffff] - surfaces.
 * @cssprop [--bayar-color-border=#cbd5e1] - borders.
 * @cssprop [--bayar-color-danger=#b91c1c] - errors.
 * @cssprop [--bayar-radius=12px] - corner radius.
 * @cssprop [--bayar-font-family=system-ui, …] - font.
 * @cssprop [--bayar-space=16px] - spacing unit.
 */
export class BayarHandoffView extends BayarElement<CountdownEvents> {
  static override styles = [tokens, controls, marks, spinner, viewStyles, handoffViewStyles];

  /** The pending payment: with `cstore`, or with `redirectUrl` (PayLater, card). */
  @property({ attribute: false }) payment: Payment | null = null;

  private readonly countdown = new CountdownController(this, () => this.notify('expire'));
  private readonly copier = new CopyController(this);

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('payment')) this.countdown.expiresAt = this.payment?.expiresAt;
  }

  protected override render() {
    const p = this.payment;
    if (!p) return nothing;
    const t = this.t;
    const amount = formatIdr(p.amount);
    const channel = p.method.split(':')[1] || p.family;
    const name = channelName(p.cstore?.store || channel);
    const countdown = countdownTemplate(t, this.countdown, p.expiresAt, this.locale);
    const total = html`<div>
      <div class="muted">${t.total}</div>
      <div class="amount">${amount}</div>
    </div>`;

    if (p.cstore) {
      // Whom the cashier bills: the provider collecting for the shop, as it writes itself (Midtrans, DOKU, Xendit…).
      return html`
        <section class="stack" aria-labelledby="title">
          <div class="head">${mark(p.cstore.store || channel)}<h2 id="title" tabindex="-1">${t.cstoreTitle(name)}</h2></div>
          ${codeField(t, this.copier, 'code', t.paymentCode, p.cstore.paymentCode, 'payment-code')} ${total} ${countdown}
          <div part="instructions">
            <h3>${t.howToPay}</h3>
            <ol>
              ${payStepsFor(p, t.lang, { name, amount, payee: channelName(p.provider) })[0]?.slice(1).map((s) => html`<li>${s}</li>`)}
            </ol>
          </div>
        </section>
      `;
    }

    const paylater = p.family === 'paylater';
    const url = safeHttpUrl(p.redirectUrl);
    const waiting = html`${countdown}
      <p class="muted waiting"><span class="spinner" aria-hidden="true"></span>${t.waiting}</p>`;
    const link = (label: string) =>
      url
        ? html`<a class="button primary" href=${url} target="_blank" rel="noopener noreferrer">${label}</a>`
        : html`<p class="error" role="alert">${t.errorCodes.invalid_redirect}</p>`;

    if (p.family === 'card') {
      // The card is typed on the provider's page (PCI DSS SAQ A): this view only hands off and waits for the outcome.
      const provider = channelName(p.provider);
      return html`
        <section class="stack" aria-labelledby="title">
          <div class="head">${mark('card')}<h2 id="title" tabindex="-1">${t.card.title}</h2></div>
          ${total}
          <p>${t.card.note(provider)}</p>
          ${link(t.card.button(provider))}
          <p class="muted">${t.card.secure}</p>
          ${waiting}
        </section>
      `;
    }
    return html`
      <section class="stack" aria-labelledby="title">
        <div class="head">${mark(channel)}<h2 id="title" tabindex="-1">${paylater ? t.approvalTitle : t.redirectTitle(name)}</h2></div>
        ${total}
        <p>${paylater ? t.approvalNote : t.redirectNote}</p>
        ${link(paylater ? t.approvalButton : t.redirectButton(name))}
        ${waiting}
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'bayar-handoff-view': BayarHandoffView;
  }
}
