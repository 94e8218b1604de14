/**
 * The emulated Doku hosted payment page (`/checkout-link-v2/{token_id}`): merchant, amount, the allowed method
 * types, and plain POST forms to pay or cancel. No scripts and no style attributes, so it renders under a strict
 * CSP; a single <style> block is allowed.
 */
import { buildDynamicQris } from '../../lib/qris.js';
import { escapeHtml as esc, htmlPage, idr } from '../shared/html.js';
import type { CheckoutSession } from './state.js';

const LABELS: Record<string, string> = {
  QRIS: 'QRIS',
  EMONEY_DANA: 'DANA',
  EMONEY_OVO: 'OVO',
  EMONEY_SHOPEE_PAY: 'ShopeePay',
  EMONEY_LINKAJA: 'LinkAja',
  ONLINE_TO_OFFLINE_ALFA: 'Alfamart / Alfamidi',
  ONLINE_TO_OFFLINE_INDOMARET: 'Indomaret',
};
export const methodLabel = (t: string) =>
  LABELS[t] ?? (t.startsWith('VIRTUAL_ACCOUNT_') ? `Virtual Account ${t.slice('VIRTUAL_ACCOUNT_'.length).replace(/^BANK_/, '').replace(/_/g, ' ')}` : t);

const STYLE = `
body{font-family:system-ui,sans-serif;background:#f4f6f8;color:#1d2433;margin:0;padding:2rem}
main{max-width:28rem;margin:auto;background:#fff;border-radius:8px;padding:1.5rem;box-shadow:0 1px 3px #0002}
h1{font-size:1.1rem;margin:0 0 .25rem}.amount{font-size:1.6rem;font-weight:700;margin:.5rem 0 1rem}
fieldset{border:1px solid #d0d5dd;border-radius:6px;margin:0 0 1rem}label{display:block;padding:.3rem 0}
button{font:inherit;padding:.6rem 1.2rem;border-radius:6px;border:0;background:#e1251b;color:#fff;cursor:pointer}
button.secondary{background:#667085}.row{display:flex;gap:.5rem}.note{color:#667085;font-size:.85rem}
code{word-break:break-all;font-size:.75rem}
`;

const page = (title: string, body: string) => htmlPage({ title, style: STYLE, body, lang: 'id' });

const TITLE = 'DOKU Checkout (emulator)';

export function checkoutPage(s: CheckoutSession, merchantName: string): string {
  const summary = `<h1>${esc(merchantName)}</h1><div class="note">Invoice ${esc(s.invoiceNumber)}</div><div class="amount">${esc(idr(s.amount))}</div>`;
  if (s.status !== 'PENDING') {
    return page(TITLE, `${summary}<p>Status: <strong>${esc(s.status)}</strong></p>`);
  }
  const options = s.methodTypes
    .map((t, i) => `<label><input type="radio" name="method" value="${esc(t)}"${i === 0 ? ' checked' : ''}> ${esc(methodLabel(t))}</label>`)
    .join('');
  const qris = s.methodTypes.includes('QRIS')
    ? `<p class="note">QRIS payload for this order:</p><code>${esc(
        buildDynamicQris({
          merchantName,
          merchantCity: 'JAKARTA',
          amount: s.amount,
          acquirerDomain: 'ID.CO.DOKU.WWW',
          merchantPan: '936008990000000001',
          nmid: 'ID1020000000001',
          reference: s.invoiceNumber,
        }),
      )}</code>`
    : '';
  // Relative to /checkout-link-v2/{token}, so the page works behind any proxy prefix.
  const action = encodeURIComponent(s.tokenId);
  return page(
    TITLE,
    summary +
      `<form method="post" action="${esc(action)}/pay"><fieldset><legend>Metode pembayaran</legend>${options}</fieldset>${qris}` +
      `<p class="note">Pay before ${esc(s.expiresAt.toISOString())}</p><div class="row"><button type="submit">Pay</button></div></form>` +
      `<form method="post" action="${esc(action)}/cancel"><div class="row"><button class="secondary" type="submit">Cancel</button></div></form>`,
  );
}

export function resultPage(title: string, detail: string): string {
  return page(title, `<h1>${esc(title)}</h1><p>${esc(detail)}</p>`);
}
