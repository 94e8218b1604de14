/**
 * Live status fan-out: N SSE listeners on one payment (raw sockets, so the client costs as little as possible
 * per listener), then the payment becomes paid — on the companion through a signed Doku notification, on the
 * bare ceiling (bench/bare-child.ts) through IPC. Measured: for each listener, the time from sending the change
 * to its "paid" event; the server's own time to write the event to every stream; the server's memory per open
 * stream (heap and RSS after full GCs, before and after opening them).
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import { providerReference } from '../../server/domain/payment-service.js';
import type { ChildServer } from './children.js';
import type { Memory } from './memory.js';
import { dokuPaidNote } from './doku.js';
import { percentile, sleep, within } from './stats.js';

export type Mem = Memory & { streams: number };

export interface FanoutResult {
  server: 'bayar' | 'ceiling';
  listeners: number;
  /** Open time of all streams (batches of `batch`), for information. */
  openMs: number;
  /** Per listener: ms from sending the notification to receiving "paid". */
  p50: number;
  p99: number;
  max: number;
  received: number;
  /** The change was acknowledged (ms after sending): the webhook's answer, or the ceiling's IPC reply. */
  ackMs: number;
  /** The floor's ack, measured right after the companion's (bayar rows with a floor only). */
  ackFloorMs: number | null;
  /** Server side: the synchronous publish writing to every stream. */
  serverWriteMs: number | null;
  memBefore: Mem;
  memAfter: Mem;
  rssPerConn: number;
  heapPerConn: number;
  /** (RSS after − RSS before), the "extra memory" of the target. */
  extraRss: number;
}

interface Listener {
  socket: Socket;
  /** A read that ended inside a line (rare on loopback: each event is one write of a few hundred bytes). */
  partial: Buffer | null;
  opened: boolean;
  paidAt: number;
}

const PENDING = Buffer.from('"status":"pending"');
const PAID = Buffer.from('"status":"paid"');
/** Every line of the stream (HTTP chunk framing included) ends with \n, and the markers never span lines. */
const NEWLINE = 0x0a;

/** A payment to listen to, and how to make it paid: `begin` marks the moment of sending; resolves to the ack in ms. */
interface Subject {
  paymentId: string;
  markPaid: (begin: () => number) => Promise<number>;
  /** What opens the stream (the companion needs the payment's client secret). */
  query?: string;
}

