/**
 * Checking a payment with its provider: ask for the status of a pending (or expired) payment and apply the answer
 * through the one transition plan. The unit of work of the reconcile worker (reconcile-worker.ts) and of a
 * customer's "check status" (status-check.ts); not the daily statement (daily-statement.ts).
 */
import { ProviderRejectedError } from '../errors.js';
import { aboutPayment } from '../lib/context.js';
import { PaymentJob } from './payment-ledger.js';
import type { PaymentRecord } from './payment-record.js';

export class PaymentReconcile extends PaymentJob {
  /**
   * Asks the provider for a pending payment's status and applies it (the reconciler's unit of work).
   * Returns whether the status changed.
   */
  async reconcile(payment: PaymentRecord): Promise<boolean> {
    const provider = this.d.providers.get(payment.provider);
    if (!provider || !payment.providerRef || (payment.status !== 'pending' && payment.status !== 'expired')) return false;
    aboutPayment(payment);
    const now = this.d.clock.now();
    const at = now.toISOString();
    await this.d.store.markChecked(payment.id, at);
    let s;
    try {
      s = await provider.status({ providerRef: payment.providerRef, reference: payment.reference });
    } catch (err) {
      // The provider no longer knows the payment (e.g. a sandbox emulator restarted, or a purged record) and its
      // deadline has passed: nothing can be paid any more, so it expires here rather than staying pending forever.
      if (err instanceof ProviderRejectedError && err.httpStatus === 404 && now.getTime() > new Date(payment.expiresAt).getTime()) {
        const r = await this.ledger.transition({ paymentId: payment.id, at, source: 'reconciler', to: 'expired', reason: 'provider_not_found_after_expiry' });
        return r.outcome === 'applied';
      }
      throw err;
    }
    if (s.status === 'pending') return false;
    // The same instant as markChecked: the reconciler's "checked since the last change" test relies on it.
    const r = await this.ledger.applyProviderStatus(payment, s, 'reconciler', at);
    return r.outcome === 'applied';
  }
}
