// Asks the shop's backend for a session for the cart and hands it to the element.
const checkout = document.querySelector('bayar-checkout');
const res = await fetch('/checkout/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cart: { 'KOPI-250': 1, TUMBLER: 1 } }) });
const { session, amount } = await res.json();
document.getElementById('total').textContent = `Total: Rp ${amount.toLocaleString('id-ID')}`;
checkout.setAttribute('session', session);
checkout.addEventListener('bayar-payment-paid', (e) => {
  document.getElementById('status').textContent = `Paid: ${e.detail.payment.id}`;
});
