/**
 * Validation of Komerce's request bodies: POST /api/v1/user/payment/create field by field as Komerce documents it
 * (providers.md §3.3, §3.7), and the cancel body. Each failure is one human message, answered 400 in the
 * `{meta, data}` envelope.
 */
import { isJsonObject as isObject } from '../shared/json-body.js';
import { findBank, QRIS_METHOD, VA_MIN_TTL_SECONDS } from './catalog.js';

export interface ValidCreate {
  orderId: string;
  paymentType: 'bank_transfer' | 'qris';
  channelCode: string | null;
  amount: number;
  customer: { name: string; email: string; phone: string };
  items: Array<{ name: string; quantity: number; price: number }>;
  /** Seconds; null when not given (or for QRIS, which ignores it). */
  expiryDuration: number | null;
  callbackUrl: string | null;
  callbackKey: string | null;
}

export type Validation = { ok: true; value: ValidCreate } | { ok: false; message: string };

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function validUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

export function validateCreate(body: unknown): Validation {
  const fail = (message: string): Validation => ({ ok: false, message });
  if (!isObject(body)) return fail('request body must be a JSON object');

  const orderId = body.order_id;
  if (!nonEmpty(orderId)) return fail('order_id is required');
  if (orderId.length > 100) return fail('order_id may not be longer than 100 characters');

  const paymentType = body.payment_type;
  if (paymentType !== 'bank_transfer' && paymentType !== 'qris') return fail('payment_type must be one of bank_transfer, qris');

  let channelCode: string | null = null;
  let max = QRIS_METHOD.max_amount;
  let min = QRIS_METHOD.min_amount;
  if (paymentType === 'bank_transfer') {
    if (!nonEmpty(body.channel_code)) return fail('channel_code is required for bank_transfer');
    const bank = findBank(body.channel_code);
    if (!bank) return fail(`channel_code ${JSON.stringify(body.channel_code)} is not an available bank`);
    channelCode = bank.bank_code;
    max = bank.max_amount;
    min = bank.min_amount;
  }

  const amount = body.amount;
  if (amount === undefined || amount === null) return fail('amount is required');
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) return fail('amount must be an integer');
  if (amount < min) return fail(`amount must be at least ${min}`);
  if (amount > max) return fail(`amount may not be more than ${max}`);

  const c = body.customer;
  if (!isObject(c)) return fail('customer is required');
  if (!nonEmpty(c.name)) return fail('customer.name is required');
  if (!nonEmpty(c.email)) return fail('customer.email is required');
  if (!EMAIL.test(c.email)) return fail('customer.email must be a valid email address');
  if (!nonEmpty(c.phone)) return fail('customer.phone is required');

  const items = body.items;
  if (!Array.isArray(items) || items.length === 0) return fail('items is required');
  const outItems: ValidCreate['items'] = [];
  for (const [i, item] of items.entries()) {
    if (!isObject(item)) return fail(`items.${i} must be an object`);
    if (!nonEmpty(item.name)) return fail(`items.${i}.name is required`);
    if (typeof item.quantity !== 'number' || !Number.isSafeInteger(item.quantity) || item.quantity < 1) return fail(`items.${i}.quantity must be a positive integer`);
    if (typeof item.price !== 'number' || !Number.isSafeInteger(item.price) || item.price < 0) return fail(`items.${i}.price must be an integer`);
    outItems.push({ name: item.name, quantity: item.quantity, price: item.price });
  }

  let expiryDuration: number | null = null;
  if (body.expiry_duration !== undefined && body.expiry_duration !== null) {
    const d = body.expiry_duration;
    if (typeof d !== 'number' || !Number.isSafeInteger(d)) return fail('expiry_duration must be an integer number of seconds');
    if (d < VA_MIN_TTL_SECONDS) return fail(`expiry_duration must be at least ${VA_MIN_TTL_SECONDS} seconds`);
    // QRIS is fixed at 5 minutes: the field is ignored there.
    if (paymentType === 'bank_transfer') expiryDuration = d;
  }

  let callbackUrl: string | null = null;
  let callbackKey: string | null = null;
  if (body.callback_url !== undefined && body.callback_url !== null && body.callback_url !== '') {
    if (typeof body.callback_url !== 'string' || !validUrl(body.callback_url)) return fail('callback_url must be a valid URL');
    callbackUrl = body.callback_url;
    // The docs spell the key `callback_API_KEY` (sample body, validation rules) and `callback_api_key` (curl
    // template): both are accepted, and when both are sent they must agree.
    const upper = body.callback_API_KEY;
    const lower = body.callback_api_key;
    const given = [upper, lower].filter((v) => v !== undefined && v !== null);
    if (given.length === 0 || !given.every(nonEmpty)) return fail('callback_API_KEY is required when callback_url is filled');
    if (given.length === 2 && upper !== lower) return fail('callback_API_KEY and callback_api_key differ');
    callbackKey = given[0] as string;
  }

  return {
    ok: true,
    value: {
      orderId,
      paymentType,
      channelCode,
      amount,
      customer: { name: c.name, email: c.email, phone: c.phone },
      items: outItems,
      expiryDuration,
      callbackUrl,
      callbackKey,
    },
  };
}

/** The JSON body of a POST (Komerce checks the Content-Type first), or an error message. */
export function jsonBody(contentType: string | undefined, raw: unknown): { ok: true; body: unknown } | { ok: false; message: string } {
  if (!/\bjson\b/i.test(contentType ?? '')) return { ok: false, message: 'Content-Type must be application/json' };
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : '';
  if (text.trim() === '') return { ok: false, message: 'request body is required' };
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch {
    return { ok: false, message: 'request body is not valid JSON' };
  }
}

/** POST /api/v1/user/payment/cancel: the payment_id and an optional reason. */
export function validateCancel(body: unknown): { ok: true; value: { paymentId: string; reason: string } } | { ok: false; message: string } {
  if (!isObject(body)) return { ok: false, message: 'request body must be a JSON object' };
  if (typeof body.payment_id !== 'string' || body.payment_id === '') return { ok: false, message: 'payment_id is required' };
  if (body.reason !== undefined && typeof body.reason !== 'string') return { ok: false, message: 'reason must be a string' };
  return { ok: true, value: { paymentId: body.payment_id, reason: typeof body.reason === 'string' ? body.reason : '' } };
}
