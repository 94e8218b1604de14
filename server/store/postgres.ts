/**
 * The shared ledger for several companion instances: PostgreSQL through a `pg` pool. Same interface and same
 * guarantees as the SQLite store, but here other processes really do write at the same time, so every guarantee
 * is held by the database: unique constraints decide duplicates (inbox, idempotency keys, one pending payment per
 * order and method), state changes lock the payment row and are guarded on the status they read, and background
 * work is claimed with FOR UPDATE SKIP LOCKED plus a lease, so a job runs once and a dead instance's claims lapse.
 *
 * Times stay ISO-8601 TEXT, exactly as in SQLite: they have a fixed width, so text order is time order.
 */
import pg from 'pg';
import type { ProviderId } from '../api-types.js';
import type { OrderSource, PaymentRecord } from '../domain/payment-record.js';
import { isPaidStatus, notificationBody, planRefundSettlement, planTransition, refundNotificationBody, snapshotOf, type TransitionPlan } from '../domain/transition.js';
import { systemClock, type Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { MIGRATIONS } from './migrations.js';
import { checkoutRefusal, completesLink, linkCompletedBody, type LinkRecord, type NewLink } from '../domain/link.js';
import { auditListSql, listLinksSql, listPaymentsSql, notificationRecords, type AttemptRow, type OutboxRowFull } from './queries.js';
import {
  LINK_CLOSED_AT, LINK_COLUMNS, LINK_SELECT, encodeCursor, fromAudit, fromConsoleSession, fromEvent, fromHistory, fromLinkRow, fromRefund, fromRow, linkValues,
  type AuditRow, type ConsoleSessionRow, type EventRow, type HistoryRow, type LinkRow, type PaymentRow, type RefundRow,
} from './rows.js';
import type {
  AttemptUpdate, AuditFilter, AuditInput, OpsStats, PiiSelection, ConsoleSession, HistoryEntry, IdempotencyBegin, InsertOutcome, LinkListFilter, ListFilter, NewPayment, NotificationRecord, OutboxRow, PaymentStats, Store, TransitionInput, TransitionResult,
} from './types.js';
import { customerLikePattern, customerMatches, emptyErasure, needlesFor, scrubText, type PiiErasure } from './pii.js';

/** Key of the session-level advisory lock migrations run under (ASCII "bayar"). */
const MIGRATION_LOCK = '422856761714';

type Queryable = Pick<pg.PoolClient, 'query'>;

/** Serialization failures and deadlocks are safe to retry: the transaction was rolled back whole. */
const RETRYABLE = new Set(['40001', '40P01']);

export interface PostgresStoreOptions {
  /** Pool size per instance (default 10, or `pool_max` in the URL's query). */
  max?: number;
  /** Time for claims the store makes on its own (the reconciler's due-payment claim). */
  clock?: Clock;
  log?: Logger;
}

/**
 * Transition batches one instance writes at once, and the most transitions in one batch. Most of a batch's time
 * is its commit waiting for the WAL flush; with only two in flight, the webhooks of the next turns waited for a
 * slot instead of sharing that wait (bench: more ingested per second with four, fewer with eight).
 */
const MAX_TRANSITION_BATCHES = 4;
const MAX_BATCH = 200;

/**
 * Connections for the locked transactions (batches a guarded write did not take: most transitions that are not
 * webhooks, and the rare webhook whose row changed since it was read); more such batches wait for one.
 */
const LOCKED_POOL = 2;

/** Connections for the webhook hot path: the guarded writes of the batches in flight, and the turns' lookups. */
const HOT_POOL = MAX_TRANSITION_BATCHES + 2;

/**
 * Settings of the hot-path connections. Both statements are prepared once and reach every row through a key
 * (the inbox's primary key, the payments' reference and id indexes), so they can be planned once: left to
 * PostgreSQL's default (custom plans, planned again with every call's values) planning cost as much as running
 * them. With seq scans off, the one plan made cannot be a scan of a table that was small when it was made.
 */
const HOT_SETTINGS = 'SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off';

const eventKey = (provider: string, eventId: string) => `${provider}\u0000${eventId}`;
const columns = <T>(n: number): T[][] => Array.from({ length: n }, () => []);

/** The unique index that keeps an order paid once (migration 12) refused a write. */
const isPaidOnceViolation = (err: unknown): boolean =>
  (err as { code?: string; constraint?: string }).code === '23505' && (err as { constraint?: string }).constraint === 'payments_paid_once';

interface QueuedTransition {
  t: TransitionInput;
  resolve: (r: TransitionResult) => void;
  reject: (e: unknown) => void;
}

/** How long after expiry the reconciler still looks once for a late payment. */
const LATE_WINDOW_MS = 7 * 86_400_000;

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly pool: pg.Pool;
  private readonly batchPool: pg.Pool;
  private readonly hotPool: pg.Pool;
  /** Connection settings without pool options, for a dedicated client (the LISTEN connection). */
  readonly clientConfig: pg.ClientConfig;
  private readonly clock: Clock;
  private readonly log: Logger | undefined;
  private migrated = false;
  private closed = false;

  constructor(url: string, o: PostgresStoreOptions = {}) {
    const u = new URL(url);
    const poolMax = Number(u.searchParams.get('pool_max') ?? o.max ?? 10);
    u.searchParams.delete('pool_max');
    this.clientConfig = { connectionString: u.toString(), application_name: 'bayar' };
    this.pool = new pg.Pool({ ...this.clientConfig, max: Number.isInteger(poolMax) && poolMax > 0 ? poolMax : 10 });
    // Group commit's own connections, one per batch in flight. Pipelined: statements that need no answer in
    // between (BEGIN, the locks, the inbox insert) go out together and cost one round trip, not three.
    this.batchPool = new pg.Pool({ ...this.clientConfig, max: LOCKED_POOL, pipeline: true });
    this.hotPool = new pg.Pool({ ...this.clientConfig, max: HOT_POOL });
    // Queued on the new connection ahead of the query that made the pool open it, so nothing runs without them.
    this.hotPool.on('connect', (c) => void c.query(HOT_SETTINGS).catch(() => undefined));
    // An idle client losing its connection (server restart, failover) must not crash the process; the pool
    // replaces it on the next checkout.
    for (const pool of [this.pool, this.batchPool, this.hotPool]) pool.on('error', (err) => o.log?.warn({ err: err.message }, 'postgres pool: idle connection lost'));
    this.clock = o.clock ?? systemClock;
    this.log = o.log;
  }

  /**
   * A pooled client for several statements. The pool only watches idle clients: one checked out whose server
   * goes away between two statements (a restart, a failover) emits 'error' with nobody listening, which would
   * crash the process. Listening here turns that into the failed statement the caller already handles.
   */
  private async checkout(pool = this.pool): Promise<pg.PoolClient> {
    const c = await pool.connect();
    const onError = (err: Error) => this.log?.warn({ err: err.message }, 'postgres: connection lost during a transaction');
    c.on('error', onError);
    const release = c.release.bind(c);
    c.release = (err?: Error | boolean) => {
      c.removeListener('error', onError);
      release(err);
    };
    return c;
  }

  async migrate() {
    const c = await this.checkout();
    try {
      // Instances starting together: one migrates, the others wait here and then find nothing to do.
      await c.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
      try {
        await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
        const applied = new Set((await c.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
        for (const m of MIGRATIONS) {
          if (applied.has(m.version)) continue;
          await c.query('BEGIN');
          try {
            await c.query(m.postgres);
            await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
            await c.query('COMMIT');
          } catch (err) {
            await c.query('ROLLBACK').catch(() => undefined);
            throw err;
          }
        }
      } finally {
        await c.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`);
      }
    } finally {
      c.release();
    }
    this.migrated = true;
  }

  async ready() {
    if (!this.migrated || this.closed) return false;
    const r = await this.pool.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
    // At least this release's schema: a rolled-back release runs on a newer, additive one (docs/operations.md).
    return (r.rows[0]?.v ?? 0) >= MIGRATIONS[MIGRATIONS.length - 1]!.version;
  }

  async close() {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.pool.end(), this.batchPool.end(), this.hotPool.end()]);
  }

  /**
   * Runs fn in one READ COMMITTED transaction, retried whole on deadlock or serialization failure. On the
   * pipelined batch pool BEGIN is not awaited: it goes out with fn's first statements.
   */
  private async tx<T>(fn: (c: pg.PoolClient, begin: Promise<unknown>) => Promise<T>, pool = this.pool): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const c = await this.checkout(pool);
      let broken = false;
      const lost = () => (broken = true);
      c.on('error', lost);
      try {
        const begin = c.query('BEGIN');
        // Pipelined, fn sends its first statements behind BEGIN and awaits it with them.
        if (pool === this.batchPool) begin.catch(() => undefined);
        else await begin;
        const out = await fn(c, begin);
        await c.query('COMMIT');
        return out;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => (broken = true));
        if (attempt < 5 && RETRYABLE.has((err as { code?: string }).code ?? '')) continue;
        throw err;
      } finally {
        c.removeListener('error', lost);
        c.release(broken);
      }
    }
  }

  private async getRow(q: Queryable, id: string, lock = false): Promise<PaymentRecord | null> {
    const r = await q.query<PaymentRow>(`SELECT * FROM payments WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return r.rows[0] ? fromRow(r.rows[0]) : null;
  }

  private async insertOutbox(q: Queryable, paymentId: string, historySeq: number, body: string, at: string) {
    await q.query('INSERT INTO outbox (payment_id, history_seq, body, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5)', [paymentId, historySeq, body, at, at]);
  }

  /** Callers hold the payment row lock, so one payment's seqs are handed out in commit order (SSE resume relies on it). */
  private async addHistory(q: Queryable, p: PaymentRecord, reason: string, source: string, at: string, snapshot = snapshotOf(p)): Promise<HistoryEntry> {
    const r = await q.query<{ seq: string }>(
      'INSERT INTO payment_history (payment_id, status, reason, source, snapshot, at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq',
      [p.id, p.status, reason, source, snapshot, at],
    );
    return { seq: Number(r.rows[0]!.seq), paymentId: p.id, status: p.status, reason, source, at, snapshot };
  }

  async insertPayment(n: NewPayment): Promise<InsertOutcome> {
    const p = { ...n, orderSource: n.orderSource ?? 'session' };
    if (p.link) return this.insertLinkPayment(p, p.link);
    for (let attempt = 1; ; attempt++) {
      const paid = await this.pool.query<PaymentRow>(
        "SELECT * FROM payments WHERE order_source = $1 AND order_id = $2 AND status IN ('paid','refunded') ORDER BY created_at LIMIT 1",
        [p.orderSource, p.orderId],
      );
      if (paid.rows[0]) return { kind: 'order_paid', payment: fromRow(paid.rows[0]) };
      // The paid check is repeated inside the insert itself, so a payment that became paid a moment ago on another
      // instance still stops it (a race narrower than this is caught when the money arrives: duplicate_payment).
      const ins = await this.pool.query<PaymentRow>(
        `INSERT INTO payments (id, order_id, order_source, method, family, provider, amount, status, reference, attempt, installment, customer,
           created_at, updated_at, expires_at, expected_fee, routing)
         SELECT $1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $10, $11, $12, $12, $13, $14, $15
         WHERE NOT EXISTS (SELECT 1 FROM payments WHERE order_source = $3 AND order_id = $2 AND status IN ('paid','refunded'))
         ON CONFLICT DO NOTHING RETURNING *`,
        [p.id, p.orderId, p.orderSource, p.method, p.family, p.provider, p.amount, p.reference, p.attempt,
          p.installment ? JSON.stringify(p.installment) : null, JSON.stringify(p.customer ?? {}), p.createdAt, p.expiresAt,
          p.expectedFee ?? null, p.routing ? JSON.stringify(p.routing) : null],
      );
      if (ins.rows[0]) return { kind: 'inserted', payment: fromRow(ins.rows[0]) };
      const existing = await this.pool.query<PaymentRow>(
        "SELECT * FROM payments WHERE order_source = $1 AND order_id = $2 AND method = $3 AND status = 'pending'",
        [p.orderSource, p.orderId, p.method],
      );
      if (existing.rows[0]) return { kind: 'existing', payment: fromRow(existing.rows[0]) };
      // The pending payment we collided with closed in between (another instance): the slot is free again.
      if (attempt >= 3) throw new Error(`payment insert conflicted but no pending payment exists for ${p.orderId}/${p.method}`);
    }
  }

  /**
   * A payment through a link: the link row is locked first, so checkouts on one link (from any instance) take
   * their places one at a time, and the capacity check and the insert are one decision.
   */
  private insertLinkPayment(p: NewPayment & { orderSource: OrderSource }, link: { id: string; checkout: string }): Promise<InsertOutcome> {
    return this.tx(async (c): Promise<InsertOutcome> => {
      await c.query('SELECT id FROM payment_links WHERE id = $1 FOR UPDATE', [link.id]);
      const l = await this.getLinkRow(c, link.id);
      if (!l) throw new Error(`link ${link.id} not found`);
      const others = await c.query<{ c: string }>(
        "SELECT COUNT(DISTINCT link_checkout) AS c FROM payments WHERE link_id = $1 AND status = 'pending' AND link_checkout <> $2",
        [link.id, link.checkout],
      );
      const refusal = checkoutRefusal(l, Number(others.rows[0]!.c), new Date(p.createdAt));
      if (refusal) throw refusal;
      const paid = await c.query<PaymentRow>(
        "SELECT * FROM payments WHERE order_source = $1 AND order_id = $2 AND status IN ('paid','refunded') ORDER BY created_at LIMIT 1",
        [p.orderSource, p.orderId],
      );
      if (paid.rows[0]) return { kind: 'order_paid', payment: fromRow(paid.rows[0]) };
      const ins = await c.query<PaymentRow>(
        `INSERT INTO payments (id, order_id, order_source, method, family, provider, amount, status, reference, attempt, installment, customer,
           created_at, updated_at, expires_at, expected_fee, routing, link_id, link_checkout)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $10, $11, $12, $12, $13, $14, $15, $16, $17)
         ON CONFLICT DO NOTHING RETURNING *`,
        [p.id, p.orderId, p.orderSource, p.method, p.family, p.provider, p.amount, p.reference, p.attempt,
          p.installment ? JSON.stringify(p.installment) : null, JSON.stringify(p.customer ?? {}), p.createdAt, p.expiresAt,
          p.expectedFee ?? null, p.routing ? JSON.stringify(p.routing) : null, link.id, link.checkout],
      );
      if (ins.rows[0]) return { kind: 'inserted', payment: fromRow(ins.rows[0]) };
      const existing = await c.query<PaymentRow>(
        "SELECT * FROM payments WHERE order_source = $1 AND order_id = $2 AND method = $3 AND status = 'pending'",
        [p.orderSource, p.orderId, p.method],
      );
      if (!existing.rows[0]) throw new Error(`payment insert conflicted but no pending payment exists for ${p.orderId}/${p.method}`);
      return { kind: 'existing', payment: fromRow(existing.rows[0]) };
    });
  }

  private async getLinkRow(q: Queryable, id: string): Promise<LinkRecord | null> {
    const r = await q.query<LinkRow>(`${LINK_SELECT} WHERE l.id = $1`, [id]);
    return r.rows[0] ? fromLinkRow(r.rows[0]) : null;
  }

  /** Inside the transition that made a link payment paid: completes the link when that was its last place. */
  private async completeLink(q: Queryable, linkId: string, history: HistoryEntry, at: string, notify = false) {
    await q.query('SELECT id FROM payment_links WHERE id = $1 FOR UPDATE', [linkId]);
    const link = await this.getLinkRow(q, linkId);
    if (!link || !completesLink(link)) return;
    await q.query('UPDATE payment_links SET completed_at = $1 WHERE id = $2 AND completed_at IS NULL', [at, linkId]);
    if (notify) await this.insertOutbox(q, history.paymentId, history.seq, linkCompletedBody({ ...link, completedAt: at }, history.snapshot, new Date(at)), at);
  }

  async insertLink(l: NewLink) {
    const cols = LINK_COLUMNS.split(',');
    await this.pool.query(`INSERT INTO payment_links (${LINK_COLUMNS}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`, linkValues(l));
    return (await this.getLinkRow(this.pool, l.id))!;
  }

  async getLink(id: string) {
    return this.getLinkRow(this.pool, id);
  }

  async getLinkBySlug(slug: string) {
    const r = await this.pool.query<LinkRow>(`${LINK_SELECT} WHERE l.slug = $1`, [slug]);
    return r.rows[0] ? fromLinkRow(r.rows[0]) : null;
  }

  async listLinks(f: LinkListFilter) {
    const args: unknown[] = [];
    const rows = (await this.pool.query<LinkRow>(listLinksSql(f, (v) => (args.push(v), `$${args.length}`)), args)).rows;
    const page = rows.slice(0, f.limit).map(fromLinkRow);
    const last = page[page.length - 1];
    return { links: page, next: rows.length > f.limit && last ? encodeCursor(last.createdAt, last.id) : null };
  }

  async disableLink(id: string, at: string) {
    await this.pool.query('UPDATE payment_links SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL AND completed_at IS NULL', [at, id]);
    return this.getLinkRow(this.pool, id);
  }

  async linkPayments(linkId: string) {
    return (await this.pool.query<PaymentRow>('SELECT * FROM payments WHERE link_id = $1 ORDER BY created_at, id', [linkId])).rows.map(fromRow);
  }

  async orderPayments(source: OrderSource, orderId: string) {
    const r = await this.pool.query<PaymentRow>('SELECT * FROM payments WHERE order_source = $1 AND order_id = $2 ORDER BY created_at, id', [source, orderId]);
    return r.rows.map(fromRow);
  }

  async attachProviderResult(
    id: string,
    r: { provider: ProviderId; reference: string; attempt: number; providerRef: string; expiresAt: string; instructions: object; at: string; notify?: boolean },
  ) {
    return this.tx(async (c) => {
      const upd = await c.query<PaymentRow>(
        `UPDATE payments SET provider = $1, reference = $2, attempt = $3, provider_ref = $4, expires_at = $5, instructions = $6, updated_at = $7
         WHERE id = $8 AND status = 'pending' AND instructions IS NULL RETURNING *`,
        [r.provider, r.reference, r.attempt, r.providerRef, r.expiresAt, JSON.stringify(r.instructions), r.at, id],
      );
      if (upd.rowCount !== 1) throw new Error(`payment ${id} is not awaiting a provider result`);
      const payment = fromRow(upd.rows[0]!);
      const history = await this.addHistory(c, payment, 'created', `provider:${r.provider}`, r.at);
      if (r.notify) await this.insertOutbox(c, id, history.seq, notificationBody('payment.status', history.snapshot), r.at);
      return { payment, history };
    });
  }

  async updateAttempt(id: string, a: AttemptUpdate) {
    const routed = a.routing !== undefined;
    await this.pool.query(
      `UPDATE payments SET provider = $1, reference = $2, attempt = $3, updated_at = $4${routed ? ', expected_fee = $6, routing = $7' : ''}
       WHERE id = $5 AND instructions IS NULL AND status = 'pending'`,
      [a.provider, a.reference, a.attempt, a.at, id, ...(routed ? [a.expectedFee ?? null, a.routing ? JSON.stringify(a.routing) : null] : [])],
    );
    return (await this.getRow(this.pool, id))!;
  }

  async getPayment(id: string) {
    return this.getRow(this.pool, id);
  }

  async findByReference(provider: ProviderId, reference: string) {
    const r = await this.pool.query<PaymentRow>('SELECT * FROM payments WHERE provider = $1 AND reference = $2', [provider, reference]);
    return r.rows[0] ? fromRow(r.rows[0]) : null;
  }

  async findByProviderRef(provider: ProviderId, providerRef: string) {
    const r = await this.pool.query<PaymentRow>('SELECT * FROM payments WHERE provider = $1 AND provider_ref = $2 LIMIT 1', [provider, providerRef]);
    return r.rows[0] ? fromRow(r.rows[0]) : null;
  }

  async listPayments(f: ListFilter) {
    const args: unknown[] = [];
    const sql = listPaymentsSql('postgres', f, (v) => (args.push(v), `$${args.length}`));
    const rows = (await this.pool.query<PaymentRow>(sql, args)).rows;
    const page = rows.slice(0, f.limit).map(fromRow);
    const last = page[page.length - 1];
    return { payments: page, next: rows.length > f.limit && last ? encodeCursor(last.createdAt, last.id) : null };
  }

  /**
   * Group commit, as in the SQLite store: transitions that arrive while a batch is being written are applied
   * together in one transaction with a fixed number of round trips (lock the payments, record the events,
   * read the order facts, one statement for every write, commit), each one acknowledged only after that commit.
   * One payment appears at most once per batch (a second change of it, or a second copy of one event, waits for
   * the next batch), so every plan is made from the row as the previous change left it. A batch that fails as a
   * whole is replayed one transition per transaction, so one bad change never fails the others.
   */
  transition(t: TransitionInput): Promise<TransitionResult> {
    return new Promise((resolve, reject) => {
      this.queued.push({ t, resolve, reject });
      this.pump();
    });
  }

  private queued: QueuedTransition[] = [];
  private batchesInFlight = 0;

  private pump() {
    if (this.batchesInFlight >= MAX_TRANSITION_BATCHES || this.queued.length === 0 || this.pumpScheduled) return;
    this.pumpScheduled = true;
    // Let this turn's arrivals join the batch.
    setImmediate(() => {
      this.pumpScheduled = false;
      if (this.batchesInFlight >= MAX_TRANSITION_BATCHES) return;
      const batch: QueuedTransition[] = [];
      const payments = new Set<string>();
      const events = new Set<string>();
      const later: QueuedTransition[] = [];
      for (const q of this.queued) {
        const ev = q.t.event ? eventKey(q.t.event.provider, q.t.event.eventId) : null;
        if (batch.length >= MAX_BATCH || payments.has(q.t.paymentId) || (ev && events.has(ev))) later.push(q);
        else {
          batch.push(q);
          payments.add(q.t.paymentId);
          if (ev) events.add(ev);
        }
      }
      this.queued = later;
      if (batch.length === 0) return;
      this.batchesInFlight++;
      this.runBatch(batch).finally(() => {
        this.batchesInFlight--;
        this.pump();
      });
      this.pump();
    });
  }

  private pumpScheduled = false;

  /** Where the guarded write announces the changes it commits (set by the live bus), and those it announced. */
  private announcing: { channel: string; instance: string } | null = null;
  private readonly announcedEntries = new WeakSet<HistoryEntry>();

  /**
   * From now on the status changes the guarded write commits are announced on `channel` (live-pg.ts's payload,
   * marked as `instance`'s) by that statement itself: delivered when they commit, with no NOTIFY statement of
   * their own. announced(entry) tells the bus which entries need none.
   */
  announceChanges(channel: string, instance: string) {
    this.announcing = { channel, instance };
  }

  announced(entry: HistoryEntry): boolean {
    return this.announcedEntries.has(entry);
  }

  /**
   * Payments lookupEvent handed out, with the version of the row they were read from (its xmin: every update
   * of a row writes a new version with a new xmin). A transition decided from one of them goes through
   * applyGuarded.
   */
  private readonly versions = new WeakMap<PaymentRecord, string>();

  /**
   * A batch: first the transitions that can be written in one guarded statement (their basis row is one
   * lookupEvent read, with a provider event, not a link payment, one per order), then in the locked
   * transaction whatever that did not take — the rest, and any whose row changed since it was read.
   */
  private async runBatch(batch: QueuedTransition[]): Promise<void> {
    const guarded: QueuedTransition[] = [];
    const locked: QueuedTransition[] = [];
    const orders = new Set<string>();
    for (const q of batch) {
      const b = q.t.basis;
      const order = b ? `${b.orderSource}\u0000${b.orderId}` : '';
      if (b && q.t.event && b.id === q.t.paymentId && !b.link && this.versions.has(b) && !orders.has(order)) {
        guarded.push(q);
        orders.add(order);
      } else locked.push(q);
    }
    if (guarded.length) {
      try {
        locked.push(...(await this.applyGuarded(guarded)));
      } catch (err) {
        // One statement: it failed whole, nothing of it was written. Under the locks, each is decided again.
        this.log?.debug?.({ err: (err as Error).message, transitions: guarded.length }, 'postgres: guarded batch failed; taking the locked way');
        locked.push(...guarded);
      }
    }
    if (locked.length) await this.runLocked(locked);
  }

  /**
   * Transitions whose caller read the row (basis) written without a lock round trip: each is planned from its
   * basis, and one autocommit statement locks the rows that are still exactly that version (and, where the plan
   * assumed the order paid nowhere else, still so), records the events, and writes the changes of exactly those
   * whose event was new. A duplicate event changes nothing, as under the locks. Returns the transitions the
   * statement left alone because their row had changed: nothing of theirs was written.
   */
  private async applyGuarded(qs: QueuedTransition[]): Promise<QueuedTransition[]> {
    const cols = columns<string | boolean | null>(17);
    const out = columns<string>(3);
    const push = <T>(c: T[][], row: T[]) => row.forEach((v, i) => c[i]!.push(v));
    const plans = new Map<string, { plan: TransitionPlan; snapshot: string | null }>();
    for (const { t } of qs) {
      const p = t.basis!;
      const plan = planTransition(p, t, { orderPaidElsewhere: false });
      // Whether another paid payment of the order would change the plan: then the statement checks there is none.
      const solo = JSON.stringify(planTransition(p, t, { orderPaidElsewhere: true })) !== JSON.stringify(plan);
      const n = plan.next;
      const snapshot = plan.write ? snapshotOf(n) : null;
      push(cols, [
        p.id, this.versions.get(p)!, solo, plan.write, n.status, JSON.stringify(n.flags), n.paidAt, n.failureReason ?? null, n.updatedAt,
        t.event!.provider, t.event!.eventId, plan.eventOutcome, t.event!.payload, t.at,
        plan.write && plan.outcome === 'applied' ? plan.reason : null, t.source, snapshot,
      ]);
      if (plan.write && t.notify) for (const type of plan.notify) push(out, [n.id, notificationBody(type, snapshot!), t.at]);
      plans.set(p.id, { plan, snapshot });
    }
    const announcing = this.announcing;
    const r = await this.hotPool.query<{ guarded: string[] | null; fresh: string[] | null; updated: PaymentRow[] | null; seqs: Array<[string, string]> | null }>({
      name: 'bayar_guarded_write',
      text: `WITH v AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::bool[], $4::bool[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                              $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[])
           AS v(id, version, solo, write, status, flags, paid_at, failure_reason, updated_at, provider, event_id, outcome, payload, at, reason, source, snapshot)
       ), g AS (
         -- Locked in id order; a row changed since it was read is waited for, then re-checked here, and left out.
         -- The order's other payments are found through the order (OFFSET 0 keeps the status filter out of the
         -- index choice, as in bayar_batch_facts).
         SELECT v.* FROM v JOIN payments p ON p.id = v.id
         WHERE p.xmin::text = v.version
           AND (NOT v.solo OR NOT EXISTS (
             SELECT 1 FROM (SELECT o.status FROM payments o WHERE o.order_source = p.order_source AND o.order_id = p.order_id AND o.id <> p.id OFFSET 0) AS o
             WHERE o.status IN ('paid','refunded')))
         ORDER BY p.id FOR UPDATE OF p
       ), ins AS (
         INSERT INTO provider_events (provider, event_id, payment_id, outcome, payload, received_at)
         SELECT provider, event_id, id, outcome, payload, at FROM g
         ON CONFLICT DO NOTHING RETURNING payment_id
       ), u AS (
         UPDATE payments p SET status = g.status, flags = g.flags, paid_at = g.paid_at, failure_reason = g.failure_reason, updated_at = g.updated_at
         FROM g JOIN ins ON ins.payment_id = g.id
         WHERE p.id = g.id AND g.write RETURNING p.*
       ), h AS (
         INSERT INTO payment_history (payment_id, status, reason, source, snapshot, at)
         SELECT g.id, g.status, g.reason, g.source, g.snapshot, g.at FROM u JOIN g ON g.id = u.id WHERE g.reason IS NOT NULL
         RETURNING seq, payment_id
       ), o AS (
         INSERT INTO outbox (payment_id, history_seq, body, next_attempt_at, created_at)
         SELECT n.payment_id, COALESCE(h.seq, 0), n.body, n.at, n.at
         FROM unnest($18::text[], $19::text[], $20::text[]) WITH ORDINALITY AS n(payment_id, body, at, k)
         JOIN u ON u.id = n.payment_id LEFT JOIN h ON h.payment_id = n.payment_id
         ORDER BY n.k
       ), a AS (
         -- The live bus's announcement of each status change (live-pg.ts), sent by PostgreSQL when this commits.
         SELECT pg_notify($21, json_build_object('i', $22::text, 's', h.seq, 'p', h.payment_id)::text) FROM h WHERE $21::text IS NOT NULL
       )
       SELECT (SELECT json_agg(id) FROM g) AS guarded, (SELECT json_agg(payment_id) FROM ins) AS fresh,
              (SELECT json_agg(u) FROM u) AS updated, (SELECT json_agg(json_build_array(h.payment_id, h.seq::text)) FROM h) AS seqs,
              (SELECT COUNT(*) FROM a) AS announced`,
      values: [...cols, ...out, announcing?.channel ?? null, announcing?.instance ?? null],
    });
    const res = r.rows[0]!;
    const guarded = new Set(res.guarded ?? []);
    const fresh = new Set(res.fresh ?? []);
    const updated = new Map((res.updated ?? []).map((row) => [row.id, row]));
    const seqs = new Map((res.seqs ?? []).map(([id, seq]) => [id, Number(seq)]));
    const stale: QueuedTransition[] = [];
    for (const q of qs) {
      const { t } = q;
      const basis = t.basis!;
      if (!guarded.has(basis.id)) {
        stale.push(q);
        continue;
      }
      // The payment was locked at the version read, and the event had been recorded meanwhile: a copy.
      if (!fresh.has(basis.id)) {
        q.resolve({ outcome: 'duplicate', payment: basis });
        continue;
      }
      const { plan, snapshot } = plans.get(basis.id)!;
      if (!plan.write) {
        q.resolve({ outcome: plan.outcome, payment: basis, added: plan.added });
        continue;
      }
      const row = updated.get(basis.id);
      const payment = row ? fromRow(row) : null;
      // Cannot happen while the statement held the row's lock at the version the plan was made from; if it ever
      // did, the caller is told (the provider retries, and finds its event recorded).
      if (!payment || snapshotOf(payment) !== snapshot) {
        this.log?.error({ paymentId: basis.id }, 'postgres: guarded write stored something other than its plan');
        q.reject(new Error(`payment ${basis.id}: stored row differs from its planned change`));
        continue;
      }
      const seq = seqs.get(basis.id);
      const history: HistoryEntry | undefined =
        plan.outcome === 'applied' && seq !== undefined ? { seq, paymentId: payment.id, status: payment.status, reason: plan.reason, source: t.source, at: t.at, snapshot: snapshot! } : undefined;
      if (history && announcing) this.announcedEntries.add(history);
      q.resolve({ outcome: plan.outcome, payment, history, added: plan.added });
    }
    return stale;
  }

  private async runLocked(batch: QueuedTransition[], again = false): Promise<void> {
    let results: Array<{ ok: TransitionResult } | { err: unknown }>;
    try {
      results = await this.tx((c, begin) => this.applyBatch(c, batch.map((b) => b.t), begin), this.batchPool);
    } catch (err) {
      if (batch.length === 1) {
        // Another instance paid another payment of this order while this one was being decided (the index
        // payments_paid_once refused the second plain "paid"): that payment has committed, so deciding once more
        // sees it and flags this one duplicate_payment.
        if (!again && isPaidOnceViolation(err)) return this.runLocked(batch, true);
        batch[0]!.reject(err);
        return;
      }
      for (const b of batch) await this.runLocked([b]);
      return;
    }
    batch.forEach((b, i) => {
      const r = results[i]!;
      if ('ok' in r) b.resolve(r.ok);
      else b.reject(r.err);
    });
  }

  /** The batch's transaction: every payment it touches is distinct, and each event appears once. */
  private async applyBatch(c: pg.PoolClient, ts: TransitionInput[], begin: Promise<unknown>): Promise<Array<{ ok: TransitionResult } | { err: unknown }>> {
    // The row locks serialise every change to a payment across instances (taken in id order, so two instances'
    // batches cannot deadlock); the status guard on the UPDATE makes a second application impossible even if they did not.
    const ids = ts.map((t) => t.paymentId);
    const locking = c.query<{ r: PaymentRow }>({ name: 'bayar_batch_lock', text: 'SELECT row_to_json(p) AS r FROM payments p WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE', values: [ids] });
    // Sent behind the locks without waiting for them (the batch connection is pipelined), and run after them: the
    // inbox, where a copy of an event another transaction was applying (it waited above on its payment) now comes
    // back as a duplicate without touching the payment, and only for payments that exist (an event for an unknown
    // payment must stay unrecorded, so a retry can still apply it); and the other payments of the same orders
    // already paid, read after the locks so a payment paid a moment ago counts.
    const withEvent = ts.filter((t) => t.event);
    const reading = c.query<{ events: Array<[string, string]> | null; paid: Array<[string, string, string]> | null }>({
      name: 'bayar_batch_facts',
      text: `WITH ins AS (
         INSERT INTO provider_events (provider, event_id, payment_id, outcome, payload, received_at)
         SELECT v.provider, v.event_id, v.payment_id, 'received', v.payload, v.at
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS v(provider, event_id, payment_id, payload, at)
         WHERE EXISTS (SELECT 1 FROM payments x WHERE x.id = v.payment_id)
         ON CONFLICT DO NOTHING RETURNING provider, event_id
       )
       SELECT (SELECT json_agg(json_build_array(provider, event_id)) FROM ins) AS events,
              (SELECT json_agg(json_build_array(p.id, p.order_source, p.order_id))
               FROM (SELECT DISTINCT order_source, order_id FROM payments WHERE id = ANY($6::text[])) AS o,
               -- LATERAL and OFFSET 0 (a fence the status filter cannot be pushed through): always from the batch's
               -- orders to their payments. A plain join let the generic plan start from the status index when the
               -- statistics were taken before much was paid, and then read every paid payment, more with each batch.
               LATERAL (SELECT id, order_source, order_id, status FROM payments x WHERE x.order_source = o.order_source AND x.order_id = o.order_id OFFSET 0) AS p
               WHERE p.status IN ('paid','refunded')) AS paid`,
      values: [
        withEvent.map((t) => t.event!.provider), withEvent.map((t) => t.event!.eventId), withEvent.map((t) => t.paymentId), withEvent.map((t) => t.event!.payload), withEvent.map((t) => t.at),
        ids,
      ],
    });
    const [began, locked, read] = await Promise.allSettled([begin, locking, reading]);
    for (const r of [began, locked, read]) if (r.status === 'rejected') throw r.reason;
    const rows = new Map((locked as PromiseFulfilledResult<pg.QueryResult<{ r: PaymentRow }>>).value.rows.map(({ r }) => [r.id, r]));
    const facts = (read as PromiseFulfilledResult<pg.QueryResult<{ events: Array<[string, string]> | null; paid: Array<[string, string, string]> | null }>>).value.rows[0]!;
    const current = new Map([...rows].map(([id, r]) => [id, fromRow(r)]));
    const found = ts.filter((t) => current.has(t.paymentId));
    const fresh = new Set((facts.events ?? []).map(([provider, eventId]) => eventKey(provider, eventId)));
    const live = found.filter((t) => !t.event || fresh.has(eventKey(t.event.provider, t.event.eventId)));
    const orderKey = (source: string, orderId: string) => `${source}\u0000${orderId}`;
    const paidBy = new Map<string, Set<string>>();
    const markPaid = (key: string, id: string) => paidBy.set(key, (paidBy.get(key) ?? new Set()).add(id));
    for (const [id, source, orderId] of facts.paid ?? []) markPaid(orderKey(source, orderId), id);

    // Column arrays for the one write statement below (unnest turns them back into rows).
    const w = { upd: columns<string | null>(7), hist: columns<string>(6), out: columns<string>(3), ev: columns<string>(6) };
    const push = <T>(cols: T[][], row: T[]) => row.forEach((v, i) => cols[i]!.push(v));
    const planned = new Map<string, { plan: TransitionPlan; snapshot: string | null; t: TransitionInput }>();
    for (const t of live) {
      const p = current.get(t.paymentId)!;
      const key = orderKey(p.orderSource, p.orderId);
      // Earlier transitions in this batch count as well: they commit together with this one.
      const orderPaidElsewhere = [...(paidBy.get(key) ?? [])].some((id) => id !== p.id);
      const plan = planTransition(p, t, { orderPaidElsewhere });
      let snapshot: string | null = null;
      if (plan.write) {
        const n = plan.next;
        push(w.upd, [n.id, p.status, n.status, JSON.stringify(n.flags), n.paidAt, n.failureReason ?? null, n.updatedAt]);
        snapshot = snapshotOf(n);
        if (plan.outcome === 'applied') push(w.hist, [n.id, n.status, plan.reason, t.source, snapshot, t.at]);
        if (t.notify) for (const type of plan.notify) push(w.out, [n.id, notificationBody(type, snapshot), t.at]);
        if (isPaidStatus(n.status)) markPaid(key, n.id);
      }
      if (t.event) push(w.ev, [t.event.provider, t.event.eventId, t.paymentId, plan.eventOutcome, t.event.payload, t.at]);
      planned.set(t.paymentId, { plan, snapshot, t });
    }

    const seqs = new Map<string, number>();
    const updatedRows = new Map<string, PaymentRow>();
    if (w.upd[0]!.length || w.ev[0]!.length) {
      // Every write of the batch in one statement. Outbox rows take their history seq from the same statement's
      // history insert (0 for a change that only adds flags).
      const r = await c.query<{ updated: PaymentRow[] | null; seqs: Array<[string, string]> | null }>({
        name: 'bayar_batch_write',
        text: `WITH u AS (
           UPDATE payments p SET status = v.status, flags = v.flags, paid_at = v.paid_at, failure_reason = v.failure_reason, updated_at = v.updated_at
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS v(id, prev, status, flags, paid_at, failure_reason, updated_at)
           WHERE p.id = v.id AND p.status = v.prev RETURNING p.*
         ), h AS (
           INSERT INTO payment_history (payment_id, status, reason, source, snapshot, at)
           SELECT * FROM unnest($8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
           RETURNING seq, payment_id
         ), o AS (
           INSERT INTO outbox (payment_id, history_seq, body, next_attempt_at, created_at)
           SELECT v.payment_id, COALESCE(h.seq, 0), v.body, v.at, v.at
           FROM unnest($14::text[], $15::text[], $16::text[]) WITH ORDINALITY AS v(payment_id, body, at, n) LEFT JOIN h ON h.payment_id = v.payment_id
           ORDER BY v.n
         ), e AS (
           -- The events this batch inserted above, given their outcome. An upsert rather than an UPDATE … FROM
           -- join: it always finds the row through the primary key, where a join's generic plan, made while the
           -- inbox was small, would scan the whole inbox on every batch.
           INSERT INTO provider_events (provider, event_id, payment_id, outcome, payload, received_at)
           SELECT * FROM unnest($17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::text[])
           ON CONFLICT (provider, event_id) DO UPDATE SET outcome = EXCLUDED.outcome
         )
         SELECT (SELECT json_agg(u) FROM u) AS updated, (SELECT json_agg(json_build_array(h.payment_id, h.seq::text)) FROM h) AS seqs`,
        values: [...w.upd, ...w.hist, ...w.out, ...w.ev],
      });
      const out = r.rows[0]!;
      for (const row of out.updated ?? []) updatedRows.set(row.id, row);
      for (const [id, seq] of out.seqs ?? []) seqs.set(id, Number(seq));
      if (updatedRows.size !== w.upd[0]!.length) throw new Error('a payment changed concurrently while its row was locked');
    }

    const results: Array<{ ok: TransitionResult } | { err: unknown }> = [];
    for (const t of ts) {
      const p = current.get(t.paymentId);
      if (!p) {
        results.push({ err: new Error(`payment ${t.paymentId} not found`) });
        continue;
      }
      const planning = planned.get(t.paymentId);
      if (!planning) {
        results.push({ ok: { outcome: 'duplicate', payment: p } });
        continue;
      }
      const { plan, snapshot } = planning;
      let payment = p;
      let history: HistoryEntry | undefined;
      if (plan.write) {
        payment = fromRow(updatedRows.get(t.paymentId)!);
        // The history and notifications were written from the plan; the row the database now holds must say the same.
        if (snapshotOf(payment) !== snapshot) throw new Error(`payment ${t.paymentId}: stored row differs from its planned change`);
        const seq = seqs.get(t.paymentId);
        if (plan.outcome === 'applied' && seq !== undefined) {
          history = { seq, paymentId: payment.id, status: payment.status, reason: plan.reason, source: t.source, at: t.at, snapshot: snapshot! };
        }
        if (history && payment.status === 'paid' && payment.link) await this.completeLink(c, payment.link.id, history, t.at, t.notify);
      }
      results.push({ ok: { outcome: plan.outcome, payment, history, added: plan.added } });
    }
    return results;
  }

  async lookupEvent(provider: ProviderId, eventId: string, ref: { reference?: string; providerRef?: string }): Promise<{ seen: boolean; payment: PaymentRecord | null }> {
    return new Promise<{ seen: boolean; payment: PaymentRecord | null }>((resolve, reject) => {
      this.lookups.push({ provider, eventId, ref, resolve, reject });
      // Lookups of one event-loop turn (webhooks that arrived together) share one read.
      if (this.lookups.length === 1) setImmediate(() => this.flushLookups());
    });
  }

  private lookups: Array<{
    provider: ProviderId;
    eventId: string;
    ref: { reference?: string; providerRef?: string };
    resolve: (r: { seen: boolean; payment: PaymentRecord | null }) => void;
    reject: (e: unknown) => void;
  }> = [];

  private async flushLookups() {
    const batch = this.lookups.splice(0);
    if (batch.length === 0) return;
    try {
      const r = await this.hotPool.query<{ seen: boolean; payment: (PaymentRow & { k?: number; row_version?: string }) | null }>({
        name: 'bayar_lookup_event',
        text: `SELECT EXISTS (SELECT 1 FROM provider_events e WHERE e.provider = v.provider AND e.event_id = v.event_id) AS seen,
                (SELECT row_to_json(p) FROM (
                   (SELECT 1 AS k, xmin::text AS row_version, * FROM payments x WHERE x.provider = v.provider AND x.reference = v.reference LIMIT 1)
                   UNION ALL
                   (SELECT 2 AS k, xmin::text AS row_version, * FROM payments x WHERE x.provider = v.provider AND x.provider_ref = v.provider_ref LIMIT 1)
                   ORDER BY k LIMIT 1
                 ) p) AS payment
              FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS v(provider, event_id, reference, provider_ref, n)
              ORDER BY v.n`,
        values: [batch.map((l) => l.provider), batch.map((l) => l.eventId), batch.map((l) => l.ref.reference ?? null), batch.map((l) => l.ref.providerRef ?? null)],
      });
      batch.forEach((l, i) => {
        const { seen, payment } = r.rows[i]!;
        if (seen) return l.resolve({ seen: true, payment: null });
        if (!payment) return l.resolve({ seen: false, payment: null });
        const { k: _k, row_version, ...row } = payment;
        const p = fromRow(row);
        if (row_version) this.versions.set(p, row_version);
        l.resolve({ seen: false, payment: p });
      });
    } catch (err) {
      for (const l of batch) l.reject(err);
    }
  }

  async hasEvent(provider: ProviderId, eventId: string) {
    const r = await this.pool.query('SELECT 1 FROM provider_events WHERE provider = $1 AND event_id = $2', [provider, eventId]);
    return r.rowCount === 1;
  }

  async recordEvent(e: { provider: ProviderId; eventId: string; payload: string; paymentId: string | null; outcome: string; at: string }) {
    const r = await this.pool.query(
      `INSERT INTO provider_events (provider, event_id, payment_id, outcome, payload, received_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING`,
      [e.provider, e.eventId, e.paymentId, e.outcome, e.payload, e.at],
    );
    return r.rowCount === 1;
  }

  async history(paymentId: string, afterSeq = 0) {
    const r = await this.pool.query<HistoryRow>('SELECT * FROM payment_history WHERE payment_id = $1 AND seq > $2 ORDER BY seq', [paymentId, afterSeq]);
    return r.rows.map(fromHistory);
  }

  async beginIdempotent(scope: string, key: string, requestHash: string, at: string, lockUntil: string, expiredBefore?: string): Promise<IdempotencyBegin> {
    return this.tx(async (c): Promise<IdempotencyBegin> => {
      if (expiredBefore) await c.query("DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND state = 'done' AND created_at < $3", [scope, key, expiredBefore]);
      const ins = await c.query(
        `INSERT INTO idempotency_keys (scope, key, request_hash, state, created_at, locked_until) VALUES ($1, $2, $3, 'in_progress', $4, $5)
         ON CONFLICT DO NOTHING`,
        [scope, key, requestHash, at, lockUntil],
      );
      if (ins.rowCount === 1) return { kind: 'new' };
      // Locked, so two requests that both find a crashed holder's claim cannot both take it over.
      const row = (
        await c.query<{ request_hash: string; state: string; response_status: number; response_body: string; locked_until: string }>(
          'SELECT * FROM idempotency_keys WHERE scope = $1 AND key = $2 FOR UPDATE',
          [scope, key],
        )
      ).rows[0];
      if (!row) return { kind: 'in_progress' };
      if (row.request_hash !== requestHash) return { kind: 'mismatch' };
      if (row.state === 'done') return { kind: 'replay', status: Number(row.response_status), body: row.response_body };
      if (row.locked_until < at) {
        await c.query('UPDATE idempotency_keys SET locked_until = $1, created_at = $2 WHERE scope = $3 AND key = $4', [lockUntil, at, scope, key]);
        return { kind: 'new' };
      }
      return { kind: 'in_progress' };
    });
  }

  async purgeIdempotency(before: string) {
    return (await this.pool.query("DELETE FROM idempotency_keys WHERE state = 'done' AND created_at < $1", [before])).rowCount ?? 0;
  }

  async completeIdempotent(scope: string, key: string, status: number, body: string) {
    await this.pool.query("UPDATE idempotency_keys SET state = 'done', response_status = $1, response_body = $2 WHERE scope = $3 AND key = $4", [status, body, scope, key]);
  }

  async abandonIdempotent(scope: string, key: string) {
    await this.pool.query("DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND state = 'in_progress'", [scope, key]);
  }

  async claimOutbox(now: string, leaseUntil: string, limit: number): Promise<OutboxRow[]> {
    // SKIP LOCKED: workers on other instances claiming at the same moment take other rows instead of waiting;
    // a row they claimed and committed is excluded by its lease when this statement re-checks it.
    const r = await this.pool.query<{ id: string; payment_id: string; history_seq: string; body: string; attempts: number }>(
      `WITH due AS (
         SELECT o.id FROM outbox o
         WHERE o.delivered_at IS NULL AND o.next_attempt_at <= $1 AND (o.claimed_until IS NULL OR o.claimed_until < $1)
           AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.payment_id = o.payment_id AND e.delivered_at IS NULL AND e.id < o.id)
         ORDER BY o.id LIMIT $3
         FOR UPDATE SKIP LOCKED
       )
       UPDATE outbox SET claimed_until = $2, attempts = outbox.attempts + 1 FROM due WHERE outbox.id = due.id
       RETURNING outbox.id, outbox.payment_id, outbox.history_seq, outbox.body, outbox.attempts`,
      [now, leaseUntil, limit],
    );
    return r.rows
      .map((x) => ({ id: Number(x.id), paymentId: x.payment_id, historySeq: Number(x.history_seq), body: x.body, attempts: Number(x.attempts) }))
      .sort((a, b) => a.id - b.id);
  }

  async markDelivered(id: number, at: string, answer = 'HTTP 2xx') {
    await this.tx(async (c) => {
      await c.query('UPDATE outbox SET delivered_at = $1, claimed_until = NULL, last_error = NULL WHERE id = $2', [at, id]);
      await c.query('INSERT INTO notification_attempts (outbox_id, at, ok, answer) VALUES ($1, $2, 1, $3)', [id, at, answer.slice(0, 500)]);
    });
  }

  async markDeliveryFailed(id: number, nextAttemptAt: string, error: string, at = new Date().toISOString()) {
    await this.tx(async (c) => {
      await c.query('UPDATE outbox SET next_attempt_at = $1, claimed_until = NULL, last_error = $2 WHERE id = $3 AND delivered_at IS NULL', [
        nextAttemptAt, error.slice(0, 500), id,
      ]);
      await c.query('INSERT INTO notification_attempts (outbox_id, at, ok, answer) VALUES ($1, $2, 0, $3)', [id, at, error.slice(0, 500)]);
    });
  }

  async outboxBacklog() {
    const r = await this.pool.query<{ c: string }>('SELECT COUNT(*) AS c FROM outbox WHERE delivered_at IS NULL');
    return Number(r.rows[0]!.c);
  }

  async countByStatus() {
    const r = await this.pool.query<{ status: string; c: string }>('SELECT status, COUNT(*) AS c FROM payments GROUP BY status');
    return Object.fromEntries(r.rows.map((x) => [x.status, Number(x.c)]));
  }

  async duePending(checkedBefore: string, limit: number) {
    // Claims as it reads: checked_at moves to now in the same statement, so a reconciler on another instance
    // passing a moment later does not ask the provider about the same payments (providers rate-limit status calls).
    const now = this.clock.now().toISOString();
    const r = await this.pool.query<PaymentRow>(
      `WITH due AS (
         SELECT id, checked_at AS previous FROM payments
         WHERE provider_ref IS NOT NULL AND (
           (status = 'pending' AND (checked_at IS NULL OR checked_at < $1))
           -- once more after expiry, for a payment that arrived late without a webhook
           OR (status = 'expired' AND updated_at > $4 AND (checked_at IS NULL OR checked_at < updated_at)))
         ORDER BY checked_at IS NOT NULL, checked_at, created_at LIMIT $2
         FOR UPDATE SKIP LOCKED
       )
       UPDATE payments SET checked_at = $3 FROM due WHERE payments.id = due.id
       RETURNING payments.*, due.previous`,
      [checkedBefore, limit, now, new Date(Date.parse(now) - LATE_WINDOW_MS).toISOString()],
    );
    const rows = r.rows as Array<PaymentRow & { previous: string | null }>;
    const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
    // UPDATE … RETURNING has no order: restore the claim's (never checked first, then longest unchecked).
    rows.sort((a, b) => (a.previous === b.previous ? cmp(a.created_at, b.created_at) : a.previous === null ? -1 : b.previous === null ? 1 : cmp(a.previous, b.previous)));
    return rows.map(fromRow);
  }

  async markChecked(id: string, at: string) {
    await this.pool.query('UPDATE payments SET checked_at = $1 WHERE id = $2', [at, id]);
  }

  async beginRefund(r: { id: string; paymentId: string; amount: number; reason: string; at: string }) {
    return this.tx(async (c) => {
      // Locked first, so a refused refund reports what is refundable after every concurrent refund, not before.
      const p = await this.getRow(c, r.paymentId, true);
      if (!p) throw new Error(`payment ${r.paymentId} not found`);
      if (p.status !== 'paid') return { ok: false as const, why: 'not_paid' as const, payment: p };
      const upd = await c.query(
        "UPDATE payments SET refunded_amount = refunded_amount + $1, updated_at = $2 WHERE id = $3 AND status = 'paid' AND refunded_amount + $1 <= amount",
        [r.amount, r.at, r.paymentId],
      );
      if (upd.rowCount !== 1) return { ok: false as const, why: 'exceeds' as const, payment: p };
      const ins = await c.query<RefundRow>(
        "INSERT INTO refunds (id, payment_id, amount, reason, status, created_at, updated_at) VALUES ($1, $2, $3, $4, 'pending', $5, $5) RETURNING *",
        [r.id, r.paymentId, r.amount, r.reason, r.at],
      );
      return { ok: true as const, refund: fromRefund(ins.rows[0]!) };
    });
  }

  async finishRefund(id: string, o: { status: 'succeeded' | 'failed'; providerRef?: string; error?: string; at: string; notify: boolean }) {
    return this.tx(async (c) => {
      const first = (await c.query<RefundRow>('SELECT payment_id FROM refunds WHERE id = $1', [id])).rows[0];
      if (!first) throw new Error(`refund ${id} not found`);
      // Payment row, then refund row: the same order as beginRefund, so concurrent refunds cannot deadlock, and
      // the succeeded sum below is read while no other refund of this payment can settle.
      await c.query('SELECT 1 FROM payments WHERE id = $1 FOR UPDATE', [first.payment_id]);
      const row = (await c.query<RefundRow>('SELECT * FROM refunds WHERE id = $1 FOR UPDATE', [id])).rows[0]!;
      if (row.status !== 'pending') return { refund: fromRefund(row), payment: (await this.getRow(c, row.payment_id))! };
      const refund = fromRefund(
        (
          await c.query<RefundRow>('UPDATE refunds SET status = $1, provider_ref = $2, error = $3, updated_at = $4 WHERE id = $5 RETURNING *', [
            o.status, o.providerRef ?? null, o.error ?? null, o.at, id,
          ])
        ).rows[0]!,
      );
      if (o.status === 'failed') {
        await c.query('UPDATE payments SET refunded_amount = refunded_amount - $1, updated_at = $2 WHERE id = $3', [row.amount, o.at, row.payment_id]);
      }
      let payment = (await this.getRow(c, row.payment_id))!;
      let history: HistoryEntry | undefined;
      if (o.status === 'succeeded') {
        const done = (await c.query<{ s: string }>("SELECT COALESCE(SUM(amount), 0) AS s FROM refunds WHERE payment_id = $1 AND status = 'succeeded'", [row.payment_id])).rows[0]!.s;
        if (planRefundSettlement(payment, Number(done)).toRefunded) {
          const upd = await c.query<PaymentRow>("UPDATE payments SET status = 'refunded', updated_at = $1 WHERE id = $2 AND status = 'paid' RETURNING *", [o.at, payment.id]);
          if (upd.rows[0]) {
            payment = fromRow(upd.rows[0]);
            history = await this.addHistory(c, payment, 'refunded', 'api', o.at);
            if (o.notify) await this.insertOutbox(c, payment.id, history.seq, notificationBody('payment.status', history.snapshot), o.at);
          }
        }
        if (o.notify) await this.insertOutbox(c, payment.id, history?.seq ?? 0, refundNotificationBody(payment, refund), o.at);
      }
      return { refund, payment, history };
    });
  }

  async listRefunds(f: { paymentId?: string; from?: string; to?: string }) {
    const where: string[] = [];
    const args: unknown[] = [];
    const arg = (v: unknown) => (args.push(v), `$${args.length}`);
    if (f.paymentId) where.push(`payment_id = ${arg(f.paymentId)}`);
    if (f.from) where.push(`created_at >= ${arg(f.from)}`);
    if (f.to) where.push(`created_at < ${arg(f.to)}`);
    const r = await this.pool.query<RefundRow>(`SELECT * FROM refunds ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`, args);
    return r.rows.map(fromRefund);
  }

  async createConsoleSession(cs: ConsoleSession) {
    await this.tx(async (c) => {
      // Expired sessions are dropped as new ones are made: the table stays as small as the set of live sign-ins.
      await c.query('DELETE FROM console_sessions WHERE expires_at < $1', [cs.createdAt]);
      await c.query('INSERT INTO console_sessions (token_hash, actor, role, csrf, ip, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        cs.tokenHash, cs.actor, cs.role, cs.csrf, cs.ip, cs.createdAt, cs.expiresAt,
      ]);
    });
  }

  async getConsoleSession(tokenHash: string, now: string) {
    const r = await this.pool.query<ConsoleSessionRow>('SELECT * FROM console_sessions WHERE token_hash = $1 AND expires_at > $2', [tokenHash, now]);
    return r.rows[0] ? fromConsoleSession(r.rows[0]) : null;
  }

  async deleteConsoleSession(tokenHash: string) {
    await this.pool.query('DELETE FROM console_sessions WHERE token_hash = $1', [tokenHash]);
  }

  async addAudit(e: AuditInput) {
    const r = await this.pool.query<AuditRow>(
      'INSERT INTO console_audit (at, actor, role, ip, action, payment_id, outcome, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *',
      [e.at, e.actor, e.role, e.ip, e.action, e.paymentId ?? null, e.outcome, JSON.stringify(e.detail ?? {})],
    );
    return fromAudit(r.rows[0]!);
  }

  async listAudit(f: AuditFilter) {
    const args: unknown[] = [];
    const r = await this.pool.query<AuditRow>(auditListSql(f, (v) => (args.push(v), `$${args.length}`)), args);
    return r.rows.map(fromAudit);
  }

  async paymentEvents(paymentId: string) {
    const r = await this.pool.query<EventRow>('SELECT * FROM provider_events WHERE payment_id = $1 ORDER BY received_at, event_id', [paymentId]);
    return r.rows.map(fromEvent);
  }

  private async notifications(q: Queryable, rows: OutboxRowFull[]): Promise<NotificationRecord[]> {
    if (rows.length === 0) return [];
    const attempts = await q.query<AttemptRow>('SELECT * FROM notification_attempts WHERE outbox_id = ANY($1::bigint[]) ORDER BY id', [rows.map((r) => String(r.id))]);
    return notificationRecords(rows, attempts.rows);
  }

  async paymentNotifications(paymentId: string) {
    return this.notifications(this.pool, (await this.pool.query<OutboxRowFull>('SELECT * FROM outbox WHERE payment_id = $1 ORDER BY id', [paymentId])).rows);
  }

  async resendNotification(id: number, at: string) {
    const r = await this.pool.query<OutboxRowFull>(
      `INSERT INTO outbox (payment_id, history_seq, body, next_attempt_at, created_at, resend_of)
       SELECT payment_id, history_seq, body, $2, $2, id FROM outbox WHERE id = $1 RETURNING *`,
      [id, at],
    );
    return r.rows[0] ? (await this.notifications(this.pool, r.rows))[0]! : null;
  }

  async outboxSummary(limit: number) {
    const head = (await this.pool.query<{ c: string; oldest: string | null }>('SELECT COUNT(*) AS c, MIN(created_at) AS oldest FROM outbox WHERE delivered_at IS NULL')).rows[0]!;
    const failing = (await this.pool.query<OutboxRowFull>('SELECT * FROM outbox WHERE delivered_at IS NULL AND last_error IS NOT NULL ORDER BY id DESC LIMIT $1', [limit])).rows;
    return { backlog: Number(head.c), oldestUndeliveredAt: head.oldest, failing: await this.notifications(this.pool, failing) };
  }

  async paymentStats(from: string, to: string): Promise<PaymentStats> {
    const num = <T extends { count: unknown; amount: unknown }>(r: T) => ({ ...r, count: Number(r.count), amount: Number(r.amount) });
    const created = await this.pool.query(
      'SELECT family, provider, status, COUNT(*) AS count, SUM(amount) AS amount FROM payments WHERE created_at >= $1 AND created_at < $2 GROUP BY family, provider, status',
      [from, to],
    );
    const paid = await this.pool.query(
      'SELECT family, provider, COUNT(*) AS count, SUM(amount) AS amount FROM payments WHERE paid_at >= $1 AND paid_at < $2 GROUP BY family, provider',
      [from, to],
    );
    const refunds = await this.pool.query(
      "SELECT COUNT(*) AS count, COALESCE(SUM(amount), 0) AS amount FROM refunds WHERE status = 'succeeded' AND updated_at >= $1 AND updated_at < $2",
      [from, to],
    );
    return {
      created: (created.rows as PaymentStats['created']).map(num),
      paid: (paid.rows as PaymentStats['paid']).map(num),
      refunds: num(refunds.rows[0] as { count: number; amount: number }),
    };
  }

  async eventCounts(since: string) {
    const r = await this.pool.query<{ provider: ProviderId; outcome: string; count: string }>(
      'SELECT provider, outcome, COUNT(*) AS count FROM provider_events WHERE received_at >= $1 GROUP BY provider, outcome',
      [since],
    );
    return r.rows.map((x) => ({ ...x, count: Number(x.count) }));
  }

  async bumpDailyCount(day: string, name: string) {
    await this.pool.query('INSERT INTO daily_counts (day, name, count) VALUES ($1, $2, 1) ON CONFLICT (day, name) DO UPDATE SET count = daily_counts.count + 1', [day, name]);
  }

  async dailyCount(name: string, fromDay: string, toDay: string) {
    const r = await this.pool.query<{ c: string }>('SELECT COALESCE(SUM(count), 0) AS c FROM daily_counts WHERE name = $1 AND day >= $2 AND day <= $3', [name, fromDay, toDay]);
    return Number(r.rows[0]!.c);
  }

  async opsStats(): Promise<OpsStats> {
    const [pending, events, outbox, overdue, flags] = await Promise.all([
      this.pool.query<{ provider: string; c: string }>("SELECT provider, COUNT(*) AS c FROM payments WHERE status = 'pending' GROUP BY provider"),
      this.pool.query<{ provider: string; at: string }>('SELECT provider, MAX(received_at) AS at FROM provider_events GROUP BY provider'),
      this.pool.query<{ at: string | null }>('SELECT MIN(created_at) AS at FROM outbox WHERE delivered_at IS NULL'),
      this.pool.query<{ at: string | null }>("SELECT MIN(expires_at) AS at FROM payments WHERE status = 'pending'"),
      this.pool.query<{ flags: string; c: string }>("SELECT flags, COUNT(*) AS c FROM payments WHERE flags <> '[]' GROUP BY flags"),
    ]);
    const flagged: Record<string, number> = {};
    for (const r of flags.rows) for (const f of JSON.parse(r.flags) as string[]) flagged[f] = (flagged[f] ?? 0) + Number(r.c);
    return {
      pendingByProvider: Object.fromEntries(pending.rows.map((r) => [r.provider, Number(r.c)])),
      lastEventAt: Object.fromEntries(events.rows.map((r) => [r.provider, r.at])),
      outboxOldestAt: outbox.rows[0]?.at ?? null,
      pendingOldestExpiresAt: overdue.rows[0]?.at ?? null,
      flagged,
    };
  }

  async findByCustomer(want: { email?: string; phone?: string }) {
    const r = await this.pool.query<{ id: string; customer: string }>('SELECT id, customer FROM payments WHERE customer ILIKE $1 ORDER BY created_at, id', [customerLikePattern(want)]);
    return r.rows.filter((x) => customerMatches(x.customer, want)).map((x) => x.id);
  }

  async findLinksByCustomer(want: { email?: string; phone?: string }) {
    const r = await this.pool.query<{ id: string; customer: string }>('SELECT id, customer FROM payment_links WHERE customer ILIKE $1 ORDER BY created_at, id', [customerLikePattern(want)]);
    return r.rows.filter((x) => customerMatches(x.customer, want)).map((x) => x.id);
  }

  async erasePii(sel: PiiSelection, at: string): Promise<PiiErasure> {
    return this.tx(async (c) => {
      // Retention claims its batch like the other workers (SKIP LOCKED): instances sweeping at once take
      // different payments, and a payment being changed right now is left for the next pass.
      const rows = (
        'closedBefore' in sel
          ? await c.query<{ id: string; customer: string }>(
              `SELECT id, customer FROM payments WHERE pii_erased_at IS NULL AND status <> 'pending' AND updated_at < $1
               ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
              [sel.closedBefore, sel.limit],
            )
          : await c.query<{ id: string; customer: string }>('SELECT id, customer FROM payments WHERE id = ANY($1) ORDER BY id FOR UPDATE', [sel.paymentIds])
      ).rows;
      const out = emptyErasure();
      const scrub = async (table: string, key: string, column: string, where: string, arg: string, needles: string[]) => {
        let n = 0;
        for (const r of (await c.query<{ k: string; v: string }>(`SELECT ${key}::text AS k, ${column} AS v FROM ${table} WHERE ${where}`, [arg])).rows) {
          const next = scrubText(r.v, needles);
          if (next === null) continue;
          await c.query(`UPDATE ${table} SET ${column} = $1 WHERE ${key} = $2${key === 'ctid' ? '::tid' : ''}`, [next, r.k]);
          n++;
        }
        return n;
      };
      for (const r of rows) {
        const needles = needlesFor(JSON.parse(r.customer));
        await c.query("UPDATE payments SET customer = '{}', pii_erased_at = $1 WHERE id = $2", [at, r.id]);
        out.payments++;
        out.paymentIds.push(r.id);
        out.providerEvents += await scrub('provider_events', 'ctid', 'payload', 'payment_id = $1', r.id, needles);
        out.notifications += await scrub('outbox', 'id', 'body', 'payment_id = $1', r.id, needles);
        out.history += await scrub('payment_history', 'seq', 'snapshot', 'payment_id = $1', r.id, needles);
        out.idempotencyRecords += await scrub('idempotency_keys', 'ctid', 'response_body', "response_body LIKE '%' || $1 || '%'", r.id, needles);
      }
      // A link keeps its own copy of the customer it was made for; it is closed once it takes no more payments.
      const links = (
        'closedBefore' in sel
          ? await c.query<{ id: string; customer: string }>(
              `SELECT id, customer FROM payment_links WHERE customer <> '{}' AND ${LINK_CLOSED_AT} < $1
               ORDER BY ${LINK_CLOSED_AT} LIMIT $2 FOR UPDATE SKIP LOCKED`,
              [sel.closedBefore, sel.limit],
            )
          : await c.query<{ id: string; customer: string }>("SELECT id, customer FROM payment_links WHERE id = ANY($1) AND customer <> '{}' ORDER BY id FOR UPDATE", [sel.linkIds ?? []])
      ).rows;
      for (const l of links) {
        const needles = needlesFor(JSON.parse(l.customer));
        await c.query("UPDATE payment_links SET customer = '{}' WHERE id = $1", [l.id]);
        out.links++;
        out.linkIds.push(l.id);
        // The link as the API answered it (replayable for a day) and its link.completed notification.
        out.notifications += await scrub('outbox', 'id', 'body', "body LIKE '%' || $1 || '%'", l.id, needles);
        out.idempotencyRecords += await scrub('idempotency_keys', 'ctid', 'response_body', "response_body LIKE '%' || $1 || '%'", l.id, needles);
      }
      return out;
    });
  }
}
