/**
 * The widget API (contract.md §3): thin handlers — validate, call one use case, map the result.
 */
import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Customer, InstallmentsResponse, MethodsResponse, PaymentResponse } from '../api-types.js';
import { badRequest } from '../errors.js';
import { toMerchantPayment, toPublicPayment } from '../domain/payment.js';
import { isMerchant } from './merchant.js';
import { resolveOrder, type OrderInput, type OrderSources } from '../domain/orders.js';
import type { OrderSpec } from '../domain/payments.js';
import { toIndonesianMobile } from '../lib/phone.js';
import type { PaymentService } from '../domain/payments.js';
import type { StatusChecks } from '../domain/status-check.js';
import type { LiveStreams } from './sse.js';
import { amount, cartItems, createPaymentSchema } from './schemas.js';
import { parse } from './validate.js';

const orderQuery = {
  session: z.object({ session: z.string().min(1).max(8192) }).strict(),
  amount: z.object({ amount: z.string().regex(/^\d{1,12}$/, { message: 'must be a whole number of rupiah' }).transform(Number).pipe(amount) }).strict(),
  items: z.object({ items: cartItems }).strict(),
};

/** `?session=` / `?amount=` / `?items=` → the order's trusted amount and allowed methods. */
function orderFromQuery(req: Request, sources: OrderSources) {
  const q = req.query as Record<string, unknown>;
  const kind = q.session !== undefined ? 'session' : q.items !== undefined ? 'items' : q.amount !== undefined ? 'amount' : null;
  if (!kind) throw badRequest('invalid_request', 'Pass ?session=<token>, ?amount=<integer IDR> or ?items=SKU:QTY,….');
  const parsed = parse(orderQuery[kind], { [kind]: q[kind] });
  if ('amount' in parsed) {
    // The amount in a query only filters what is shown; payments still need a trusted order.
    return { amount: parsed.amount, items: [{ name: 'Order', price: parsed.amount, quantity: 1 }], allowed: undefined };
  }
  const order = resolveOrder(parsed as OrderInput, { ...sources, allowUnsigned: true });
  return { amount: order.amount, items: order.items, allowed: order.allowed };
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

  r.get('/api/methods', (req, res) => {
    const order = orderFromQuery(req, sources);
    const body: MethodsResponse = { methods: service.methods(order.amount, order.allowed) };
    res.json(body);
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
    const { payment, created } = await service.create(payable, method, installment);
    const out: PaymentResponse = { payment: toPublicPayment(payment) };
    res.status(created ? 201 : 200).json(out);
  });

  r.get('/api/payments/:id', async (req, res) => {
    const record = await service.get(req.params.id!);
    // The merchant's backend also sees the expected fee and why the payment went where it went; the page never does.
    const out: PaymentResponse = { payment: isMerchant(req, sources.merchantKey) ? toMerchantPayment(record, true) : toPublicPayment(record) };
    res.json(out);
  });

  r.get('/api/payments/:id/events', async (req, res) => {
    const payment = await service.get(req.params.id!);
    const header = req.get('last-event-id') ?? (typeof req.query.lastEventId === 'string' ? req.query.lastEventId : undefined);
    const lastEventId = header !== undefined && /^\d{1,15}$/.test(header) ? Number(header) : undefined;
    await streams.open(req, res, payment.id, lastEventId);
  });

  r.post('/api/payments/:id/cancel', async (req, res) => {
    const out: PaymentResponse = { payment: toPublicPayment(await service.cancel(req.params.id!)) };
    res.json(out);
  });

  // "Check status" / "I have paid": ask the provider now (rate-limited per payment, server/domain/status-check.ts).
  r.post('/api/payments/:id/check', async (req, res) => {
    try {
      const out: PaymentResponse = { payment: toPublicPayment(await checks.check(req.params.id!)) };
      res.json(out);
    } catch (err) {
      const wait = (err as { details?: { retryAfterSeconds?: number } }).details?.retryAfterSeconds;
      if (wait) res.set('Retry-After', String(wait));
      throw err;
    }
  });

  return r;
}
