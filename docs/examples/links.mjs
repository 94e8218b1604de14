// Payment links from your backend: a donation link with an amount the customer chooses, valid for a week;
// then the links still taking payments, and one link with its payments.
//
//   BAYAR_URL=http://127.0.0.1:8787 node docs/examples/links.mjs
import { pathToFileURL } from 'node:url';

const BAYAR_URL = process.env.BAYAR_URL ?? 'http://127.0.0.1:8787';
// A server-side secret: never send it to a browser.
const BAYAR_MERCHANT_KEY = process.env.BAYAR_MERCHANT_KEY ?? 'sandbox-merchant-key-not-secret';

async function bayar(method, path, body, headers = {}) {
  const res = await fetch(`${BAYAR_URL}${path}`, {
    method,
    headers: { Authorization: `Bearer ${BAYAR_MERCHANT_KEY}`, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(10_000),
  });
  const answer = await res.json();
  if (!res.ok) throw new Error(`Bayar refused ${method} ${path} (${res.status} ${answer.error?.code}): ${answer.error?.message}`);
  return answer;
}

/** POST /api/links → { link }. Amounts are integer rupiah; give amount, items, or openAmount. */
export const createLink = (link, idempotencyKey) => bayar('POST', '/api/links', link, idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {});
/** GET /api/links → { links, next }; pass `next` back as cursor for the next page. */
export const listLinks = (query = {}) => bayar('GET', `/api/links?${new URLSearchParams(query)}`);
/** GET /api/links/:id → { link, payments }. */
export const getLink = (id) => bayar('GET', `/api/links/${encodeURIComponent(id)}`);
/** POST /api/links/:id/disable → { link }: the page answers 410 from now on; pending payments stay payable. */
export const disableLink = (id) => bayar('POST', `/api/links/${encodeURIComponent(id)}/disable`);

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { link } = await createLink({
    description: 'Donasi renovasi musala Al-Ikhlas',
    openAmount: { min: 10_000, max: 5_000_000 },
    maxPayments: 500,
    expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
  });
  console.log(JSON.stringify({ id: link.id, url: link.url, whatsapp: link.share.whatsapp, status: link.status }));
  const active = await listLinks({ status: 'active', limit: 50 });
  console.log(JSON.stringify({ active: active.links.length, next: active.next }));
  const { payments } = await getLink(link.id);
  console.log(JSON.stringify({ id: link.id, paidCount: link.paidCount, payments: payments.length }));
}
