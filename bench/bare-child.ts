/**
 * The practical ceiling for each benchmarked endpoint: a bare node:http server doing the same I/O-free work as
 * the companion (the same query/body validation, routing, adapters, signature check and JSON) but no
 * middleware, no ledger and no provider call. Run as its own process like the companion (see server-child.ts
 * for the IPC protocol: 'ready', 'mem', 'fanout', 'stop'; plus 'publish' { paymentId }, which sends a "paid"
 * event to that payment's streams, standing in for the companion's webhook).
 *
 * Its SSE streams are the minimum the companion's do: same headers, retry line, current status on open,
 * heartbeat timer, one emitter listener per stream.
 *
 * With BARE_LEDGER (a SQLite file) and KOMERCE_BASE_URL it is instead the floor under the companion's CPU per
 * create (bench/lib/create-cpu.ts): POST /api/payments then also does the create's I/O exactly as the companion
 * does it, through the same code: the ledger's two durable transactions (SqliteStore insertPayment and
 * attachProviderResult) around the provider's create over HTTP (the Komerce adapter and the same fetch client),
 * with no Express, middleware, idempotency, routing health, logs or metrics.
 * With BARE_LEDGER, POST /webhooks/doku also does the webhook's I/O as the companion does: the inbox lookup and the
 * durable transition through SqliteStore: the floor under the companion's webhook acknowledgement (bench/lib/sse.ts).
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { buffer } from 'node:stream/consumers';
import type { AddressInfo } from 'node:net';
import { PROVIDER_IDS, type MethodsResponse, type PaymentResponse, type ProviderId } from '../server/api-types.js';
import { loadConfig, type ProviderCredentials } from '../server/config.js';
import { AppError } from '../server/errors.js';
import { systemClock } from '../server/lib/clock.js';
import { createFetchClient } from '../server/lib/http.js';
import type { SqliteStore } from '../server/store/sqlite.js';
import { randomId } from '../server/lib/crypto.js';
import { candidatesFor, listMethods, parseMethodId } from '../server/domain/methods.js';
import { resolveOrder, type OrderInput } from '../server/domain/orders.js';
import { toPublicPayment, type PaymentRecord } from '../server/domain/payment-record.js';
import { providerReference } from '../server/domain/payment-service.js';
import { providerFactories } from '../server/providers/index.js';
import type { PaymentProvider, ProviderContext } from '../server/providers/types.js';
import { amount as amountSchema, createPaymentSchema } from '../server/routes/schemas.js';
import { parse } from '../server/routes/validate.js';
import { securityHeaders } from '../server/app.js';
import { recordHeaders } from '../server/routes/fast-path.js';
import { memory } from './lib/memory.js';

const config = loadConfig({ BAYAR_MODE: 'sandbox', LOG_LEVEL: 'silent' });
// Loaded only in that mode, so the other sections' ceiling carries no SQLite in its memory.
const ledger: SqliteStore | null = process.env.BARE_LEDGER ? new (await import('../server/store/sqlite.js')).SqliteStore(process.env.BARE_LEDGER) : null;
await ledger?.migrate();
const komerceUrl = process.env.KOMERCE_BASE_URL;
const ctx: ProviderContext = {
  http: ledger && komerceUrl ? createFetchClient() : { request: () => Promise.reject(new Error('the ceiling server makes no provider calls')) },
  clock: systemClock,
  // The companion's create timeout (app.ts DEFAULT_TIMEOUTS); nothing else is called.
  timeouts: { create: ledger && komerceUrl ? 15_000 : 1, status: 1, cancel: 1, refund: 1 },
};
const providers = new Map<ProviderId, PaymentProvider>();
for (const id of PROVIDER_IDS) {
  const c = config.providers[id];
  if (!c) continue;
  const baseUrl = id === 'komerce' && komerceUrl && ledger ? komerceUrl : `http://127.0.0.1:9/emulators/${id}`;
  const creds = { ...c, baseUrl } as NonNullable<ProviderCredentials[typeof id]>;
  providers.set(id, (providerFactories[id] as (c: unknown, ctx: ProviderContext) => PaymentProvider)(creds, ctx));
}
const router = { routes: config.routes, get: (id: ProviderId) => providers.get(id) };
const sources = { merchantKey: config.merchantKey, allowUnsigned: config.allowUnsigned, catalog: config.catalog, clock: systemClock };
const doku = providers.get('doku')!;

function json(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const bus = new EventEmitter();
bus.setMaxListeners(0);
let streams = 0;
let lastFanout: { ms: number; streams: number; status: string } | null = null;

const snapshot = (paymentId: string, status: string) =>
  JSON.stringify({ id: paymentId, orderId: 'SSE', method: 'ewallet:dana', family: 'ewallet', provider: 'doku', amount: 75_000, currency: 'IDR', status, createdAt: new Date().toISOString(), expiresAt: new Date().toISOString() });

function events(req: IncomingMessage, res: ServerResponse, paymentId: string) {
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  res.write('retry: 2000\n\n');
  res.write(`id: 1\nevent: status\ndata: {"payment":${snapshot(paymentId, 'pending')}}\n\n`);
  const send = (text: string) => res.write(text);
  bus.on(paymentId, send);
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  heartbeat.unref();
  streams++;
  req.on('close', () => {
    clearInterval(heartbeat);
    bus.off(paymentId, send);
    streams--;
  });
}

function publish(paymentId: string) {
  const text = `id: 2\nevent: status\ndata: {"payment":${snapshot(paymentId, 'paid')}}\n\n`;
  const t0 = performance.now();
  bus.emit(paymentId, text);
  lastFanout = { ms: performance.now() - t0, streams, status: 'paid' };
}

const methodsText = new Map<string, string>();
// The same security headers as the companion's answer (CSP, HSTS, …: part of what a client gets, so part of the
// work), recorded once; the companion's own extras (rate-limit state, request id) are not.
const SECURITY = (() => {
  const flat = recordHeaders(securityHeaders());
  const out: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
})();

async function handle(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const sse = req.method === 'GET' ? /^\/api\/payments\/([\w-]{1,64})\/events$/.exec(url.pathname) : null;
  if (sse) return events(req, res, sse[1]!);
  if (req.method === 'GET' && url.pathname === '/api/methods') {
    const raw = url.searchParams.get('amount') ?? '';
    if (!/^\d{1,12}$/.test(raw)) throw new AppError(400, 'invalid_amount', 'amount must be a whole number of rupiah');
    // The companion keeps each amount's answer text (PaymentService.methods, routes/methods-fast.ts); a ceiling that
    // serialised on every request would be beaten by that cache, not by the companion's own path.
    let text = methodsText.get(raw);
    if (text === undefined) {
      const body: MethodsResponse = { methods: listMethods(router, amountSchema.parse(Number(raw))) };
      text = JSON.stringify(body);
      if (methodsText.size >= 1000) methodsText.clear();
      methodsText.set(raw, text);
    }
    res.writeHead(200, { ...SECURITY, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    return res.end(text);
  }
  if (req.method === 'POST' && url.pathname === '/api/payments') {
    const body = JSON.parse((await buffer(req)).toString('utf8')) as Record<string, unknown>;
    const { method, ...orderInput } = parse(createPaymentSchema(body), body);
    const order = resolveOrder(orderInput as OrderInput, sources);
    const first = candidatesFor(router, method, order.amount, order.allowed)[0]!;
    const { family, channel } = parseMethodId(method)!;
    const now = new Date();
    const id = randomId('pay_', 18);
    const record: PaymentRecord = {
      id,
      orderId: order.orderId,
      orderSource: order.source ?? 'session',
      method,
      family,
      provider: first.id,
      amount: order.amount,
      status: 'pending',
      reference: providerReference(id, 1),
      attempt: 1,
      providerRef: `ref-${id}`,
      instructions: { va: { bank: channel.toUpperCase(), number: '8808' + String(now.getTime()).slice(-12) } },
      installment: null,
      customer: order.customer,
      flags: [],
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + 86_400 * 1000).toISOString(),
      paidAt: null,
      refundedAmount: 0,
      expectedFee: null,
      routing: null,
    };
    if (ledger) {
      // The create's I/O, as the companion does it (payment-create.ts): durable insert, provider call, durable result.
      await ledger.insertPayment({ ...record, installment: null, link: null, expectedFee: null, routing: null });
      const { providerRef, expiresAt, ...instructions } = await first.create({
        paymentId: id, reference: record.reference, orderId: order.orderId, amount: order.amount, family, channel, customer: order.customer,
        items: order.items, expiresAt: new Date(record.expiresAt), webhookUrl: 'http://127.0.0.1:9/webhooks/komerce', returnUrl: `http://127.0.0.1:9/return/${id}`,
      });
      const { payment } = await ledger.attachProviderResult(id, { provider: first.id, reference: record.reference, attempt: 1, providerRef, expiresAt, instructions, at: new Date().toISOString() });
      const out: PaymentResponse = { payment: toPublicPayment(payment) };
      return json(res, 201, out);
    }
    const out: PaymentResponse = { payment: toPublicPayment(record) };
    return json(res, 201, out);
  }
  if (req.method === 'POST' && url.pathname === '/webhooks/doku') {
    const rawBody = await buffer(req);
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const verified = doku.verifyWebhook({ headers, rawBody, path: url.pathname, receivedAt: new Date() });
    if (ledger) {
      // The webhook's I/O, as the companion does it (payment-events.ts applyEvent for Doku): the inbox lookup, then
      // the durable transition (same group commit, same transaction), answered once it is committed.
      const at = new Date().toISOString();
      for (const ev of verified.events) {
        const { seen, payment } = await ledger.lookupEvent('doku', ev.eventId, { reference: ev.reference, providerRef: ev.providerRef });
        if (seen || !payment) continue;
        await ledger.transition({
          paymentId: payment.id,
          at,
          source: 'webhook:doku',
          event: { provider: 'doku', eventId: ev.eventId, payload: rawBody.toString('utf8') },
          reported: { status: ev.status, amounts: ev.amount === undefined ? [] : [ev.amount], paidAt: ev.paidAt, providerStatus: ev.providerStatus, failureReason: ev.failureReason },
          notify: false,
        });
      }
    }
    return json(res, verified.ack.status, verified.ack.body);
  }
  json(res, 404, { error: { code: 'not_found', message: 'not found' } });
}

const server = createServer((req, res) => {
  handle(req, res).catch((err) => {
    const status = err instanceof AppError ? err.status : 500;
    json(res, status, { error: { code: err instanceof AppError ? err.code : 'internal_error', message: String(err?.message ?? err) } });
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}` });
});
process.on('message', async (raw) => {
  const msg = raw as { id: number; cmd: string; arg?: { paymentId?: string } };
  const reply = (result: unknown) => process.send?.({ id: msg.id, result });
  if (msg.cmd === 'mem') reply({ ...(await memory()), streams });
  else if (msg.cmd === 'publish') reply(publish(msg.arg?.paymentId ?? ''));
  else if (msg.cmd === 'fanout') reply(lastFanout);
  else if (msg.cmd === 'stop') {
    server.close();
    server.closeAllConnections();
    process.send?.({ id: msg.id, result: 'stopped' }, () => process.exit(0));
  } else process.send?.({ id: msg.id, error: `unknown command ${msg.cmd}` });
});
process.on('disconnect', () => process.exit(0));
