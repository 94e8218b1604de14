// Progressive enhancement of the hosted payment-link page (everything works without it, except paying).
// Once the element confirms the payment, reload: the server then answers this checkout with its receipt.
const checkout = document.querySelector('bayar-checkout');
if (checkout) {
  checkout.addEventListener('bayar-payment-paid', () => setTimeout(() => location.reload(), 1500));
}
for (const button of document.querySelectorAll('[data-print]')) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}
