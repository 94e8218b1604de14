/**
 * The ledger behind one interface. Every method is one atomic unit of work, so an implementation can map it to
 * one transaction (SQLite here; PostgreSQL for multi-instance deployments implements the same interface).
 * Methods are async even where SQLite is synchronous, so callers do not change when the engine does.
 */
import type { OpsStats } from '../lib/ops-metrics.js';
import type { LinkStatus, MethodFamily, PaymentInstructions, PaymentStatus, ProviderId, RoutingExplanation } from '../api-types.js';
import type { LinkRecord, NewLink } from '../domain/link.js';
import type { OrderSource, PaymentRecord, RefundRecord } from '../domain/payment-record.js';
import type { ChangeRequest } from '../domain/transition.js';
import type { PiiErasure } from './pii.js';

export interface HistoryEntry {
  /** Increasing across the whole ledger: the SSE event id. */
  seq: number;
  paymentId: string;
  status: PaymentStatus;
  reason: string;
  source: string;
  at: string;
  /** The public payment as it was right after this change. */
  snapshot: string;
}

export interface ProviderEventInput {
  provider: ProviderId;
  eventId: string;
  payload: string;
}

/**
 * A status change for Store.transition: what it means for the payment is decided by the domain's planTransition
 * (server/domain/transition.ts), called inside the store's transaction with the row as it is then.
 */
export interface TransitionInput extends ChangeRequest {
  paymentId: string;
  /** `webhook:<provider>`, `api`, `sandbox`, `reconciler`… */
  source: string;
  /** When the change comes from a provider event: recorded in the inbox in the same transaction. */
  event?: ProviderEventInput;
  /** Queue merchant notifications in the same transaction (transactional outbox). */
  notify?: boolean;
  /**
   * The payment as the caller read it when it decided on this change (Store.lookupEvent's answer). Never taken as
   * current: a store may write the change in one step guarded on the row still being exactly this version, and
   * reads and locks the row as usual when it is not (or does not know the version).
   */
  basis?: PaymentRecord;
}

export type IdempotencyBegin =
  | { kind: 'new' }
  | { kind: 'replay'; status: number; body: string }
  | { kind: 'mismatch' }
  | { kind: 'in_progress' };

export interface OutboxRow {
  id: number;
  paymentId: string;
  historySeq: number;
  body: string;
  attempts: number;
}

export type TransitionOutcome =
  /** Status changed (history row written). */
  | 'applied'
  /** The provider event was seen before: nothing changed. */
  | 'duplicate'
  /** Not a legal move from the current status (late, out of order, or a repeat of the current status). */
  | 'ignored';

export interface TransitionResult {
  outcome: TransitionOutcome;
  payment: PaymentRecord;
  history?: HistoryEntry;
  /** Flags this change added (e.g. `duplicate_payment`). */
  added?: string[];
}

export type InsertOutcome = { kind: 'inserted' | 'existing' | 'order_paid'; payment: PaymentRecord };

export interface NewPayment extends Omit<PaymentRecord, 'providerRef' | 'instructions' | 'paidAt' | 'updatedAt' | 'flags' | 'refundedAmount' | 'expectedFee' | 'routing' | 'orderSource'> {
  expectedFee?: number | null;
  routing?: RoutingExplanation | null;
  /** Default `session`. */
  orderSource?: OrderSource;
}

/** A move to another provider attempt; the expected fee and routing explanation follow the provider when given. */
export interface AttemptUpdate {
  provider: ProviderId;
  reference: string;
  attempt: number;
  at: string;
  expectedFee?: number | null;
  routing?: RoutingExplanation | null;
}

export interface ListFilter {
  orderId?: string;
  status?: PaymentStatus;
  from?: string;
  to?: string;
  limit: number;
  /** Opaque cursor from a previous page. */
  after?: string;
  /** `asc` (oldest first, the merchant API's default) or `desc` (newest first, the console). */
  order?: 'asc' | 'desc';
  /** Exact match on payment id, order id, provider reference, VA number, payment code, customer email (any case) or phone. */
  q?: string;
  method?: string;
  family?: MethodFamily;
  provider?: ProviderId;
  /** Payments carrying this flag, e.g. `amount_mismatch`. */
  flag?: string;
}

