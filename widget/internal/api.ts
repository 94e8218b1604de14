import type {
  ApiErrorBody,
  CreatePaymentRequest,
  InstallmentOption,
  Payment,
  PaymentMethod,
} from '../../server/api-types.js';
import { systemClock, type Clock } from './clock.js';

/** A failed request: `code` is the server's error code, or a client code such as `network_error`. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 0,
  ) {
    super(message);
  }
}

/** How the order is named to the server (contract.md §2): a signed session, an unsigned amount, or catalog items. */
export type OrderQuery = { session: string } | { amount: number } | { items: string };

/** The subset of `EventSource` the status controller uses, so tests can pass a fake. */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: MessageEvent | Event) => void): void;
  close(): void;
}
export type EventSourceFactory = new (url: string) => EventSourceLike;

const isPayment = (p: unknown): p is Payment =>
  !!p && typeof (p as Payment).id === 'string' && typeof (p as Payment).status === 'string';

/** Client for the companion's widget API (contract.md §3). Every call reads `fetch` at call time. */
export class BayarApi {
  /**
   * Test seam: the `EventSource` constructor used for status streams. Defaults to the browser's. Setting it to
   * `null` forces the polling fallback.
   */
  static EventSource: EventSourceFactory | null | undefined;

  /**
   * No request may hang the checkout (a stalled companion or proxy would otherwise leave "Processing…" on screen
   * forever): reads give up after 15 s, a create after 30 s (it waits for the provider, with failover). The caller
   * then offers a retry; a retried create reuses its Idempotency-Key, so it can never make a second payment.
   */
  static timeouts = { read: 15_000, write: 30_000 };

  readonly base: string;

  constructor(
    base: string,
    private readonly clock: Clock = systemClock,
  ) {
    this.base = base.replace(/\/+$/, '');
  }

  async methods(order: OrderQuery): Promise<PaymentMethod[]> {
    const body = await this.request<{ methods?: PaymentMethod[] }>('GET', `/api/methods?${query(order)}`);
    return Array.isArray(body.methods) ? body.methods : [];
  }

  async installments(order: OrderQuery): Promise<InstallmentOption[]> {
    const body = await this.request<{ options?: InstallmentOption[] }>('GET', `/api/installments?${query(order)}`);
    return Array.isArray(body.options) ? body.options : [];
  }

  createPayment(body: CreatePaymentRequest, idempotencyKey: string): Promise<Payment> {
    return this.payment('POST', '/api/payments', body, { 'Idempotency-Key': idempotencyKey });
  }

  getPayment(id: string): Promise<Payment> {
    return this.payment('GET', `/api/payments/${encodeURIComponent(id)}`);
  }

  cancelPayment(id: string): Promise<Payment> {
    return this.payment('POST', `/api/payments/${encodeURIComponent(id)}/cancel`, {});
  }

  /** "Check status" / "I have paid": the companion asks the provider now (rate-limited per payment: 429 `check_too_soon`). */
  checkPayment(id: string): Promise<Payment> {
    return this.payment('POST', `/api/payments/${encodeURIComponent(id)}/check`, {});
  }

  /** Opens the payment's SSE stream, or returns null when the browser (or a test) has no EventSource. */
  events(id: string): EventSourceLike | null {
    const Source = BayarApi.EventSource === undefined ? globalThis.EventSource : BayarApi.EventSource;
    return Source ? new Source(`${this.base}/api/payments/${encodeURIComponent(id)}/events`) : null;
  }

  private async payment(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Payment> {
    const res = await this.request<{ payment?: unknown }>(method, path, body, headers);
    if (!isPayment(res.payment)) throw new ApiError('invalid_response', 'The server sent no payment.');
    return res.payment;
  }

  private async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    let res!: Response;
    const abort = new AbortController();
    const timer = this.clock.setTimeout(() => abort.abort(), BayarApi.timeouts[method === 'GET' ? 'read' : 'write']);
    let json: unknown = null;
    try {
      res = await fetch(this.base + path, {
        method,
        // The widget never sends cookies: a session token or an unguessable payment id is the only credential.
        credentials: 'omit',
        headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: abort.signal,
      });
      json = await res.json().catch(() => null);
    } catch {
      if (!abort.signal.aborted) throw new ApiError('network_error', 'Could not reach the payment server. Check the connection and try again.');
    } finally {
      this.clock.clearTimeout(timer);
    }
    // Also a body cut off by the timeout: a timeout, not an unreadable answer.
    if (abort.signal.aborted) throw new ApiError('timeout', 'The payment server did not answer in time.');
    if (!res.ok) {
      const error = (json as ApiErrorBody | null)?.error;
      throw new ApiError(error?.code || `http_${res.status}`, error?.message || `The server answered ${res.status}.`, res.status);
    }
    if (!json || typeof json !== 'object') throw new ApiError('invalid_response', 'The server sent an unreadable answer.');
    return json as T;
  }
}

const query = (order: OrderQuery): string => new URLSearchParams(Object.entries(order).map(([k, v]) => [k, String(v)])).toString();

export { isPayment };
