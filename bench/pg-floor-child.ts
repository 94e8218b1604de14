/**
 * The ceiling for PostgreSQL webhook ingestion on this machine (bench/lib/postgres.ts): a bare node:http server
 * doing only the work a durable Doku webhook cannot do without, on the same PostgreSQL server and the same
 * seeded rows as the companion. Per notification: read the body, verify its signature with the same Doku adapter,
 * then — group-committed like the companion, the notifications of one event-loop turn together, at most two
 * batches in flight — one autocommit statement that records the event in the inbox, marks the payment paid
 * (guarded on pending) and appends its history row, and the answer only after that commit. No Express, no
 * middleware, no read before the write, no planning in JavaScript, no notifications: one round trip per batch,
 * the fewest a durable PostgreSQL write can take. Whatever it reaches, a companion on PostgreSQL cannot exceed.
 *
 * IPC as bench/server-child.ts: → { type: 'ready', url }; ← { id, cmd: 'stop' }.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { buffer } from 'node:stream/consumers';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { loadConfig, type ProviderCredentials } from '../server/config.js';
import { systemClock } from '../server/lib/clock.js';
import { providerFactories } from '../server/providers/index.js';
import type { PaymentProvider, ProviderContext } from '../server/providers/types.js';

const url = new URL(process.env.BAYAR_DB ?? '');
const poolMax = Number(url.searchParams.get('pool_max') ?? 10);
url.searchParams.delete('pool_max');
const pool = new pg.Pool({ connectionString: url.toString(), max: poolMax });
pool.on('error', () => undefined);

const config = loadConfig({ BAYAR_MODE: 'sandbox', LOG_LEVEL: 'silent' });
const ctx: ProviderContext = {
  http: { request: () => Promise.reject(new Error('the ceiling makes no provider calls')) },
  clock: systemClock,
  timeouts: { create: 1, status: 1, cancel: 1, refund: 1 },
};
const doku = (providerFactories.doku as (c: unknown, ctx: ProviderContext) => PaymentProvider)(
  { ...config.providers.doku, baseUrl: 'http://127.0.0.1:9/emulators/doku' } as NonNullable<ProviderCredentials['doku']>,
  ctx,
);

interface Pending {
  reference: string;
  eventId: string;
  payload: string;
  at: string;
  done: (err?: unknown) => void;
}

const MAX_BATCHES = 2;
let queued: Pending[] = [];
let inFlight = 0;
let scheduled = false;

const WRITE = `WITH v AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS v(reference, event_id, payload, at)
), ins AS (
  INSERT INTO provider_events (provider, event_id, payment_id, outcome, payload, received_at)
  SELECT 'doku', v.event_id, p.id, 'applied', v.payload, v.at FROM v JOIN payments p ON p.provider = 'doku' AND p.reference = v.reference
  ON CONFLICT DO NOTHING RETURNING payment_id, received_at
), u AS (
  UPDATE payments p SET status = 'paid', paid_at = ins.received_at, updated_at = ins.received_at
  FROM ins WHERE p.id = ins.payment_id AND p.status = 'pending' RETURNING p.*
), h AS (
  INSERT INTO payment_history (payment_id, status, reason, source, snapshot, at)
  SELECT u.id, 'paid', 'provider:SUCCESS', 'webhook:doku', row_to_json(u)::text, u.updated_at FROM u RETURNING 1
)
SELECT (SELECT COUNT(*) FROM ins) AS events, (SELECT COUNT(*) FROM h) AS history`;

function pump() {
  if (scheduled || inFlight >= MAX_BATCHES || queued.length === 0) return;
  scheduled = true;
  setImmediate(() => {
    scheduled = false;
    if (inFlight >= MAX_BATCHES) return;
    const batch = queued.splice(0, 200);
    if (batch.length === 0) return;
    inFlight++;
    pool
      .query({ name: 'floor_write', text: WRITE, values: [batch.map((b) => b.reference), batch.map((b) => b.eventId), batch.map((b) => b.payload), batch.map((b) => b.at)] })
      .then(
        () => batch.forEach((b) => b.done()),
        (err: unknown) => batch.forEach((b) => b.done(err)),
      )
      .finally(() => {
        inFlight--;
        pump();
      });
    pump();
  });
}

function write(p: Omit<Pending, 'done'>): Promise<void> {
  return new Promise((resolve, reject) => {
    queued.push({ ...p, done: (err) => (err ? reject(err) : resolve()) });
    pump();
  });
}

function json(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  if (req.method !== 'POST' || req.url !== '/webhooks/doku') return json(res, 404, { error: { code: 'not_found', message: 'not found' } });
  const rawBody = await buffer(req);
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  const verified = doku.verifyWebhook({ headers, rawBody, path: '/webhooks/doku', receivedAt: new Date() });
  const payload = rawBody.toString('utf8');
  const at = new Date().toISOString();
  await Promise.all(verified.events.map((ev) => write({ reference: ev.reference ?? '', eventId: ev.eventId, payload, at })));
  json(res, verified.ack.status, verified.ack.body);
}

const server = createServer((req, res) => {
  handle(req, res).catch((err: Error) => json(res, 500, { error: { code: 'internal_error', message: err.message } }));
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}` });
});
process.on('message', async (raw) => {
  const msg = raw as { id: number; cmd: string };
  if (msg.cmd === 'stop') {
    server.close();
    server.closeAllConnections();
    await pool.end().catch(() => undefined);
    process.send?.({ id: msg.id, result: 'stopped' }, () => process.exit(0));
  } else process.send?.({ id: msg.id, error: `unknown command ${msg.cmd}` });
});
process.on('disconnect', () => process.exit(0));
