/**
 * Bayar widget entry (dist/bayar.mjs; dist/bayar.js loads it from a classic script): registers the elements
 * (guarded) and re-exports the public types. The elements that show a payment live in ./views.ts, a chunk loaded
 * when the method list is on screen; the QR encoder is a further chunk loaded only when a QRIS code is shown.
 */
import { BayarCheckout } from './checkout/checkout.js';
import { defineElements } from './internal/define.js';
import { loadViews } from './internal/lazy.js';
import { BayarMethodPicker } from './method-picker/method-picker.js';

defineElements([
  ['bayar-method-picker', BayarMethodPicker],
  ['bayar-checkout', BayarCheckout],
]);

export { BayarCheckout, BayarMethodPicker, loadViews };
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
