/**
 * Lazily loaded part of the widget (see internal/lazy.ts): registers the payment views. In dist/ this is
 * chunks/views-*.js; tests import it directly.
 */
import { BayarHandoffView } from './handoff-view/handoff-view.js';
import { BayarInstallmentOptions } from './installment-options/installment-options.js';
import { defineElements } from './internal/define.js';
import { BayarQrisView } from './qris-view/qris-view.js';
import { BayarStatusView } from './status-view/status-view.js';
import { BayarVaView } from './va-view/va-view.js';

defineElements([
  ['bayar-va-view', BayarVaView],
  ['bayar-qris-view', BayarQrisView],
  ['bayar-handoff-view', BayarHandoffView],
  ['bayar-installment-options', BayarInstallmentOptions],
  ['bayar-status-view', BayarStatusView],
]);

export { BayarHandoffView, BayarInstallmentOptions, BayarQrisView, BayarStatusView, BayarVaView };
