import { html, nothing } from 'lit';
import { property } from '../internal/decorators.js';
import type { Payment } from '../../server/api-types.js';
import { BayarElement } from '../internal/base.js';
import { formatIdr } from '../internal/format.js';
import { formatDeadline } from '../internal/view-format.js';
import { controls } from '../styles/controls.js';
import { tokens } from '../styles/tokens.js';
import { statusViewStyles } from './status-view.styles.js';

// The icons' strokes: constants only, never data from a payment.
const tick = 'M7 12.5l3.2 3.2L17 9';
const cross = 'M8.5 8.5l7 7M15.5 8.5l-7 7';
const clock = 'M12 7v5l3 2';

/**
 * @summary The outcome of a payment: paid (with amount and time), expired ("try again"; for QRIS "new QR" or another
 * method), cancelled (choose another method), failed (with the provider's reason when it gave one, e.g. a declined
 * card, and "choose another method"; without one, "try again") or refunded.
 *
 * @attr locale - `id` (default) or `en`.
 *
 * @fires retry - (internal) the customer wants to start over (not offered once paid).
 * @fires renew - (internal) the customer wants a new QR for the same method (an expired QRIS payment).
 *
 * @csspart status - the outcome panel.
 *
 * @cssprop [--bayar-color-primary=#1d4ed8] - the retry button.
 * @cssprop [--bayar-color-text=#0f172a] - text.
 * @cssprop [--bayar-color-muted=#475569] - secondary text.
 * @cssprop [--bayar-color-success=#15803d] - paid.
 * @cssprop [--bayar-color-danger=#b91c1c] - expired, cancelled, failed.
 * @cssprop [--bayar-radius=12px] - corner radius.
 * @cssprop [--bayar-font-family=system-ui, …] - font.
 * @cssprop [--bayar-space=16px] - spacing unit.
 */
/** What the outcome panel tells the checkout. */
export interface StatusViewEvents {
  retry: void;
  renew: void;
}

export class BayarStatusView extends BayarElement<StatusViewEvents> {
  static override styles = [tokens, controls, statusViewStyles];

  /** The payment in its final status. */
  @property({ attribute: false }) payment: Payment | null = null;

  protected override render() {
    const p = this.payment;
    if (!p || p.status === 'pending') return nothing;
    const t = this.t;
    const status = p.status;
    const good = status === 'paid' || status === 'refunded';
    // An expired QR is replaced by a new one in place; other methods go back to choosing.
    const renew = status === 'expired' && p.family === 'qris';
    // A declined payment says why and sends the customer to another method (a card may be chosen again).
    const reason = status === 'failed' && p.failureReason ? t.failureReasons[p.failureReason] : '';
    return html`
      <div part="status" class="status ${good ? 'good' : 'bad'}" data-status=${status}>
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
          <circle cx="12" cy="12" r="10" />
          <path d=${status === 'paid' ? tick : status === 'expired' ? clock : good ? tick : cross} />
        </svg>
        <h2 tabindex="-1">${t.status[status]}</h2>
        <p>${renew ? t.qrExpired : t.statusText[status]}</p>
        ${reason ? html`<p class="reason" data-reason=${p.failureReason!}>${reason}</p>` : nothing}
        <p class="amount">${formatIdr(p.amount)}</p>
        ${p.paidAt && good ? html`<p class="muted">${formatDeadline(p.paidAt, this.locale === 'en' ? 'en' : 'id')}</p>` : nothing}
        ${good
          ? nothing
          : renew
            ? html`<button type="button" class="primary" @click=${() => this.notify('renew')}>${t.newQr}</button>
                <button type="button" class="link" @click=${() => this.notify('retry')}>${t.changeMethod}</button>`
            : html`<button type="button" class="primary" @click=${() => this.notify('retry')}>
                ${status === 'cancelled' || reason ? t.changeMethod : t.tryAgain}
              </button>`}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'bayar-status-view': BayarStatusView;
  }
}
