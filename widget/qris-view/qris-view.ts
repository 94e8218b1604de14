import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from '../internal/decorators.js';
import { query } from '../internal/query.js';
import { qrisDrawable } from '../../server/lib/qris.js';
import type { Payment } from '../../server/api-types.js';
import { CountdownController, type CountdownEvents } from '../controllers/countdown.js';
import { BayarElement } from '../internal/base.js';
import { mark } from '../internal/brands.js';
import { formatIdr } from '../internal/format.js';
import { paintQr, readQr, symbolFor } from '../internal/qr-canvas.js';
import { countdownTemplate } from '../internal/templates.js';
import { controls } from '../styles/controls.js';
import { marks } from '../styles/marks.js';
import { tokens } from '../styles/tokens.js';
import { qrFrame, viewStyles } from '../styles/views.js';

/**
 * @summary QRIS payment: the QR of the server's `qrString` (drawn, after checking the payload's CRC, from the symbol
 * the companion encoded: the widget carries no QR encoder), the amount, a countdown to the absolute `expiresAt`, "Download QR", and a note that any QRIS app can pay. At
 * expiry the code is hidden for good and a "new QR" action is offered.
 *
 * @attr locale - `id` (default) or `en`.
 *
 * @fires renew - (internal) the customer asked for a new QR.
 * @fires expire - (internal) the local countdown reached `expiresAt`.
 * @fires qr-error - (internal) the payload or its symbol was refused; detail `{ code, message }`.
 *
 * @csspart qr - the QR canvas.
 * @csspart countdown - deadline and remaining time.
 *
 * @cssprop [--bayar-color-primary=#1d4ed8] - accent.
 * @cssprop [--bayar-color-text=#0f172a] - text.
 * @cssprop [--bayar-color-muted=#475569] - secondary text.
 * @cssprop [--bayar-color-background=#ffffff] - surfaces.
 * @cssprop [--bayar-color-border=#cbd5e1] - borders.
 * @cssprop [--bayar-color-danger=#b91c1c] - errors and the expired note.
 * @cssprop [--bayar-radius=12px] - corner radius.
 * @cssprop [--bayar-font-family=system-ui, …] - font.
 * @cssprop [--bayar-space=16px] - spacing unit.
 */
/** What the QRIS view tells the checkout. */
export interface QrisViewEvents extends CountdownEvents {
  renew: void;
  'qr-error': { code: string; message: string };
}

export class BayarQrisView extends BayarElement<QrisViewEvents> {
  static override styles = [tokens, controls, marks, viewStyles, qrFrame];

  /** The pending payment; must carry `qris.qrString` and its symbol `qris.qr`. */
  @property({ attribute: false }) payment: Payment | null = null;

  /** Why no code is shown: a refused payload (or symbol), or none. */
  @state() private problem: 'invalid' | null = null;
  /** The code expired: hidden for good for this payment. */
  @state() private gone = false;

  @query('canvas') private canvas?: HTMLCanvasElement | null;

  private paymentId?: string;
  private drawn?: string;

  private readonly countdown = new CountdownController(this, () => {
    this.gone = true;
    this.notify('expire');
  });

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('payment')) return;
    const p = this.payment;
    // Kept now: later status updates carry the payload without its symbol.
    if (p?.qris?.qrString) symbolFor(p.qris.qrString, p.qris.qr);
    if (p?.id !== this.paymentId) {
      this.paymentId = p?.id;
      this.gone = false;
      this.drawn = undefined;
      this.problem = null;
      // Drawn only if it is a well-formed QRIS with a correct CRC and, when dynamic, the payment's amount.
      if (p && !qrisDrawable(p.qris?.qrString ?? '', p.amount)) {
        this.problem = 'invalid';
        this.notify('qr-error', { code: 'invalid_qris', message: 'The QRIS payload failed its format or CRC check; it was not drawn.' });
      } else if (p && !readQr(symbolFor(p.qris!.qrString, p.qris!.qr))) {
        this.problem = 'invalid';
        this.notify('qr-error', { code: 'invalid_qris', message: 'The QR symbol sent with the payload is malformed; nothing was drawn.' });
      }
    }
    this.countdown.expiresAt = p?.expiresAt;
  }

  protected override updated(): void {
    const qris = this.payment?.qris;
    const canvas = this.canvas;
    if (!qris?.qrString || !canvas || this.drawn === qris.qrString) return;
    this.drawn = qris.qrString;
    paintQr(canvas, qris.qr, qris.qrString);
  }

  private download(): void {
    const canvas = this.canvas;
    if (!canvas?.dataset.drawn) return;
    const link = document.createElement('a');
    link.href = canvas.toDataURL('image/png');
    link.download = `qris-${(this.payment?.orderId ?? 'payment').replace(/[^\w-]+/g, '_')}.png`;
    link.click();
  }

  protected override render() {
    const p = this.payment;
    if (!p) return nothing;
    const t = this.t;
    const amount = formatIdr(p.amount);
    const renew = html`<button type="button" class="primary" @click=${() => this.notify('renew')}>${t.newQr}</button>`;
    let body;
    if (this.problem) {
      body = html`<p class="error" role="alert">${t.errorCodes.invalid_qris}</p>
        ${renew}`;
    } else if (this.gone || this.countdown.expired) {
      body = html`<p class="error">${t.qrExpired}</p>
        ${renew}`;
    } else {
      body = html`
        <div class="qr-frame"><canvas part="qr" role="img" aria-label=${t.qrAlt(amount)} width="264" height="264"></canvas></div>
        ${countdownTemplate(t, this.countdown, p.expiresAt, this.locale)}
        <button type="button" @click=${this.download}>${t.downloadQr}</button>
      `;
    }
    return html`
      <section class="stack" aria-labelledby="title">
        <div class="head">${mark('qris')}<h2 id="title" tabindex="-1">${t.qrisTitle}</h2></div>
        <div>
          <div class="muted">${t.total}</div>
          <div class="amount">${amount}</div>
        </div>
        ${body}
        <p class="muted">${t.qrisNote}</p>
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'bayar-qris-view': BayarQrisView;
  }
}
