/** In-memory state of the Doku emulator: checkout sessions and the Request-Id idempotency cache. */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { CardOutcome } from '../shared/card-pages.js';

/** REDIRECT: a card was submitted and waits for its 3-D Secure verification (providers.md §1.7). */
export type DokuEmuStatus = 'PENDING' | 'REDIRECT' | 'SUCCESS' | 'FAILED' | 'EXPIRED';

export interface DokuLineItemIn {
  name: string;
  price: number;
  quantity: number;
}

export interface SentNotification {
  requestId: string;
  body: string;
  url: string;
}

export interface CheckoutSession {
  invoiceNumber: string;
  amount: number;
  /** What the customer paid (simulate may pay a different amount to test mismatch handling). */
  paidAmount?: number;
  tokenId: string;
  sessionId: string;
  uuid: number;
  /** Request-Id of the create call (`transaction.original_request_id`). */
  requestId: string;
  methodTypes: string[];
  /** The method type the customer used, once paid. */
  paidWith?: string;
  createdAt: Date;
  expiresAt: Date;
  dueMinutes: number;
  status: DokuEmuStatus;
  statusAt: Date;
  callbackUrl?: string;
  callbackUrlCancel?: string;
  notifyUrl?: string;
  customerName?: string;
  lineItems: DokuLineItemIn[];
  /** Every notification sent for this session, for redelivery with the same Request-Id. */
  notifications: SentNotification[];
  vaNumber?: string;
  paymentCode?: string;
  /** The sandbox card submitted on the hosted card form (CREDIT_CARD), awaiting or past 3-D Secure. */
  card?: { outcome: CardOutcome; masked: string; otpFailures: number };
}

export interface CachedResponse {
  bodyDigest: string;
  status: number;
  text: string;
}

export class DokuState {
  readonly byInvoice = new Map<string, CheckoutSession>();
  readonly byToken = new Map<string, CheckoutSession>();
  readonly byRequestId = new Map<string, CheckoutSession>();
  /** `${clientId}\n${requestId}` → the first successful answer (Doku's idempotency, §1.7). */
  readonly idempotency = new Map<string, CachedResponse>();

  constructor(private readonly clock: Clock) {}

  add(s: CheckoutSession) {
    this.byInvoice.set(s.invoiceNumber, s);
    this.byToken.set(s.tokenId, s);
    this.byRequestId.set(s.requestId, s);
  }

  /** Finds by invoice_number, token_id or original Request-Id, applying clock expiry first. */
  find(id: string): CheckoutSession | undefined {
    const s = this.byInvoice.get(id) ?? this.byToken.get(id) ?? this.byRequestId.get(id);
    if (s) this.expireIfDue(s);
    return s;
  }

  expireIfDue(s: CheckoutSession) {
    if ((s.status === 'PENDING' || s.status === 'REDIRECT') && this.clock.now().getTime() >= s.expiresAt.getTime()) {
      s.status = 'EXPIRED';
      s.statusAt = s.expiresAt;
    }
  }
}

export const newTokenId = () => randomBytes(24).toString('hex');
export const newSessionId = () => randomBytes(16).toString('hex').toUpperCase();
/** Doku's `uuid` is a very large integer; we keep it within JSON's safe range. */
export const newUuid = () => 2_000_000_000_000_000 + Math.floor(Math.random() * 1_000_000_000_000_000);
export const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');
