/**
 * What a provider can do, as data each adapter declares (`PaymentProvider.capabilities`). The domain (cancel,
 * refund, webhook confirmation, deadlines), the status checks, the reconciliation statement, the console and the
 * provider contract suite read these instead of catching ProviderNotSupportedError or testing a provider's id.
 * Amount limits are data too, per method: `methods()` gives each its minAmount/maxAmount.
 */
import type { MethodFamily } from '../api-types.js';

/** Seconds a payment of one family may stay open at a provider (its documented bounds; unknown bounds are left open). */
export interface DeadlineBounds {
  min?: number;
  max?: number;
  /** The provider decides the window whatever we ask. */
  fixed?: number;
}

export interface FamilyCapabilities {
  /** An unpaid payment can be cancelled at the provider; otherwise it stays payable there until its deadline. */
  cancel: boolean;
  /** Refunds through the API: none, the whole amount only, or any part of it. */
  refund: 'none' | 'full' | 'partial';
  /** Why not, in words an operator can act on (the console shows it on its Refund form), where refund is 'none'. */
  refundBlocker?: string;
  deadline?: DeadlineBounds;
}

export interface ProviderCapabilities {
  /** Per method family the provider serves (every family of its methods() has an entry). */
  families: Partial<Record<MethodFamily, FamilyCapabilities>>;
  /**
   * Its notifications are not signed over their status and a timestamp: every status one reports is confirmed via
   * status() before the ledger records it.
   */
  webhookNeedsConfirmation: boolean;
  /** The notification body is not signed at all (only a header is): nothing in it, not even its amount, is evidence. */
  webhookBodyUnsigned: boolean;
  /** status() works with our reference alone (before the provider's own id is known). */
  statusByReference: boolean;
  /** A `cancelled` after `paid` means the money went back (Indodana refunds by order cancellation). */
  cancelledAfterPaidMeansRefunded: boolean;
  /** The provider's own limit on status requests for one payment (Komerce: one per 3 s), 0 when it documents none. */
  statusMinIntervalMs: number;
  /** Customer-driven "check status" presses ask the provider at most this often per payment (≥ statusMinIntervalMs). */
  checkIntervalMs: number;
}

const NO_FAMILY: FamilyCapabilities = { cancel: false, refund: 'none', refundBlocker: 'this provider does not serve this method family' };

/** The capabilities of one family; a family the provider does not declare can do nothing. */
export function familyCapabilities(caps: ProviderCapabilities, family: MethodFamily): FamilyCapabilities {
  return caps.families[family] ?? NO_FAMILY;
}

/** Why a payment of this family cannot be refunded through the provider's API, or null when it can. */
export function refundBlocker(caps: ProviderCapabilities, family: MethodFamily): string | null {
  const f = familyCapabilities(caps, family);
  return f.refund === 'none' ? (f.refundBlocker ?? 'this provider cannot refund through its API') : null;
}
