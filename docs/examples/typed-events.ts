// ES-module users: bayar.d.mts (next to bayar.mjs in dist/) types the elements, their events and the payment
// object. `import type` costs nothing at run time; the element registers itself when bayar.mjs loads.
import type { BayarCheckout, BayarErrorDetail, Payment, PaymentStatus } from './bayar.mjs';

const checkout: BayarCheckout | null = document.querySelector('bayar-checkout');

checkout?.addEventListener('bayar-payment-paid', (event) => {
  // event is CustomEvent<{ payment: Payment }>: BayarEventMap is merged into HTMLElementEventMap.
  const payment: Payment = event.detail.payment;
  const status: PaymentStatus = payment.status;
  window.location.assign(`/orders/${encodeURIComponent(payment.orderId)}/thanks?status=${status}&amount=${payment.amount}`);
});

checkout?.addEventListener('bayar-error', (event) => {
  const { code, message }: BayarErrorDetail = event.detail;
  console.warn(`Bayar: ${code}: ${message}`);
});

// The current payment, or null before one exists.
export const current = (): Payment | null => checkout?.payment ?? null;
