/**
 * Validation of Indodana's requests (providers.md §2.3–§2.5, rules §2.7): every problem found, joined into one
 * message answered 422 `ValidationError` in the `{status:"ERROR", error:{kind, message}}` envelope. Amounts are
 * numbers with at most two decimals (Indodana's wire), compared in cents.
 */
import { isJsonObject as isObj } from '../shared/json-body.js';
import { PLANS } from './state.js';

const ORDER_ID_RE = /^[A-Za-z0-9=.\-_+@:&^%!$]{1,32}$/;
const PHONE_RE = /^\+?\d{8,15}$/;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const isMoney = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && Math.abs(Math.round(v * 100) - v * 100) < 1e-6;
export const cents = (v: number) => Math.round(v * 100);
const isHttpUrl = (v: unknown) => {
  if (typeof v !== 'string') return false;
  try {
    return ['http:', 'https:'].includes(new URL(v).protocol);
  } catch {
    return false;
  }
};

function validateItems(amount: unknown, items: unknown, where: string, p: string[]) {
  if (!isMoney(amount) || amount <= 0) p.push(`${where}amount must be a positive number with at most 2 decimals`);
  if (!Array.isArray(items) || items.length === 0) return void p.push(`${where}items must be a non-empty array`);
  let sum = 0;
  items.forEach((it: unknown, i) => {
    const at = `${where}items[${i}]`;
    if (!isObj(it)) return void p.push(`${at} must be an object`);
    if (!nonEmpty(it.id)) p.push(`${at}.id is required`);
    if (!nonEmpty(it.name)) p.push(`${at}.name is required`);
    if (!isMoney(it.price)) p.push(`${at}.price must be a non-negative number`);
    if (typeof it.quantity !== 'number' || !Number.isInteger(it.quantity) || it.quantity < 1) p.push(`${at}.quantity must be a positive integer`);
    if (isMoney(it.price) && typeof it.quantity === 'number') sum += cents(it.price) * it.quantity;
  });
  if (isMoney(amount) && p.length === 0 && sum !== cents(amount)) p.push(`${where}amount must equal the sum of item price × quantity`);
}

/** A payment_calculation body: an amount and the items that add up to it. */
export function validateCalculation(b: Record<string, unknown>): string[] {
  const p: string[] = [];
  validateItems(b.amount, b.items, '', p);
  if (typeof b.amount === 'number' && b.amount > 999_999_999_999) p.push('amount is too large');
  return p;
}

/** Every problem with a checkout_url body, in the order found; empty when it is valid. */
export function validateCheckout(b: Record<string, unknown>, now: Date): string[] {
  const p: string[] = [];
  const td = b.transactionDetails;
  if (!isObj(td)) p.push('transactionDetails is required');
  else {
    if (typeof td.merchantOrderId !== 'string' || !ORDER_ID_RE.test(td.merchantOrderId)) {
      p.push('transactionDetails.merchantOrderId must be 1-32 characters of a-z A-Z 0-9 = . - _ + @ : & ^ % ! $');
    }
    validateItems(td.amount, td.items, 'transactionDetails.', p);
  }
  const cd = b.customerDetails;
  if (!isObj(cd)) p.push('customerDetails is required');
  else {
    if (!nonEmpty(cd.firstName)) p.push('customerDetails.firstName is required');
    if (cd.email !== undefined && (typeof cd.email !== 'string' || !EMAIL_RE.test(cd.email))) p.push('customerDetails.email is not a valid email');
    if (cd.phone !== undefined && (typeof cd.phone !== 'string' || !PHONE_RE.test(cd.phone))) p.push('customerDetails.phone is not a valid phone number');
  }
  if (!Array.isArray(b.sellers) || b.sellers.length === 0) p.push('sellers must be a non-empty array');
  else {
    b.sellers.forEach((s: unknown, i) => {
      if (!isObj(s) || !nonEmpty(s.id) || !nonEmpty(s.name) || !nonEmpty(s.url)) p.push(`sellers[${i}] needs id, name and url`);
      else if (s.email !== undefined && (typeof s.email !== 'string' || !EMAIL_RE.test(s.email))) p.push(`sellers[${i}].email is not a valid email`);
    });
  }
  for (const k of ['billingAddress', 'shippingAddress']) {
    const a = b[k];
    if (a === undefined) continue;
    if (!isObj(a)) p.push(`${k} must be an object`);
    else if (a.postalCode !== undefined && (typeof a.postalCode !== 'string' || !/^\d{5}$/.test(a.postalCode))) p.push(`${k}.postalCode must be 5 digits`);
  }
  if (typeof b.paymentType !== 'string' || !PLANS.some((x) => x.id === b.paymentType)) {
    p.push(`paymentType must be one of ${PLANS.map((x) => x.id).join(', ')}`);
  }
  if (!isHttpUrl(b.approvedNotificationUrl)) p.push('approvedNotificationUrl must be an http(s) URL');
  for (const k of ['cancellationRedirectUrl', 'backToStoreUrl']) if (b[k] !== undefined && !isHttpUrl(b[k])) p.push(`${k} must be an http(s) URL`);
  if (b.expirationAt !== undefined) {
    const d = typeof b.expirationAt === 'string' && /(Z|[+-]\d{2}:\d{2})$/.test(b.expirationAt) ? new Date(b.expirationAt) : null;
    if (!d || Number.isNaN(d.getTime())) p.push('expirationAt must be an ISO 8601 time with offset');
    else if (d.getTime() <= now.getTime()) p.push('expirationAt must be in the future');
  }
  return p;
}

/** An order_cancellation body: which order, how much, why, by whom and when. */
export function validateCancellation(b: Record<string, unknown>): string[] {
  const p: string[] = [];
  if (!nonEmpty(b.refundId) || (b.refundId as string).length > 64) p.push('refundId is required (max 64 characters)');
  if (!nonEmpty(b.merchantOrderId)) p.push('merchantOrderId is required');
  if (!isMoney(b.cancellationAmount) || b.cancellationAmount <= 0) p.push('cancellationAmount must be a positive number');
  if (!nonEmpty(b.cancellationReason)) p.push('cancellationReason is required');
  if (!nonEmpty(b.cancelledBy)) p.push('cancelledBy is required');
  if (typeof b.cancellationDate !== 'string' || Number.isNaN(new Date(b.cancellationDate).getTime()) || !/(Z|[+-]\d{2}:\d{2})$/.test(b.cancellationDate)) {
    p.push('cancellationDate must be an ISO 8601 time with offset');
  }
  return p;
}
