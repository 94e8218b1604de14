import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Payment } from '../../server/api-types.js';
import type { BayarApi, EventSourceLike } from '../internal/api.js';
import { isPayment } from '../internal/api.js';
import { systemClock, type ClockHost } from '../internal/clock.js';

/** How often the fallback polls, and the longest back-off after failed polls. */
export const POLL_MS = 3000;
const MAX_POLL_MS = 30000;
/** Consecutive SSE errors without a message before the stream is given up for polling. */
const SSE_ERRORS = 3;

/**
 * Follows one payment's status: Server-Sent Events first (`GET /api/payments/:id/events`, `event: status`; the browser
 * itself resends `Last-Event-ID` when it reconnects), and when the stream fails for good, polling
 * `GET /api/payments/:id` with at most one request in flight: the next poll is scheduled only after the previous
 * one has finished. It stops once the payment leaves `pending` or the host leaves the page.
 */
export class PaymentStatusController implements ReactiveController {
  /** `sse`, `poll` or `idle`; exposed for tests and debugging. */
  mode: 'idle' | 'sse' | 'poll' = 'idle';

  private api?: BayarApi;
  private id?: string;
  private secret = '';
  private source: EventSourceLike | null = null;
  private timer: unknown;
  private inFlight = false;
  private sseErrors = 0;
  private pollErrors = 0;
  /** Whether the host is in the document: a payment answered after the element left opens no stream (it would leak). */
  private connected = false;

  constructor(
    private readonly host: ReactiveControllerHost & ClockHost,
    private readonly onPayment: (payment: Payment) => void,
  ) {
    host.addController(this);
  }

  private get clock() {
    return this.host.clock ?? systemClock;
  }

  /** Starts following a pending payment, unlocked by its client secret (stops following any other). */
  watch(api: BayarApi, payment: Payment, clientSecret: string): void {
    this.stop();
    if (payment.status !== 'pending') return;
    this.api = api;
    this.id = payment.id;
    this.secret = clientSecret;
    this.connect();
  }

  /** Stops streaming and polling. */
  stop(): void {
    this.source?.close();
    this.source = null;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.id = undefined;
    this.mode = 'idle';
  }

  /** Asks the server once now (e.g. when the local countdown ran out); skipped if a request is already out. */
  refresh(): Promise<void> {
    return this.fetchOnce();
  }

  hostConnected(): void {
    this.connected = true;
    if (this.id && this.mode === 'idle') this.connect();
  }

  hostDisconnected(): void {
    this.connected = false;
    const id = this.id;
    this.stop();
    this.id = id; // resume on reconnect
  }

  private connect(): void {
    const id = this.id;
    if (!this.api || !id || !this.connected) return;
    let source: EventSourceLike | null = null;
    try {
      source = this.api.events(id, this.secret);
    } catch {
      source = null;
    }
    if (!source) return this.startPolling();
    this.source = source;
    this.mode = 'sse';
    this.sseErrors = 0;
    source.addEventListener('status', (event) => {
      this.sseErrors = 0;
      let data: unknown;
      try {
        data = JSON.parse(String((event as MessageEvent).data));
      } catch {
        return;
      }
      const payment = (data as { payment?: unknown } | null)?.payment;
      if (isPayment(payment) && payment.id === this.id) this.deliver(payment);
    });
    source.addEventListener('open', () => {
      this.sseErrors = 0;
    });
    source.addEventListener('error', () => {
      if (this.source !== source) return;
      // CLOSED (2): the browser will not retry (bad status or content type). CONNECTING: it retries by itself with
      // Last-Event-ID, but a stream that keeps failing is given up for polling.
      if (source.readyState === 2 || ++this.sseErrors >= SSE_ERRORS) {
        source.close();
        this.source = null;
        this.startPolling();
      }
    });
  }

  private startPolling(): void {
    this.mode = 'poll';
    this.pollErrors = 0;
    void this.poll();
  }

  private readonly poll = async (): Promise<void> => {
    this.timer = undefined;
    await this.fetchOnce();
    if (this.mode !== 'poll' || !this.id || this.timer !== undefined || !this.connected) return;
    const delay = Math.min(MAX_POLL_MS, POLL_MS * 2 ** this.pollErrors);
    this.timer = this.clock.setTimeout(() => void this.poll(), delay);
  };

  private async fetchOnce(): Promise<void> {
    const id = this.id;
    if (!this.api || !id || this.inFlight) return;
    this.inFlight = true;
    try {
      const payment = await this.api.getPayment(id, this.secret);
      this.pollErrors = 0;
      if (payment.id === this.id) this.deliver(payment);
    } catch {
      this.pollErrors = Math.min(this.pollErrors + 1, 4);
    } finally {
      this.inFlight = false;
    }
  }

  private deliver(payment: Payment): void {
    if (payment.status !== 'pending') this.stop();
    this.onPayment(payment);
  }
}
