/**
 * Reading what a provider sent: one set of readers for every adapter, so "not an object", "missing field" and
 * "not a whole rupiah amount" mean the same thing for all five. Pure.
 */
import type { PaymentStatus } from '../api-types.js';

/**
 * A status word looked up in a provider's STATUS_TABLE. A word the table does not know (providers add some over
 * time) reads `pending`: the one status that moves nothing in the ledger, so it can never mark a payment paid or
 * closed; the word itself is kept for reconciliation.
 */
export function statusIn(table: Readonly<Record<string, PaymentStatus>>, word: string | undefined): PaymentStatus {
  return word !== undefined && Object.hasOwn(table, word) ? table[word]! : 'pending';
}

/** An answer or notification that lacks what the provider's documented shape promises. */
export class WireShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireShapeError';
  }
}

export type WireObject = Record<string, unknown>;

export const isWireObject = (v: unknown): v is WireObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `v` as a JSON object, or WireShapeError naming `what` it should have been. */
export function asObject(v: unknown, what: string): WireObject {
  if (!isWireObject(v)) throw new WireShapeError(`${what}: not a JSON object`);
  return v;
}

/** A required non-empty string field. */
export function str(o: WireObject, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0) throw new WireShapeError(`${what}: missing ${key}`);
  return v;
}

/**
 * Amounts read from a provider, exactly. Only whole rupiah exist, so `150000`, `"150000"` and `"150000.00"` are
 * 150000; a fraction (`149999.5`, `"149999.50"`) or anything unreadable is never rounded into a valid amount: it reads
 * as NaN, which equals no ledger amount, so the payment is flagged amount_mismatch instead of paid.
 * Absent (undefined/null/"") is undefined: the provider did not say. Every adapter's `fromWireAmount` is this.
 */
export function exactRupiah(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : Number.NaN;
  if (typeof v === 'string') {
    const m = /^(\d{1,15})(?:\.(\d+))?$/.exec(v.trim());
    if (!m || (m[2] !== undefined && !/^0+$/.test(m[2]))) return Number.NaN;
    return Number(m[1]);
  }
  return Number.NaN;
}

/** A required amount field: present and a whole number of rupiah, or WireShapeError. */
export function requiredRupiah(o: WireObject, key: string, what: string): number {
  const n = exactRupiah(o[key]);
  if (n === undefined || Number.isNaN(n)) throw new WireShapeError(`${what}: ${key} ${JSON.stringify(o[key])} is not a whole rupiah amount`);
  return n;
}
