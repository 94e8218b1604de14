/**
 * The emulated Komerce's memory: payments by id and by order_id, VA numbers and QRIS payloads issued,
 * expiry by the injected clock, and the status rate limit.
 */
import { randomInt } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import { buildDynamicQris } from '../../lib/qris.js';
import { findBank, QRIS_FEE_RATE, QRIS_TTL_SECONDS, VA_DEFAULT_TTL_SECONDS, VA_FEE } from './catalog.js';
import type { ValidCreate } from './validation.js';

export type KomStatus = 'PENDING' | 'PAID' | 'EXPIRED' | 'CANCELED';

export interface KomPayment {
  paymentId: string;
  request: ValidCreate;
  status: KomStatus;
  createdAt: Date;
  expiresAt: Date;
  vaNumber: string | null;
  qrString: string | null;
  paidAt: Date | null;
  paidAmount: number | null;
  canceledAt: Date | null;
  cancelReason: string | null;
  /** Clock time (ms) of the last status request that was answered, for the 1-per-3-s limit. */
  lastStatusAt: number | null;
  /** The status the last callback announced, so a clock-expired payment can still get its EXPIRED callback. */
  lastCallbackStatus: KomStatus | null;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const randomAlnum = (n: number) => Array.from({ length: n }, () => ALNUM[randomInt(ALNUM.length)]).join('');
const randomDigits = (n: number) => Array.from({ length: n }, () => String(randomInt(10))).join('');

/** Komerce's documented id shape, `KOMPAY-1699012345-A1B2C3` (§3.2). */
const newPaymentId = (now: Date) => `KOMPAY-${Math.floor(now.getTime() / 1000)}-${randomAlnum(6)}`;

export class KomerceState {
  private readonly byId = new Map<string, KomPayment>();
  private readonly byOrder = new Map<string, KomPayment>();
  private readonly vaNumbers = new Set<string>();

  constructor(private readonly clock: Clock) {}

  get(paymentId: string): KomPayment | undefined {
    const p = this.byId.get(paymentId);
    if (p) this.refresh(p);
    return p;
  }

  byOrderId(orderId: string): KomPayment | undefined {
    const p = this.byOrder.get(orderId);
    if (p) this.refresh(p);
    return p;
  }

  create(req: ValidCreate): KomPayment {
    const now = this.clock.now();
    let paymentId = newPaymentId(now);
    while (this.byId.has(paymentId)) paymentId = newPaymentId(now);
    const ttl = req.paymentType === 'qris' ? QRIS_TTL_SECONDS : (req.expiryDuration ?? VA_DEFAULT_TTL_SECONDS);
    const p: KomPayment = {
      paymentId,
      request: req,
      status: 'PENDING',
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttl * 1000),
      vaNumber: req.paymentType === 'bank_transfer' ? this.newVaNumber(req.channelCode!) : null,
      qrString:
        req.paymentType === 'qris'
          ? buildDynamicQris({
              merchantName: 'KOMERCE SANDBOX',
              merchantCity: 'JAKARTA',
              amount: req.amount,
              acquirerDomain: 'ID.CO.KOMERCE.WWW',
              merchantPan: `936000${randomDigits(13)}`,
              nmid: 'ID1026000000001',
              // Tag 62 reference label: makes every payment's QR unique (KOMPAY-… is 24 chars, within 25).
              reference: paymentId,
            })
          : null,
      paidAt: null,
      paidAmount: null,
      canceledAt: null,
      cancelReason: null,
      lastStatusAt: null,
      lastCallbackStatus: null,
    };
    this.byId.set(paymentId, p);
    this.byOrder.set(req.orderId, p);
    return p;
  }

  /** Expiry by the clock: a PENDING payment past its deadline is EXPIRED from then on. */
  refresh(p: KomPayment): void {
    if (p.status === 'PENDING' && this.clock.now().getTime() >= p.expiresAt.getTime()) {
      p.status = 'EXPIRED';
      if (p.vaNumber) this.vaNumbers.delete(p.vaNumber);
    }
  }

  markPaid(p: KomPayment, amount: number): void {
    p.status = 'PAID';
    p.paidAt = this.clock.now();
    p.paidAmount = amount;
    if (p.vaNumber) this.vaNumbers.delete(p.vaNumber);
  }

  markExpired(p: KomPayment): void {
    p.status = 'EXPIRED';
    p.expiresAt = this.clock.now();
    if (p.vaNumber) this.vaNumbers.delete(p.vaNumber);
  }

  markCanceled(p: KomPayment, reason: string): void {
    p.status = 'CANCELED';
    p.canceledAt = this.clock.now();
    p.cancelReason = reason;
    // For VA Komerce deactivates the account; a QRIS simply can no longer be paid (§3.2).
    if (p.vaNumber) this.vaNumbers.delete(p.vaNumber);
  }

  /**
   * The 1 request per 3 s per payment_id limit (§3.2). Only answered requests count, so a caller that
   * waits its turn always gets through. Returns the seconds to wait, or 0 when the request may go ahead.
   */
  takeStatusSlot(p: KomPayment, minIntervalMs: number): number {
    const now = this.clock.now().getTime();
    if (p.lastStatusAt !== null && now - p.lastStatusAt < minIntervalMs) {
      return Math.max(1, Math.ceil((minIntervalMs - (now - p.lastStatusAt)) / 1000));
    }
    p.lastStatusAt = now;
    return 0;
  }

  settlementAmount(p: KomPayment): number {
    const paid = p.paidAmount ?? p.request.amount;
    const fee = p.request.paymentType === 'qris' ? Math.round(paid * QRIS_FEE_RATE) : VA_FEE;
    return Math.max(0, paid - fee);
  }

  /** 16 digits: the bank's prefix, then random digits; unique among open VAs. */
  private newVaNumber(bankCode: string): string {
    const prefix = findBank(bankCode)!.vaPrefix!;
    let n: string;
    do n = prefix + randomDigits(16 - prefix.length);
    while (this.vaNumbers.has(n));
    this.vaNumbers.add(n);
    return n;
  }
}

/** Komerce-style times: ISO 8601 in WIB (UTC+7), e.g. `2026-01-01T14:00:00+07:00`. */
export function wib(d: Date): string {
  return `${new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 19)}+07:00`;
}

/** The payment_method a paid payment reports: QRIS, or the bank's channel code. */
export const paymentMethod = (p: KomPayment) => (p.request.paymentType === 'qris' ? 'QRIS' : p.request.channelCode!);
