/**
 * Creating a payment: validate against the order, write the ledger row first, then ask the routed providers in
 * turn, failing over to the next one when a provider is unavailable. One create per order (and checkout) runs at a
 * time in this process; a create left unfinished by a dead process is resumed with the same deterministic
 * references, so a provider hands back the code it already issued instead of a second one.
 */
import type { Customer, InstallmentOption, ProviderId, RoutingExplanation } from '../api-types.js';
import { AppError, ProviderError, ProviderRateLimitedError, badRequest, conflict } from '../errors.js';
import { aboutPayment } from '../lib/context.js';
import { randomId, sha256 } from '../lib/crypto.js';
import { familyCapabilities } from '../providers/capabilities.js';
import { isTransient, type ResilientProvider } from '../providers/resilience.js';
import type { LineItem } from '../providers/types.js';
import { ttlFor } from './deadlines.js';
import { candidatesFor, parseMethodId } from './methods.js';
import type { PaymentCancel } from './payment-cancel.js';
import { PaymentJob, type PaymentLedger } from './payment-ledger.js';
import type { OrderSource, PaymentRecord } from './payment-record.js';

export interface OrderSpec {
  orderId: string;
  /** Integer IDR, already trusted (session, catalog, or unsigned checkout allowed). */
  amount: number;
  customer: Customer;
  items: LineItem[];
  /** Methods the session allows (families or ids); undefined = all. */
  allowed?: string[];
  /** The payment link and checkout this order comes from (a hosted page's session). */
  link?: { id: string; checkout: string };
  /** Who named the order (default `session`): a page-stated order id never shares an order with a session's. */
  source?: OrderSource;
}

/** Deterministic per payment and attempt, ≤ 32 chars of [A-Za-z0-9-]: every provider accepts it as its order id. */
export function providerReference(paymentId: string, attempt: number): string {
  return `BYR${sha256(paymentId).toString('hex').slice(0, 24).toUpperCase()}${attempt > 1 ? `-${attempt}` : ''}`;
}

/** What counts against a channel's health: no answer. Being asked to slow down says nothing about health. */
const unhealthy = (err: unknown) => isTransient(err) && !(err instanceof ProviderRateLimitedError);

/** After this long without instructions, a payment's creator is presumed dead and the create is resumed. */
const STALE_CREATE_MS = 60_000;
/** An updatedAt that makes an unfinished create resumable at once. */
const RESUMABLE_NOW = new Date(0).toISOString();

