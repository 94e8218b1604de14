// Demo page wiring: the language switch, the sandbox panel and the event log. No inline script: the page runs under
// a strict CSP (script-src 'self', Trusted Types), so this file only sets textContent and attributes.
const checkout = document.querySelector('bayar-checkout');
const log = document.getElementById('event-log');
const payBtn = document.getElementById('sim-pay');
const expireBtn = document.getElementById('sim-expire');
const paymentIdEl = document.getElementById('payment-id');
const lang = document.getElementById('lang');
const newOrder = document.getElementById('new-order');
let current = null;
let texts = null;

lang.value = lang.dataset.current;
lang.addEventListener('change', async () => {
  const locale = lang.value;
  // The widget switches live; the page's own texts follow, and the URL keeps the choice for a reload.
  checkout.setAttribute('locale', locale);
  document.documentElement.lang = locale;
  newOrder.href = `./?new=1&lang=${locale}`;
  history.replaceState(null, '', `./?lang=${locale}`);
  try {
    texts ??= await (await fetch('demo/texts.json')).json();
  } catch {
    return; // the page keeps its current texts; the widget has switched anyway
  }
  const t = texts[locale];
  if (lang.value !== locale || !t) return;
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = t[el.dataset.t] ?? el.textContent;
  for (const el of document.querySelectorAll('[data-t-label]')) el.setAttribute('aria-label', t[el.dataset.tLabel] ?? '');
});

const EVENTS = ['bayar-ready', 'bayar-method-select', 'bayar-payment-pending', 'bayar-payment-paid', 'bayar-payment-expired',
  'bayar-payment-cancelled', 'bayar-payment-failed', 'bayar-error'];

function logLine(text, type) {
  const li = document.createElement('li');
  const time = document.createElement('time');
  time.textContent = new Date().toLocaleTimeString();
  li.append(time, ` ${text}`);
  if (type) li.dataset.event = type;
  log.prepend(li);
}

function showPayment(payment) {
  current = payment;
  paymentIdEl.textContent = payment.id;
  payBtn.disabled = expireBtn.disabled = payment.status !== 'pending';
}

for (const type of EVENTS) {
  checkout.addEventListener(type, (e) => {
    const d = e.detail || {};
    const summary = d.payment ? `${d.payment.method} ${d.payment.status} ${d.payment.id.slice(0, 12)}…`
      : d.method ? (d.method.id || d.method) : d.methods ? `${d.methods.length} methods` : d.code ? `${d.code}: ${d.message}` : '';
    logLine(`${type} ${summary}`, type);
    if (d.payment) showPayment(d.payment);
  });
}

async function simulate(action) {
  if (!current) return;
  payBtn.disabled = expireBtn.disabled = true;
  try {
    const res = await fetch(`api/sandbox/payments/${encodeURIComponent(current.id)}/${action}`, { method: 'POST' });
    if (res.ok) return; // the widget hears the outcome from the companion, like on a real shop page
    logLine(`sandbox ${action} failed: ${res.status} ${await res.text()}`);
  } catch (err) {
    logLine(`sandbox ${action} failed: ${err.message}`);
  }
  // Nothing changed: the buttons work again for a payment that is still pending.
  payBtn.disabled = expireBtn.disabled = current.status !== 'pending';
}
payBtn.addEventListener('click', () => simulate('pay'));
expireBtn.addEventListener('click', () => simulate('expire'));
