/**
 * Test helpers for the widget: a fake companion server (stubbed `window.fetch`), a fake EventSource (through the
 * `BayarApi.EventSource` seam), a fake clock, fixtures, and user-level actions that look through shadow roots.
 */
import { formatIdr } from '../../widget/internal/format.js';
import { expect, waitUntil } from '@open-wc/testing';
import type { InstallmentOption, Payment, PaymentMethod } from '../../server/api-types.js';
import type { BayarCheckout, BayarHandoffView } from '../../widget/index.js';
import { BayarApi, type EventSourceLike } from '../../widget/internal/api.js';
import type { Clock } from '../../widget/internal/clock.js';
import { ensureLocale } from '../../widget/i18n/localize.js';
import { qrModules } from '../../server/lib/qr-modules.js';
import { paySteps } from '../../server/domain/pay-steps.js';
import { errorText } from '../../server/domain/error-texts.js';
import '../../widget/index.js';
import '../../widget/views.js';

// ---- time ----------------------------------------------------------------------------------------------------------

/** One macrotask turn without setTimeout's 4 ms clamping. */
const nextTask = (): Promise<void> =>
  new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });

/** Lets pending promises, fetch stubs and Lit updates run. */
export const settle = async (rounds = 3): Promise<void> => {
  for (let i = 0; i < rounds; i++) await nextTask();
};

export const NOW = Date.parse('2025-11-24T03:00:00Z');
export const iso = (ms: number): string => new Date(ms).toISOString().replace('Z', '+00:00');

/** A clock the test moves by hand; timers run only when `advance` passes their time. */
export class FakeClock implements Clock {
  private timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;

  constructor(public time = NOW) {}

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): number {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, running every timer that falls due, in order, letting the page settle after each. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      let due: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = Math.max(this.time, due[1].at);
      due[1].fn();
      await settle(1);
    }
    this.time = end;
    await settle();
  }

  /** A tab that slept: time jumps by `ms` with no timer running, then the overdue timers fire at once on waking. */
  async sleep(ms: number): Promise<void> {
    this.time += ms;
    await this.advance(0);
  }
}

// ---- fixtures ------------------------------------------------------------------------------------------------------

const method = (id: string, label: string, provider: PaymentMethod['provider'] = 'komerce'): PaymentMethod => {
  const [family, channel] = id.split(':') as [PaymentMethod['family'], string];
  return { id, family, channel, label, provider, minAmount: 10000, maxAmount: 100_000_000, available: true };
};

export const METHODS: PaymentMethod[] = [
  method('va:bca', 'BCA Virtual Account'),
  method('va:mandiri', 'Mandiri Bill Payment', 'midtrans'),
  method('va:bsi', 'BSI Virtual Account', 'xendit'),
  method('qris:qris', 'QRIS', 'xendit'),
  method('ewallet:ovo', 'OVO', 'doku'),
  method('ewallet:dana', 'DANA', 'doku'),
  method('cstore:indomaret', 'Indomaret', 'midtrans'),
  method('cstore:alfamart', 'Alfamart', 'midtrans'),
  method('paylater:indodana', 'Indodana PayLater', 'indodana'),
];

export const INSTALLMENTS: InstallmentOption[] = [
  { id: 'opt-30d', tenure: 1, tenureUnit: 'days', monthlyInstallment: 150000, installmentAmount: 150000, totalInterest: 0, rate: 0, provider: 'indodana' },
  { id: 'opt-3m', tenure: 3, tenureUnit: 'months', monthlyInstallment: 53900, installmentAmount: 161700, totalInterest: 11700, rate: 2.6, provider: 'indodana' },
  { id: 'opt-6m', tenure: 6, tenureUnit: 'months', monthlyInstallment: 28900, installmentAmount: 173400, totalInterest: 23400, rate: 2.6, provider: 'indodana' },
];

/** Providers.md V-QRIS-3: dynamic, amount 10000, CRC 350B. */
export const QRIS_10000 =
  '00020101021226760024ID.CO.SPEEDCASH.MERCHANT01189360081530001108500215ID10210000000190303UME51440014ID.CO.QRIS.WWW0215ID20211101828880303UME5204581453033605405100005802ID5911TOKO WINPAY6013JAKARTA BARAT61051111062360105398700509D100836320710TERM GIGIH6304350B';
