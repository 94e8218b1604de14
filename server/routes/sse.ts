/**
 * Server-Sent Events for live payment status. Each stream first replays from the ledger (everything after
 * Last-Event-ID, or the latest status), then forwards live changes; ids are the ledger's history seq, so a
 * client that reconnects with Last-Event-ID misses nothing and sees nothing twice.
 */
import type { Request, Response } from 'express';
import type { LiveBus } from '../domain/live.js';
import { AppError } from '../errors.js';
import type { HistoryEntry, Store } from '../store/types.js';
import type { FastRoute } from './fast-path.js';

/** The SSE frame of a history entry: encoded once per change however many streams it goes to. */
const frameOf = (h: HistoryEntry) => Buffer.from(`id: ${h.seq}\nevent: status\ndata: {"payment":${h.snapshot}}\n\n`);
const RETRY = Buffer.from('retry: 2000\n\n');
const KEEP_ALIVE = Buffer.from(': keep-alive\n\n');

/**
 * Node builds a response head by string concatenation and keeps it (res._header) for as long as the response lives:
 * for a stream's twenty-odd headers some 80 string pieces of 32 bytes each. The same text as one flat string (the head
 * is latin1 on the wire, so the round trip is exact) takes less than half of that.
 */
function flattenHead(res: Response) {
  const r = res as { _header?: unknown };
  if (typeof r._header === 'string') r._header = Buffer.from(r._header, 'latin1').toString('latin1');
}

export interface StreamLimits {
  /** Streams one client address may hold (BAYAR_SSE_PER_CLIENT). */
  perClient: number;
  /** Streams all clients together may hold (BAYAR_SSE_MAX). */
  total: number;
}

/**
 * One open stream: all it keeps for as long as it is open (10,000 may be; issue 16 measured the memory of each), one
 * object instead of a closure per callback.
 */
class LiveStream {
  /** Changes that arrived while the ledger was being replayed to it, sent after the replay; null once live. */
  queued: HistoryEntry[] | null = [];
  closed = false;
  constructor(
    readonly res: Response,
    readonly paymentId: string,
    readonly client: string,
    /** The last seq written: nothing at or below it is written again, so replay and live changes never repeat. */
    public lastSent: number,
  ) {}

  send(h: HistoryEntry, frame: Buffer) {
    if (h.seq <= this.lastSent || this.res.writableEnded) return;
    this.lastSent = h.seq;
    this.res.write(frame);
  }

  /** A live change: written now, or after the replay when that is still running. */
  push(h: HistoryEntry, frame: Buffer) {
    if (this.closed) return;
    if (this.queued) this.queued.push(h);
    else this.send(h, frame);
  }
}

/** A change on its way to the streams that were open when it was published. */
interface Fanout {
  entry: HistoryEntry;
  frame: Buffer;
  targets: LiveStream[];
  next: number;
  start: number;
}

export class LiveStreams {
  private readonly open_ = new Set<LiveStream>();
  /** Open streams per payment, and the one bus subscription each payment with streams has. */
  private readonly byPayment = new Map<string, { streams: Set<LiveStream>; unsubscribe: () => void }>();
  /** Open streams per client address (req.ip: the real client when BAYAR_TRUST_PROXY names the balancer). */
  private readonly perClient = new Map<string, number>();
  private heartbeat: NodeJS.Timeout | null = null;
  /** Changes being written, oldest first: one at a time, so every stream gets its payment's changes in order. */
  private readonly fanouts: Fanout[] = [];
  private draining = false;
  /** The last change written to every stream it was for: how many, and how long from its publish to the last write. */
  lastFanout: { seq: number; paymentId: string; status: string; streams: number; ms: number } | null = null;

  constructor(
    private readonly store: Store,
    private readonly bus: LiveBus,
    private readonly heartbeatMs = 15_000,
    private readonly limits: StreamLimits = { perClient: 20, total: 10_000 },
    /** Stream writes per turn of the event loop during a fan-out: between slices, other requests (webhooks) get their turn. */
    private readonly slice = 500,
  ) {}

  get size() {
    return this.open_.size;
  }

