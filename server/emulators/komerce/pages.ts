/**
 * The emulated Komerce payment page (`payment_url` of a create answer; the real one lives at
 * pay-sandbox.komerce.id/{token} and has a "Simulate Payment" button, providers.md §3.1). Plain HTML forms,
 * no script and no inline style attributes, so it works under a strict Content-Security-Policy.
 */
import { escapeHtml as esc, htmlPage, idr } from '../shared/html.js';
import type { KomPayment } from './state.js';

const STATUS_TEXT: Record<KomPayment['status'], string> = {
  PENDING: 'Waiting for payment',
  PAID: 'Paid',
  EXPIRED: 'Expired',
  CANCELED: 'Cancelled',
};

const STYLE = `
  body { font-family: system-ui, sans-serif; background: #f4f5f7; margin: 0; padding: 2rem 1rem; color: #1f2933; }
  main { max-width: 28rem; margin: 0 auto; background: #fff; border-radius: 12px; padding: 1.5rem; box-shadow: 0 1px 4px rgba(0,0,0,.08); }
  h1 { font-size: 1.1rem; margin: 0 0 .25rem; }
  .sandbox { color: #b45309; font-size: .85rem; margin: 0 0 1rem; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: .4rem 1rem; margin: 0 0 1.25rem; }
  dt { color: #616e7c; }
  dd { margin: 0; font-weight: 600; word-break: break-all; }
  .actions { display: flex; gap: .75rem; }
  button { font: inherit; padding: .6rem 1.2rem; border-radius: 8px; border: 1px solid #cbd2d9; background: #fff; cursor: pointer; }
  button.pay { background: #0b7a3e; border-color: #0b7a3e; color: #fff; }
  .final { padding: .75rem; border-radius: 8px; background: #eef2f7; }
`;

export function renderPaymentPage(p: KomPayment, merchant: string): string {
  const rows: Array<[string, string]> = [
    ['Merchant', merchant],
    ['Order', p.request.orderId],
    ['Amount', idr(p.request.amount)],
    ['Method', p.request.paymentType === 'qris' ? 'QRIS' : `Virtual Account ${p.request.channelCode}`],
  ];
  if (p.vaNumber) rows.push(['VA number', p.vaNumber]);
  if (p.qrString) rows.push(['QRIS payload', p.qrString]);
  rows.push(['Expires', p.expiresAt.toISOString()], ['Status', STATUS_TEXT[p.status]]);
  // Relative form actions: the page is served under the router's mount point, whatever host it is reached on.
  const action = (verb: string) => `${encodeURIComponent(p.paymentId)}/${verb}`;
  const actions =
    p.status === 'PENDING'
      ? `<div class="actions">
      <form method="post" action="${esc(action('pay'))}"><button class="pay" type="submit">Pay ${esc(idr(p.request.amount))}</button></form>
      <form method="post" action="${esc(action('cancel'))}"><button type="submit">Cancel</button></form>
    </div>`
      : `<p class="final" role="status">This payment is ${esc(STATUS_TEXT[p.status].toLowerCase())}.</p>`;
  return page(
    `Komerce payment ${p.paymentId}`,
    `<h1>Komerce Payment</h1>
    <p class="sandbox">Sandbox emulator: no real money moves.</p>
    <dl>${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
    ${actions}`,
  );
}

export function renderNotFound(paymentId: string): string {
  return page('Payment not found', `<h1>Payment not found</h1><p>No payment ${esc(paymentId)} exists in this emulator.</p>`);
}

function page(title: string, body: string): string {
  return htmlPage({ title, style: STYLE, body });
}
