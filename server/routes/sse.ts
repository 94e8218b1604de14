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

/** The SSE frame of a history entry, built once however many streams it goes to. */
const frames = new WeakMap<HistoryEntry, string>();
const frameOf = (h: HistoryEntry) => {
  let f = frames.get(h);
  if (f === undefined) frames.set(h, (f = `id: ${h.seq}\nevent: status\ndata: {"payment":${h.snapshot}}\n\n`));
  return f;
};

export interface StreamLimits {
  /** Streams one client address may hold (BAYAR_SSE_PER_CLIENT). */
  perClient: number;
  /** Streams all clients together may hold (BAYAR_SSE_MAX). */
  total: number;
}

export class LiveStreams {
  private readonly open_ = new Set<Response>();
  /** Open streams per client address (req.ip: the real client when BAYAR_TRUST_PROXY names the balancer). */
  private readonly perClient = new Map<string, number>();
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly bus: LiveBus,
    private readonly heartbeatMs = 15_000,
    private readonly limits: StreamLimits = { perClient: 20, total: 10_000 },
  ) {}

  get size() {
    return this.open_.size;
  }

  async open(req: Request, res: Response, paymentId: string, lastEventId?: number) {
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
    let counted = true;
    const release = () => {
      if (!counted) return;
      counted = false;
      const n = (this.perClient.get(client) ?? 1) - 1;
      if (n <= 0) this.perClient.delete(client);
      else this.perClient.set(client, n);
    };
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    let lastSent = lastEventId ?? 0;
    let replaying = true;
    const queued: HistoryEntry[] = [];
    const send = (h: HistoryEntry) => {
      if (h.seq <= lastSent || res.writableEnded) return;
      lastSent = h.seq;
      res.write(frameOf(h));
    };
    // Subscribe before reading the ledger so nothing committed in between is lost.
    const unsubscribe = this.bus.subscribe(paymentId, (h) => (replaying ? queued.push(h) : send(h)));
    this.open_.add(res);
    // One timer for every stream: thousands of per-stream intervals cost memory and wake-ups.
    this.heartbeat ??= setInterval(() => {
      for (const r of this.open_) r.write(': keep-alive\n\n');
    }, this.heartbeatMs).unref();
    req.on('close', () => {
      unsubscribe();
      release();
      this.open_.delete(res);
      if (this.open_.size === 0 && this.heartbeat) {
        clearInterval(this.heartbeat);
        this.heartbeat = null;
      }
    });
    try {
      const history = await this.store.history(paymentId, lastEventId);
      const replay = lastEventId === undefined ? history.slice(-1) : history;
      for (const h of replay) send(h);
    } finally {
      replaying = false;
      for (const h of queued.splice(0)) send(h);
    }
  }

  /** Ends every stream (graceful shutdown): clients reconnect with Last-Event-ID to another instance or after restart. */
  closeAll() {
    for (const res of this.open_) res.end();
    this.open_.clear();
    this.perClient.clear();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}

const EVENTS_PATH = /^\/api\/payments\/([^/?]+)\/events\/?(?:\?|$)/i;

/**
 * GET /api/payments/:id/events before the Express stack (routes/fast-path.ts): a stream is held for the whole
 * payment, and with it everything the stack made for its request (pino-http's child logger, the router's state).
 * The handler is the stack's own (routes/widget.ts paymentEvents).
 */
export function eventsRoute(handle: (req: Request, res: Response) => Promise<void>): FastRoute {
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
