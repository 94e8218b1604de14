import type {
  ApiErrorBody,
  CreatePaymentRequest,
  InstallmentOption,
  Payment,
  PaymentMethod,
} from '../../server/api-types.js';
import { systemClock, type Clock } from './clock.js';
import { answer, credentials, orderHeaders, orderPath, READ_TIMEOUT_MS, type OrderQuery } from './methods-request.js';

/** A failed request: `code` is the server's error code, or a client code such as `network_error`. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 0,
    /** What the customer reads, in both languages, when the companion gave it (ApiErrorBody). */
    readonly text?: { id: string; en: string },
  ) {
    super(message);
  }
}

export type { OrderQuery };

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
  static timeouts = { read: READ_TIMEOUT_MS, write: 30_000 };

  readonly base: string;

  constructor(
    base: string,
    private readonly clock: Clock = systemClock,
  ) {
    this.base = base.replace(/\/+$/, '');
  }

  /** The methods for the order, and (asked with a session) the order the session names, for resuming. */
  async methods(order: OrderQuery, signal?: AbortSignal): Promise<{ methods: PaymentMethod[]; order?: NamedOrder }> {
    const body = await this.request<{ methods?: PaymentMethod[]; order?: NamedOrder }>('GET', orderPath('/api/methods', order), undefined, orderHeaders(order), signal);
    return { methods: Array.isArray(body.methods) ? body.methods : [], order: body.order?.orderId ? body.order : undefined };
  }

  async installments(order: OrderQuery, signal?: AbortSignal): Promise<InstallmentOption[]> {
    const body = await this.request<{ options?: InstallmentOption[] }>('GET', orderPath('/api/installments', order), undefined, orderHeaders(order), signal);
    return Array.isArray(body.options) ? body.options : [];
  }

  /** Creates (or, for the holder of the order's session, returns) a payment, with the client secret that unlocks it. */
  async createPayment(body: CreatePaymentRequest, idempotencyKey: string, previousSecret = ''): Promise<{ payment: Payment; clientSecret: string }> {
    // The secret of this page's earlier payment for the order proves the page may replace (or resume) it.
    const res = await this.request<{ payment?: unknown; clientSecret?: string }>('POST', '/api/payments', body, {
      'Idempotency-Key': idempotencyKey,
      'Bayar-Client-Secret': previousSecret,
    });
    if (!isPayment(res.payment)) throw new ApiError('invalid_response', 'The server sent no payment.');
    return { payment: res.payment, clientSecret: res.clientSecret ?? '' };
  }

  getPayment(id: string, clientSecret: string, signal?: AbortSignal): Promise<Payment> {
    return this.payment('GET', `/api/payments/${encodeURIComponent(id)}`, undefined, { 'Bayar-Client-Secret': clientSecret }, signal);
  }

  cancelPayment(id: string, clientSecret: string): Promise<Payment> {
    return this.payment('POST', `/api/payments/${encodeURIComponent(id)}/cancel`, {}, { 'Bayar-Client-Secret': clientSecret });
  }

  /** "Check status" / "I have paid": the companion asks the provider now (rate-limited per payment: 429 `check_too_soon`). */
  checkPayment(id: string, clientSecret: string): Promise<Payment> {
    return this.payment('POST', `/api/payments/${encodeURIComponent(id)}/check`, {}, { 'Bayar-Client-Secret': clientSecret });
  }

  /**
   * Opens the payment's SSE stream, or returns null when the browser (or a test) has no EventSource. EventSource
   * cannot send headers, so the client secret goes in the query: it unlocks this payment's status and nothing else
   * (no customer data), and this is the one place it is in a URL.
   */
  events(id: string, clientSecret: string): EventSourceLike | null {
    const Source = BayarApi.EventSource === undefined ? globalThis.EventSource : BayarApi.EventSource;
    return Source
      ? new Source(`${this.base}/api/payments/${encodeURIComponent(id)}/events?client_secret=${clientSecret}`)
      : null;
  }

  private async payment(method: string, path: string, body?: unknown, headers?: Record<string, string>, signal?: AbortSignal): Promise<Payment> {
    const res = await this.request<{ payment?: unknown }>(method, path, body, headers, signal);
    if (!isPayment(res.payment)) throw new ApiError('invalid_response', 'The server sent no payment.');
    return res.payment;
  }

  /**
   * `signal`: the caller no longer wants the answer (a newer load superseded it, the element left the page); the
   * request stops and rejects (as a timeout: the caller drops the answer of a superseded load anyway).
   */
  private async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<T> {
    const abort = new AbortController();
    signal?.addEventListener('abort', () => abort.abort());
    const timer = this.clock.setTimeout(() => abort.abort(), BayarApi.timeouts[method === 'GET' ? 'read' : 'write']);
    // The loader (bayar.js) may have started this very GET while the module loaded: its answer is this one.
    const { status, body: json } = await ((method === 'GET' && globalThis.__bayarPrefetched?.(this.base + path, headers)) ||
      answer(
        fetch(this.base + path, {
          method,
          // The widget never sends cookies: a session token or an unguessable payment id is the only credential.
          credentials: credentials(this.base + path),
          headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: abort.signal,
        }),
      ));
    this.clock.clearTimeout(timer);
    // Also a body cut off by the timeout: a timeout, not an unreadable answer.
    if (abort.signal.aborted) throw new ApiError('timeout', 'The payment server did not answer in time.');
    if (!status) throw new ApiError('network_error', 'Could not reach the payment server.');
    if (status < 200 || status > 299) {
      const error = (json as ApiErrorBody | null)?.error;
      throw new ApiError(error?.code || `http_${status}`, error?.message || `The server answered ${status}.`, status, error?.text);
    }
    if (!json || typeof json !== 'object') throw new ApiError('invalid_response', 'The server sent an unreadable answer.');
    return json as T;
  }
}

/** The order a session names, as the server tells it (the token itself is opaque). */
export interface NamedOrder {
  orderId: string;
  amount: number;
}

export { isPayment };
