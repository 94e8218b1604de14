/**
 * Cancelling a pending payment: the customer's cancel (widget, with the payment's client secret), and taking a
 * payment out of play when the customer switches method (payment-create.ts). The provider is asked first; what it
 * answers is applied like any provider word, so "too late, it is paid" is recorded as paid, never as cancelled.
 */
import { ProviderNotSupportedError, conflict } from '../errors.js';
import { familyCapabilities } from '../providers/capabilities.js';
import { PaymentJob } from './payment-ledger.js';
import type { PaymentRecord } from './payment-record.js';

export class PaymentCancel extends PaymentJob {
  /** A customer's cancel (widget, with the payment's client secret). */
  async cancel(id: string): Promise<PaymentRecord> {
    const payment = await this.ledger.get(id);
    if (payment.status !== 'pending' || !payment.instructions || !payment.providerRef) {
      throw conflict('payment_not_pending', `Only a pending payment can be cancelled; this one is ${payment.status}.`);
    }
    const r = await this.withProvider(payment, 'cancelled');
    if (r.status !== 'cancelled') throw conflict('payment_not_pending', `The provider says this payment is already ${r.status}; it cannot be cancelled.`, { status: r.status });
    return r;
  }

  /**
   * Cancels a pending payment at its provider, then in the ledger. What the provider answers is applied like any
   * provider word (amounts compared): "too late, it is paid" records the payment as paid, never as cancelled. A
   * provider without a cancel call keeps the code alive until it expires: a customer's cancel then closes it in
   * the ledger (money that still arrives is recorded and flagged late_payment); a switch of method leaves it
   * pending, flagged `superseded`, because it can still be paid, and if it is, that money is recorded as paid
   * (and, should the order be paid twice, flagged duplicate_payment and notified).
   */
  async withProvider(payment: PaymentRecord, reason: 'cancelled' | 'superseded'): Promise<PaymentRecord> {
    const provider = this.d.providers.get(payment.provider);
    let stillLive = false;
    if (provider && payment.providerRef && familyCapabilities(provider.capabilities, payment.family).cancel) {
      try {
        const st = await provider.cancel({ providerRef: payment.providerRef, reference: payment.reference });
        if (st.status !== 'cancelled' && st.status !== 'pending') {
          // Too late: the provider says it was already paid (or expired). Record what happened instead.
          return (await this.ledger.applyProviderStatus(payment, st, 'api')).payment;
        }
      } catch (err) {
        // The family can be cancelled, but not this payment yet (a Midtrans Snap card page before the card is
        // submitted): it stays payable until its deadline, like a family that cannot cancel at all.
        if (!(err instanceof ProviderNotSupportedError)) throw err;
        if (reason === 'superseded') stillLive = true;
      }
    } else if (reason === 'superseded') stillLive = true;
    const at = this.d.clock.now().toISOString();
    const r = stillLive
      ? await this.ledger.transition({ paymentId: payment.id, to: null, at, reason, source: 'api', addFlags: ['superseded'] })
      : await this.ledger.transition({ paymentId: payment.id, to: 'cancelled', at, reason, source: 'api' });
    return r.payment;
  }
}