/** The same payload with one digit of the CRC changed. */
export const QRIS_CORRUPT = QRIS_10000.slice(0, -1) + 'C';

let paymentSeq = 0;
const HOUR = 3_600_000;

/** A pending payment for `methodId` as the companion would return it. */
export function makePayment(methodId: string, over: Partial<Payment> = {}): Payment {
  const [family, channel] = methodId.split(':') as [Payment['family'], string];
  const base: Payment = {
    id: `pay_${++paymentSeq}_${Math.random().toString(36).slice(2, 10)}`,
    orderId: 'ORDER-1',
    method: methodId,
    family,
    provider: 'komerce',
    amount: 150000,
    currency: 'IDR',
    status: 'pending',
    createdAt: iso(NOW),
    expiresAt: iso(NOW + 24 * HOUR),
  };
  if (family === 'va') base.va = channel === 'mandiri' ? { bank: 'mandiri', number: '511224069085', billerCode: '70012' } : { bank: channel, number: '8808123456789012' };
  if (family === 'qris') Object.assign(base, { amount: 10000, qris: { qrString: QRIS_10000, qr: qrModules(QRIS_10000) }, expiresAt: iso(NOW + 15 * 60_000) });
  if (family === 'ewallet') base.redirectUrl = `https://wallet.test/${channel}/checkout?ref=abc`;
  if (family === 'cstore') base.cstore = { store: channel, paymentCode: 'BYR1234567890' };
  if (family === 'paylater') Object.assign(base, { redirectUrl: 'https://lender.test/approve/xyz', installment: { id: 'opt-3m', tenure: 3 } });
  const payment = { ...base, ...over };
  // As the widget API answers (toWidgetPayment): how to pay it, unless the test gives its own (or none).
  const steps = 'steps' in over ? over.steps : paySteps(payment);
  return steps ? { ...payment, steps } : payment;
}

// ---- fake companion server -----------------------------------------------------------------------------------------

export interface SeenRequest {
  method: string;
  url: URL;
  path: string;
  headers: Headers;
  body: any;
  /** The request's abort signal: aborted when the widget gave up on it (a timeout, a newer load, the element left). */
  signal?: AbortSignal;
}

export interface Reply {
  status?: number;
  body?: unknown;
}

type Handler = (req: SeenRequest, match: RegExpMatchArray) => Reply | Promise<Reply>;

/**
 * Answers the widget's fetches like the companion (contract.md §3) from an in-memory store of payments. Every route
 * can be overridden with `on()`; `requests` records what the widget sent.
 */
export class FakeServer {
  readonly requests: SeenRequest[] = [];
  readonly payments = new Map<string, Payment>();
  methods: PaymentMethod[] = METHODS;
  installments: InstallmentOption[] = INSTALLMENTS;
  /** The order each session token names (what the companion reads from the opaque token); default ORDER-for-<token>. */
  readonly sessions = new Map<string, { orderId: string; amount: number }>();
  /** Overrides what POST /api/payments creates. */
  create: (body: any) => Payment = (body) => makePayment(body.method, body.orderId ? { orderId: body.orderId, amount: body.amount } : {});
  private routes: Array<{ method: string; pattern: RegExp; handler: Handler }> = [];
  private original?: typeof fetch;