export interface ConsoleSession {
  /** SHA-256 of the cookie's token: the token itself is never stored. */
  tokenHash: string;
  actor: string;
  role: 'viewer' | 'operator';
  csrf: string;
  ip: string;
  createdAt: string;
  expiresAt: string;
}

export interface AuditInput {
  at: string;
  actor: string;
  role: string;
  ip: string;
  /** `sign_in`, `sign_in_failed`, `sign_out`, `refund`, `resend_notification`, `export_csv`, `download_statement`, `create_link`, `disable_link`. */
  action: string;
  paymentId?: string | null;
  /** `ok` or the error code the action ended with. */
  outcome: string;
  detail?: Record<string, unknown>;
}

export interface AuditFilter {
  paymentId?: string;
  action?: string;
  actor?: string;
  /** Only entries whose outcome is not `ok` (refusals and failures). */
  refusedOnly?: boolean;
  before?: number;
  limit: number;
}

export interface AuditEntry extends Required<Omit<AuditInput, 'detail' | 'paymentId'>> {
  id: number;
  paymentId: string | null;
  detail: Record<string, unknown>;
}

export interface ProviderEventRecord {
  provider: ProviderId;
  eventId: string;
  paymentId: string | null;
  /** `applied`, `ignored`, `flagged:<flags>`, `unknown_payment`, `received`. */
  outcome: string;
  receivedAt: string;
  payload: string;
}

export interface NotificationAttempt {
  at: string;
  ok: boolean;
  /** `HTTP 200`, `HTTP 500`, or the network error. */
  answer: string;
}

export interface NotificationRecord {
  id: number;
  paymentId: string;
  /** `payment.status`, `payment.refund`, … */
  type: string;
  createdAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string;
  lastError: string | null;
  attempts: NotificationAttempt[];
  /** The notification this one re-sends, when an operator asked for it again. */
  resendOf: number | null;
}

export interface StatsGroup {
  family: MethodFamily;
  provider: ProviderId;
  count: number;
  amount: number;
}

export interface PaymentStats {
  /** Payments created in the range, by status. */
  created: Array<StatsGroup & { status: PaymentStatus }>;
  /** Payments paid in the range (by paidAt). */
  paid: StatsGroup[];
  /** Refunds that succeeded in the range. */
  refunds: { count: number; amount: number };
}

export interface LinkListFilter {
  status?: LinkStatus;
  orderId?: string;
  from?: string;
  to?: string;
  limit: number;
  after?: string;
  /** Oldest first (the merchant API) unless 'desc' (the console: newest first). */
  order?: 'asc' | 'desc';
  /** The time statuses are judged at (expiry). */
  now: string;
}

/** Ledger-wide figures the alerts watch (read at scrape time, lib/ops-metrics.ts). */
/** Ledger-wide figures for the operations metrics; the type lives with its reader, lib/ops-metrics.ts. */
export type { OpsStats };

