/**
 * Payment use cases. Each reads top-down: validate against the order, talk to the provider through the
 * resilient adapter, record the outcome in the ledger, then announce it. The ledger is written before anything
 * is acknowledged, and every provider-driven change goes through Store.transition, which deduplicates by the
 * provider's event identity and only allows legal state moves.
 */
import type { Customer, InstallmentOption, MethodFamily, PaymentMethod, ProviderId, RoutingExplanation } from '../api-types.js';
import {
  AppError,
  ProviderError,
  ProviderNotSupportedError,
  ProviderRateLimitedError,
  ProviderRejectedError,
  badRequest,
  conflict,
  notFound,
  unprocessable,
} from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { aboutPayment } from '../lib/context.js';
import { randomId, sha256 } from '../lib/crypto.js';
import type { Logger } from '../lib/logger.js';
import { isTransient, type ResilientProvider } from '../providers/resilience.js';
import type { LineItem, ProviderStatus, VerifiedWebhook, WebhookRequest } from '../providers/types.js';
import type { HistoryEntry, Store, TransitionInput } from '../store/types.js';
import type { LiveBus } from './live.js';
import { ttlFor, type DeadlinePolicy } from './deadlines.js';
import { familyCapabilities } from '../providers/capabilities.js';
import type { LimitOverrides } from './limits.js';
import { candidatesFor, listMethods, parseMethodId } from './methods.js';
import type { OrderSource, PaymentRecord, RefundRecord } from './payment-record.js';
import type { Routing } from './routing.js';
import type { Reported } from './transition.js';

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

export interface PaymentServiceDeps {
  store: Store;
  providers: Map<ProviderId, ResilientProvider>;
  routes: Record<MethodFamily, ProviderId[]>;
  clock: Clock;
  bus: LiveBus;
  log: Logger;
  /** Absolute base URL of this companion, for webhook URLs handed to providers. */
  publicUrl: string;
  /** How long payments stay open (server/domain/deadlines.ts). */
  deadlines: DeadlinePolicy;
  /** BAYAR_LIMITS (server/domain/limits.ts). */
  limits?: LimitOverrides;
  /** Called after every committed status change. */
  onChange?: (p: PaymentRecord, h: HistoryEntry) => void;
  /** Called after anything that may have queued a merchant notification (wakes the delivery worker). */
  wake?: () => void;
  /** Whether status changes queue merchant notifications (BAYAR_NOTIFY_URL is set). */
  notify: boolean;
  /** Orders the candidates of each create (channel health, fees) and records why (domain/routing.ts). */
  routing: Routing;
  /** BAYAR_AUTO_REFUND_DUPLICATES: refund a second payment of an already paid order where the provider can. */
  autoRefundDuplicates?: boolean;
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

export class PaymentService {
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(private readonly d: PaymentServiceDeps) {}

  private router() {
    return { routes: this.d.routes, get: (id: ProviderId) => this.d.providers.get(id), limits: this.d.limits };
  }

  /**
   * Methods for an amount. Routes and provider catalogues are fixed for the life of the process, so the answer
   * depends only on its arguments and is memoised (bounded: cleared when it grows past 1 000 amounts).
   */
  methods(amount: number | null, allowed?: string[]) {
    const key = `${amount}|${allowed?.join(',') ?? '*'}`;
    let hit = this.methodCache.get(key);
    if (!hit) {
      if (this.methodCache.size >= 1000) this.methodCache.clear();
      hit = Object.freeze(listMethods(this.router(), amount, allowed)) as PaymentMethod[];
      this.methodCache.set(key, hit);
    }
    return hit;
  }

  private readonly methodCache = new Map<string, PaymentMethod[]>();

  async installments(order: Pick<OrderSpec, 'amount' | 'items' | 'allowed'>): Promise<InstallmentOption[]> {
    const methods = this.methods(order.amount, order.allowed).filter((m) => m.family === 'paylater' && m.available);
    for (const m of methods) {
      const p = this.d.providers.get(m.provider);
      if (!p?.installments) continue;
      return await p.installments(order.amount, order.items);
    }
    return [];
  }

  async get(id: string): Promise<PaymentRecord> {
    const p = typeof id === 'string' && id.length <= 64 ? await this.d.store.getPayment(id) : null;
    if (!p) throw notFound('payment_not_found', 'No payment with this id.');
    aboutPayment(p);
    return p;
  }

  /** Runs fn once per key at a time in this process; concurrent callers share the result. */
  private single<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const existing = this.inflight.get(key) as Promise<T> | undefined;
    if (existing) return existing;
    const p = fn().finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
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

  private readonly queues = new Map<string, Promise<void>>();

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
    const eligible = candidatesFor(this.router(), methodId, order.amount, order.allowed).map((p) => p.id);
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
    const r = await this.cancelWithProvider(p, 'superseded');
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
        this.announce(saved, history);
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
    await this.transition({ paymentId: id, to: 'failed', at: this.d.clock.now().toISOString(), reason, source: 'api' });
  }

