/**
 * The emulated Indodana approval page: merchant, amount, chosen plan, and Approve / Reject as plain POST forms.
 * No scripts and no style attributes (strict CSP); one <style> block.
 */
import { escapeHtml as esc, htmlPage, idr } from '../shared/html.js';
import { PLANS, quote, type Transaction } from './state.js';

const STYLE = `
body{font-family:system-ui,sans-serif;background:#f2f7f6;color:#14302b;margin:0;padding:2rem}
main{max-width:28rem;margin:auto;background:#fff;border-radius:8px;padding:1.5rem;box-shadow:0 1px 3px #0002}
h1{font-size:1.1rem;margin:0 0 .25rem}.amount{font-size:1.6rem;font-weight:700;margin:.5rem 0}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem}dt{color:#5b6f6b}
button{font:inherit;padding:.6rem 1.2rem;border-radius:6px;border:0;background:#00a38c;color:#fff;cursor:pointer}
button.secondary{background:#8a9996}.row{display:flex;gap:.5rem;margin-top:1rem}
`;

const page = (title: string, body: string) => htmlPage({ title, style: STYLE, body, lang: 'id' });

export function approvalPage(t: Transaction): string {
  const head = `<h1>Indodana PayLater (emulator)</h1><div>${esc(t.sellerName)} · ${esc(t.merchantOrderId)}</div><div class="amount">${esc(idr(t.amount))}</div>`;
  if (t.status !== 'PENDING') return page('Indodana PayLater', `${head}<p>Status: <strong>${esc(t.status)}</strong></p>`);
  const plan = PLANS.find((p) => p.id === t.paymentType)!;
  const q = quote(t.amount, plan);
  const tenure = plan.id === '30_days' ? 'Bayar dalam 30 hari' : `${plan.months} bulan`;
  // Relative to /approval/{transactionId}, so the page works behind any proxy prefix.
  const action = encodeURIComponent(t.transactionId);
  return page(
    'Indodana PayLater',
    `${head}<dl><dt>Pelanggan</dt><dd>${esc(t.customerName)}</dd><dt>Tenor</dt><dd>${esc(tenure)}</dd>` +
      `<dt>Cicilan</dt><dd>${esc(idr(q.monthlyInstallment))}${plan.months > 1 ? ' / bulan' : ''}</dd><dt>Total</dt><dd>${esc(idr(q.installmentAmount))}</dd></dl>` +
      `<div class="row"><form method="post" action="${esc(action)}/approve"><button type="submit">Approve</button></form>` +
      `<form method="post" action="${esc(action)}/reject"><button class="secondary" type="submit">Reject</button></form></div>`,
  );
}

export function resultPage(title: string, detail: string): string {
  return page(title, `<h1>${esc(title)}</h1><p>${esc(detail)}</p>`);
}