/** Which payments' and payment links' customer data to erase. */
export type PiiSelection =
  /**
   * Retention: payments closed (not pending) and unchanged since before this time, and links closed (completed,
   * disabled or expired) before it; at most `limit` of each per call.
   */
  | { closedBefore: string; limit: number }
  /** A customer's request: these payments and links, whatever their status. */
  | { paymentIds: string[]; linkIds?: string[] };

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Applies pending migrations; idempotent. */
  migrate(): Promise<void>;
  /** Store open and migrations applied. */
  ready(): Promise<boolean>;
  close(): Promise<void>;

  /**
   * Inserts a pending payment, in one atomic step with its checks: when a payment of the order (same order source)
   * is already paid or refunded nothing is inserted (`order_paid`, with that payment); when the order already has a
   * pending payment for the same method nothing is inserted and that payment is returned (`existing`: one pending
   * payment per order and method).
   * A payment through a link (`p.link`) is checked against the link first, so concurrent
   * checkouts cannot together exceed `maxPayments`: 410 `link_completed`/`link_disabled`/`link_expired` when the
   * link takes no payments, 409 `link_in_progress` when the other checkouts' pending payments hold every
   * remaining place (a checkout's own pending payments never block it: that is the same customer switching method).
   */
  insertPayment(p: NewPayment): Promise<InsertOutcome>;
  /** Every payment of an order (one order source), oldest first. */
  orderPayments(source: OrderSource, orderId: string): Promise<PaymentRecord[]>;
  /** Stores what the provider answered for a pending payment and writes its first history entry. */
  attachProviderResult(
    id: string,
    r: { provider: ProviderId; reference: string; attempt: number; providerRef: string; expiresAt: string; instructions: PaymentInstructions; at: string; notify?: boolean },
  ): Promise<{ payment: PaymentRecord; history: HistoryEntry }>;
  /** Moves a still-initiating payment to another provider attempt (failover). */
  updateAttempt(id: string, a: AttemptUpdate): Promise<PaymentRecord>;

  getPayment(id: string): Promise<PaymentRecord | null>;
  findByReference(provider: ProviderId, reference: string): Promise<PaymentRecord | null>;
  findByProviderRef(provider: ProviderId, providerRef: string): Promise<PaymentRecord | null>;
  listPayments(f: ListFilter): Promise<{ payments: PaymentRecord[]; next: string | null }>;

  /** Atomically: inbox insert (if an event is given), state-machine check, status update, history row. */
  transition(t: TransitionInput): Promise<TransitionResult>;
  /** Whether a provider event is already in the inbox. */
  hasEvent(provider: ProviderId, eventId: string): Promise<boolean>;
  /**
   * What a webhook needs before it is applied, in one read (one round trip on PostgreSQL): whether the event is in
   * the inbox already, and the payment it is about, by our reference first, else by the provider's own id.
   */
  lookupEvent(provider: ProviderId, eventId: string, ref: { reference?: string; providerRef?: string }): Promise<{ seen: boolean; payment: PaymentRecord | null }>;
  /** Records a verified provider event that changes nothing (unknown payment, flagged mismatch). */
  recordEvent(e: ProviderEventInput & { paymentId: string | null; outcome: string; at: string }): Promise<boolean>;

  /** History entries of a payment after a given seq (all when omitted), oldest first. */
  history(paymentId: string, afterSeq?: number): Promise<HistoryEntry[]>;

  /**
   * Claims an Idempotency-Key for a request body hash. `in_progress` while another request holds it (until
   * `lockUntil` passes, after which a crashed holder's claim is taken over). A finished key created before
   * `expiredBefore` has expired: it is claimed afresh as if never used.
   */
  beginIdempotent(scope: string, key: string, requestHash: string, at: string, lockUntil: string, expiredBefore?: string): Promise<IdempotencyBegin>;
  /** Deletes finished keys created before `before` (keys expire: a replay is only promised for 24 h); how many. */
  purgeIdempotency(before: string): Promise<number>;
  completeIdempotent(scope: string, key: string, status: number, body: string): Promise<void>;
  /** Forgets a key whose request failed, so nothing is left behind by bad input. */
  abandonIdempotent(scope: string, key: string): Promise<void>;

  /**
   * Claims due, undelivered notifications — at most the oldest one per payment, so each payment's notifications
   * go out in order — leasing them until `leaseUntil` so no other worker sends them meanwhile.
   */
  claimOutbox(now: string, leaseUntil: string, limit: number): Promise<OutboxRow[]>;
  /** Each delivery attempt is kept with the merchant's answer (the console shows them). */
  markDelivered(id: number, at: string, answer?: string): Promise<void>;
  markDeliveryFailed(id: number, nextAttemptAt: string, error: string, at?: string): Promise<void>;
  outboxBacklog(): Promise<number>;
  /** Number of payments per status (for metrics). */
  countByStatus(): Promise<Record<string, number>>;

  /**
   * Reserves a refund against the paid amount: refused unless the payment is paid and the sum of its refunds
   * (pending and succeeded) plus this one stays within the amount. Atomic, so concurrent refunds cannot
   * together exceed what was paid.
   */
  beginRefund(r: { id: string; paymentId: string; amount: number; reason: string; at: string }): Promise<
    { ok: true; refund: RefundRecord } | { ok: false; why: 'not_paid' | 'exceeds'; payment: PaymentRecord }
  >;
  /**
   * Settles a refund. A failed one releases its reservation; a succeeded one queues a `payment.refund`
   * notification and, once the refunds add up to the amount, moves the payment to refunded.
   */
  finishRefund(
    id: string,
    o: { status: 'succeeded' | 'failed'; providerRef?: string; error?: string; at: string; notify: boolean },
  ): Promise<{ refund: RefundRecord; payment: PaymentRecord; history?: HistoryEntry }>;
  listRefunds(f: { paymentId?: string; from?: string; to?: string }): Promise<RefundRecord[]>;

  /**
   * Payments to ask their provider about: pending ones last checked before `checkedBefore` (or never), and expired
   * ones not yet checked since they expired (within a week), in case the money came without a webhook.
   */
  duePending(checkedBefore: string, limit: number): Promise<PaymentRecord[]>;
  markChecked(id: string, at: string): Promise<void>;

  // The merchant console.
  createConsoleSession(s: ConsoleSession): Promise<void>;
  /** The session for a token hash, unless it expired before `now`. */
  getConsoleSession(tokenHash: string, now: string): Promise<ConsoleSession | null>;
  deleteConsoleSession(tokenHash: string): Promise<void>;
  addAudit(e: AuditInput): Promise<AuditEntry>;
  /** Newest first; `before` is an entry id (keyset page: entries older than it). */
  listAudit(f: AuditFilter): Promise<AuditEntry[]>;
  paymentEvents(paymentId: string): Promise<ProviderEventRecord[]>;
  paymentNotifications(paymentId: string): Promise<NotificationRecord[]>;
  /** Queues a copy of a notification for delivery now; null when there is no such notification. */
  resendNotification(id: number, at: string): Promise<NotificationRecord | null>;
  /** Undelivered count, the oldest undelivered notification's creation time, and undelivered ones that failed (newest first). */
  outboxSummary(limit: number): Promise<{ backlog: number; oldestUndeliveredAt: string | null; failing: NotificationRecord[] }>;
  paymentStats(from: string, to: string): Promise<PaymentStats>;
  /** Provider webhooks received since a time, by provider and outcome. */
  eventCounts(since: string): Promise<Array<{ provider: ProviderId; outcome: string; count: number }>>;

  // Payment links.
  insertLink(l: NewLink): Promise<LinkRecord>;
  getLink(id: string): Promise<LinkRecord | null>;
  getLinkBySlug(slug: string): Promise<LinkRecord | null>;
  /** Keyset pagination on (created_at, id), oldest first unless `order: 'desc'`. */
  listLinks(f: LinkListFilter): Promise<{ links: LinkRecord[]; next: string | null }>;
  /** Sets disabled_at unless already set or the link is completed; returns the link as it is now. */
  disableLink(id: string, at: string): Promise<LinkRecord | null>;
  /** Payments made through a link, oldest first. */
  linkPayments(linkId: string): Promise<PaymentRecord[]>;

  /** Adds one to a per-day counter (`day` is a Jakarta date, YYYY-MM-DD). */
  bumpDailyCount(day: string, name: string): Promise<void>;
  /** The counter summed over days from..to inclusive. */
  dailyCount(name: string, fromDay: string, toDay: string): Promise<number>;
  opsStats(): Promise<OpsStats>;
  /** Ids of the payments whose customer has this email (case-insensitive) or phone (any of its written forms). */
  findByCustomer(want: { email?: string; phone?: string }): Promise<string[]>;
  /** Ids of the payment links that name this customer (matched as findByCustomer does). */
  findLinksByCustomer(want: { email?: string; phone?: string }): Promise<string[]>;
  /**
   * Erases customer name, email and phone from the selected payments and from everything stored with them
   * (provider events, notification bodies, history snapshots, replayable answers); amounts, references, statuses
   * and history stay. On PostgreSQL retention batches are claimed with SKIP LOCKED, like the other workers.
   */
  erasePii(sel: PiiSelection, at: string): Promise<PiiErasure>;
}