export class PaymentCreate extends PaymentJob {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    ledger: PaymentLedger,
    private readonly cancels: PaymentCancel,
    /** The PayLater instalment options for an order (PaymentService.installments). */
    private readonly installments: (order: OrderSpec) => Promise<InstallmentOption[]>,
  ) {
    super(ledger);
  }

  /**
   * Creates a payment, or returns the order's pending payment for the same method (created = false).
   * `entitled` says whether the caller may be handed an existing payment of the order (it holds the merchant's
   * session, or that payment's client secret); otherwise such a payment is neither returned nor named.
   * An order that is paid is refused (409 order_already_paid); the order's pending payments for other methods are
   * cancelled at their providers first (or marked superseded where the provider cannot cancel), so the customer
   * never holds two live codes for one order. Fails over to the next provider in the route when one is unavailable.
   */
  async create(
    order: OrderSpec,
    methodId: string,
    installmentId?: string,
    entitled: (existing: PaymentRecord) => boolean = () => true,
  ): Promise<{ payment: PaymentRecord; created: boolean }> {
    const eligible = candidatesFor(this.ledger.router(), methodId, order.amount, order.allowed).map((p) => p.id);
    const { family, channel } = parseMethodId(methodId)!;
    const routing = this.d.routing;
    const byId = (ids: ProviderId[]) => ids.map((p) => this.d.providers.get(p)!);
    const source = order.source ?? 'session';
    // One create per order (and, for a payment link, per checkout) at a time in this process: switching method
    // cancels the checkout's others before inserting; checkouts of one link each meet its capacity check themselves.
    return this.serial(`create:${source}:${order.orderId}:${order.link?.checkout ?? ''}`, async () => {
      const installment = family === 'paylater' ? await this.resolveInstallment(order, installmentId) : null;
      for (const other of await this.d.store.orderPayments(source, order.orderId)) {
        // A payment link's own capacity check (in the insert) answers for its order: link_completed and friends.
        if ((other.status === 'paid' || other.status === 'refunded') && !order.link) throw orderAlreadyPaid(order.orderId);
        // Only this checkout's own codes are replaced: another visitor of the same link keeps theirs.
        const sameCheckout = (other.link?.checkout ?? null) === (order.link?.checkout ?? null);
        // Another method, or the same method for an amount the order no longer has (a new session for a new cart total).
        const replaced = other.method !== methodId || other.amount !== order.amount;
        if (other.status === 'pending' && replaced && sameCheckout && !other.flags.includes('superseded')) {
          if (!entitled(other)) throw orderPending(order.orderId);
          await this.supersede(other);
        }
      }
      const now = this.d.clock.now();
      const id = randomId('pay_', 18);
      const plan = routing.plan(family, channel, order.amount, eligible);
      const candidates = byId(plan.order);
      const first = candidates[0]!;
      // A refused insert (a payment link with no place left) must give back the probe slot the plan took.
      const ins = await this.d.store.insertPayment({
        id,
        orderId: order.orderId,
        orderSource: source,
        method: methodId,
        family,
        provider: first.id,
        amount: order.amount,
        status: 'pending',
        reference: providerReference(id, 1),
        attempt: 1,
        installment,
        customer: order.customer,
        link: order.link ?? null,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + ttlFor(this.d.deadlines, family, familyCapabilities(first.capabilities, family).deadline) * 1000).toISOString(),
        expectedFee: routing.fee(first.id, family, order.amount),
        routing: plan.explanation,
      }).catch((err: unknown) => {
        routing.release(plan, methodId);
        throw err;
      });
      aboutPayment(ins.payment);
      if (ins.kind !== 'inserted') routing.release(plan, methodId);
      if (ins.kind === 'order_paid') throw orderAlreadyPaid(order.orderId);
      if (ins.kind === 'existing') {
        if (!entitled(ins.payment)) throw orderPending(order.orderId);
        if (ins.payment.amount !== order.amount) {
          throw conflict('order_amount_changed', `Order ${order.orderId} already has a pending ${methodId} payment for a different amount; cancel it first.`);
        }
        if (ins.payment.instructions) return { payment: ins.payment, created: false };
        // A payment left without instructions by a process that died mid-create: finish it with the same
        // deterministic reference, so the provider hands back the code it already issued instead of a second one.
        const stale = now.getTime() - new Date(ins.payment.updatedAt).getTime() > STALE_CREATE_MS;
        if (!stale) throw conflict('payment_in_progress', 'This order is already being set up with the provider; retry in a moment.');
        // Sticky: the order it was first routed in, whatever health and fees say now (routing.resumeOrder).
        const resumed = byId(routing.resumeOrder(ins.payment.routing, eligible));
        const resumeFrom = resumed.findIndex((c) => c.id === ins.payment.provider);
        return { payment: await this.openWithProviders(ins.payment, resumed.slice(Math.max(0, resumeFrom)), order, channel, ins.payment.attempt, 'resumed'), created: true };
      }
      return { payment: await this.openWithProviders(ins.payment, candidates, order, channel), created: true };
    });
  }

  /**
   * Takes a pending payment of an order out of play because the customer switched method: cancelled at its
   * provider, or (where the provider cannot cancel) marked superseded and left to expire there. A provider that
   * answers "already paid" makes the order paid instead, and the switch is refused.
   */
  private async supersede(p: PaymentRecord) {
    if (!p.instructions) {
      const stale = this.d.clock.now().getTime() - new Date(p.updatedAt).getTime() > STALE_CREATE_MS;
      if (!stale) throw conflict('payment_in_progress', 'This order is already being set up with the provider; retry in a moment.');
    }
    const r = await this.cancels.withProvider(p, 'superseded');
    if (r.status === 'paid' || r.status === 'refunded') throw orderAlreadyPaid(p.orderId);
  }

  private async resolveInstallment(order: OrderSpec, installmentId: string | undefined) {
    if (!installmentId) throw badRequest('installment_required', 'PayLater needs an instalment option: pass `installment` with an id from GET /api/installments.');
    const options = await this.installments(order);
    const chosen = options.find((o) => o.id === installmentId);
    if (!chosen) {
      throw badRequest('invalid_installment', `"${installmentId}" is not an instalment option for this amount.`, { options: options.map((o) => o.id) });
    }
    return { id: chosen.id, tenure: chosen.tenure };
  }

  private async openWithProviders(payment: PaymentRecord, candidates: ResilientProvider[], order: OrderSpec, channel: string, firstAttempt = 1, resumed?: 'resumed') {
    let lastErr: unknown;
    const routing = this.d.routing;
    // Failed candidates are added to the explanation as the create moves on (in the same write as the move).
    let explanation: RoutingExplanation | null = payment.routing;
    const fee = (p: ProviderId) => routing.fee(p, payment.family, payment.amount);
    for (const [i, provider] of candidates.entries()) {
      const attempt = firstAttempt + i;
      const reference = providerReference(payment.id, attempt);
      const at = this.d.clock.now().toISOString();
      if (attempt !== payment.attempt) await this.d.store.updateAttempt(payment.id, { provider: provider.id, reference, attempt, at, expectedFee: fee(provider.id), routing: explanation });
      try {
        // The resilient adapter repeats a create once (same deterministic reference) before we fail over.
        const r = await routing.observe(provider.id, payment.family, channel, unhealthy, () => provider.create({
          paymentId: payment.id,
          reference,
          orderId: order.orderId,
          amount: order.amount,
          family: payment.family,
          channel,
          customer: order.customer,
          items: order.items,
          expiresAt: new Date(payment.expiresAt),
          installment: payment.installment?.id,
          webhookUrl: `${this.d.publicUrl}/webhooks/${provider.id}`,
          // Redirect flows (e-wallet, PayLater, hosted pages) send the customer here when done; the widget that
          // opened them keeps listening on the original page.
          returnUrl: `${this.d.publicUrl}/return/${payment.id}`,
        }));
        routing.decided(payment.family, provider.id, resumed ?? (i > 0 ? 'failover' : (explanation?.reason ?? 'route_order')));
        const { providerRef, expiresAt, ...instructions } = r;
        const { payment: saved, history } = await this.d.store.attachProviderResult(payment.id, {
          provider: provider.id,
          reference,
          attempt,
          providerRef,
          expiresAt,
          instructions,
          at: this.d.clock.now().toISOString(),
          notify: this.d.notify,
        });
        this.ledger.announce(saved, history);
        return saved;
      } catch (err) {
        lastErr = err;
        if (explanation) {
          const outcome = err instanceof ProviderError ? `provider_${err.kind}` : 'internal_error';
          explanation = { ...explanation, attempts: [...(explanation.attempts ?? []), { provider: provider.id, outcome, at: this.d.clock.now().toISOString() }] };
        }
        if (isTransient(err)) {
          this.d.log.warn({ provider: provider.id, paymentId: payment.id, err: (err as Error).message }, 'provider unavailable, failing over');
          continue;
        }
        break;
      }
    }
    routing.decided(payment.family, 'none', isTransient(lastErr) ? 'all_unavailable' : 'rejected');
    if (isTransient(lastErr)) {
      // Every provider failed without a clear answer: any of them may still have issued a code. The payment is
      // kept (without instructions) and rewound to its first attempt, so the customer's next try replays the
      // same deterministic references and gets back whatever code was issued, instead of a second one.
      await this.d.store.updateAttempt(payment.id, {
        provider: candidates[0]!.id,
        reference: providerReference(payment.id, firstAttempt),
        attempt: firstAttempt,
        at: RESUMABLE_NOW,
        expectedFee: fee(candidates[0]!.id),
        routing: explanation,
      });
      throw new AppError(503, 'provider_unavailable', 'No payment provider for this method is reachable right now; try again shortly.', {
        tried: candidates.map((c) => c.id),
        paymentId: payment.id,
      });
    }
    await this.markFailed(payment.id, lastErr);
    throw lastErr;
  }

  private async markFailed(id: string, err: unknown) {
    const reason = err instanceof ProviderError ? `provider_${err.kind}` : 'internal_error';
    await this.ledger.transition({ paymentId: id, to: 'failed', at: this.d.clock.now().toISOString(), reason, source: 'api' });
  }

  /** Runs fn after every earlier call with the same key in this process has finished (a per-key queue). */
  private serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.queues.get(key) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, tail);
    void tail.then(() => this.queues.get(key) === tail && this.queues.delete(key));
    return run;
  }
}

const orderAlreadyPaid = (orderId: string) => conflict('order_already_paid', `Order ${orderId} is already paid; it cannot be paid again.`);
const orderPending = (orderId: string) =>
  conflict('order_pending', `Order ${orderId} already has a pending payment that this page did not create; resume it with its client secret, or wait until it closes.`);
