import { z } from 'zod';
import { badRequest } from '../errors.js';
import { parseInstant } from '../lib/dates.js';

/** Integer rupiah: no strings, no fractions, no zero or negatives, at most 12 digits (every provider's limit). */
export const amount = z
  .number({ error: 'must be a number of rupiah (an integer, not a string)' })
  .int({ message: 'must be a whole number of rupiah' })
  .positive({ message: 'must be greater than zero' })
  .max(999_999_999_999, { message: 'must be at most 999,999,999,999' });

export const orderId = z.string().regex(/^[A-Za-z0-9._~:-]{1,64}$/, { message: 'must be 1–64 characters of A-Z a-z 0-9 . _ ~ : -' });

export const customer = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    email: z.email({ message: 'must be an email address' }).max(200).optional(),
    phone: z.string().regex(/^\+?[0-9]{8,15}$/, { message: 'must be 8–15 digits, optionally starting with +' }).optional(),
  })
  .strict();

export const methodId = z.string().regex(/^[a-z]+:[a-z0-9_]+$/, { message: 'must be a method id such as "va:bca"' });

export const methodsFilter = z.array(z.string().regex(/^[a-z]+(:[a-z0-9_]+)?$/)).max(50);

export const lineItem = z
  .object({ name: z.string().min(1).max(200), price: amount, quantity: z.number().int().positive().max(10_000), sku: z.string().max(64).optional() })
  .strict();

export const cartItems = z.union([
  z.string().regex(/^[A-Za-z0-9._-]{1,64}:[1-9][0-9]{0,3}(,[A-Za-z0-9._-]{1,64}:[1-9][0-9]{0,3})*$/, { message: 'must look like SKU:QTY,SKU:QTY' }),
  z.array(z.object({ sku: z.string().min(1).max(64), qty: z.number().int().positive().max(10_000) }).strict()).min(1).max(100),
]);

const paymentCommon = { method: methodId, installment: z.string().min(1).max(64).optional(), walletPhone: z.string().max(32).optional() };

const sessionPayment = z.object({ session: z.string().min(1).max(8192), ...paymentCommon }).strict();
const unsignedPayment = z.object({ orderId, amount, customer: customer.optional(), ...paymentCommon }).strict();
const catalogPayment = z.object({ items: cartItems, customer: customer.optional(), ...paymentCommon }).strict();

/**
 * The body names its order one of three ways; the keys present pick the schema, so errors point at the
 * field that is wrong (a union would only say "no branch matched").
 */
export function createPaymentSchema(body: unknown) {
  const o = body && typeof body === 'object' && !Array.isArray(body) ? body : {};
  if ('session' in o) return sessionPayment;
  if ('items' in o) {
    if ('orderId' in o) throw badRequest('order_id_not_allowed', 'A catalog checkout gets its order id from the server; send only items (and customer).', { field: 'orderId' });
    return catalogPayment;
  }
  return unsignedPayment;
}

export const createSessionBody = z
  .object({
    orderId,
    amount,
    items: z.array(lineItem).max(100).optional(),
    customer: customer.optional(),
    methods: methodsFilter.optional(),
    expiresIn: z.number().int().min(60).max(7 * 86400).optional(),
  })
  .strict();

/** A list filter's `from`/`to` as sent; parsed strictly by `listInstant`, never by Date's rollover. */
export const dateText = z.string().max(40);

export const invalidDate = (field: string, value: string, what: string) =>
  badRequest('invalid_date', `${field}: "${value.slice(0, 40)}" is not ${what}.`, { field });

/** A `from`/`to` filter: a calendar day (midnight in Jakarta) or an ISO 8601 date-time with a zone; anything else → 400. */
export function listInstant(field: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const at = parseInstant(value);
  if (at === null) throw invalidDate(field, value, 'a date (YYYY-MM-DD) or an ISO 8601 date-time with a zone that exists');
  return at;
}
