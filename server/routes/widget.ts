/**
 * The widget API (contract.md §3): thin handlers — validate, call one use case, map the result.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { CreatePaymentResponse, Customer, InstallmentsResponse, MethodsResponse, PaymentResponse } from '../api-types.js';
import { AppError, badRequest, notFound, unauthorized } from '../errors.js';
import { checkClientSecret, clientSecretFor } from '../domain/client-secret.js';
import { toMerchantPayment, toWidgetPayment } from '../domain/payment-record.js';
import { isMerchant } from './merchant.js';
import { resolveOrder, type OrderInput, type OrderSources } from '../domain/orders.js';
import type { OrderSpec } from '../domain/payment-service.js';
import { toIndonesianMobile } from '../lib/phone.js';
import type { PaymentService } from '../domain/payment-service.js';
import type { StatusChecks } from '../domain/status-check.js';
import type { LiveStreams } from './sse.js';
import { amount, cartItems, createPaymentSchema } from './schemas.js';
import { parse } from './validate.js';

const orderQuery = {
  session: z.object({ session: z.string().min(1).max(8192) }).strict(),
  amount: z.object({ amount: z.string().regex(/^\d{1,12}$/, { message: 'must be a whole number of rupiah' }).transform(Number).pipe(amount) }).strict(),
  items: z.object({ items: cartItems }).strict(),
};

/**
 * The session from the `Bayar-Session` header (how the widget sends it: a header never lands in an access log),
 * or `?session=` (still accepted for existing pages) / `?amount=` / `?items=` → the order's trusted amount, allowed
 * methods, and, for a session, the order it names (so the widget can resume without reading the token).
 */
function orderFromQuery(req: Request, sources: OrderSources) {
  const q = { ...(req.query as Record<string, unknown>) };
  const header = req.get('bayar-session');
  if (header !== undefined) {
    if (q.session !== undefined && q.session !== header) throw badRequest('session_invalid', 'Send the session once: in the Bayar-Session header or ?session=, not both.');
    q.session = header;
  }
  const kind = q.session !== undefined ? 'session' : q.items !== undefined ? 'items' : q.amount !== undefined ? 'amount' : null;
  if (!kind) throw badRequest('invalid_request', 'Send the session in the Bayar-Session header, or pass ?amount=<integer IDR> or ?items=SKU:QTY,….');
  const parsed = parse(orderQuery[kind], { [kind]: q[kind] });
  if ('amount' in parsed) {
    // The amount in a query only filters what is shown; payments still need a trusted order.
    return { amount: parsed.amount, items: [{ name: 'Order', price: parsed.amount, quantity: 1 }], allowed: undefined, order: undefined };
  }
  const order = resolveOrder(parsed as OrderInput, { ...sources, allowUnsigned: true });
  return {
    amount: order.amount,
    items: order.items,
    allowed: order.allowed,
    order: order.source === 'session' ? { orderId: order.orderId, amount: order.amount } : undefined,
  };
}

/**
 * Who may read, stream or cancel a payment from the browser: whoever holds its client secret (header
 * `Bayar-Client-Secret`, or `?client_secret=` where headers cannot be set, as for EventSource), or the merchant
 * key. Without a credential → 401; with a wrong one → 404 exactly as for an unknown id, so the answer says nothing
 * about whether the payment exists.
 */
function requirePaymentAccess(req: Request, merchantKey: string): string {
  const id = String(req.params.id);
  const header = req.get('bayar-client-secret');
  const query = typeof req.query.client_secret === 'string' ? req.query.client_secret : undefined;
  if (isMerchant(req, merchantKey)) return id;
  const secret = header ?? query;
  if (secret === undefined) {
    throw unauthorized('client_secret_required', 'Send the payment\'s client secret (Bayar-Client-Secret header) returned when it was created.');
  }
  if (!checkClientSecret(id, secret, merchantKey)) throw notFound('payment_not_found', 'No payment with this id.');
  return id;
}

/**
 * GET /api/payments/:id/events: the payment's live status, to whoever may read it (also served by routes/fast-path.ts,
 * which passes the response headers every answer carries as `head`; on the stack they are already set).
 */
export function paymentEvents(service: PaymentService, sources: OrderSources, streams: LiveStreams) {
  return async (req: Request, res: Response, head: string[] = []) => {
    const payment = await service.get(requirePaymentAccess(req, sources.merchantKey));
    const header = req.get('last-event-id') ?? (typeof req.query.lastEventId === 'string' ? req.query.lastEventId : undefined);
    const lastEventId = header !== undefined && /^\d{1,15}$/.test(header) ? Number(header) : undefined;
    await streams.open(req, res, payment.id, lastEventId, head);
  };
}

/** GET /api/methods: the methods for the order named by the query or the Bayar-Session header. */
export function methodsAnswer(req: Request, service: PaymentService, sources: OrderSources): MethodsResponse {
  const order = orderFromQuery(req, sources);
  return { methods: service.methods(order.amount, order.allowed), ...(order.order ? { order: order.order } : {}) };
}

