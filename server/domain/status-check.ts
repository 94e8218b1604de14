/**
 * "Check status" / "I have paid" from the widget: asks the payment's provider now, so a customer whose provider
 * notification is late is not left waiting. Customers press such buttons repeatedly, and some providers limit status
 * calls (Komerce: 1 request per 3 s per payment, providers.md §3.2; Doku: check no earlier than 60 s after payment,
 * §1.7), so each payment is checked at most once per interval; earlier presses answer 429 with the wait.
 */
import type { ProviderId } from '../api-types.js';
import { AppError, ProviderError, providerErrorToAppError } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import type { PaymentRecord } from './payment.js';
import type { PaymentService } from './payments.js';

/** Milliseconds between two customer-driven checks of one payment, by provider (at least every provider's own limit). */
export const CHECK_INTERVAL_MS: Record<ProviderId, number> = {
  komerce: 10_000,
  doku: 15_000,
  xendit: 10_000,
  midtrans: 10_000,
  indodana: 15_000,
};

/** Bounded memory: the oldest entries go first once this many payments were checked recently. */
const MAX_TRACKED = 10_000;

export class StatusChecks {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly service: PaymentService,
    private readonly clock: Clock,
  ) {}

  async check(id: string): Promise<PaymentRecord> {
    const payment = await this.service.get(id);
    // Only an open payment has anything to ask the provider about.
    if (payment.status !== 'pending' || !payment.providerRef) return payment;
    const now = this.clock.now().getTime();
    const wait = (this.last.get(id) ?? -Infinity) + CHECK_INTERVAL_MS[payment.provider] - now;
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new AppError(429, 'check_too_soon', `This payment was checked a moment ago; check again in ${seconds} s.`, { retryAfterSeconds: seconds });
    }
    this.last.delete(id);
    this.last.set(id, now);
    if (this.last.size > MAX_TRACKED) this.last.delete(this.last.keys().next().value!);
    try {
      await this.service.reconcile(payment);
    } catch (err) {
      throw err instanceof ProviderError ? providerErrorToAppError(err) : err;
    }
    return this.service.get(id);
  }
}