  constructor() {
    this.on('GET', /^\/api\/methods$/, (req) => {
      if (req.url.searchParams.has('session')) return { status: 400, body: { error: { code: 'test_refuses_session_in_url', message: 'The session belongs in the Bayar-Session header.' } } };
      const token = req.headers.get('bayar-session');
      const order = token ? (this.sessions.get(token) ?? { orderId: `ORDER-for-${token}`, amount: 150000 }) : undefined;
      return { body: { methods: this.methods, ...(order ? { order } : {}) } };
    });
    this.on('GET', /^\/api\/installments$/, () => ({ body: { options: this.installments } }));
    this.on('POST', /^\/api\/payments$/, (req) => {
      const payment = this.create(req.body);
      this.payments.set(payment.id, payment);
      return { status: 201, body: { payment, clientSecret: FakeServer.secretOf(payment.id) } };
    });
    // Like the companion: a payment opens only with its client secret; a wrong one reads as "no such payment".
    const locked = (req: SeenRequest, id: string) =>
      req.headers.get('bayar-client-secret') === FakeServer.secretOf(id) ? null : { status: 404, body: { error: { code: 'payment_not_found', message: 'No such payment.' } } };
    this.on('GET', /^\/api\/payments\/([^/]+)$/, (req, m) => {
      const id = decodeURIComponent(m[1]!);
      const payment = this.payments.get(id);
      return locked(req, id) ?? (payment ? { body: { payment } } : { status: 404, body: { error: { code: 'payment_not_found', message: 'No such payment.' } } });
    });
    this.on('POST', /^\/api\/payments\/([^/]+)\/cancel$/, (req, m) => {
      const id = decodeURIComponent(m[1]!);
      const payment = this.payments.get(id);
      if (!payment) return { status: 404, body: { error: { code: 'payment_not_found', message: 'No such payment.' } } };
      return locked(req, id) ?? { body: { payment: this.update(payment.id, { status: 'cancelled' }) } };
    });
  }

  /** The client secret the fake companion hands out for a payment. */
  static secretOf(id: string): string {
    return `pcs_test_${id}`;
  }

  /** Adds a route that wins over earlier ones. */
  on(method: string, pattern: RegExp, handler: Handler): this {
    this.routes.unshift({ method, pattern, handler });
    return this;
  }

  update(id: string, changes: Partial<Payment>): Payment {
    const payment = { ...this.payments.get(id)!, ...changes };
    this.payments.set(id, payment);
    return payment;
  }

  seen(method: string, path: string | RegExp): SeenRequest[] {
    return this.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
  }

  install(): this {
    this.original = window.fetch;
    window.fetch = this.fetch;
    return this;
  }

  restore(): void {
    if (this.original) window.fetch = this.original;
  }

  private readonly fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input));
    const method = (init.method ?? 'GET').toUpperCase();
    const req: SeenRequest = {
      method,
      url,
      path: url.pathname,
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      signal: init.signal ?? undefined,
    };
    this.requests.push(req);
    for (const route of this.routes) {
      const match = route.method === method ? url.pathname.match(route.pattern) : null;
      if (!match) continue;
      // Like a real fetch, an aborted request (the widget's timeout) rejects at once, whatever the server does.
      const signal = init.signal;
      const aborted = new Promise<never>((_, reject) => {
        if (signal?.aborted) reject(new DOMException('aborted', 'AbortError'));
        signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
      const reply = await Promise.race([route.handler(req, match), aborted]);
      return new Response(JSON.stringify(withErrorText(reply.body ?? {})), { status: reply.status ?? 200, headers: { 'Content-Type': 'application/json' } });
    }
    return new Response(JSON.stringify({ error: { code: 'not_found', message: `${method} ${url.pathname}` } }), { status: 404 });
  };
}

/** As the companion's error handler answers: a code a customer can meet carries its text (server/domain/error-texts.ts). */
function withErrorText(body: unknown): unknown {
  const error = (body as { error?: { code?: unknown; text?: unknown } } | null)?.error;
  if (!error || typeof error.code !== 'string' || 'text' in error) return body;
  const text = errorText(error.code);
  return text ? { ...(body as object), error: { ...error, text } } : body;
}

/** A reply the test releases by hand (to hold a request in flight). */
export function deferred<T = Reply>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

// ---- fake EventSource ----------------------------------------------------------------------------------------------

/** Stands in for the browser's EventSource; tests push `status` messages and errors into it. */
export class FakeEventSource implements EventSourceLike {
  static instances: FakeEventSource[] = [];
  static get latest(): FakeEventSource | undefined {
    return FakeEventSource.instances[FakeEventSource.instances.length - 1];
  }

