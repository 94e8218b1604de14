/**
 * What <bayar-checkout> shows once a payment exists: the view for its kind (VA, QRIS, e-wallet hand-off, store code,
 * PayLater approval) with "I have paid — check status" and "Cancel" under every waiting view, or the outcome panel.
 * Part of the views' chunk, so the first load carries only the method list.
 */
import { html, nothing } from 'lit';
import type { Payment } from '../../server/api-types.js';
import type { Translation } from '../i18n/localize.js';
import type { Clock } from '../internal/clock.js';

/** What the checkout hands its payment view. */
export interface PaymentViewState {
  payment: Payment;
  clock?: Clock;
  locale: string;
  t: Translation;
  busy: boolean;
  /** The last "check status" answer while still pending. */
  checkNote: 'stillPending' | 'tooSoon' | '';
  on: {
    expire(): void;
    renew(): void;
    retry(): void;
    check(): void;
    cancel(): void;
    error(code: string, message: string): void;
  };
}

const waitingView = (s: PaymentViewState) => {
  const p = s.payment;
  if (p.va)
    return html`<bayar-va-view class="view" exportparts="va-number, copy-button, countdown, instructions" .payment=${p} .clock=${s.clock} locale=${s.locale} @expire=${s.on.expire}></bayar-va-view>`;
  if (p.qris)
    return html`<bayar-qris-view
      class="view"
      exportparts="qr, countdown"
      .payment=${p}
      .clock=${s.clock}
      locale=${s.locale}
      @expire=${s.on.expire}
      @renew=${s.on.renew}
      @qr-error=${(e: CustomEvent<{ code: string; message: string }>) => s.on.error(e.detail.code, e.detail.message)}
    ></bayar-qris-view>`;
  return html`<bayar-handoff-view class="view" exportparts="payment-code, copy-button, countdown, instructions" .payment=${p} .clock=${s.clock} locale=${s.locale} @expire=${s.on.expire}></bayar-handoff-view>`;
};

export const paymentView = (s: PaymentViewState) => {
  const t = s.t;
  if (s.payment.status !== 'pending')
    return html`<bayar-status-view
      class="view"
      exportparts="status"
      .payment=${s.payment}
      locale=${s.locale}
      @retry=${s.on.retry}
      @renew=${s.on.renew}
    ></bayar-status-view>`;
  return html`${waitingView(s)}
    <div class="actions">
      <button type="button" class="check" ?disabled=${s.busy} @click=${s.on.check}>${t.check.button}</button>
      <p class="muted" role="status">${s.checkNote ? t.check[s.checkNote] : nothing}</p>
      <button type="button" class="link" ?disabled=${s.busy} @click=${s.on.cancel}>${t.cancel}</button>
    </div>`;
};
