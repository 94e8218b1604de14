/**
 * Request validation with Midtrans's error envelope (providers.md §5.8): a 400 "One or more parameters in the payload
 * is invalid." with the field problems in `validation_messages`, checked the same for a Core API charge and a Snap
 * create; the notification URL headers; Midtrans's own time format.
 */
import type { Request } from 'express';
import { isJsonObject as isObj, jsonObjectBody } from '../shared/json-body.js';
import { type Body, DEFAULT_EXPIRY_MS, UNIT_MS } from './state.js';

export class MidtransApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly validation?: string[],
  ) {
    super(message);
  }
}

export const invalid = (...messages: string[]) => new MidtransApiError(400, 'One or more parameters in the payload is invalid.', messages);

/** Parses a JSON object body; an empty body is `{}` only when `allowEmpty`. */
export const jsonBody = (raw: unknown, allowEmpty = false): Body => jsonObjectBody(raw, invalid, allowEmpty);

export const isUrl = (v: unknown) => typeof v === 'string' && /^https?:\/\/[^\s,]+$/.test(v);

/** X-Override-Notification replaces the dashboard URL; X-Append-Notification adds to it (up to 3, comma separated). */
export function notifyUrls(req: Request, dashboardUrl: string): string[] {
  const split = (h: string | undefined) => (h ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const override = split(req.get('x-override-notification'));
  const append = split(req.get('x-append-notification'));
  for (const u of [...override, ...append]) {
    if (!isUrl(u)) throw invalid(`notification URL ${u} is not a valid http(s) URL`);
  }
  if (override.length > 3 || append.length > 3) throw invalid('at most 3 notification URLs are allowed');
  if (override.length) return override;
  return [dashboardUrl, ...append];
}

/** A time as Midtrans takes it, `YYYY-MM-DD HH:mm:ss +0700` (custom_expiry.order_time, Snap's expiry.start_time). */
export function parseTime(v: unknown, field: string): Date {
  if (typeof v !== 'string') throw invalid(`${field} must be a string`);
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(v);
  if (!m) throw invalid(`${field} must look like "YYYY-MM-DD HH:mm:ss +0700"`);
  const offset = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9])) * 60_000;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) - offset);
}

/** transaction_details, item_details and customer_details, checked the same for a charge and a Snap create. */
export function orderFields(b: Body): { orderId: string; gross: number } {
  const td = b.transaction_details;
  if (!isObj(td)) throw invalid('transaction_details is required');
  const orderId = td.order_id;
  if (typeof orderId !== 'string' || orderId.length === 0) throw invalid('transaction_details.order_id is required');
  if (orderId.length > 50) throw invalid('transaction_details.order_id too long, maximum is 50 characters');
  // Letters, digits and only - _ ~ . (§5.3).
  if (!/^[A-Za-z0-9\-_~.]+$/.test(orderId)) throw invalid('transaction_details.order_id contains characters other than letters, digits, -, _, ~ and .');
  const gross = td.gross_amount;
  if (typeof gross !== 'number' || !Number.isSafeInteger(gross)) throw invalid('transaction_details.gross_amount must be an integer (no decimals)');
  if (gross <= 0) throw invalid('transaction_details.gross_amount must be greater than 0');

  if (b.item_details !== undefined) {
    if (!Array.isArray(b.item_details)) throw invalid('item_details must be an array');
    let sum = 0;
    b.item_details.forEach((it: unknown, i: number) => {
      if (!isObj(it)) throw invalid(`item_details[${i}] must be an object`);
      if (typeof it.price !== 'number' || !Number.isSafeInteger(it.price)) throw invalid(`item_details[${i}].price must be an integer`);
      if (typeof it.quantity !== 'number' || !Number.isSafeInteger(it.quantity) || it.quantity < 1) throw invalid(`item_details[${i}].quantity must be a positive integer`);
      if (typeof it.name !== 'string' || it.name.length === 0) throw invalid(`item_details[${i}].name is required`);
      if (it.name.length > 50) throw invalid(`item_details[${i}].name too long, maximum is 50 characters`);
      if (it.id !== undefined && (typeof it.id !== 'string' || it.id.length > 50)) throw invalid(`item_details[${i}].id must be a string of at most 50 characters`);
      sum += it.price * it.quantity;
    });
    // [unconfirmed for Core API; Snap enforces it] the items must add up to gross_amount.
    if (sum !== gross) throw invalid('transaction_details.gross_amount is not equal to the sum of item_details');
  }
  if (b.customer_details !== undefined) {
    if (!isObj(b.customer_details)) throw invalid('customer_details must be an object');
    const email = b.customer_details.email;
    if (email !== undefined && (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))) throw invalid('customer_details.email format is invalid');
  }
  return { orderId, gross };
}

/** A charge's deadline: the payment type's default window (§5.4), or custom_expiry from its order_time (else now). */
export function chargeExpiry(b: Body, paymentType: string, now: Date): Date {
  let start = now;
  let lifetime = DEFAULT_EXPIRY_MS[paymentType]!;
  if (b.custom_expiry !== undefined) {
    const ce = b.custom_expiry;
    if (!isObj(ce)) throw invalid('custom_expiry must be an object');
    const duration = typeof ce.expiry_duration === 'string' && /^\d+$/.test(ce.expiry_duration) ? Number(ce.expiry_duration) : ce.expiry_duration;
    if (typeof duration !== 'number' || !Number.isSafeInteger(duration) || duration <= 0) throw invalid('custom_expiry.expiry_duration must be a positive integer');
    const unit = ce.unit ?? 'minute';
    if (typeof unit !== 'string' || !Object.hasOwn(UNIT_MS, unit)) throw invalid('custom_expiry.unit must be one of second, minute, hour, day');
    if (ce.order_time !== undefined) start = parseTime(ce.order_time, 'custom_expiry.order_time');
    lifetime = duration * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  const expiry = new Date(start.getTime() + lifetime);
  if (expiry.getTime() <= now.getTime()) throw invalid('custom_expiry ends in the past');
  return expiry;
}
