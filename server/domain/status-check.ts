/**
 * "Check status" / "I have paid" from the widget: asks the payment's provider now, so a customer whose provider
 * notification is late is not left waiting. Customers press such buttons repeatedly, and some providers limit status
 * calls (Komerce: 1 request per 3 s per payment, providers.md §3.2; Doku: check no earlier than 60 s after payment,
 * §1.7), so each payment is checked at most once per interval; earlier presses answer 429 with the wait.
 */
import type { ProviderId } from '../api-types.js';
import { AppError } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import type { PaymentRecord } from './payment-record.js';
import type { PaymentService } from './payment-service.js';

/** When a provider is not enabled here, its payments are still checked at most this often. */
const DEFAULT_CHECK_INTERVAL_MS = 15_000;

/** Bounded memory: the oldest entries go first once this many payments were checked recently. */
const MAX_TRACKED = 10_000;

export class StatusChecks {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly service: PaymentService,
    private readonly clock: Clock,
    /** Milliseconds between two customer-driven checks of one payment: the provider's capabilities.checkIntervalMs. */
    private readonly intervalOf: (provider: ProviderId) => number | undefined,
  ) {}

  async check(id: string): Promise<PaymentRecord> {
    const payment = await this.service.get(id);
    // Only an open payment has anything to ask the provider about.
    if (payment.status !== 'pending' || !payment.providerRef) return payment;
    const now = this.clock.now().getTime();
    const wait = (this.last.get(id) ?? -Infinity) + (this.intervalOf(payment.provider) ?? DEFAULT_CHECK_INTERVAL_MS) - now;
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new AppError(429, 'check_too_soon', `This payment was checked a moment ago; check again in ${seconds} s.`, { retryAfterSeconds: seconds });
    }
    this.last.delete(id);
    this.last.set(id, now);
    if (this.last.size > MAX_TRACKED) this.last.delete(this.last.keys().next().value!);
    await this.service.reconcile(payment);
    return this.service.get(id);
  }
}