  /**
   * Opens a stream on `res`. `head`: response headers to send with the stream's own (the fast path's, as a flat
   * list); on the stack they are already set on `res`.
   */
  async open(req: Request, res: Response, paymentId: string, lastEventId?: number, head: string[] = []) {
    // Each stream holds a socket and memory for as long as the client likes: a cap per address and in total keeps
    // one client (or a crowd) from exhausting them. Checked before anything is written.
    const client = req.ip ?? req.socket.remoteAddress ?? '';
    const mine = this.perClient.get(client) ?? 0;
    if (mine >= this.limits.perClient || this.open_.size >= this.limits.total) {
      res.setHeader('Retry-After', '30');
      throw new AppError(429, 'too_many_streams', mine >= this.limits.perClient
        ? `This address already holds ${mine} live-status streams; close one (or poll GET /api/payments/:id) and retry.`
        : 'The server holds as many live-status streams as it allows; poll GET /api/payments/:id or retry shortly.');
    }
    this.perClient.set(client, mine + 1);
    head.push('Content-Type', 'text/event-stream; charset=utf-8', 'Cache-Control', 'no-cache, no-transform', 'Connection', 'keep-alive', 'X-Accel-Buffering', 'no');
    res.writeHead(200, head);
    res.write(RETRY);
    flattenHead(res);
    const s = new LiveStream(res, paymentId, client, lastEventId ?? 0);
    // Subscribed before the ledger is read, so nothing committed in between is lost.
    let payment = this.byPayment.get(paymentId);
    if (!payment) {
      const streams = new Set<LiveStream>();
      payment = { streams, unsubscribe: this.bus.subscribe(paymentId, (h) => this.publish(h, streams)) };
      this.byPayment.set(paymentId, payment);
    }
    payment.streams.add(s);
    this.open_.add(s);
    // One timer for every stream: thousands of per-stream intervals cost memory and wake-ups.
    this.heartbeat ??= setInterval(() => {
      for (const o of this.open_) o.res.write(KEEP_ALIVE);
    }, this.heartbeatMs).unref();
    res.on('close', () => this.close(s));
    try {
      const history = await this.store.history(paymentId, lastEventId);
      const replay = lastEventId === undefined ? history.slice(-1) : history;
      for (const h of replay) s.send(h, frameOf(h));
    } finally {
      const queued = s.queued!;
      s.queued = null;
      for (const h of queued) s.send(h, frameOf(h));
    }
  }

  private close(s: LiveStream) {
    if (s.closed) return;
    s.closed = true;
    this.open_.delete(s);
    const n = (this.perClient.get(s.client) ?? 1) - 1;
    if (n <= 0) this.perClient.delete(s.client);
    else this.perClient.set(s.client, n);
    const payment = this.byPayment.get(s.paymentId);
    if (payment?.streams.delete(s) && payment.streams.size === 0) {
      payment.unsubscribe();
      this.byPayment.delete(s.paymentId);
    }
    if (this.open_.size === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = null;
    }
  }

  /**
   * A committed change, to the streams open on its payment now. Written in slices of `slice` streams per turn of the
   * event loop, so thousands of streams never hold up the answers to other requests (a webhook's acknowledgement
   * among them); changes are written one after the other, so no stream sees them out of order.
   */
  private publish(entry: HistoryEntry, streams: Set<LiveStream>) {
    this.fanouts.push({ entry, frame: frameOf(entry), targets: [...streams], next: 0, start: performance.now() });
    if (!this.draining) this.drain();
  }

  private readonly drain = () => {
    this.draining = true;
    let budget = this.slice;
    while (budget > 0 && this.fanouts.length > 0) {
      const f = this.fanouts[0]!;
      const end = Math.min(f.targets.length, f.next + budget);
      budget -= end - f.next;
      for (let i = f.next; i < end; i++) f.targets[i]!.push(f.entry, f.frame);
      f.next = end;
      if (end === f.targets.length) {
        this.fanouts.shift();
        this.lastFanout = { seq: f.entry.seq, paymentId: f.entry.paymentId, status: f.entry.status, streams: f.targets.length, ms: performance.now() - f.start };
      }
    }
    if (this.fanouts.length > 0) setImmediate(this.drain);
    else this.draining = false;
  };

  /** Ends every stream (graceful shutdown): clients reconnect with Last-Event-ID to another instance or after restart. */
  closeAll() {
    for (const s of [...this.open_]) {
      this.close(s);
      s.res.end();
    }
    // close() has released every count, subscription and the heartbeat; changes still being written go nowhere.
    this.fanouts.length = 0;
  }
}

const EVENTS_PATH = /^\/api\/payments\/([^/?]+)\/events\/?(?:\?|$)/i;

/**
 * GET /api/payments/:id/events before the Express stack (routes/fast-path.ts): a stream is held for the whole
 * payment, and with it everything the stack made for its request (pino-http's child logger, the router's state).
 * The handler is the stack's own (routes/widget.ts paymentEvents).
 */
export function eventsRoute(handle: (req: Request, res: Response, head: string[]) => Promise<void>): FastRoute {
  return {
    route: '/api/payments/:id/events',
    stream: true,
    match(url) {
      const m = EVENTS_PATH.exec(url);
      if (!m) return null;
      try {
        return { id: decodeURIComponent(m[1]!) };
      } catch {
        // Not a valid escape: the stack answers it as it always has.
        return null;
      }
    },
    handle,
  };
}