/** Payments through payment links: their rate limits, and the customer the link names (kept out of the page). */
export interface LinkCheckoutHooks {
  limits: RequestHandler[];
  customerFor(linkId: string): Promise<Customer>;
}

/**
 * OVO approves by a push to the payer's OVO app, so its number must be a valid Indonesian mobile number before
 * anything is created or any provider is called. `walletPhone` (asked on the checkout page) wins over the customer's
 * phone; it is accepted for e-wallets only.
 */
function withWalletPhone(order: OrderSpec, method: string, walletPhone: string | undefined): OrderSpec {
  if (walletPhone !== undefined && !method.startsWith('ewallet:')) {
    throw badRequest('invalid_request', 'walletPhone is for e-wallet payments only.');
  }
  const phone = walletPhone ?? order.customer.phone;
  if (walletPhone === undefined && method !== 'ewallet:ovo') return order;
  const mobile = toIndonesianMobile(phone);
  if (!mobile) {
    throw badRequest('invalid_phone', `${method === 'ewallet:ovo' ? 'OVO' : 'This e-wallet'} needs the payer's Indonesian mobile number (e.g. 0812 3456 7890 or +62812…); pass it as walletPhone.`);
  }
  return { ...order, customer: { ...order.customer, phone: mobile } };
}

export function widgetRoutes(
  service: PaymentService,
  sources: OrderSources,
  streams: LiveStreams,
  idem: RequestHandler,
  checks: StatusChecks,
  links?: LinkCheckoutHooks,
): Router {
  const r = Router();

  // Answered by routes/methods-fast.ts before the stack; this route serves what it leaves (HEAD).
  r.get('/api/methods', (req, res) => {
    res.json(methodsAnswer(req, service, sources));
  });

  r.get('/api/installments', async (req, res) => {
    const order = orderFromQuery(req, sources);
    const body: InstallmentsResponse = { options: await service.installments(order) };
    res.json(body);
  });

  r.post('/api/payments', ...(links?.limits ?? []), idem, async (req, res) => {
    const body = req.body as Record<string, unknown> | undefined;
    const input = parse(createPaymentSchema(body), body);
    const { method, installment, walletPhone, ...orderInput } = input;
    const order = resolveOrder(orderInput as OrderInput, sources);
    if (order.link && links) order.customer = await links.customerFor(order.link.id);
    const payable = withWalletPhone(order, method, walletPhone);
    // An existing payment of the order goes back only to whoever holds the merchant's session for it, or that
    // payment's client secret (a page that created it and reloaded).
    const secret = req.get('bayar-client-secret');
    const entitled = (p: { id: string }) => order.source === 'session' || (secret !== undefined && checkClientSecret(p.id, secret, sources.merchantKey));
    const { payment, created } = await service.create(payable, method, installment, entitled).catch((err: unknown) => {
      // A create left unfinished by an outage is resumed by its creator's retry: it gets the secret that proves it.
      const d = err instanceof AppError ? (err.details as { paymentId?: unknown } | undefined) : undefined;
      if (d && typeof d.paymentId === 'string') Object.assign(d, { clientSecret: clientSecretFor(d.paymentId, sources.merchantKey) });
      throw err;
    });
    const out: CreatePaymentResponse = { payment: toWidgetPayment(payment), clientSecret: clientSecretFor(payment.id, sources.merchantKey) };
    res.status(created ? 201 : 200).json(out);
  });

  r.get('/api/payments/:id', async (req, res) => {
    const record = await service.get(requirePaymentAccess(req, sources.merchantKey));
    // The merchant's backend also sees the expected fee and why the payment went where it went; the page never does.
    const out: PaymentResponse = { payment: isMerchant(req, sources.merchantKey) ? toMerchantPayment(record, true) : toWidgetPayment(record) };
    res.json(out);
  });

  const events = paymentEvents(service, sources, streams);
  r.get('/api/payments/:id/events', (req, res) => events(req, res));

  r.post('/api/payments/:id/cancel', async (req, res) => {
    const out: PaymentResponse = { payment: toWidgetPayment(await service.cancel(requirePaymentAccess(req, sources.merchantKey))) };
    res.json(out);
  });

  // "Check status" / "I have paid": ask the provider now (rate-limited per payment, server/domain/status-check.ts).
  r.post('/api/payments/:id/check', async (req, res) => {
    try {
      const out: PaymentResponse = { payment: toWidgetPayment(await checks.check(requirePaymentAccess(req, sources.merchantKey))) };
      res.json(out);
    } catch (err) {
      const wait = (err as { details?: { retryAfterSeconds?: number } }).details?.retryAfterSeconds;
      if (wait) res.set('Retry-After', String(wait));
      throw err;
    }
  });

  return r;
}
