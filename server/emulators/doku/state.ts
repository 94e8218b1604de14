/**
 * In-memory state of the Doku emulator: checkout sessions, their transitions, the Request-Id idempotency cache, and
 * the Check Status body a session reads as.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { CardOutcome } from '../shared/card-pages.js';
import { utcStamp } from './signing.js';

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

  /** Paid with `type`; a VA or a store code gets its number as the customer would have seen it. */
  markPaid(s: CheckoutSession, type: string, amount?: number) {
    s.status = 'SUCCESS';
    s.statusAt = this.clock.now();
    s.paidWith = type;
    s.paidAmount = amount ?? s.amount;
    if (type.startsWith('VIRTUAL_ACCOUNT_')) s.vaNumber = `8889${digits(12)}`;
    if (type.startsWith('ONLINE_TO_OFFLINE_')) s.paymentCode = `DK${digits(10)}`;
  }

  /** Ends an unpaid session (FAILED, EXPIRED) now. */
  end(s: CheckoutSession, status: 'FAILED' | 'EXPIRED') {
    s.status = status;
    s.statusAt = this.clock.now();
  }
}

function channelOf(type: string): { service: string; acquirer: string } {
  if (type.startsWith('VIRTUAL_ACCOUNT_')) return { service: 'VIRTUAL_ACCOUNT', acquirer: type.slice('VIRTUAL_ACCOUNT_'.length) };
  if (type.startsWith('EMONEY_')) return { service: 'EMONEY', acquirer: type.slice('EMONEY_'.length) };
  if (type.startsWith('ONLINE_TO_OFFLINE_')) return { service: 'ONLINE_TO_OFFLINE', acquirer: type.slice('ONLINE_TO_OFFLINE_'.length) };
  if (type === 'QRIS') return { service: 'QRIS', acquirer: 'DOKU' };
  return { service: type, acquirer: 'DOKU' };
}

/** The Check Status body, also the base of notifications. */
export function statusBody(s: CheckoutSession) {
  const type = s.paidWith ?? s.methodTypes[0]!;
  const { service, acquirer } = channelOf(type);
  const body: Record<string, unknown> = {
    order: { invoice_number: s.invoiceNumber, amount: s.paidAmount ?? s.amount },
    transaction: { status: s.status, date: utcStamp(s.statusAt), original_request_id: s.requestId },
    service: { id: service },
    acquirer: { id: acquirer },
    channel: { id: type },
  };
  if (s.vaNumber) {
    body.virtual_account_info = { virtual_account_number: s.vaNumber };
    body.virtual_account_payment = {
      // Doku's own spelling (§1.6).
      identifer: [
        { name: 'REQUEST_ID', value: s.requestId },
        { name: 'REFERENCE', value: s.sessionId },
        { name: 'CHANNEL_TYPE', value: 'ATM' },
      ],
    };
  }
  if (s.paymentCode) body.online_to_offline_info = { payment_code: s.paymentCode };
  return body;
}

export const newTokenId = () => randomBytes(24).toString('hex');
export const newSessionId = () => randomBytes(16).toString('hex').toUpperCase();
/** Doku's `uuid` is a very large integer; we keep it within JSON's safe range. */
export const newUuid = () => 2_000_000_000_000_000 + Math.floor(Math.random() * 1_000_000_000_000_000);
export const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');