/** On the companion: a Doku payment created through the API, paid by a signed Doku notification. */
async function companionSubject(child: ChildServer, n: number): Promise<Subject> {
  const created = await fetch(`${child.url}/api/payments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ orderId: `SSE-${n}-${Date.now()}`, amount: 75_000, method: 'ewallet:dana' }),
  });
  const { payment, clientSecret } = (await created.json()) as { payment: { id: string; provider: string; amount: number }; clientSecret: string };
  if (created.status !== 201 || payment.provider !== 'doku') throw new Error(`could not create a Doku payment for the SSE run (HTTP ${created.status})`);
  return {
    paymentId: payment.id,
    query: `?client_secret=${clientSecret}`,
    async markPaid(begin) {
      return postNote(`${child.url}/webhooks/doku`, dokuPaidNote(providerReference(payment.id, 1), payment.amount), begin);
    },
  };
}

/**
 * Sends a signed notification and resolves to the ms until its answer. Sent and timed from a thread of its own: this
 * one reads every listener's socket, and its event loop is busy with thousands of them exactly when the answer
 * arrives (that was in the "ack" before).
 */
async function postNote(url: string, note: { headers: Record<string, string>; body: string }, begin: () => number): Promise<number> {
  const w = new Worker(ACK_SENDER, { eval: true, workerData: { url, headers: note.headers, body: note.body } });
  try {
    await once(w, 'message');
    const sent = performance.timeOrigin + begin();
    w.postMessage('go');
    const [r] = (await once(w, 'message')) as [{ status: number; text: string; at: number }];
    if (r.status !== 200) throw new Error(`the paid notification was refused: HTTP ${r.status} ${r.text}`);
    return r.at - sent;
  } finally {
    await w.terminate();
  }
}

/** One paid notification to the companion, not measured: its first webhook (code run for the first time) is not what the runs time. */
export async function warmCompanion(child: ChildServer): Promise<void> {
  const s = await companionSubject(child, 0);
  await s.markPaid(() => performance.now());
}

/** The floor under the webhook's acknowledgement: bench/bare-child.ts with BARE_LEDGER and seeded pending Doku payments. */
export interface AckFloor {
  child: ChildServer;
  pending: Array<{ reference: string; amount: number }>;
}

/**
 * The floor's acknowledgement of one paid notification, sent exactly as the companion's: the same worker, a new
 * connection, a payment of its ledger made paid by a verified, durably committed transition.
 */
export function floorAck(floor: AckFloor): Promise<number> {
  const p = floor.pending.shift();
  if (!p) throw new Error('the ack floor ran out of seeded payments');
  return postNote(`${floor.child.url}/webhooks/doku`, dokuPaidNote(p.reference, p.amount), () => performance.now());
}

/**
 * Posts the notification when told to, and reports when the answer came (absolute ms, as performance.timeOrigin + now).
 * Before it says it is ready it makes one request to a server of its own: a thread's first fetch() loads and compiles
 * the HTTP client (tens of ms here), which is the sender's cost, not the companion's. The notification still goes
 * over a new connection, as a provider's would.
 */
const ACK_SENDER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const warm = http.createServer((req, res) => req.resume().on('end', () => res.end('ok')));
warm.listen(0, '127.0.0.1', async () => {
  const r = await fetch('http://127.0.0.1:' + warm.address().port + '/', { method: 'POST', headers: workerData.headers, body: workerData.body });
  await r.text();
  warm.close();
  warm.closeAllConnections();
  parentPort.once('message', async () => {
    const res = await fetch(workerData.url, { method: 'POST', headers: workerData.headers, body: workerData.body });
    const text = await res.text();
    parentPort.postMessage({ status: res.status, text: res.status === 200 ? '' : text, at: performance.timeOrigin + performance.now() });
  });
  parentPort.postMessage('ready');
});
`;

/** On the bare ceiling: any id; the change is published over IPC. */
function ceilingSubject(child: ChildServer, n: number): Subject {
  const paymentId = `pay_ceiling_${n}_${Date.now()}`;
  return {
    paymentId,
    async markPaid(begin) {
      const t = begin();
      await child.request('publish', { paymentId });
      return performance.now() - t;
    },
  };
}

export async function fanout(server: 'bayar' | 'ceiling', child: ChildServer, n: number, batch: number, log: (s: string) => void, floor?: AckFloor): Promise<FanoutResult> {
  const subject = server === 'bayar' ? await companionSubject(child, n) : ceilingSubject(child, n);
  const { port } = new URL(child.url);
  const request = `GET /api/payments/${subject.paymentId}/events${subject.query ?? ''} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`;

  const memBefore = await child.request<Mem>('mem');
  const listeners: Listener[] = [];
  let t0 = 0;
  let received = 0;
  let allPaid: () => void = () => {};
  const paid = new Promise<void>((r) => (allPaid = r));

  const open = () =>
    new Promise<Listener>((resolve, reject) => {
      const l: Listener = { socket: connect({ host: '127.0.0.1', port: Number(port) }), partial: null, opened: false, paidAt: 0 };
      l.socket.setNoDelay(true);
      l.socket.once('error', reject);
      l.socket.once('connect', () => l.socket.write(request));
      // As little work per read as possible: the client reads every listener's socket on one core.
      l.socket.on('data', (chunk: Buffer) => {
        const data = l.partial ? Buffer.concat([l.partial, chunk]) : chunk;
        l.partial = data[data.length - 1] === NEWLINE ? null : data;
        // The replay of the current status (pending) says the stream is live; "paid" is the change under test.
        if (!l.opened && data.includes(PENDING)) {
          l.opened = true;
          resolve(l);
        }
        if (t0 && !l.paidAt && data.includes(PAID)) {
          l.paidAt = performance.now() - t0;
          l.partial = null;
          if (++received === n) allPaid();
        }
      });
    });

  const openStart = performance.now();
  for (let i = 0; i < n; i += batch) {
    const group = await within(`opening SSE streams ${i}..${i + batch}`, 30_000, Promise.all(Array.from({ length: Math.min(batch, n - i) }, open)));
    listeners.push(...group);
  }
  const openMs = performance.now() - openStart;
  const memAfter = await child.request<Mem>('mem', undefined, 60_000);
  if (memAfter.streams < n) throw new Error(`the companion holds ${memAfter.streams} streams, expected ${n}`);
  log(`    ${server}: ${n} streams open in ${openMs.toFixed(0)} ms`);

  const ackMs = await subject.markPaid(() => (t0 = performance.now()));
  await within(`all ${n} listeners receiving "paid"`, 30_000, paid).catch((err) => log(`    ${(err as Error).message}: ${received} did`));
  const fan = await child.request<{ ms: number; streams: number; status: string } | null>('fanout');
  const ackFloorMs = floor ? await floorAck(floor) : null;

  for (const l of listeners) l.socket.destroy();
  // Let the companion see every close before the next run measures its memory.
  for (let i = 0; i < 100; i++) {
    const m = await child.request<Mem>('mem');
    if (m.streams === 0) break;
    await sleep(100);
  }
  const times = listeners.filter((l) => l.paidAt).map((l) => l.paidAt);
  return {
    server,
    listeners: n,
    openMs,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: percentile(times, 100),
    received,
    ackMs,
    ackFloorMs,
    serverWriteMs: fan && fan.status === 'paid' ? fan.ms : null,
    memBefore,
    memAfter,
    rssPerConn: (memAfter.rss - memBefore.rss) / n,
    heapPerConn: (memAfter.heapUsed - memBefore.heapUsed) / n,
    extraRss: memAfter.rss - memBefore.rss,
  };
}
