/**
 * Server-Sent Events for live payment status. Each stream first replays from the ledger (everything after
 * Last-Event-ID, or the latest status), then forwards live changes; ids are the ledger's history seq, so a
 * client that reconnects with Last-Event-ID misses nothing and sees nothing twice.
 */
import type { Request, Response } from 'express';
import type { LiveBus } from '../domain/live.js';
import type { HistoryEntry, Store } from '../store/types.js';

export class LiveStreams {
  private readonly open_ = new Set<Response>();

  constructor(
    private readonly store: Store,
    private readonly bus: LiveBus,
    private readonly heartbeatMs = 15_000,
  ) {}

  get size() {
    return this.open_.size;
  }

  async open(req: Request, res: Response, paymentId: string, lastEventId?: number) {
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
      res.write(`id: ${h.seq}\nevent: status\ndata: {"payment":${h.snapshot}}\n\n`);
    };
    // Subscribe before reading the ledger so nothing committed in between is lost.
    const unsubscribe = this.bus.subscribe(paymentId, (h) => (replaying ? queued.push(h) : send(h)));
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), this.heartbeatMs);
    heartbeat.unref();
    this.open_.add(res);
    const cleanup = () => {
      clearInterval(heartbeat);
      unsubscribe();
      this.open_.delete(res);
    };
    req.on('close', cleanup);
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
  }
}
