/**
 * planTransition: the one place that decides what a status change means (both stores execute its plan). Pure, so
 * every rule is checked here once, without a ledger.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PaymentRecord } from '../../server/domain/payment-record.js';
import { planTransition } from '../../server/domain/transition.js';

const AT = '2026-05-01T10:00:00.000Z';
const payment = (o: Partial<PaymentRecord> = {}): PaymentRecord => ({
  id: 'pay_1', orderId: 'O-1', orderSource: 'session', method: 'va:bca', family: 'va', provider: 'komerce', amount: 150_000, status: 'pending',
  reference: 'BYR1', attempt: 1, providerRef: 'KP-1', instructions: null, installment: null, customer: {}, flags: [], createdAt: AT,
  updatedAt: AT, expiresAt: AT, paidAt: null, refundedAmount: 0, expectedFee: null, routing: null, ...o,
} as PaymentRecord);
const paid = (amounts: number[] = [150_000], over: object = {}) => ({ at: AT, reported: { status: 'paid' as const, amounts, providerStatus: 'PAID', ...over } });
const none = { orderPaidElsewhere: false };

describe('planTransition', () => {
  it('pending + the provider says paid with the ledger amount → paid, paidAt from the provider, one status notification', () => {
    const p = planTransition(payment(), paid([150_000], { paidAt: '2026-05-01T09:59:00.000Z' }), none);
    assert.equal(p.outcome, 'applied');
    assert.equal(p.next.status, 'paid');
    assert.equal(p.next.paidAt, '2026-05-01T09:59:00.000Z');
    assert.deepEqual(p.notify, ['payment.status']);
    assert.equal(p.reason, 'provider:PAID');
  });

  it('any stated amount that differs (or is not exact: NaN) → not paid, flagged amount_mismatch, no notification', () => {
    for (const amounts of [[149_000], [150_000, 149_000], [Number.NaN]]) {
      const p = planTransition(payment(), paid(amounts), none);
      assert.equal(p.outcome, 'ignored');
      assert.equal(p.next.status, 'pending');
      assert.deepEqual(p.added, ['amount_mismatch']);
      assert.deepEqual(p.notify, []);
      assert.equal(p.eventOutcome, 'flagged:amount_mismatch');
    }
  });

  it('paid after it closed → late_payment; and a second paid payment of the order → duplicate_payment + payment.duplicate', () => {
    const late = planTransition(payment({ status: 'expired' }), paid(), none);
    assert.equal(late.next.status, 'expired');
    assert.deepEqual(late.added, ['late_payment']);
    const lateDup = planTransition(payment({ status: 'cancelled' }), paid(), { orderPaidElsewhere: true });
    assert.deepEqual(lateDup.added, ['late_payment', 'duplicate_payment']);
    assert.deepEqual(lateDup.notify, ['payment.duplicate']);
    const dup = planTransition(payment({ flags: ['superseded'] }), paid(), { orderPaidElsewhere: true });
    assert.equal(dup.next.status, 'paid', 'the money is real: recorded as paid');
    assert.deepEqual(dup.next.flags, ['superseded', 'duplicate_payment']);
    assert.deepEqual(dup.notify, ['payment.status', 'payment.duplicate']);
  });

  it('"refunded" from the provider never moves the ledger; one nobody asked Bayar for is flagged external_refund', () => {
    const ext = planTransition(payment({ status: 'paid' }), { at: AT, reported: { status: 'refunded', amounts: [], providerStatus: 'REFUND' } }, none);
    assert.equal(ext.next.status, 'paid');
    assert.deepEqual(ext.added, ['external_refund']);
    const ours = planTransition(payment({ status: 'paid', refundedAmount: 50_000 }), { at: AT, reported: { status: 'refunded', amounts: [], providerStatus: 'REFUND' } }, none);
    assert.equal(ours.write, false);
  });

  it('only forward: paid never becomes expired or pending; a repeat changes nothing', () => {
    for (const status of ['expired', 'pending', 'cancelled', 'failed'] as const) {
      const p = planTransition(payment({ status: 'paid', paidAt: AT }), { at: AT, reported: { status, amounts: [], providerStatus: status } }, none);
      assert.equal(p.write, false, status);
      assert.equal(p.eventOutcome, 'ignored');
    }
    assert.equal(planTransition(payment({ status: 'paid' }), paid(), none).write, false);
  });

  it("Bayar's own decisions (cancel, failed create, superseded) go through the same plan", () => {
    const c = planTransition(payment(), { at: AT, to: 'cancelled', reason: 'cancelled' }, none);
    assert.equal(c.next.status, 'cancelled');
    assert.deepEqual(c.notify, ['payment.status']);
    const s = planTransition(payment(), { at: AT, to: null, reason: 'superseded', addFlags: ['superseded'] }, none);
    assert.equal(s.next.status, 'pending');
    assert.deepEqual(s.added, ['superseded']);
    assert.equal(planTransition(payment({ flags: ['superseded'] }), { at: AT, to: null, addFlags: ['superseded'] }, none).write, false);
  });
});
