/**
 * Row shapes shared by the SQLite and PostgreSQL stores, and their mapping to domain records. Numeric columns
 * arrive as numbers from SQLite and as strings from PostgreSQL (BIGINT may exceed 2^53; rupiah amounts and
 * ledger seqs stay far below that), so both are read through Number().
 */
import type { LinkStatus, PaymentStatus, ProviderId } from '../api-types.js';
import type { LinkRecord, NewLink } from '../domain/link.js';
import type { PaymentRecord, RefundRecord } from '../domain/payment-record.js';
import type { AuditEntry, ConsoleSession, HistoryEntry, ProviderEventRecord } from './types.js';

export interface PaymentRow {
  id: string;
  order_id: string;
  order_source: string;
  method: string;
  family: string;
  provider: string;
  amount: number | string;
  status: string;
  reference: string;
  attempt: number;
  provider_ref: string | null;
  instructions: string | null;
  installment: string | null;
  customer: string;
  flags: string;
  created_at: string;
  updated_at: string;
  expires_at: string;
  paid_at: string | null;
  failure_reason?: string | null;
  refunded_amount: number | string;
  expected_fee?: number | string | null;
  routing?: string | null;
  link_id?: string | null;
  link_checkout?: string | null;
}

export interface LinkRow {
  id: string;
  slug: string;
  url: string;
  order_id: string;
  description: string;
  amount: number | string | null;
  open_min: number | string | null;
  open_max: number | string | null;
  items: string | null;
  customer: string;
  methods: string | null;
  return_url: string | null;
  max_payments: number | string;
  expires_at: string | null;
  created_at: string;
  disabled_at: string | null;
  completed_at: string | null;
  paid_count: number | string;
}

/** Selects a link with its paid count (the same SQL in both dialects). */
export const LINK_SELECT = `SELECT l.*, (SELECT COUNT(*) FROM payments p WHERE p.link_id = l.id AND p.status IN ('paid','refunded')) AS paid_count FROM payment_links l`;

export const fromLinkRow = (r: LinkRow): LinkRecord => ({
  id: r.id,
  slug: r.slug,
  url: r.url,
  orderId: r.order_id,
  description: r.description,
  amount: r.amount === null ? null : Number(r.amount),
  openAmount: r.open_min === null || r.open_max === null ? null : { min: Number(r.open_min), max: Number(r.open_max) },
  items: r.items ? JSON.parse(r.items) : null,
  customer: JSON.parse(r.customer),
  methods: r.methods ? JSON.parse(r.methods) : null,
  returnUrl: r.return_url,
  maxPayments: Number(r.max_payments),
  expiresAt: r.expires_at,
  createdAt: r.created_at,
  disabledAt: r.disabled_at,
  completedAt: r.completed_at,
  paidCount: Number(r.paid_count ?? 0),
});

/** Column values of a new link, in the order of LINK_COLUMNS. */
export const LINK_COLUMNS = 'id, slug, url, order_id, description, amount, open_min, open_max, items, customer, methods, return_url, max_payments, expires_at, created_at';
export const linkValues = (l: NewLink) => [
  l.id, l.slug, l.url, l.orderId, l.description, l.amount, l.openAmount?.min ?? null, l.openAmount?.max ?? null,
  l.items ? JSON.stringify(l.items) : null, JSON.stringify(l.customer), l.methods ? JSON.stringify(l.methods) : null,
  l.returnUrl, l.maxPayments, l.expiresAt, l.createdAt,
];

/**
 * When a link stopped taking payments (completed wins, then disabled, then its expiry), as SQL on payment_links
 * without an alias; NULL while it can still be paid or has no end. Retention counts from this time.
 */
export const LINK_CLOSED_AT = 'COALESCE(completed_at, disabled_at, expires_at)';

/**
 * SQL conditions for a link status at `now` (the `?` placeholder is the time), mirroring linkStatus().
 */
