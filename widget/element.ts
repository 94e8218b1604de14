/**
 * `bayar/widget`: the elements and their types, without registering anything. Importing it touches no `window`,
 * `document` or `customElements` (safe in server rendering); `bayar/widget/define` (./define.ts) registers.
 */
export { BayarCheckout } from './checkout/checkout.js';
export { BayarMethodPicker } from './method-picker/method-picker.js';
export { loadViews } from './internal/lazy.js';
export type { BayarHandoffView, BayarInstallmentOptions, BayarQrisView, BayarStatusView, BayarVaView } from './views.js';
export type {
  BayarErrorDetail,
  BayarEventMap,
  BayarMethodSelectDetail,
  BayarPaymentDetail,
  BayarReadyDetail,
} from './checkout/events.js';
export type { Locale, Translation } from './i18n/localize.js';
export type {
  InstallmentOption,
  MethodFamily,
  Payment,
  PaymentMethod,
  PaymentStatus,
} from '../server/api-types.js';
