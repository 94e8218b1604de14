import type { Payment, PaymentMethod } from '../../server/api-types.js';

/** Details of the public events (contract.md §2). */
export interface BayarReadyDetail {
  methods: PaymentMethod[];
}
export interface BayarMethodSelectDetail {
  method: PaymentMethod;
}
export interface BayarPaymentDetail {
  payment: Payment;
}
export interface BayarErrorDetail {
  /** The server's error code, or a client code: `network_error`, `invalid_response`, `invalid_config`, `invalid_qris`, `invalid_redirect`. */
  code: string;
  message: string;
}

/**
 * Every event `<bayar-checkout>` fires: `CustomEvent`s that bubble and are composed, each once per transition.
 * Merged into `HTMLElementEventMap`, so `el.addEventListener('bayar-payment-paid', (e) => e.detail.payment)` is typed.
 */
export interface BayarEventMap {
  'bayar-ready': CustomEvent<BayarReadyDetail>;
  'bayar-method-select': CustomEvent<BayarMethodSelectDetail>;
  'bayar-payment-pending': CustomEvent<BayarPaymentDetail>;
  'bayar-payment-paid': CustomEvent<BayarPaymentDetail>;
  'bayar-payment-expired': CustomEvent<BayarPaymentDetail>;
  'bayar-payment-cancelled': CustomEvent<BayarPaymentDetail>;
  'bayar-payment-failed': CustomEvent<BayarPaymentDetail>;
  'bayar-error': CustomEvent<BayarErrorDetail>;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends BayarEventMap {}
}
