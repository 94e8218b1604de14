/**
 * The emulated GoPay deeplink page (what the `deeplink-redirect` action opens) and the QR images behind the
 * `generate-qr-code` actions. Plain HTML forms, no script and no style attributes.
 */
import qrcode from 'qrcode-generator';

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const idr = (n: number) =>
  new Intl.NumberFormat('id-ID', { style: 'currency', currency: 'IDR', maximumFractionDigits: 0 }).format(n);

const STYLE = `<style>
body{font-family:system-ui,sans-serif;background:#eef7f1;color:#1b1f24;margin:0;display:flex;justify-content:center}
main{background:#fff;margin:3rem 1rem;padding:2rem;border-radius:12px;max-width:24rem;width:100%;box-shadow:0 2px 12px #0002}
h1{font-size:1.1rem;margin:0 0 1rem}.amount{font-size:1.8rem;font-weight:700;margin:.5rem 0 1.5rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem;font-size:.9rem}dt{color:#5b6672}
form{display:inline}button{font:inherit;padding:.6rem 1.4rem;border-radius:8px;border:1px solid #00880d;margin:1rem .5rem 0 0;cursor:pointer}
.pay{background:#00880d;color:#fff}.cancel{background:#fff;color:#00880d}.note{color:#5b6672;font-size:.8rem;margin-top:1.5rem}
</style>`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>${STYLE}</head><body><main>${body}</main></body></html>`;
}

export interface DeeplinkView {
  transactionId: string;
  orderId: string;
  merchant: string;
  amount: number;
  status: string;
}

export function deeplinkPage(v: DeeplinkView): string {
  const actions =
    v.status === 'pending'
      ? `<form method="post" action="deeplink/pay"><button class="pay" type="submit">Pay</button></form>
<form method="post" action="deeplink/cancel"><button class="cancel" type="submit">Cancel</button></form>`
      : `<p>This transaction is <strong>${escapeHtml(v.status)}</strong>; there is nothing left to approve.</p>`;
  return page(
    'GoPay',
    `<h1>GoPay · ${escapeHtml(v.merchant)}</h1>
<div class="amount">${escapeHtml(idr(v.amount))}</div>
<dl><dt>Order</dt><dd>${escapeHtml(v.orderId)}</dd><dt>Transaction</dt><dd>${escapeHtml(v.transactionId)}</dd></dl>
${actions}
<p class="note">Midtrans sandbox GoPay approval, emulated by Bayar. No money moves.</p>`,
  );
}

export function resultPage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}

/** The QR behind a `generate-qr-code` action, as SVG (Midtrans serves an image; the format is ours). */
export function qrSvg(payload: string): string {
  const qr = qrcode(0, 'M');
  qr.addData(payload);
  qr.make();
  return qr.createSvgTag({ cellSize: 4, margin: 4, scalable: true });
}
