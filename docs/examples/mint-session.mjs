// Your backend, not the page: mint a checkout session for an order, then render the element with it.
// The page never states the amount; the session (signed with your merchant key) does.
//
//   BAYAR_URL=http://127.0.0.1:8787 node docs/examples/mint-session.mjs ORDER-1001 150000
import { pathToFileURL } from 'node:url';

const BAYAR_URL = process.env.BAYAR_URL ?? 'http://127.0.0.1:8787';
// A server-side secret: it signs sessions and opens the merchant API. Never send it to a browser.
const BAYAR_MERCHANT_KEY = process.env.BAYAR_MERCHANT_KEY ?? 'sandbox-merchant-key-not-secret';

/** POST /api/sessions → { session, expiresAt }. Amounts are integer rupiah. */
export async function createCheckoutSession(order) {
  const res = await fetch(`${BAYAR_URL}/api/sessions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${BAYAR_MERCHANT_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(order),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await res.json();
  if (res.status !== 201) throw new Error(`Bayar refused the session (${res.status} ${body.error?.code}): ${body.error?.message}`);
  return body;
}

const escapeAttr = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The markup for your checkout page. */
export function checkoutHtml(session, bayarUrl = BAYAR_URL) {
  const server = escapeAttr(bayarUrl);
  return `<script src="${server}/bayar.js" defer></script>\n<bayar-checkout server="${server}" session="${escapeAttr(session)}"></bayar-checkout>`;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [orderId = `ORDER-${Date.now()}`, amount = '150000'] = process.argv.slice(2);
  const { session, expiresAt } = await createCheckoutSession({
    orderId,
    amount: Number(amount),
    // Optional, but PayLater providers want the lines (their prices must add up to the amount).
    items: [{ sku: 'KOPI-GAYO-250', name: 'Kopi Arabika Gayo 250 g', price: Number(amount), quantity: 1 }],
    customer: { name: 'Siti Rahayu', email: 'siti@example.com', phone: '081234567890' },
    expiresIn: 3600,
  });
  console.log(JSON.stringify({ orderId, session, expiresAt, html: checkoutHtml(session) }, null, 2));
}
