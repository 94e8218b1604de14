// Demo page wiring: the sandbox panel and the event log. No inline script: the page runs under a strict CSP.
const checkout = document.querySelector('bayar-checkout');
const log = document.getElementById('event-log');
const payBtn = document.getElementById('sim-pay');
const expireBtn = document.getElementById('sim-expire');
const paymentIdEl = document.getElementById('payment-id');
const lang = document.getElementById('lang');
let current = null;

lang.value = lang.dataset.current;
lang.addEventListener('change', () => {
  checkout.setAttribute('locale', lang.value);
  document.documentElement.lang = lang.value;
});

const EVENTS = ['bayar-ready', 'bayar-method-select', 'bayar-payment-pending', 'bayar-payment-paid', 'bayar-payment-expired',
  'bayar-payment-cancelled', 'bayar-payment-failed', 'bayar-error'];
for (const type of EVENTS) {
  checkout.addEventListener(type, (e) => {
    const li = document.createElement('li');
    const d = e.detail || {};
    const summary = d.payment ? `${d.payment.method} ${d.payment.status} ${d.payment.id.slice(0, 12)}…`
      : d.method ? (d.method.id || d.method) : d.methods ? `${d.methods.length} methods` : d.code ? `${d.code}: ${d.message}` : '';
    li.textContent = `${new Date().toLocaleTimeString()} ${type} ${summary}`;
    li.dataset.event = type;
    log.prepend(li);
    if (d.payment) {
      current = d.payment;
      paymentIdEl.textContent = current.id;
      const pending = current.status === 'pending';
      payBtn.disabled = !pending;
      expireBtn.disabled = !pending;
    }
  });
}

async function simulate(action) {
  if (!current) return;
  payBtn.disabled = expireBtn.disabled = true;
  const res = await fetch(`/api/sandbox/payments/${encodeURIComponent(current.id)}/${action}`, { method: 'POST' });
  if (!res.ok) {
    const li = document.createElement('li');
    li.textContent = `sandbox ${action} failed: ${res.status} ${await res.text()}`;
    log.prepend(li);
  }
}
payBtn.addEventListener('click', () => simulate('pay'));
expireBtn.addEventListener('click', () => simulate('expire'));
