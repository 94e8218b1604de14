/**
 * Live status across instances: PostgreSQL LISTEN/NOTIFY. A status change committed by any instance is
 * announced with NOTIFY (its history seq and payment id, never the payment itself); every instance holding an
 * SSE stream for that payment then reads the payment's new history entries from the ledger and hands them to its
 * streams. The ledger stays the only source of what is sent, so ids are ledger seqs on every instance and a
 * client resuming with Last-Event-ID on another instance gets exactly what followed.
 *
 * Webhook changes written by the store's guarded group-commit statement are announced by that statement itself
 * (delivered when it commits); the bus sends NOTIFY statements for every other change.
 *
 * A notification is a hint, but none may be lost silently, or a customer's stream would never say "paid":
 * - one announced while this instance's LISTEN connection was down is made up on reconnect by reading every
 *   watched payment's history again; a connection that died silently is found by a periodic query;
 * - a NOTIFY statement that fails (pool or server trouble) is sent again, with backoff, until it goes through:
 *   the changes are committed, and a duplicate costs a receiver one ledger read at most;
 * - a ledger read that fails is tried again, with backoff, while the payment still has streams here.
 */
import { EventEmitter } from 'node:events';
import pg from 'pg';
import { randomId } from '../lib/crypto.js';
import type { Logger } from '../lib/logger.js';
import type { PostgresStore } from './postgres.js';
import type { HistoryEntry } from './types.js';
import type { LiveBus } from '../domain/live.js';

export const LIVE_CHANNEL = 'bayar_status';

export interface PgBusOptions {
  /** announceChanges/announced: a store whose writes announce their changes themselves (PostgresStore's guarded write). */
  store: Pick<PostgresStore, 'pool' | 'clientConfig' | 'history'> & Partial<Pick<PostgresStore, 'announceChanges' | 'announced'>>;
  log?: Logger;
  channel?: string;
  /** First and longest wait between LISTEN reconnection attempts, and between retries of a failed NOTIFY or ledger read (default 100 ms, 5 s). */
  minReconnectMs?: number;
  maxReconnectMs?: number;
  /** How often the LISTEN connection is checked, and how long its answer may take (default 30 s, 10 s). */
  pingMs?: number;
  pingTimeoutMs?: number;
}

export class PgBus implements LiveBus {
  private readonly emitter = new EventEmitter();
  /** Identifies this instance's own notifications, which it has already acted on. */
  private readonly instance = randomId('i', 10);
  /** Per watched payment: the highest seq handed to its streams. Absent until the first hand-over. */
  private readonly delivered = new Map<string, number>();
  /** Per watched payment: the ledger read in progress, so reads for one payment never overlap or reorder. */
  private readonly reads = new Map<string, Promise<void>>();
  private readonly pending = new Set<string>();
  private listener: pg.Client | null = null;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private connecting = false;
  private readonly channel: string;
  private pingTimer: NodeJS.Timeout | null = null;
  private pinging = false;
  private readonly pingTimeoutMs: number;
  /** Announcements not yet sent, and the retry of a failed NOTIFY (nothing else sends while it waits). */
  private outgoing: string[] = [];
  private notifyRetry: NodeJS.Timeout | null = null;
  private notifyFailures = 0;
  /** Ledger reads waiting to be tried again, per payment. */
  private readonly readRetries = new Map<string, NodeJS.Timeout>();
  private readFailures = 0;

  constructor(private readonly o: PgBusOptions) {
    this.channel = o.channel ?? LIVE_CHANNEL;
    this.pingTimeoutMs = o.pingTimeoutMs ?? 10_000;
    // One listener per open SSE stream: thousands are expected.
    this.emitter.setMaxListeners(0);
  }

