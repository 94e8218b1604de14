/**
 * Refunds: the merchant's full or partial refund, and the automatic refund of a second payment of an already paid
 * order (BAYAR_AUTO_REFUND_DUPLICATES). What a provider can refund is read from its capabilities
 * (providers/capabilities.ts); the amount is reserved in the ledger before the provider is called.
 */
import { AppError, ProviderNotSupportedError, conflict, unprocessable } from '../errors.js';
import { randomId } from '../lib/crypto.js';
import { familyCapabilities } from '../providers/capabilities.js';
import { isTransient } from '../providers/resilience.js';
import { PaymentJob } from './payment-ledger.js';
import type { PaymentRecord, RefundRecord } from './payment-record.js';

export class PaymentRefund extends PaymentJob {
  /**
   * A full or partial refund (merchant API). The amount is reserved in the ledger before the provider is
   * called, so concurrent refunds can never add up to more than was paid; a refund the provider refuses
   * releases its reservation.
   */
  async refund(id: string, amount: number, reason: string): Promise<{ refund: RefundRecord; payment: PaymentRecord }> {
    const payment = await this.ledger.get(id);
    const provider = this.d.providers.get(payment.provider);
    const at = () => this.d.clock.now().toISOString();
    const begin = await this.d.store.beginRefund({ id: randomId('rf_', 16), paymentId: id, amount, reason, at: at() });
    if (!begin.ok) {
      if (begin.why === 'not_paid') throw conflict('payment_not_paid', `Only a paid payment can be refunded; this one is ${begin.payment.status}.`);
      throw unprocessable('refund_exceeds_payment', `Refunds would exceed the paid amount; at most Rp${begin.payment.amount - begin.payment.refundedAmount} can still be refunded.`, {
        refundable: begin.payment.amount - begin.payment.refundedAmount,
      });
    }
    const refundId = begin.refund.id;
    try {
      if (!provider || !payment.providerRef) throw new ProviderNotSupportedError(payment.provider, `${payment.provider} is not enabled on this server`);
      const can = familyCapabilities(provider.capabilities, payment.family);
      if (can.refund === 'none') throw new ProviderNotSupportedError(payment.provider, can.refundBlocker ?? `${payment.provider} has no refund API`);
      if (can.refund === 'full' && amount !== payment.amount - payment.refundedAmount) {
        throw new ProviderNotSupportedError(payment.provider, `${payment.provider} refunds only the whole amount (Rp${payment.amount - payment.refundedAmount})`);
      }
      const r = await provider.refund({ providerRef: payment.providerRef, reference: payment.reference, refundId, amount, reason });
      if (r.status === 'pending') {
        // Accepted but not final at the provider: the reservation stays until reconciliation settles it.
        return { refund: { ...begin.refund, providerRef: r.refundRef }, payment: await this.ledger.get(id) };
      }
      const done = await this.d.store.finishRefund(refundId, { status: 'succeeded', providerRef: r.refundRef, at: at(), notify: this.d.notify });
      if (done.history) this.ledger.announce(done.payment, done.history);
      this.d.wake?.();
      return { refund: done.refund, payment: done.payment };
    } catch (err) {
      if (isTransient(err)) {
        // The provider may have refunded without our hearing back: the refund stays pending and its amount
        // reserved, so a retry cannot refund twice; reconciliation shows it until an operator settles it.
        throw new AppError(503, 'provider_unavailable', `${payment.provider} did not confirm the refund; it is recorded as pending (${refundId}). Check it before refunding again.`, {
          refundId,
        });
      }
      await this.d.store.finishRefund(refundId, { status: 'failed', error: (err as Error).message, at: at(), notify: false });
      if (err instanceof ProviderNotSupportedError) {
        throw unprocessable('refund_not_supported', `${payment.provider} cannot refund this payment through its API: ${err.message.replace(/\.+$/, '')}. Refund it from the provider's dashboard or by bank transfer.`, {
          provider: payment.provider,
        });
      }
      throw err;
    }
  }

  /**
   * A second payment of an already paid order: the merchant is notified (payment.duplicate, queued with the
   * change) and, with BAYAR_AUTO_REFUND_DUPLICATES=true, it is refunded in full where the provider can refund.
   * After the change is committed and acknowledged; a refund that fails stays visible (flag, reconciliation).
   */
  onDuplicate(p: PaymentRecord) {
    this.d.log.error({ paymentId: p.id, orderId: p.orderId, status: p.status }, 'second payment for an already paid order');
    if (!this.d.autoRefundDuplicates || p.status !== 'paid') return;
    setImmediate(() => {
      this.refund(p.id, p.amount - p.refundedAmount, 'duplicate payment of an already paid order').catch((err) =>
        this.d.log.error({ paymentId: p.id, err: (err as Error).message }, 'automatic refund of a duplicate payment failed'),
      );
    });
  }
}
