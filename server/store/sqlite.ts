/**
 * The embedded ledger: SQLite through better-sqlite3, WAL journal with synchronous=FULL so a committed change
 * survives power loss, not just a process crash. better-sqlite3 is synchronous, so each store method is one
 * transaction that no other request can interleave with inside this process.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { ProviderId } from '../api-types.js';
import type { OrderSource, PaymentRecord } from '../domain/payment-record.js';
import { notificationBody, planRefundSettlement, planTransition, refundNotificationBody, snapshotOf } from '../domain/transition.js';
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

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private migrated = false;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    // Every statement is prepared once per SQL text, then reused: preparing on each call was a twentieth of a
    // create's CPU (issue 16's profile). Nothing here switches a statement's mode (pluck, raw, expand), which
    // would stick to the shared statement; the SQL texts are fixed or built from a few filter shapes.
    const prepare = this.db.prepare.bind(this.db);
    const prepared = new Map<string, Database.Statement>();
    this.db.prepare = ((sql: string) => {
      let st = prepared.get(sql);
      if (!st) prepared.set(sql, (st = prepare(sql)));
      return st;
    }) as Database.Database['prepare'];
  }

  async migrate() {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const applied = new Set(this.db.prepare('SELECT version FROM schema_migrations').all().map((r) => (r as { version: number }).version));
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      this.db.transaction(() => {
        this.db.exec(m.sqlite);
        this.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
      })();
    }
    this.migrated = true;
  }

  async ready() {
    if (!this.migrated || !this.db.open) return false;
    const row = this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
    // At least this release's schema: a rolled-back release runs on a newer, additive one (docs/operations.md).
    return (row.v ?? 0) >= MIGRATIONS[MIGRATIONS.length - 1]!.version;
  }

  async close() {
    if (this.db.open) this.db.close();
  }

  private getRow(id: string): PaymentRecord | null {
    const r = this.db.prepare('SELECT * FROM payments WHERE id = ?').get(id) as PaymentRow | undefined;
    return r ? fromRow(r) : null;
  }

  private addHistory(p: PaymentRecord, reason: string, source: string, at: string, snapshot = snapshotOf(p)): HistoryEntry {
    const info = this.db
      .prepare('INSERT INTO payment_history (payment_id, status, reason, source, snapshot, at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(p.id, p.status, reason, source, snapshot, at);
    return { seq: Number(info.lastInsertRowid), paymentId: p.id, status: p.status, reason, source, at, snapshot };
  }

  private addOutbox(paymentId: string, historySeq: number, body: string, at: string) {
    this.db.prepare('INSERT INTO outbox (payment_id, history_seq, body, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)').run(paymentId, historySeq, body, at, at);
  }

  async insertPayment(n: NewPayment): Promise<InsertOutcome> {
    const p = { ...n, orderSource: n.orderSource ?? 'session' };
    return this.db.transaction((): InsertOutcome => {
      if (p.link) {
        const link = this.getLinkRow(p.link.id);
        if (!link) throw new Error(`link ${p.link.id} not found`);
        const others = this.db
          .prepare("SELECT COUNT(DISTINCT link_checkout) AS c FROM payments WHERE link_id = ? AND status = 'pending' AND link_checkout <> ?")
          .get(p.link.id, p.link.checkout) as { c: number };
        const refusal = checkoutRefusal(link, Number(others.c), new Date(p.createdAt));
        if (refusal) throw refusal;
      }
      const paid = this.db
        .prepare("SELECT * FROM payments WHERE order_source = ? AND order_id = ? AND status IN ('paid','refunded') ORDER BY created_at LIMIT 1")
        .get(p.orderSource, p.orderId) as PaymentRow | undefined;
      if (paid) return { kind: 'order_paid', payment: fromRow(paid) };
      const info = this.db
        .prepare(
          `INSERT INTO payments (id, order_id, order_source, method, family, provider, amount, status, reference, attempt, installment, customer,
             created_at, updated_at, expires_at, expected_fee, routing, link_id, link_checkout)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT DO NOTHING`,
        )
        .run(p.id, p.orderId, p.orderSource, p.method, p.family, p.provider, p.amount, p.reference, p.attempt,
          p.installment ? JSON.stringify(p.installment) : null, JSON.stringify(p.customer ?? {}), p.createdAt, p.createdAt, p.expiresAt,
          p.expectedFee ?? null, p.routing ? JSON.stringify(p.routing) : null, p.link?.id ?? null, p.link?.checkout ?? null);
      if (info.changes === 1) return { kind: 'inserted', payment: this.getRow(p.id)! };
      const existing = this.db
        .prepare("SELECT * FROM payments WHERE order_source = ? AND order_id = ? AND method = ? AND status = 'pending'")
        .get(p.orderSource, p.orderId, p.method) as PaymentRow | undefined;
      if (!existing) throw new Error(`payment insert conflicted but no pending payment exists for ${p.orderId}/${p.method}`);
      return { kind: 'existing', payment: fromRow(existing) };
    }).immediate();
  }

  async orderPayments(source: OrderSource, orderId: string) {
    const rows = this.db.prepare('SELECT * FROM payments WHERE order_source = ? AND order_id = ? ORDER BY created_at, id').all(source, orderId) as PaymentRow[];
    return rows.map(fromRow);
  }

  async attachProviderResult(
    id: string,
    r: { provider: ProviderId; reference: string; attempt: number; providerRef: string; expiresAt: string; instructions: object; at: string; notify?: boolean },
  ) {
    return this.db.transaction(() => {
      const info = this.db
        .prepare(
          `UPDATE payments SET provider = ?, reference = ?, attempt = ?, provider_ref = ?, expires_at = ?, instructions = ?, updated_at = ?
           WHERE id = ? AND status = 'pending' AND instructions IS NULL`,
        )
        .run(r.provider, r.reference, r.attempt, r.providerRef, r.expiresAt, JSON.stringify(r.instructions), r.at, id);
      if (info.changes !== 1) throw new Error(`payment ${id} is not awaiting a provider result`);
      const payment = this.getRow(id)!;
      const history = this.addHistory(payment, 'created', `provider:${r.provider}`, r.at);
      if (r.notify) this.addOutbox(id, history.seq, notificationBody('payment.status', history.snapshot), r.at);
      return { payment, history };
    }).immediate();
  }

  async updateAttempt(id: string, a: AttemptUpdate) {
    const routed = a.routing !== undefined;
    this.db
      .prepare(
        `UPDATE payments SET provider = ?, reference = ?, attempt = ?, updated_at = ?${routed ? ', expected_fee = ?, routing = ?' : ''}
         WHERE id = ? AND instructions IS NULL AND status = 'pending'`,
      )
      .run(a.provider, a.reference, a.attempt, a.at, ...(routed ? [a.expectedFee ?? null, a.routing ? JSON.stringify(a.routing) : null] : []), id);
    return this.getRow(id)!;
  }

  async getPayment(id: string) {
    return this.getRow(id);
  }

  async findByReference(provider: ProviderId, reference: string) {
    const r = this.db.prepare('SELECT * FROM payments WHERE provider = ? AND reference = ?').get(provider, reference) as PaymentRow | undefined;
    return r ? fromRow(r) : null;
  }

  async findByProviderRef(provider: ProviderId, providerRef: string) {
    const r = this.db.prepare('SELECT * FROM payments WHERE provider = ? AND provider_ref = ?').get(provider, providerRef) as PaymentRow | undefined;
    return r ? fromRow(r) : null;
  }

  async listPayments(f: ListFilter) {
    const args: unknown[] = [];
    const sql = listPaymentsSql('sqlite', f, (v) => (args.push(v), '?'));
    const rows = this.db.prepare(sql).all(...args) as PaymentRow[];
    const page = rows.slice(0, f.limit).map(fromRow);
    const last = page[page.length - 1];
    return { payments: page, next: rows.length > f.limit && last ? encodeCursor(last.createdAt, last.id) : null };
  }

  /**
   * Group commit: transitions that arrive in the same turn of the event loop are applied in one transaction
   * (each in its own savepoint, so one failing leaves the others intact) and acknowledged together after the
   * single durable commit. With synchronous=FULL every commit waits for the disk; a webhook storm would
   * otherwise be bounded by one flush per webhook, on the event loop.
   */
  transition(t: TransitionInput): Promise<TransitionResult> {
    return new Promise((resolve, reject) => {
      this.queued.push({ t, resolve, reject });
      if (this.queued.length === 1) setImmediate(() => this.flushTransitions());
    });
  }

  private queued: Array<{ t: TransitionInput; resolve: (r: TransitionResult) => void; reject: (e: unknown) => void }> = [];

  private flushTransitions() {
    const batch = this.queued.splice(0);
    if (batch.length === 0) return;
    const results: Array<{ ok: TransitionResult } | { err: unknown }> = [];
    try {
      this.db.transaction(() => {
        for (const item of batch) {
          try {
            results.push({ ok: this.transitionTx(item.t) });
          } catch (err) {
            results.push({ err });
          }
        }
      }).immediate();
    } catch (err) {
      for (const b of batch) b.reject(err);
      return;
    }
    batch.forEach((b, i) => {
      const r = results[i]!;
      if ('ok' in r) b.resolve(r.ok);
      else b.reject(r.err);
    });
  }

  /** One transition; run inside the batch's transaction, where better-sqlite3 makes it a savepoint. */
  private readonly transitionTx = (t: TransitionInput): TransitionResult =>
    this.db.transaction((): TransitionResult => {
      const current = this.getRow(t.paymentId);
      if (!current) throw new Error(`payment ${t.paymentId} not found`);
      if (t.event) {
        const ins = this.db
          .prepare(
            `INSERT INTO provider_events (provider, event_id, payment_id, outcome, payload, received_at)
             VALUES (?, ?, ?, 'received', ?, ?) ON CONFLICT DO NOTHING`,
          )
          .run(t.event.provider, t.event.eventId, t.paymentId, t.event.payload, t.at);
        if (ins.changes === 0) return { outcome: 'duplicate', payment: current };
      }
      const orderPaidElsewhere = !!this.db
        .prepare("SELECT 1 FROM payments WHERE order_source = ? AND order_id = ? AND id <> ? AND status IN ('paid','refunded') LIMIT 1")
        .get(current.orderSource, current.orderId, current.id);
      const plan = planTransition(current, t, { orderPaidElsewhere });
      let payment = current;
      let history: HistoryEntry | undefined;
      if (plan.write) {
        const n = plan.next;
        // Guarded on the status we read: a concurrent writer (another instance) cannot make us apply twice.
        const upd = this.db
          .prepare('UPDATE payments SET status = ?, flags = ?, paid_at = ?, failure_reason = ?, updated_at = ? WHERE id = ? AND status = ?')
          .run(n.status, JSON.stringify(n.flags), n.paidAt, n.failureReason ?? null, n.updatedAt, t.paymentId, current.status);
        if (upd.changes !== 1) throw new Error(`payment ${t.paymentId} changed concurrently`);
        payment = this.getRow(t.paymentId)!;
        const snapshot = snapshotOf(payment);
        if (plan.outcome === 'applied') history = this.addHistory(payment, plan.reason, t.source, t.at, snapshot);
        if (t.notify) for (const type of plan.notify) this.addOutbox(payment.id, history?.seq ?? 0, notificationBody(type, snapshot), t.at);
        if (history && payment.status === 'paid' && payment.link) this.completeLink(payment.link.id, history, t.at, t.notify);
      }
      if (t.event) this.db.prepare('UPDATE provider_events SET outcome = ? WHERE provider = ? AND event_id = ?').run(plan.eventOutcome, t.event.provider, t.event.eventId);
      return { outcome: plan.outcome, payment, history, added: plan.added };
    })();

  async lookupEvent(provider: ProviderId, eventId: string, ref: { reference?: string; providerRef?: string }) {
    if (await this.hasEvent(provider, eventId)) return { seen: true, payment: null };
    const payment = (ref.reference ? await this.findByReference(provider, ref.reference) : null) ?? (ref.providerRef ? await this.findByProviderRef(provider, ref.providerRef) : null);
    return { seen: false, payment };
  }

  async hasEvent(provider: ProviderId, eventId: string) {
    return !!this.db.prepare('SELECT 1 FROM provider_events WHERE provider = ? AND event_id = ?').get(provider, eventId);
  }

  async recordEvent(e: { provider: ProviderId; eventId: string; payload: string; paymentId: string | null; outcome: string; at: string }) {
    const info = this.db
      .prepare(
        `INSERT INTO provider_events (provider, event_id, payment_id, outcome, payload, received_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      )
      .run(e.provider, e.eventId, e.paymentId, e.outcome, e.payload, e.at);
    return info.changes === 1;
  }

  async history(paymentId: string, afterSeq = 0) {
    const rows = this.db.prepare('SELECT * FROM payment_history WHERE payment_id = ? AND seq > ? ORDER BY seq').all(paymentId, afterSeq) as HistoryRow[];
    return rows.map(fromHistory);
  }

  async beginIdempotent(scope: string, key: string, requestHash: string, at: string, lockUntil: string, expiredBefore?: string): Promise<IdempotencyBegin> {
    return this.db.transaction((): IdempotencyBegin => {
      if (expiredBefore) this.db.prepare("DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND state = 'done' AND created_at < ?").run(scope, key, expiredBefore);
      const ins = this.db
        .prepare(
          `INSERT INTO idempotency_keys (scope, key, request_hash, state, created_at, locked_until) VALUES (?, ?, ?, 'in_progress', ?, ?)
           ON CONFLICT DO NOTHING`,
        )
        .run(scope, key, requestHash, at, lockUntil);
      if (ins.changes === 1) return { kind: 'new' };
      const row = this.db.prepare('SELECT * FROM idempotency_keys WHERE scope = ? AND key = ?').get(scope, key) as
        | { request_hash: string; state: string; response_status: number; response_body: string; locked_until: string }
        | undefined;
      if (!row) return { kind: 'in_progress' };
      if (row.request_hash !== requestHash) return { kind: 'mismatch' };
      if (row.state === 'done') return { kind: 'replay', status: row.response_status, body: row.response_body };
      if (row.locked_until < at) {
        // The holder died mid-request: take the key over.
        this.db.prepare('UPDATE idempotency_keys SET locked_until = ?, created_at = ? WHERE scope = ? AND key = ?').run(lockUntil, at, scope, key);
        return { kind: 'new' };
      }
      return { kind: 'in_progress' };
    }).immediate();
  }

  async purgeIdempotency(before: string) {
    return this.db.prepare("DELETE FROM idempotency_keys WHERE state = 'done' AND created_at < ?").run(before).changes;
  }

  async completeIdempotent(scope: string, key: string, status: number, body: string) {
    this.db
      .prepare("UPDATE idempotency_keys SET state = 'done', response_status = ?, response_body = ? WHERE scope = ? AND key = ?")
      .run(status, body, scope, key);
  }

  async abandonIdempotent(scope: string, key: string) {
    this.db.prepare("DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND state = 'in_progress'").run(scope, key);
  }

  async claimOutbox(now: string, leaseUntil: string, limit: number): Promise<OutboxRow[]> {
    return this.db.transaction(() => {
      const rows = this.db
        .prepare(
          `SELECT o.id, o.payment_id, o.history_seq, o.body, o.attempts FROM outbox o
           WHERE o.delivered_at IS NULL AND o.next_attempt_at <= ? AND (o.claimed_until IS NULL OR o.claimed_until < ?)
             AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.payment_id = o.payment_id AND e.delivered_at IS NULL AND e.id < o.id)
           ORDER BY o.id LIMIT ?`,
        )
        .all(now, now, limit) as Array<{ id: number; payment_id: string; history_seq: number; body: string; attempts: number }>;
      const claim = this.db.prepare('UPDATE outbox SET claimed_until = ?, attempts = attempts + 1 WHERE id = ?');
      for (const r of rows) claim.run(leaseUntil, r.id);
      return rows.map((r) => ({ id: Number(r.id), paymentId: r.payment_id, historySeq: Number(r.history_seq), body: r.body, attempts: r.attempts + 1 }));
    }).immediate();
  }

  async markDelivered(id: number, at: string, answer = 'HTTP 2xx') {
    this.db.transaction(() => {
      this.db.prepare('UPDATE outbox SET delivered_at = ?, claimed_until = NULL, last_error = NULL WHERE id = ?').run(at, id);
      this.db.prepare('INSERT INTO notification_attempts (outbox_id, at, ok, answer) VALUES (?, ?, 1, ?)').run(id, at, answer.slice(0, 500));
    })();
  }

  async markDeliveryFailed(id: number, nextAttemptAt: string, error: string, at = new Date().toISOString()) {
    this.db.transaction(() => {
      this.db.prepare('UPDATE outbox SET next_attempt_at = ?, claimed_until = NULL, last_error = ? WHERE id = ?').run(nextAttemptAt, error.slice(0, 500), id);
      this.db.prepare('INSERT INTO notification_attempts (outbox_id, at, ok, answer) VALUES (?, ?, 0, ?)').run(id, at, error.slice(0, 500));
    })();
  }

  async outboxBacklog() {
    return (this.db.prepare('SELECT COUNT(*) AS c FROM outbox WHERE delivered_at IS NULL').get() as { c: number }).c;
  }

  async countByStatus() {
    const rows = this.db.prepare('SELECT status, COUNT(*) AS c FROM payments GROUP BY status').all() as Array<{ status: string; c: number }>;
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.c)]));
  }

  async duePending(checkedBefore: string, limit: number) {
    const lateWindow = new Date(Date.now() - 7 * 86_400_000).toISOString();
    const rows = this.db
      .prepare(
        `SELECT * FROM payments WHERE provider_ref IS NOT NULL AND (
           (status = 'pending' AND (checked_at IS NULL OR checked_at < ?))
           -- once more after expiry, for a payment that arrived late without a webhook
           OR (status = 'expired' AND updated_at > ? AND (checked_at IS NULL OR checked_at < updated_at)))
         ORDER BY checked_at IS NOT NULL, checked_at, created_at LIMIT ?`,
      )
      .all(checkedBefore, lateWindow, limit) as PaymentRow[];
    return rows.map(fromRow);
  }

  private getLinkRow(id: string): LinkRecord | null {
    const r = this.db.prepare(`${LINK_SELECT} WHERE l.id = ?`).get(id) as LinkRow | undefined;
    return r ? fromLinkRow(r) : null;
  }

  /** Inside the transition that made a link payment paid: completes the link when that was its last place. */
  private completeLink(linkId: string, history: HistoryEntry, at: string, notify = false) {
    const link = this.getLinkRow(linkId);
    if (!link || !completesLink(link)) return;
    this.db.prepare('UPDATE payment_links SET completed_at = ? WHERE id = ? AND completed_at IS NULL').run(at, linkId);
    if (notify) {
      const body = linkCompletedBody({ ...link, completedAt: at }, history.snapshot, new Date(at));
      this.db.prepare('INSERT INTO outbox (payment_id, history_seq, body, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)').run(history.paymentId, history.seq, body, at, at);
    }
  }

  async insertLink(l: NewLink) {
    this.db.prepare(`INSERT INTO payment_links (${LINK_COLUMNS}) VALUES (${LINK_COLUMNS.split(',').map(() => '?').join(', ')})`).run(...linkValues(l));
    return this.getLinkRow(l.id)!;
  }

  async getLink(id: string) {
    return this.getLinkRow(id);
  }

  async getLinkBySlug(slug: string) {
    const r = this.db.prepare(`${LINK_SELECT} WHERE l.slug = ?`).get(slug) as LinkRow | undefined;
    return r ? fromLinkRow(r) : null;
  }

  async listLinks(f: LinkListFilter) {
    const args: unknown[] = [];
    const rows = this.db.prepare(listLinksSql(f, (v) => (args.push(v), '?'))).all(...args) as LinkRow[];
    const page = rows.slice(0, f.limit).map(fromLinkRow);
    const last = page[page.length - 1];
    return { links: page, next: rows.length > f.limit && last ? encodeCursor(last.createdAt, last.id) : null };
  }

  async disableLink(id: string, at: string) {
    this.db.prepare('UPDATE payment_links SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL AND completed_at IS NULL').run(at, id);
    return this.getLinkRow(id);
  }

  async linkPayments(linkId: string) {
    return (this.db.prepare('SELECT * FROM payments WHERE link_id = ? ORDER BY created_at, id').all(linkId) as PaymentRow[]).map(fromRow);
  }

  async markChecked(id: string, at: string) {
    this.db.prepare('UPDATE payments SET checked_at = ? WHERE id = ?').run(at, id);
  }

  async beginRefund(r: { id: string; paymentId: string; amount: number; reason: string; at: string }) {
    return this.db.transaction(() => {
      const p = this.getRow(r.paymentId);
      if (!p) throw new Error(`payment ${r.paymentId} not found`);
      if (p.status !== 'paid') return { ok: false as const, why: 'not_paid' as const, payment: p };
      // The guard is in the UPDATE itself, so it holds for any engine and any number of concurrent refunds.
      const upd = this.db
        .prepare("UPDATE payments SET refunded_amount = refunded_amount + ?, updated_at = ? WHERE id = ? AND status = 'paid' AND refunded_amount + ? <= amount")
        .run(r.amount, r.at, r.paymentId, r.amount);
      if (upd.changes !== 1) return { ok: false as const, why: 'exceeds' as const, payment: p };
      this.db
        .prepare("INSERT INTO refunds (id, payment_id, amount, reason, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)")
        .run(r.id, r.paymentId, r.amount, r.reason, r.at, r.at);
      return { ok: true as const, refund: fromRefund(this.db.prepare('SELECT * FROM refunds WHERE id = ?').get(r.id) as RefundRow) };
    }).immediate();
  }

  async finishRefund(id: string, o: { status: 'succeeded' | 'failed'; providerRef?: string; error?: string; at: string; notify: boolean }) {
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT * FROM refunds WHERE id = ?').get(id) as RefundRow | undefined;
      if (!row) throw new Error(`refund ${id} not found`);
      if (row.status !== 'pending') return { refund: fromRefund(row), payment: this.getRow(row.payment_id)! };
      this.db.prepare('UPDATE refunds SET status = ?, provider_ref = ?, error = ?, updated_at = ? WHERE id = ?').run(o.status, o.providerRef ?? null, o.error ?? null, o.at, id);
      if (o.status === 'failed') {
        this.db.prepare('UPDATE payments SET refunded_amount = refunded_amount - ?, updated_at = ? WHERE id = ?').run(row.amount, o.at, row.payment_id);
      }
      let payment = this.getRow(row.payment_id)!;
      const refund = fromRefund(this.db.prepare('SELECT * FROM refunds WHERE id = ?').get(id) as RefundRow);
      let history: HistoryEntry | undefined;
      if (o.status === 'succeeded') {
        const done = (this.db.prepare("SELECT COALESCE(SUM(amount), 0) AS s FROM refunds WHERE payment_id = ? AND status = 'succeeded'").get(row.payment_id) as { s: number }).s;
        if (planRefundSettlement(payment, Number(done)).toRefunded) {
          this.db.prepare("UPDATE payments SET status = 'refunded', updated_at = ? WHERE id = ? AND status = 'paid'").run(o.at, payment.id);
          payment = this.getRow(payment.id)!;
          history = this.addHistory(payment, 'refunded', 'api', o.at);
          if (o.notify) this.addOutbox(payment.id, history.seq, notificationBody('payment.status', history.snapshot), o.at);
        }
        if (o.notify) this.addOutbox(payment.id, history?.seq ?? 0, refundNotificationBody(payment, refund), o.at);
      }
      return { refund, payment, history };
    }).immediate();
  }

  async listRefunds(f: { paymentId?: string; from?: string; to?: string }) {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.paymentId) (where.push('payment_id = ?'), args.push(f.paymentId));
    if (f.from) (where.push('created_at >= ?'), args.push(f.from));
    if (f.to) (where.push('created_at < ?'), args.push(f.to));
    const rows = this.db.prepare(`SELECT * FROM refunds ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`).all(...args) as RefundRow[];
    return rows.map(fromRefund);
  }

  async createConsoleSession(c: ConsoleSession) {
    this.db.transaction(() => {
      // Expired sessions are dropped as new ones are made: the table stays as small as the set of live sign-ins.
      this.db.prepare('DELETE FROM console_sessions WHERE expires_at < ?').run(c.createdAt);
      this.db
        .prepare('INSERT INTO console_sessions (token_hash, actor, role, csrf, ip, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(c.tokenHash, c.actor, c.role, c.csrf, c.ip, c.createdAt, c.expiresAt);
    })();
  }

  async getConsoleSession(tokenHash: string, now: string) {
    const r = this.db.prepare('SELECT * FROM console_sessions WHERE token_hash = ? AND expires_at > ?').get(tokenHash, now) as ConsoleSessionRow | undefined;
    return r ? fromConsoleSession(r) : null;
  }

  async deleteConsoleSession(tokenHash: string) {
    this.db.prepare('DELETE FROM console_sessions WHERE token_hash = ?').run(tokenHash);
  }

  async addAudit(e: AuditInput) {
    const info = this.db
      .prepare('INSERT INTO console_audit (at, actor, role, ip, action, payment_id, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(e.at, e.actor, e.role, e.ip, e.action, e.paymentId ?? null, e.outcome, JSON.stringify(e.detail ?? {}));
    return fromAudit(this.db.prepare('SELECT * FROM console_audit WHERE id = ?').get(info.lastInsertRowid) as AuditRow);
  }

  async listAudit(f: AuditFilter) {
    const args: unknown[] = [];
    const rows = this.db.prepare(auditListSql(f, (v) => (args.push(v), '?'))).all(...args) as AuditRow[];
    return rows.map(fromAudit);
  }

  async paymentEvents(paymentId: string) {
    const rows = this.db.prepare('SELECT * FROM provider_events WHERE payment_id = ? ORDER BY received_at, event_id').all(paymentId) as EventRow[];
    return rows.map(fromEvent);
  }

  private notifications(rows: OutboxRowFull[]): NotificationRecord[] {
    if (rows.length === 0) return [];
    const attempts = this.db
      .prepare(`SELECT * FROM notification_attempts WHERE outbox_id IN (${rows.map(() => '?').join(',')}) ORDER BY id`)
      .all(...rows.map((r) => r.id)) as AttemptRow[];
    return notificationRecords(rows, attempts);
  }

  async paymentNotifications(paymentId: string) {
    return this.notifications(this.db.prepare('SELECT * FROM outbox WHERE payment_id = ? ORDER BY id').all(paymentId) as OutboxRowFull[]);
  }

  async resendNotification(id: number, at: string) {
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as (OutboxRowFull & { history_seq: number }) | undefined;
      if (!row) return null;
      const info = this.db
        .prepare('INSERT INTO outbox (payment_id, history_seq, body, next_attempt_at, created_at, resend_of) VALUES (?, ?, ?, ?, ?, ?)')
        .run(row.payment_id, row.history_seq, row.body, at, at, row.id);
      return this.notifications([this.db.prepare('SELECT * FROM outbox WHERE id = ?').get(info.lastInsertRowid) as OutboxRowFull])[0]!;
    }).immediate();
  }

  async outboxSummary(limit: number) {
    const head = this.db.prepare('SELECT COUNT(*) AS c, MIN(created_at) AS oldest FROM outbox WHERE delivered_at IS NULL').get() as { c: number; oldest: string | null };
    const failing = this.db
      .prepare('SELECT * FROM outbox WHERE delivered_at IS NULL AND last_error IS NOT NULL ORDER BY id DESC LIMIT ?')
      .all(limit) as OutboxRowFull[];
    return { backlog: Number(head.c), oldestUndeliveredAt: head.oldest, failing: this.notifications(failing) };
  }

  async paymentStats(from: string, to: string): Promise<PaymentStats> {
    const created = this.db
      .prepare('SELECT family, provider, status, COUNT(*) AS count, SUM(amount) AS amount FROM payments WHERE created_at >= ? AND created_at < ? GROUP BY family, provider, status')
      .all(from, to) as PaymentStats['created'];
    const paid = this.db
      .prepare('SELECT family, provider, COUNT(*) AS count, SUM(amount) AS amount FROM payments WHERE paid_at >= ? AND paid_at < ? GROUP BY family, provider')
      .all(from, to) as PaymentStats['paid'];
    const refunds = this.db
      .prepare("SELECT COUNT(*) AS count, COALESCE(SUM(amount), 0) AS amount FROM refunds WHERE status = 'succeeded' AND updated_at >= ? AND updated_at < ?")
      .get(from, to) as { count: number; amount: number };
    const num = <T extends { count: unknown; amount: unknown }>(r: T) => ({ ...r, count: Number(r.count), amount: Number(r.amount) });
    return { created: created.map(num), paid: paid.map(num), refunds: num(refunds) };
  }

  async eventCounts(since: string) {
    const rows = this.db
      .prepare('SELECT provider, outcome, COUNT(*) AS count FROM provider_events WHERE received_at >= ? GROUP BY provider, outcome')
      .all(since) as Array<{ provider: ProviderId; outcome: string; count: number }>;
    return rows.map((r) => ({ ...r, count: Number(r.count) }));
  }

  async bumpDailyCount(day: string, name: string) {
    this.db.prepare('INSERT INTO daily_counts (day, name, count) VALUES (?, ?, 1) ON CONFLICT (day, name) DO UPDATE SET count = daily_counts.count + 1').run(day, name);
  }

  async dailyCount(name: string, fromDay: string, toDay: string) {
    const r = this.db.prepare('SELECT COALESCE(SUM(count), 0) AS c FROM daily_counts WHERE name = ? AND day >= ? AND day <= ?').get(name, fromDay, toDay) as { c: number };
    return Number(r.c);
  }

  async opsStats(): Promise<OpsStats> {
    const pending = this.db.prepare("SELECT provider, COUNT(*) AS c FROM payments WHERE status = 'pending' GROUP BY provider").all() as Array<{ provider: string; c: number }>;
    const events = this.db.prepare('SELECT provider, MAX(received_at) AS at FROM provider_events GROUP BY provider').all() as Array<{ provider: string; at: string }>;
    const outbox = this.db.prepare('SELECT MIN(created_at) AS at FROM outbox WHERE delivered_at IS NULL').get() as { at: string | null };
    const overdue = this.db.prepare("SELECT MIN(expires_at) AS at FROM payments WHERE status = 'pending'").get() as { at: string | null };
    const flagged: Record<string, number> = {};
    for (const r of this.db.prepare("SELECT flags, COUNT(*) AS c FROM payments WHERE flags <> '[]' GROUP BY flags").all() as Array<{ flags: string; c: number }>) {
      for (const f of JSON.parse(r.flags) as string[]) flagged[f] = (flagged[f] ?? 0) + Number(r.c);
    }
    return {
      pendingByProvider: Object.fromEntries(pending.map((r) => [r.provider, Number(r.c)])),
      lastEventAt: Object.fromEntries(events.map((r) => [r.provider, r.at])),
      outboxOldestAt: outbox.at,
      pendingOldestExpiresAt: overdue.at,
      flagged,
    };
  }

  async findByCustomer(want: { email?: string; phone?: string }) {
    const rows = this.db.prepare('SELECT id, customer FROM payments WHERE customer LIKE ? ORDER BY created_at, id').all(customerLikePattern(want)) as Array<{ id: string; customer: string }>;
    return rows.filter((r) => customerMatches(r.customer, want)).map((r) => r.id);
  }

  async findLinksByCustomer(want: { email?: string; phone?: string }) {
    const rows = this.db.prepare('SELECT id, customer FROM payment_links WHERE customer LIKE ? ORDER BY created_at, id').all(customerLikePattern(want)) as Array<{ id: string; customer: string }>;
    return rows.filter((r) => customerMatches(r.customer, want)).map((r) => r.id);
  }

  async erasePii(sel: PiiSelection, at: string): Promise<PiiErasure> {
    return this.db.transaction(() => {
      const rows = (
        'closedBefore' in sel
          ? this.db
              .prepare("SELECT id, customer FROM payments WHERE pii_erased_at IS NULL AND status <> 'pending' AND updated_at < ? ORDER BY updated_at LIMIT ?")
              .all(sel.closedBefore, sel.limit)
          : sel.paymentIds.map((id) => this.db.prepare('SELECT id, customer FROM payments WHERE id = ?').get(id)).filter(Boolean)
      ) as Array<{ id: string; customer: string }>;
      const out = emptyErasure();
      const scrub = (table: string, key: string, column: string, where: string, arg: string, needles: string[]) => {
        let n = 0;
        for (const r of this.db.prepare(`SELECT ${key} AS k, ${column} AS v FROM ${table} WHERE ${where}`).all(arg) as Array<{ k: unknown; v: string }>) {
          const next = scrubText(r.v, needles);
          if (next === null) continue;
          this.db.prepare(`UPDATE ${table} SET ${column} = ? WHERE ${key} = ?`).run(next, r.k);
          n++;
        }
        return n;
      };
      for (const r of rows) {
        const needles = needlesFor(JSON.parse(r.customer));
        this.db.prepare("UPDATE payments SET customer = '{}', pii_erased_at = ? WHERE id = ?").run(at, r.id);
        out.payments++;
        out.paymentIds.push(r.id);
        out.providerEvents += scrub('provider_events', 'rowid', 'payload', 'payment_id = ?', r.id, needles);
        out.notifications += scrub('outbox', 'id', 'body', 'payment_id = ?', r.id, needles);
        out.history += scrub('payment_history', 'seq', 'snapshot', 'payment_id = ?', r.id, needles);
        out.idempotencyRecords += scrub('idempotency_keys', 'rowid', 'response_body', "response_body LIKE '%' || ? || '%'", r.id, needles);
      }
      // A link keeps its own copy of the customer it was made for; it is closed once it takes no more payments.
      const links = (
        'closedBefore' in sel
          ? this.db.prepare(`SELECT id, customer FROM payment_links WHERE customer <> '{}' AND ${LINK_CLOSED_AT} < ? ORDER BY ${LINK_CLOSED_AT} LIMIT ?`).all(sel.closedBefore, sel.limit)
          : (sel.linkIds ?? []).map((id) => this.db.prepare("SELECT id, customer FROM payment_links WHERE id = ? AND customer <> '{}'").get(id)).filter(Boolean)
      ) as Array<{ id: string; customer: string }>;
      for (const l of links) {
        const needles = needlesFor(JSON.parse(l.customer));
        this.db.prepare("UPDATE payment_links SET customer = '{}' WHERE id = ?").run(l.id);
        out.links++;
        out.linkIds.push(l.id);
        // The link as the API answered it (replayable for a day) and its link.completed notification.
        out.notifications += scrub('outbox', 'id', 'body', "body LIKE '%' || ? || '%'", l.id, needles);
        out.idempotencyRecords += scrub('idempotency_keys', 'rowid', 'response_body', "response_body LIKE '%' || ? || '%'", l.id, needles);
      }
      return out;
    }).immediate();
  }
}
