/**
 * What <bayar-checkout> shows once a payment exists: the view for its kind (VA, QRIS, e-wallet hand-off, store code,
 * PayLater approval) with "I have paid — check status" and "Cancel" under every waiting view, or the outcome panel.
 * Part of the views' chunk, so the first load carries only the method list.
 */
import { html, nothing } from 'lit';
import type { InstallmentOption, Payment, PaymentMethod } from '../../server/api-types.js';
import type { Translation } from '../i18n/localize.js';
import type { Clock } from '../internal/clock.js';
import type { InstallmentOptionsEvents } from '../installment-options/installment-options.js';
import type { QrisViewEvents } from '../qris-view/qris-view.js';
import type { WalletPhoneEvents } from '../wallet-view/wallet-phone.js';

/** What the checkout hands its payment view. */
export interface PaymentViewState {
  payment: Payment;
  clock?: Clock;
  locale: string;
  uiMode: string;
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
      @qr-error=${(e: CustomEvent<QrisViewEvents['qr-error']>) => s.on.error(e.detail.code, e.detail.message)}
    ></bayar-qris-view>`;
  if (p.family === 'ewallet')
    return html`<bayar-wallet-view class="view" exportparts="qr, countdown, instructions" .payment=${p} .clock=${s.clock} locale=${s.locale} ui-mode=${s.uiMode} @expire=${s.on.expire}></bayar-wallet-view>`;
  return html`<bayar-handoff-view class="view" exportparts="payment-code, copy-button, countdown, instructions" .payment=${p} .clock=${s.clock} locale=${s.locale} @expire=${s.on.expire}></bayar-handoff-view>`;
};

/** What the checkout hands the picker's extras (PayLater plans, the OVO phone number). */
export interface PickerExtrasState {
  method: PaymentMethod | undefined;
  options: InstallmentOption[] | null;
  installment: string;
  phone: string;
  locale: string;
  on: { installment(id: string): void; phone(normalised: string): void };
}

/** Below the method list, what the chosen method needs before it can be created. */
export const pickerExtras = (s: PickerExtrasState) => {
  if (s.method?.family === 'paylater')
    return html`<bayar-installment-options
      exportparts="installment"
      .options=${s.options}
      .value=${s.installment}
      locale=${s.locale}
      @change=${(e: CustomEvent<InstallmentOptionsEvents['change']>) => s.on.installment(e.detail)}
    ></bayar-installment-options>`;
  // OVO approves by a push to the app on the payer's number, so it needs that number before anything is created.
  if (s.method?.id === 'ewallet:ovo')
    return html`<bayar-wallet-phone wallet=${s.method.label} .value=${s.phone} locale=${s.locale} @change=${(e: CustomEvent<WalletPhoneEvents['change']>) => s.on.phone(e.detail)}></bayar-wallet-phone>`;
  return nothing;
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