export const LINK_STATUS_SQL: Record<LinkStatus, string> = {
  completed: 'l.completed_at IS NOT NULL',
  disabled: 'l.completed_at IS NULL AND l.disabled_at IS NOT NULL',
  expired: 'l.completed_at IS NULL AND l.disabled_at IS NULL AND l.expires_at IS NOT NULL AND l.expires_at <= ?',
  active: 'l.completed_at IS NULL AND l.disabled_at IS NULL AND (l.expires_at IS NULL OR l.expires_at > ?)',
};

export interface HistoryRow {
  seq: number | string;
  payment_id: string;
  status: string;
  reason: string;
  source: string;
  snapshot: string;
  at: string;
}

export interface RefundRow {
  id: string;
  payment_id: string;
  amount: number | string;
  reason: string;
  status: string;
  provider_ref: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

export const fromRow = (r: PaymentRow): PaymentRecord => ({
  id: r.id,
  orderId: r.order_id,
  orderSource: (r.order_source ?? 'session') as PaymentRecord['orderSource'],
  method: r.method,
  family: r.family as PaymentRecord['family'],
  provider: r.provider as ProviderId,
  amount: Number(r.amount),
  status: r.status as PaymentStatus,
  reference: r.reference,
  attempt: Number(r.attempt),
  providerRef: r.provider_ref,
  instructions: r.instructions ? JSON.parse(r.instructions) : null,
  installment: r.installment ? JSON.parse(r.installment) : null,
  customer: JSON.parse(r.customer),
  flags: JSON.parse(r.flags),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  expiresAt: r.expires_at,
  paidAt: r.paid_at,
  failureReason: (r.failure_reason ?? null) as PaymentRecord['failureReason'],
  refundedAmount: Number(r.refunded_amount ?? 0),
  expectedFee: r.expected_fee === null || r.expected_fee === undefined ? null : Number(r.expected_fee),
  routing: r.routing ? JSON.parse(r.routing) : null,
  link: r.link_id ? { id: r.link_id, checkout: r.link_checkout ?? '' } : null,
});

export const fromHistory = (h: HistoryRow): HistoryEntry => ({
  seq: Number(h.seq),
  paymentId: h.payment_id,
  status: h.status as PaymentStatus,
  reason: h.reason,
  source: h.source,
  at: h.at,
  snapshot: h.snapshot,
});

export const fromRefund = (r: RefundRow): RefundRecord => ({
  id: r.id,
  paymentId: r.payment_id,
  amount: Number(r.amount),
  reason: r.reason,
  status: r.status as RefundRecord['status'],
  providerRef: r.provider_ref,
  error: r.error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

export function decodeCursor(c: string): [string, string] | null {
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
    return Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string') ? (v as [string, string]) : null;
  } catch {
    return null;
  }
}


export interface AuditRow {
  id: number | string;
  at: string;
  actor: string;
  role: string;
  ip: string;
  action: string;
  payment_id: string | null;
  outcome: string;
  detail: string;
}

export const fromAudit = (r: AuditRow): AuditEntry => ({
  id: Number(r.id),
  at: r.at,
  actor: r.actor,
  role: r.role,
  ip: r.ip,
  action: r.action,
  paymentId: r.payment_id,
  outcome: r.outcome,
  detail: JSON.parse(r.detail) as Record<string, unknown>,
});

export interface ConsoleSessionRow {
  token_hash: string;
  actor: string;
  role: string;
  csrf: string;
  ip: string;
  created_at: string;
  expires_at: string;
}

export const fromConsoleSession = (r: ConsoleSessionRow): ConsoleSession => ({
  tokenHash: r.token_hash,
  actor: r.actor,
  role: r.role as ConsoleSession['role'],
  csrf: r.csrf,
  ip: r.ip,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

export interface EventRow {
  provider: string;
  event_id: string;
  payment_id: string | null;
  outcome: string;
  received_at: string;
  payload: string;
}

export const fromEvent = (r: EventRow): ProviderEventRecord => ({
  provider: r.provider as ProviderId,
  eventId: r.event_id,
  paymentId: r.payment_id,
  outcome: r.outcome,
  receivedAt: r.received_at,
  payload: r.payload,
});
