// Receiving Bayar's merchant notifications (BAYAR_NOTIFY_URL): verify the signature on the raw body, drop
// duplicates, act, answer 2xx fast. Bayar retries with backoff until it gets a 2xx, so the same notification
// can arrive more than once; per payment they arrive in order.
//
//   PORT=4000 node docs/examples/notification-receiver.mjs   # then BAYAR_NOTIFY_URL=http://127.0.0.1:4000/bayar/notifications
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

const BAYAR_MERCHANT_KEY = process.env.BAYAR_MERCHANT_KEY ?? 'sandbox-merchant-key-not-secret';

/**
 * `Bayar-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed by BAYAR_MERCHANT_KEY>`.
 * Each delivery attempt is signed afresh, so a tight window (5 minutes) rejects replays without losing retries.
 */
export function verifyBayarSignature(rawBody, header, key = BAYAR_MERCHANT_KEY, now = Date.now(), toleranceSeconds = 300) {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return false;
  const t = Number(m[1]);
  if (Math.abs(now / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', key).update(`${t}.`).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(m[2], 'hex'), expected);
}

/** Your order logic. `seen` stands in for a unique key in your database. */
const seen = new Set();
function handle(notification) {
  const { type, payment } = notification;
  const key =
    type === 'payment.refund' ? `refund:${notification.refund.id}` : type === 'link.completed' ? `link:${notification.link.id}` : `status:${payment.id}:${payment.status}`;
  if (seen.has(key)) return 'duplicate';
  seen.add(key);
  // Check the order, not just the status: the payment must be for this order and its full amount.
  // if (type === 'payment.status' && payment.status === 'paid' && payment.amount === order.amount) fulfil(order);
  console.log(JSON.stringify({ verified: true, type, paymentId: payment.id, orderId: payment.orderId, status: payment.status, amount: payment.amount, refund: notification.refund?.amount }));
  return 'handled';
}

export function createReceiver() {
  return createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/bayar/notifications') return res.writeHead(404).end();
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      // The raw bytes, exactly as sent: parsing and re-serialising would change what was signed.
      const raw = Buffer.concat(chunks);
      if (!verifyBayarSignature(raw, req.headers['bayar-signature'])) {
        console.log(JSON.stringify({ verified: false }));
        return res.writeHead(401).end('bad signature');
      }
      const outcome = handle(JSON.parse(raw.toString('utf8')));
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ received: true, outcome }));
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = createReceiver().listen(Number(process.env.PORT ?? 4000), '127.0.0.1', () => {
    console.log(`listening on http://127.0.0.1:${server.address().port}/bayar/notifications`);
  });
}
