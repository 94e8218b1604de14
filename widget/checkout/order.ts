/**
 * The order a <bayar-checkout> pays, read from its attributes (pure): a merchant session, catalog items, or an
 * unsigned order id with its amount.
 */
import type { CreatePaymentRequest, Customer } from '../../server/api-types.js';
import { orderQuery, type OrderNaming, type OrderQuery } from '../internal/methods-request.js';

/**
 * The order as the server knows it: query for GETs, body base for POST /api/payments, identity for resuming. A
 * session's identity (the order it names) comes from the server's answer: the token is opaque to the page.
 */
export interface Order {
  query: OrderQuery;
  body: Omit<CreatePaymentRequest, 'method' | 'installment' | 'walletPhone'>;
  identity?: string;
  /** The amount, where the page can know it: a remembered payment for another amount is not resumed. */
  amount?: number;
}

/** The element's attributes that name the order. */
export interface OrderInputs extends OrderNaming {
  customerName: string;
  customerEmail: string;
  customerPhone: string;
}

/** The order the inputs name, or null when they name none (a setup error on the page). */
export function readOrder(i: OrderInputs): Order | null {
  const query = orderQuery(i);
  // A session names the customer too (the merchant's backend put them in it).
  if (!query || 'session' in query) return query && { query, body: query };
  const c: Customer = {};
  if (i.customerName) c.name = i.customerName;
  if (i.customerEmail) c.email = i.customerEmail;
  if (i.customerPhone) c.phone = i.customerPhone;
  const body = { ...query, customer: Object.keys(c).length ? c : undefined };
  return 'items' in query
    ? { query, body, identity: `items:${query.items}` }
    : { query, body: { orderId: i.orderId, ...body }, identity: `order:${i.orderId}`, amount: query.amount };
}

/** A random Idempotency-Key (128 bits), with a fallback where randomUUID needs a secure context. */
export const randomKey = (): string =>
  crypto.randomUUID?.() ??
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
