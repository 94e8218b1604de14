/**
 * Lazily loaded part of the widget (see internal/lazy.ts): the payment views and their Bahasa Indonesia texts. In
 * dist/ this is chunks/views-*.js; tests import it directly.
 */
import { BayarHandoffView } from './handoff-view/handoff-view.js';
import { idViews } from './i18n/id-views.js';
import { addViewTexts } from './i18n/localize.js';
import { BayarInstallmentOptions } from './installment-options/installment-options.js';
import { defineElements } from './internal/define.js';
import { BayarQrisView } from './qris-view/qris-view.js';
import { BayarStatusView } from './status-view/status-view.js';
import { BayarVaView } from './va-view/va-view.js';
import { BayarWalletPhone } from './wallet-view/wallet-phone.js';
import { BayarWalletView } from './wallet-view/wallet-view.js';

// Texts first: the elements defined next render with them from their first update.
addViewTexts(idViews);

defineElements([
  ['bayar-va-view', BayarVaView],
  ['bayar-qris-view', BayarQrisView],
  ['bayar-handoff-view', BayarHandoffView],
  ['bayar-installment-options', BayarInstallmentOptions],
  ['bayar-status-view', BayarStatusView],
  ['bayar-wallet-view', BayarWalletView],
  ['bayar-wallet-phone', BayarWalletPhone],
]);

export { paymentView, pickerExtras } from './checkout/payment-view.js';
// The checkout follows a payment's status only once there is one: its controller travels with the views.
export { PaymentStatusController } from './controllers/payment-status.js';
export { BayarHandoffView, BayarInstallmentOptions, BayarQrisView, BayarStatusView, BayarVaView, BayarWalletPhone, BayarWalletView };