  /** A customer's cancel (widget, with the payment's client secret). */
  async cancel(id: string): Promise<PaymentRecord> {
    const payment = await this.get(id);
    if (payment.status !== 'pending' || !payment.instructions || !payment.providerRef) {
      throw conflict('payment_not_pending', `Only a pending payment can be cancelled; this one is ${payment.status}.`);
    }
    const r = await this.cancelWithProvider(payment, 'cancelled');
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
  private async cancelWithProvider(payment: PaymentRecord, reason: 'cancelled' | 'superseded'): Promise<PaymentRecord> {
    const provider = this.d.providers.get(payment.provider);
    let stillLive = false;
    if (provider && payment.providerRef && familyCapabilities(provider.capabilities, payment.family).cancel) {
      try {
        const st = await provider.cancel({ providerRef: payment.providerRef, reference: payment.reference });
        if (st.status !== 'cancelled' && st.status !== 'pending') {
          // Too late: the provider says it was already paid (or expired). Record what happened instead.
          return (await this.applyProviderStatus(payment, st, 'api')).payment;
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
      ? await this.transition({ paymentId: payment.id, to: null, at, reason, source: 'api', addFlags: ['superseded'] })
      : await this.transition({ paymentId: payment.id, to: 'cancelled', at, reason, source: 'api' });
    return r.payment;
  }

  private async transition(t: TransitionInput) {
    const r = await this.d.store.transition({ ...t, notify: this.d.notify });
    if (r.outcome === 'applied' && r.history) this.announce(r.payment, r.history);
    else if (r.added?.length) this.d.wake?.();
    if (r.added?.includes('duplicate_payment')) this.onDuplicate(r.payment);
    return r;
  }

  /**
   * A second payment of an already paid order: the merchant is notified (payment.duplicate, queued with the
   * change) and, with BAYAR_AUTO_REFUND_DUPLICATES=true, it is refunded in full where the provider can refund.
   * After the change is committed and acknowledged; a refund that fails stays visible (flag, reconciliation).
   */
  private onDuplicate(p: PaymentRecord) {
    this.d.log.error({ paymentId: p.id, orderId: p.orderId, status: p.status }, 'second payment for an already paid order');
    if (!this.d.autoRefundDuplicates || p.status !== 'paid') return;
    setImmediate(() => {
      this.refund(p.id, p.amount - p.refundedAmount, 'duplicate payment of an already paid order').catch((err) =>
        this.d.log.error({ paymentId: p.id, err: (err as Error).message }, 'automatic refund of a duplicate payment failed'),
      );
    });
  }

  private announce(p: PaymentRecord, h: HistoryEntry) {
    // After the answer, not before: the change is committed, and a webhook's acknowledgement should not wait for
    // thousands of SSE writes (streams replay from the ledger by seq, so the order cannot be lost).
    setImmediate(() => this.d.bus.publish(h));
    this.d.onChange?.(p, h);
    this.d.wake?.();
  }

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
    if (await store.hasEvent(provider.id, ev.eventId)) return;
    const payment =
      (ev.reference ? await store.findByReference(provider.id, ev.reference) : null) ??
      (ev.providerRef ? await store.findByProviderRef(provider.id, ev.providerRef) : null);
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
    await this.transition({ paymentId: payment.id, at, source: `webhook:${provider.id}`, event, reported });
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

  /** Records a provider's answer (status call, or cancel that came too late) through the one transition plan. */
  private async applyProviderStatus(payment: PaymentRecord, s: ProviderStatus, source: string, at = this.d.clock.now().toISOString()) {
    return this.transition({
      paymentId: payment.id,
      at,
      source,
      reported: { status: s.status, amounts: s.amount === undefined ? [] : [s.amount], paidAt: s.paidAt, providerStatus: s.providerStatus, failureReason: s.failureReason },
    });
  }

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
        const r = await this.transition({ paymentId: payment.id, at, source: 'reconciler', to: 'expired', reason: 'provider_not_found_after_expiry' });
        return r.outcome === 'applied';
      }
      throw err;
    }
    if (s.status === 'pending') return false;
    // The same instant as markChecked: the reconciler's "checked since the last change" test relies on it.
    const r = await this.applyProviderStatus(payment, s, 'reconciler', at);
    return r.outcome === 'applied';
  }

  /**
   * A full or partial refund (merchant API). The amount is reserved in the ledger before the provider is
   * called, so concurrent refunds can never add up to more than was paid; a refund the provider refuses
   * releases its reservation.
   */
  async refund(id: string, amount: number, reason: string): Promise<{ refund: RefundRecord; payment: PaymentRecord }> {
    const payment = await this.get(id);
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
        return { refund: { ...begin.refund, providerRef: r.refundRef }, payment: await this.get(id) };
      }
      const done = await this.d.store.finishRefund(refundId, { status: 'succeeded', providerRef: r.refundRef, at: at(), notify: this.d.notify });
      if (done.history) this.announce(done.payment, done.history);
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
}

const orderAlreadyPaid = (orderId: string) => conflict('order_already_paid', `Order ${orderId} is already paid; it cannot be paid again.`);
const orderPending = (orderId: string) =>
  conflict('order_pending', `Order ${orderId} already has a pending payment that this page did not create; resume it with its client secret, or wait until it closes.`);