  /** Opens the LISTEN connection; resolves once notifications are flowing, so no stream opens before that. */
  async start(): Promise<void> {
    await this.connect();
    this.o.store.announceChanges?.(this.channel, this.instance);
    this.pingTimer ??= setInterval(() => this.ping(), this.o.pingMs ?? 30_000);
    this.pingTimer.unref();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ ...this.o.store.clientConfig, keepAlive: true });
    client.on('notification', (n) => {
      if (n.channel === this.channel && n.payload) this.onNotification(n.payload);
    });
    client.on('error', (err) => {
      this.o.log?.warn({ err: err.message }, 'live status: LISTEN connection failed; reconnecting');
      this.lost(client);
    });
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`);
    } catch (err) {
      // The caller decides whether to retry; this half-open client must not schedule a retry of its own.
      client.removeAllListeners();
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
    this.failures = 0;
  }

  /** The LISTEN connection `client` is gone (or presumed so): drop it and listen again on a new one. */
  private lost(client: pg.Client) {
    // An earlier connection, already replaced or being replaced, has nothing left to report.
    if (this.listener !== client) return;
    this.listener = null;
    client.end().catch(() => undefined);
    this.reconnect();
  }

  private reconnect() {
    if (this.closed || this.reconnectTimer || this.connecting) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connecting = true;
      this.connect().then(
        () => {
          this.connecting = false;
          // Anything announced while we were not listening is in the ledger: read it for every watched payment.
          this.catchUpAll();
        },
        (err) => {
          this.connecting = false;
          this.o.log?.warn({ err: (err as Error).message, failures: this.failures }, 'live status: LISTEN reconnect failed');
          this.reconnect();
        },
      );
    }, this.backoff(this.failures++));
    this.reconnectTimer.unref();
  }

  /**
   * A LISTEN connection can die without either end saying so (a NAT or firewall forgetting it, a failover):
   * notifications would then stop with no error. A periodic query that must answer in time finds that out.
   */
  private ping() {
    const client = this.listener;
    if (!client || this.pinging) return;
    this.pinging = true;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.pingTimeoutMs} ms`)), this.pingTimeoutMs);
    });
    Promise.race([client.query('SELECT 1'), late])
      .catch((err: Error) => {
        if (this.listener !== client) return;
        this.o.log?.warn({ err: err.message }, 'live status: LISTEN connection not answering; reconnecting');
        this.lost(client);
      })
      .finally(() => {
        clearTimeout(timer);
        this.pinging = false;
      });
  }

  private backoff(failures: number) {
    return Math.min(this.o.maxReconnectMs ?? 5_000, (this.o.minReconnectMs ?? 100) * 2 ** Math.min(failures, 10));
  }

  private onNotification(payload: string) {
    let msg: { i?: unknown; s?: unknown; p?: unknown };
    try {
      msg = JSON.parse(payload);
    } catch {
      return;
    }
    if (msg.i === this.instance || typeof msg.p !== 'string' || typeof msg.s !== 'number') return;
    if ((this.delivered.get(msg.p) ?? 0) >= msg.s) return;
    this.refresh(msg.p);
  }

  private catchUpAll() {
    for (const paymentId of this.emitter.eventNames()) if (typeof paymentId === 'string') this.refresh(paymentId);
  }

  /**
   * Hands a watched payment's history entries newer than what its streams got to them, read from the ledger.
   * Reading (rather than forwarding the announced entry) fills any gap: an entry whose notification is still
   * on its way, or was lost, is delivered now and in seq order.
   */
  private refresh(paymentId: string) {
    if (this.emitter.listenerCount(paymentId) === 0) return;
    if (this.reads.has(paymentId)) {
      this.pending.add(paymentId);
      return;
    }
    const retry = this.readRetries.get(paymentId);
    if (retry) {
      clearTimeout(retry);
      this.readRetries.delete(paymentId);
    }
    let failed = false;
    const run = (async () => {
      try {
        do {
          this.pending.delete(paymentId);
          const entries = await this.o.store.history(paymentId, this.delivered.get(paymentId) ?? 0);
          if (this.emitter.listenerCount(paymentId) === 0) return;
          for (const h of entries) {
            if (h.seq <= (this.delivered.get(paymentId) ?? 0)) continue;
            this.delivered.set(paymentId, h.seq);
            this.emitter.emit(paymentId, h);
          }
        } while (this.pending.has(paymentId) && !this.closed);
        this.readFailures = 0;
      } catch (err) {
        failed = true;
        this.o.log?.warn({ err: (err as Error).message, paymentId, failures: this.readFailures + 1 }, 'live status: could not read the ledger; trying again');
      } finally {
        this.reads.delete(paymentId);
        // The change that prompted this read is committed and the payment's streams wait for it: read again.
        if (failed && !this.closed) {
          const t = setTimeout(() => {
            this.readRetries.delete(paymentId);
            this.refresh(paymentId);
          }, this.backoff(this.readFailures++));
          t.unref();
          this.readRetries.set(paymentId, t);
        }
      }
    })();
    this.reads.set(paymentId, run);
  }

  publish(entry: HistoryEntry) {
    if (this.closed) return;
    this.refresh(entry.paymentId);
    // Announced by the statement that committed it: nothing more to send.
    if (this.o.store.announced?.(entry)) return;
    // One NOTIFY statement per turn for every change announced in it: a webhook burst's group-committed
    // transitions are announced in one round trip, not one each.
    this.outgoing.push(JSON.stringify({ i: this.instance, s: entry.seq, p: entry.paymentId }));
    if (this.outgoing.length === 1 && !this.notifyRetry) setImmediate(() => void this.flushNotify());
  }

  private async flushNotify(): Promise<void> {
    const payloads = this.outgoing.splice(0);
    if (payloads.length === 0) return;
    try {
      await this.o.store.pool.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [this.channel, payloads]);
      this.notifyFailures = 0;
    } catch (err) {
      // The changes are committed and other instances' streams wait for them: announce them again (with
      // whatever was published meanwhile) until PostgreSQL takes the statement.
      this.outgoing.unshift(...payloads);
      this.o.log?.warn({ err: (err as Error).message, notifications: payloads.length, failures: this.notifyFailures + 1 }, 'live status: NOTIFY failed; sending again');
      if (this.closed || this.notifyRetry) return;
      this.notifyRetry = setTimeout(() => {
        this.notifyRetry = null;
        void this.flushNotify();
      }, this.backoff(this.notifyFailures++));
      this.notifyRetry.unref();
    }
  }

  subscribe(paymentId: string, fn: (entry: HistoryEntry) => void) {
    this.emitter.on(paymentId, fn);
    return () => {
      this.emitter.off(paymentId, fn);
      if (this.emitter.listenerCount(paymentId) === 0) this.delivered.delete(paymentId);
    };
  }

  async close() {
    this.closed = true;
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    if (this.notifyRetry) clearTimeout(this.notifyRetry);
    this.notifyRetry = null;
    for (const t of this.readRetries.values()) clearTimeout(t);
    this.readRetries.clear();
    // Announce what is still queued (once, no retry): the changes are committed and other instances are listening.
    await this.flushNotify();
    const l = this.listener;
    this.listener = null;
    await l?.end().catch(() => undefined);
    await Promise.allSettled([...this.reads.values()]);
    this.emitter.removeAllListeners();
  }
}
