/**
 * Types of the console API (`/console/api/…`), shared by the server and the console's browser bundle (import
 * type only). Kept apart from server/api-types.ts: that file is the storefront contract the widget ships types for.
 */
import type { MethodFamily, Payment, PaymentLink, PaymentStatus, ProviderId } from '../api-types.js';
import type { Statement } from '../domain/daily-statement.js';
import type { AuditEntry, NotificationRecord, ProviderEventRecord } from '../store/types.js';

export type { Statement, AuditEntry, NotificationRecord, ProviderEventRecord };

export interface ConsoleMe {
  actor: string;
  role: 'viewer' | 'operator';
  /** Send as `X-CSRF-Token` on every state-changing call. */
  csrf: string;
  expiresAt: string;
  mode: 'sandbox' | 'live';
  /** Whether BAYAR_NOTIFY_URL is set (otherwise there are no merchant notifications to show or resend). */
  notifications: boolean;
}

/** The payment as the console shows it: the public payment plus what only the merchant may see. */
export interface ConsolePayment extends Payment {
  reference: string;
  providerRef: string | null;
  customer: { name?: string; email?: string; phone?: string };
  updatedAt: string;
  refundedAmount: number;
  flags: string[];
  /** Payment codes as issued, whatever the status now (the public payment hides them once closed). */
  codes: { va?: { bank: string; number: string }; cstore?: { store: string; paymentCode: string }; qris?: boolean; redirectUrl?: string };
}

export interface ConsolePaymentList {
  payments: ConsolePayment[];
  next: string | null;
}

export type RefundBlock = 'not_paid' | 'fully_refunded' | 'provider_disabled' | 'provider_cannot_refund';

export interface Refundability {
  ok: boolean;
  /** Integer IDR still refundable. */
  max: number;
  block?: RefundBlock;
  /** The provider's own words when it cannot refund this method. */
  message?: string;
}

export interface TimelineEntry {
  at: string;
  kind: 'status' | 'provider_event' | 'notification' | 'refund' | 'console' | 'routing';
  /** Status, event outcome, notification answer, refund status or console action. */
  title: string;
  /** Where the change came from: `webhook:<provider>`, `reconciler`, `api`, `provider:<id>`, `console:<actor>`, … */
  source: string;
  detail?: string;
  /** Integer IDR, for refunds. */
  amount?: number;
  ok?: boolean;
}

/** What the console writes to its audit log (sign-in failures are `sign_in` with outcome `invalid_credentials`). */
export const AUDIT_ACTIONS = ['sign_in', 'sign_out', 'refund', 'resend_notification', 'export_csv', 'download_statement', 'create_link', 'disable_link'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** `GET /console/api/audit`: newest first; `next` is the cursor for older entries, null on the last page. */
export interface ConsoleAuditPage {
  entries: AuditEntry[];
  next: string | null;
}

export interface ConsolePaymentDetail {
  payment: ConsolePayment;
  refundable: Refundability;
  timeline: TimelineEntry[];
  events: ProviderEventRecord[];
  notifications: NotificationRecord[];
  refunds: Array<{ id: string; amount: number; reason: string; status: string; error: string | null; createdAt: string }>;
  audit: AuditEntry[];
}

export interface OverviewBucket {
  /** Jakarta calendar day, YYYY-MM-DD. */
  day: string;
  paidCount: number;
  paidAmount: number;
}

export interface ConsoleOverview {
  range: 'today' | '7d' | '30d';
  from: string;
  to: string;
  paid: { count: number; amount: number };
  created: number;
  refunds: { count: number; amount: number };
  /**
   * Checkout sessions minted by the merchant backend (POST /api/sessions), payments created, and how many of those
   * are paid (or were, before a refund). Unsigned and catalog checkouts mint no session.
   */
  conversion: { sessions: number; created: number; paid: number };
  byFamily: Array<{ family: MethodFamily; count: number; amount: number }>;
  byProvider: Array<{ provider: ProviderId; count: number; amount: number }>;
  days: OverviewBucket[];
}

export interface ProviderHealth {
  provider: ProviderId;
  circuit: 'closed' | 'open' | 'half_open' | 'isolated';
  /** Families this provider serves, with its place in each family's failover order (1 = first). */
  routes: Array<{ family: MethodFamily; position: number }>;
  /** Create calls seen by this process, over the last hour and day. */
  createLatency: { hour: LatencySummary; day: LatencySummary };
  /** From the ledger: payments created per family in the last 24 h and the share that did not fail. */
  families: Array<{ family: MethodFamily; created: number; failed: number; successRate: number | null }>;
  webhooks: { hour: Record<string, number>; day: Record<string, number> };
  /** Smart routing's channel health per method this provider serves (null when BAYAR_SMART_ROUTING=off). */
  channels: Array<{ method: string; state: 'healthy' | 'degraded' | 'probing'; reason?: string; since?: string; calls: number; errorRate: number | null; p95Ms: number | null }> | null;
}

export interface LatencySummary {
  calls: number;
  errors: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface ConsoleProviders {
  mode: 'sandbox' | 'live';
  routes: Record<MethodFamily, ProviderId[]>;
  providers: ProviderHealth[];
}

export interface ConsoleNotifications {
  enabled: boolean;
  backlog: number;
  oldestUndeliveredAt: string | null;
  failing: NotificationRecord[];
}

export type { PaymentStatus };

/** Payment links as the console lists them: the merchant API's shape (`GET /api/links`). */
export interface ConsoleLinkList {
  links: PaymentLink[];
  next: string | null;
}

/** One link with the payments made through it, newest first. */
export interface ConsoleLinkDetail {
  link: PaymentLink;
  payments: ConsolePayment[];
}

/** The products of BAYAR_CATALOG a link can be made of (empty when none is configured). */
export interface ConsoleCatalog {
  items: Array<{ sku: string; name: string; price: number }>;
}