  readyState = 0;
  closed = false;
  private lastId = 0;
  private listeners = new Map<string, Set<(event: Event) => void>>();

  constructor(readonly url: string) {
    FakeEventSource.instances.push(this);
  }

  addEventListener(type: string, listener: (event: Event) => void): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
  }

  close(): void {
    this.readyState = 2;
    this.closed = true;
  }

  private dispatch(event: Event): void {
    this.listeners.get(event.type)?.forEach((l) => l(event));
  }

  open(): void {
    this.readyState = 1;
    this.dispatch(new Event('open'));
  }

  /** One `event: status` message, with an increasing `id:`. */
  status(payment: Payment): void {
    this.readyState = 1;
    this.dispatch(new MessageEvent('status', { data: JSON.stringify({ payment }), lastEventId: String(++this.lastId) }));
  }

  /** A stream error: `permanent` is the browser giving up (CLOSED); otherwise it is reconnecting (CONNECTING). */
  error(permanent: boolean): void {
    this.readyState = permanent ? 2 : 0;
    this.dispatch(new Event('error'));
  }
}

// ---- page setup ----------------------------------------------------------------------------------------------------

/**
 * The current test's fake companion (a live binding: set by `setupPage`, so a file importing it sees each test's own).
 */
export let server: FakeServer;
const mounted: Element[] = [];

/**
 * The fixture of every test that talks to the fake companion: call it inside `describe`. Before each test a fresh
 * fake server (`server`), fake EventSource and empty storage; after it, the page is cleared and `fetch` restored.
 */
export function usePage(): void {
  beforeEach(() => void setupPage());
  afterEach(teardownPage);
}

/** A fresh fake server, fake EventSource, empty storage (`usePage` calls it before each test). */
export function setupPage(): FakeServer {
  localStorage.clear();
  FakeEventSource.instances = [];
  BayarApi.EventSource = FakeEventSource;
  server = new FakeServer().install();
  return server;
}

/** Call in afterEach. */
export function teardownPage(): void {
  mounted.splice(0).forEach((el) => el.remove());
  server?.restore();
  BayarApi.EventSource = undefined;
}

export const SERVER = 'https://pay.test';

/** Every public event the checkout fired, in order. */
export class EventLog {
  readonly events: CustomEvent[] = [];
  constructor(el: Element) {
    for (const name of EVENT_NAMES) el.addEventListener(name, (e) => this.events.push(e as CustomEvent));
  }
  names(): string[] {
    return this.events.map((e) => e.type);
  }
  of(name: string): CustomEvent[] {
    return this.events.filter((e) => e.type === name);
  }
  count(name: string): number {
    return this.of(name).length;
  }
}

export const EVENT_NAMES = [
  'bayar-ready',
  'bayar-method-select',
  'bayar-payment-pending',
  'bayar-payment-paid',
  'bayar-payment-expired',
  'bayar-payment-cancelled',
  'bayar-payment-failed',
  'bayar-error',
];

/** Puts a `<bayar-checkout>` on the page with the given attributes (events recorded from the start). */
export async function mountCheckout(
  attrs: Record<string, string> = {},
  { clock = new FakeClock(), waitReady = true }: { clock?: FakeClock; waitReady?: boolean } = {},
): Promise<{ el: BayarCheckout; log: EventLog; clock: FakeClock }> {
  const el = document.createElement('bayar-checkout');
  for (const [name, value] of Object.entries({ server: SERVER, session: 'sess_demo', ...attrs })) if (value !== '') el.setAttribute(name, value);
  el.clock = clock;
  const log = new EventLog(el);
  return mountElement(el).then(async () => {
    if (waitReady) await until(() => log.events.length > 0, 'checkout ready (any event)');
    return { el, log, clock };
  });
}

/** Adds any element to the page (removed after the test) and waits for its first render. */
export async function mountElement<T extends Element>(el: T, width?: number): Promise<T> {
  // English is a lazily loaded chunk; have it ready so the first render is already in the right language.
  await ensureLocale((el as { locale?: string }).locale ?? el.getAttribute('locale') ?? 'id');
  const host = document.createElement('div');
  if (width) host.style.width = `${width}px`;
  host.appendChild(el);
  document.body.appendChild(host);
  mounted.push(host);
  await (el as unknown as { updateComplete?: Promise<unknown> }).updateComplete;
  await settle();
  return el;
}

