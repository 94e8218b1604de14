/**
 * Provider events: a webhook is verified on its raw bytes, then each event it carries is applied exactly once
 * (the inbox, keyed by the provider's event identity). What the event reports becomes a change only through the
 * one transition plan (transition.ts); where the provider's capabilities say its notifications cannot be trusted
 * on their own, its status API is asked and its answer is what the ledger records.
 */
import type { ProviderId } from '../api-types.js';
import { AppError, notFound } from '../errors.js';
import { aboutPayment } from '../lib/context.js';
import type { ResilientProvider } from '../providers/resilience.js';
import type { VerifiedWebhook, WebhookRequest } from '../providers/types.js';
import { PaymentJob } from './payment-ledger.js';
import type { PaymentRecord } from './payment-record.js';
import type { Reported } from './transition.js';

export class PaymentEvents extends PaymentJob {
  private readonly inflight = new Map<string, Promise<unknown>>();

  /**
   * A provider webhook: verify on the raw bytes (throws 401 before anything is stored), then apply each event
   * exactly once. Concurrent deliveries of one event share one processing run in this process; across
   * processes the inbox's primary key decides.
   */
  async applyWebhook(providerId: ProviderId, req: WebhookRequest): Promise<VerifiedWebhook['ack']> {
    const provider = this.d.providers.get(providerId);
    if (!provider) throw notFound('provider_not_enabled', `${providerId} is not enabled on this server.`);
    const verified = provider.verifyWebhook(req);
    for (const ev of verified.events) {
      await this.single(`webhook:${providerId}:${ev.eventId}`, () => this.applyEvent(provider, ev, req.rawBody.toString('utf8')));
    }
    return verified.ack;
  }

  private async applyEvent(provider: ResilientProvider, ev: VerifiedWebhook['events'][number], payload: string) {
    const store = this.d.store;
    const { seen, payment } = await store.lookupEvent(provider.id, ev.eventId, { reference: ev.reference, providerRef: ev.providerRef });
    if (seen) return;
    const at = this.d.clock.now().toISOString();
    const event = { provider: provider.id, eventId: ev.eventId, payload };
    if (!payment) {
      this.d.log.warn({ provider: provider.id, eventId: ev.eventId }, 'webhook for an unknown payment');
      await store.recordEvent({ ...event, paymentId: null, outcome: 'unknown_payment', at });
      return;
    }
    aboutPayment(payment);
    // An amount in a body nobody signed (Indodana) is not evidence of anything.
    let reported: Reported = {
      status: ev.status,
      amounts: ev.amount === undefined || provider.capabilities.webhookBodyUnsigned ? [] : [ev.amount],
      paidAt: provider.capabilities.webhookBodyUnsigned ? undefined : ev.paidAt,
      providerStatus: ev.providerStatus,
      failureReason: provider.capabilities.webhookBodyUnsigned ? undefined : ev.failureReason,
    };
    if (provider.capabilities.webhookNeedsConfirmation) {
      // These notifications are not signed over their status and a timestamp (or not over the body at all), so
      // whatever they report, for every target status, is asked of the provider itself; its answer is what
      // the ledger records. A failure here throws: the webhook is answered 5xx and the provider delivers it again.
      const confirmed = await this.providerStatus(provider, payment);
      if (confirmed.status !== reported.status) {
        this.d.log.warn(
          { paymentId: payment.id, provider: provider.id, webhook: reported.status, statusApi: confirmed.status },
          'webhook not confirmed by the provider status API; the status API is applied',
        );
      }
      if (confirmed.status === 'pending') {
        // Nothing to apply, and the event is not put in the inbox: a genuine copy delivered later (once the
        // provider's own state caught up) must still be processed. The reconciler keeps asking meanwhile.
        return;
      }
      reported = {
        status: confirmed.status,
        amounts: confirmed.amount === undefined ? reported.amounts : [...reported.amounts, confirmed.amount],
        paidAt: confirmed.paidAt ?? reported.paidAt,
        providerStatus: confirmed.providerStatus,
        failureReason: confirmed.failureReason ?? (confirmed.status === reported.status ? reported.failureReason : undefined),
      };
    }
    if (reported.status === 'paid' && reported.amounts.some((a) => a !== payment.amount)) {
      this.d.log.error({ paymentId: payment.id, expected: payment.amount, got: reported.amounts }, 'paid amount differs from the ledger');
    }
    await this.ledger.transition({ paymentId: payment.id, at, source: `webhook:${provider.id}`, event, reported, basis: payment });
  }

  /**
   * The provider's status of a payment. Before the provider's own id is known (a create in flight, or a lost
   * answer rewound it) it is asked by our reference, where its API can look that up; otherwise this fails as
   * unavailable (a webhook is then answered 5xx and redelivered once the create has finished).
   */
  private async providerStatus(provider: ResilientProvider, payment: PaymentRecord) {
    if (!payment.providerRef && !provider.capabilities.statusByReference) {
      throw new AppError(503, 'provider_unavailable', `${provider.id} can only be asked about this payment once its create has finished; retry shortly.`);
    }
    return provider.status({ providerRef: payment.providerRef ?? '', reference: payment.reference });
  }

  /** Runs fn once per key at a time in this process; concurrent callers share the result. */
  private single<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const existing = this.inflight.get(key) as Promise<T> | undefined;
    if (existing) return existing;
    const p = fn().finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }
}
