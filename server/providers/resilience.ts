/**
 * Fault handling around every adapter: a circuit breaker per provider (cockatiel) so a provider that keeps
 * failing is skipped at once and routing fails over, and retries with full-jitter exponential backoff for
 * idempotent calls: status reads, and a create repeated once. A create carries a reference that is
 * deterministic per payment attempt, so the provider replays its first answer instead of issuing a second code;
 * one repeat covers an answer lost to a timeout or reset before routing fails over to another provider.
 */
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  fullJitterGenerator,
  handleWhen,
  retry,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { ProviderRateLimitedError, ProviderTimeoutError, ProviderUnavailableError } from '../errors.js';
import type { PaymentProvider } from './types.js';

export const isTransient = (err: unknown) => err instanceof ProviderUnavailableError || err instanceof ProviderTimeoutError;

export interface ResilienceOptions {
  /** Consecutive transient failures that open the circuit. */
  breakerThreshold: number;
  /** How long the circuit stays open before one trial call. */
  halfOpenAfterMs: number;
  /** Attempts for idempotent calls, including the first. */
  readAttempts: number;
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  /**
   * Channel health decides about creates (smart routing, domain/health.ts): a create's failure then does not
   * count toward this provider-wide breaker, so one bank's failing channel does not take the provider's other
   * channels down with it. An open breaker (opened by status, cancel or refund calls) still stops creates, and
   * a create may be its half-open trial.
   */
  channelCreates?: boolean;
}

export const DEFAULT_RESILIENCE: ResilienceOptions = {
  breakerThreshold: 5,
  halfOpenAfterMs: 15_000,
  readAttempts: 3,
  retryInitialDelayMs: 100,
  retryMaxDelayMs: 2_000,
};

export interface ResilientProvider extends PaymentProvider {
  readonly breaker: CircuitBreakerPolicy;
  circuitState(): 'closed' | 'open' | 'half_open' | 'isolated';
}

/** When the provider names how long to wait (and it is short), wait that long and ask once more. */
async function honourRateLimit<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof ProviderRateLimitedError) || err.retryAfterMs > 5_000) throw err;
    await new Promise((r) => setTimeout(r, err.retryAfterMs));
    return fn();
  }
}

/** Told about every provider call: operation, outcome (`ok` or the error kind) and duration. */
export type CallObserver = (provider: string, operation: string, outcome: string, seconds: number) => void;

export function withResilience(p: PaymentProvider, o: ResilienceOptions = DEFAULT_RESILIENCE, observe?: CallObserver): ResilientProvider {
  const timed =
    <A extends unknown[], T>(op: string, fn: (...a: A) => Promise<T>) =>
    async (...a: A): Promise<T> => {
      const t0 = process.hrtime.bigint();
      const done = (outcome: string) => observe?.(p.id, op, outcome, Number(process.hrtime.bigint() - t0) / 1e9);
      try {
        const r = await fn(...a);
        done('ok');
        return r;
      } catch (err) {
        done((err as { kind?: string }).kind ?? 'error');
        throw err;
      }
    };
  // Being asked to slow down says nothing about the provider's health.
  const breaker = circuitBreaker(handleWhen((e) => isTransient(e) && !(e instanceof ProviderRateLimitedError)), {
    halfOpenAfter: o.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(o.breakerThreshold),
  });
  const readRetry = retry(handleWhen(isTransient), {
    maxAttempts: o.readAttempts - 1,
    backoff: new ExponentialBackoff({ initialDelay: o.retryInitialDelayMs, maxDelay: o.retryMaxDelayMs, generator: fullJitterGenerator }),
  });
  const createRetry = retry(handleWhen(isTransient), {
    maxAttempts: 1,
    backoff: new ExponentialBackoff({ initialDelay: o.retryInitialDelayMs, maxDelay: o.retryMaxDelayMs, generator: fullJitterGenerator }),
  });
  const guarded = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await breaker.execute(fn);
    } catch (err) {
      if (err instanceof BrokenCircuitError) throw new ProviderUnavailableError(p.id, `${p.id} circuit is open after repeated failures`);
      throw err;
    }
  };
  const timedCreate = timed('create', (i: Parameters<PaymentProvider['create']>[0]) =>
    o.channelCreates && breaker.state === CircuitState.Closed ? p.create(i) : guarded(() => p.create(i)),
  );
  const wrapped: ResilientProvider = {
    id: p.id,
    capabilities: p.capabilities,
    breaker,
    circuitState: () =>
      ({ [CircuitState.Closed]: 'closed', [CircuitState.Open]: 'open', [CircuitState.HalfOpen]: 'half_open', [CircuitState.Isolated]: 'isolated' })[
        breaker.state
      ] as 'closed',
    methods: () => p.methods(),
    // Timed per attempt: each repeat is a provider call of its own.
    create: (i) => createRetry.execute(() => timedCreate(i)),
    status: timed('status', (r) => honourRateLimit(() => readRetry.execute(() => guarded(() => p.status(r))))),
    cancel: timed('cancel', (r) => guarded(() => p.cancel(r))),
    refund: timed('refund', (i) => guarded(() => p.refund(i))),
    verifyWebhook: (req) => p.verifyWebhook(req),
  };
  if (p.installments) wrapped.installments = timed('installments', (amount, items) => readRetry.execute(() => guarded(() => p.installments!(amount, items))));
  if (p.rejectAck) wrapped.rejectAck = (err) => p.rejectAck!(err);
  return wrapped;
}