/** A `<bayar-handoff-view>` for a payment, mounted with a fake clock. */
export async function mountHandoff(payment: Payment, locale = 'id'): Promise<BayarHandoffView> {
  const el = document.createElement('bayar-handoff-view') as BayarHandoffView;
  el.payment = payment;
  el.locale = locale;
  el.clock = new FakeClock();
  await mountElement(el);
  return el;
}

// ---- looking through shadow roots --------------------------------------------------------------------------------

/** The first element matching `selector` anywhere under `root`, shadow roots included. */
export function find<T extends Element = HTMLElement>(root: Element | ShadowRoot, selector: string): T | null {
  return findAll<T>(root, selector)[0] ?? null;
}

export function findAll<T extends Element = HTMLElement>(root: Element | ShadowRoot, selector: string): T[] {
  const out: T[] = [];
  const visit = (node: Element | ShadowRoot) => {
    if (node instanceof Element && node.matches(selector)) out.push(node as T);
    const children = node instanceof Element && node.shadowRoot ? [...node.shadowRoot.children] : [];
    for (const child of [...children, ...node.children]) visit(child);
  };
  if (root instanceof Element && root.shadowRoot) [...root.shadowRoot.children].forEach(visit);
  else root.childNodes.forEach((n) => n instanceof Element && visit(n));
  return out;
}

/** The text a person sees, through shadow roots (whitespace collapsed, NBSP as a space). */
export function textOf(root: Element): string {
  const parts: string[] = [];
  const visit = (node: Node) => {
    if (node instanceof Element && node.shadowRoot) node.shadowRoot.childNodes.forEach(visit);
    else if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent ?? '');
    else if (!(node instanceof HTMLStyleElement)) node.childNodes.forEach(visit);
  };
  visit(root);
  return parts.join(' ').replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Waits until `check` holds (failing with `what`). */
export async function until(check: () => unknown, what = 'condition'): Promise<void> {
  await waitUntil(check, `timed out waiting for ${what}`, { timeout: 3000, interval: 10 });
  await settle();
}

/** The widget's own IDR formatter (widget/internal/format.ts), with NBSP shown as a space for comparisons. */
export const rp = (amount: number): string => formatIdr(amount).replace(/\u00a0/g, ' ');

// ---- user actions ------------------------------------------------------------------------------------------------

export const radios = (el: Element): HTMLElement[] => findAll(el, '[role="radio"]');

export function radio(el: Element, id: string): HTMLElement {
  const r = find(el, `[role="radio"][data-id="${id}"]`);
  expect(r, `radio ${id}`).to.exist;
  return r!;
}

export async function pickMethod(el: Element, id: string): Promise<void> {
  radio(el, id).click();
  await settle();
}

export function payButton(el: Element): HTMLButtonElement {
  const b = find<HTMLButtonElement>(el, 'button.pay');
  expect(b, 'pay button').to.exist;
  return b!;
}

export async function pressPay(el: Element): Promise<void> {
  payButton(el).click();
  await settle();
}

/** Clicks the first button whose text contains `label`. */
export async function clickButton(el: Element, label: string | RegExp): Promise<void> {
  const button = findAll<HTMLElement>(el, 'button, a.button').find((b) =>
    typeof label === 'string' ? textOf(b).includes(label) : label.test(textOf(b)),
  );
  expect(button, `button "${label}"`).to.exist;
  button!.click();
  await settle();
}

/** Picks a method, pays, and waits for the pending payment to be on screen. */
export async function payWith(el: BayarCheckout, log: EventLog, id: string): Promise<Payment> {
  const before = log.count('bayar-payment-pending');
  await pickMethod(el, id);
  await pressPay(el);
  await until(() => log.count('bayar-payment-pending') > before, 'pending payment');
  return el.payment!;
}
