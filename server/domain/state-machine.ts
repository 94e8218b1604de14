/**
 * The payment state machine. A payment only moves forward: pending → paid | expired | cancelled | failed,
 * paid → refunded. Nothing ever returns to pending, and terminal states stay terminal, so out-of-order or
 * replayed provider events can never move a payment backwards.
 */
import type { PaymentStatus } from '../api-types.js';

const NEXT: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  pending: ['paid', 'expired', 'cancelled', 'failed'],
  paid: ['refunded'],
  expired: [],
  cancelled: [],
  failed: [],
  refunded: [],
};

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return NEXT[from].includes(to);
}

export function isTerminal(s: PaymentStatus): boolean {
  return NEXT[s].length === 0;
}
