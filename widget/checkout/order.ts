/**
 * The order a <bayar-checkout> pays, read from its attributes (pure): a merchant session, catalog items, or an
 * unsigned order id with its amount.
 */
import type { CreatePaymentRequest, Customer } from '../../server/api-types.js';
import type { OrderQuery } from '../internal/api.js';

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
export interface OrderInputs {
  session: string;
  items: string;
  orderId: string;
  amount?: number;
  customerName: string;
  customerEmail: string;
  customerPhone: string;
}

/** The order the inputs name, or null when they name none (a setup error on the page). */
export function readOrder(i: OrderInputs): Order | null {
  const c: Customer = {};
  if (i.customerName) c.name = i.customerName;
  if (i.customerEmail) c.email = i.customerEmail;
  if (i.customerPhone) c.phone = i.customerPhone;
  const customer = Object.keys(c).length ? c : undefined;
  if (i.session) return { query: { session: i.session }, body: { session: i.session } };
  if (i.items) return { query: { items: i.items }, body: { items: i.items, customer }, identity: `items:${i.items}` };
  const amount = i.amount;
  if (i.orderId && amount !== undefined && Number.isSafeInteger(amount) && amount > 0)
    return { query: { amount }, body: { orderId: i.orderId, amount, customer }, identity: `order:${i.orderId}`, amount };
  return null;
}

/** A random Idempotency-Key (128 bits), with a fallback where randomUUID needs a secure context. */
export const randomKey = (): string =>
  crypto.randomUUID?.() ??
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
