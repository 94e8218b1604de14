/**
 * Merchant notifications (BAYAR_NOTIFY_URL): a worker drains the transactional outbox. Each notification is
 * signed `Bayar-Signature: t=<unix>,v1=<hex HMAC-SHA256("<t>.<body>")>` and retried with exponential backoff and
 * full jitter until the merchant answers 2xx: at least once, in order per payment (the store hands out only
 * the oldest undelivered notification of each payment).
 */
import type { Clock } from '../lib/clock.js';
import { runInContext } from '../lib/context.js';
import { hmacSha256 } from '../lib/crypto.js';
import type { HttpClient } from '../lib/http.js';
import type { Logger } from '../lib/logger.js';
import type { Store } from '../store/types.js';

export function signNotification(body: string, key: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${hmacSha256(key, `${unixSeconds}.${body}`).toString('hex')}`;
}

export interface NotifierOptions {
  url: string;
  merchantKey: string;
  store: Store;
  http: HttpClient;
  clock: Clock;
  log: Logger;
  /** Poll interval when idle. */
  intervalMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  batch?: number;
}

/** Full jitter: a uniformly random delay in [0, min(max, base·2^(attempt-1))]. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  return Math.floor(random() * Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1)));
}

export class Notifier {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  // Idle until start(): kick() must not deliver from an app whose background work was never started.
  private stopped = true;
  private readonly o: Required<NotifierOptions>;

  constructor(o: NotifierOptions) {
    this.o = { intervalMs: 250, baseDelayMs: 1000, maxDelayMs: 10 * 60_000, timeoutMs: 10_000, batch: 50, ...o };
  }

  start() {
    this.stopped = false;
    this.schedule(0);
  }

  /** Runs one delivery pass now (also used by tests and after each status change). */
  kick() {
    if (!this.stopped && !this.running) this.schedule(0);
  }

  async stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number) {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.drain()
        .catch((err) => this.o.log.error({ err }, 'notification pass failed'))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.schedule(this.o.intervalMs);
        });
    }, ms);
    this.timer.unref();
  }

  /** Delivers everything due; returns how many were delivered. */
  async drain(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const now = this.o.clock.now();
      const rows = await this.o.store.claimOutbox(now.toISOString(), new Date(now.getTime() + this.o.timeoutMs * 2).toISOString(), this.o.batch);
      if (rows.length === 0) return delivered;
      const results = await Promise.all(rows.map((r) => runInContext({ reqId: `notify:${r.id}`, paymentId: r.paymentId }, () => this.deliver(r.id, r.body, r.attempts))));
      delivered += results.filter(Boolean).length;
      if (results.every((ok) => !ok)) return delivered;
    }
  }

  private async deliver(id: number, body: string, attempts: number): Promise<boolean> {
    const t = Math.floor(this.o.clock.now().getTime() / 1000);
    let error: string;
    try {
      const res = await this.o.http.request({
        method: 'POST',
        url: this.o.url,
        headers: { 'Content-Type': 'application/json', 'Bayar-Signature': signNotification(body, this.o.merchantKey, t), 'User-Agent': 'Bayar-Notifier/1' },
        body,
        timeoutMs: this.o.timeoutMs,
      });
      if (res.status >= 200 && res.status < 300) {
        await this.o.store.markDelivered(id, this.o.clock.now().toISOString(), `HTTP ${res.status}`);
        return true;
      }
      error = `HTTP ${res.status}`;
    } catch (err) {
      error = (err as Error).message;
    }
    const delay = backoffDelay(attempts, this.o.baseDelayMs, this.o.maxDelayMs);
    const now = this.o.clock.now();
    await this.o.store.markDeliveryFailed(id, new Date(now.getTime() + delay).toISOString(), error, now.toISOString());
    this.o.log.warn({ outboxId: id, attempts, error, retryInMs: delay }, 'merchant notification failed; will retry');
    return false;
  }
}
