/**
 * Validation of the Doku Checkout create request (providers.md §1.5, rules §1.9): every problem found, each one
 * human message, answered 400 in Doku's `{ message: [...] }` envelope.
 */
import { isJsonObject as isObj } from '../shared/json-body.js';
import { CARD_TYPE } from './card.js';

/** Method types this emulated merchant account has enabled (used when the request names none). */
export const KNOWN_METHOD_TYPES = [
  'VIRTUAL_ACCOUNT_BCA',
  'VIRTUAL_ACCOUNT_BANK_MANDIRI',
  'VIRTUAL_ACCOUNT_BANK_SYARIAH_MANDIRI',
  'VIRTUAL_ACCOUNT_DOKU',
  'VIRTUAL_ACCOUNT_BRI',
  'VIRTUAL_ACCOUNT_BNI',
  'VIRTUAL_ACCOUNT_BANK_PERMATA',
  'VIRTUAL_ACCOUNT_BANK_CIMB',
  'VIRTUAL_ACCOUNT_BANK_DANAMON',
  'QRIS',
  'CREDIT_CARD',
  // Beyond EMONEY_DANA these names are [unconfirmed] (providers.md §1.5).
  'EMONEY_DANA',
  'EMONEY_OVO',
  'EMONEY_SHOPEE_PAY',
  'EMONEY_LINKAJA',
  'ONLINE_TO_OFFLINE_ALFA',
  'ONLINE_TO_OFFLINE_INDOMARET',
];

const isHttpUrl = (v: unknown) => {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
};

/** Every problem with a create request body, in the order found; empty when it is valid. */
export function validateCheckout(b: unknown): string[] {
  if (!isObj(b)) return ['Request body must be a JSON object'];
  const p: string[] = [];
  const order = b.order;
  if (!isObj(order)) p.push('order is required');
  else {
    const a = order.amount;
    if (typeof a !== 'number' || !Number.isInteger(a) || a <= 0 || String(a).length > 12) {
      p.push('order.amount must be a positive integer without decimals, at most 12 digits');
    }
    const inv = order.invoice_number;
    if (typeof inv !== 'string' || inv.length < 1 || inv.length > 64) p.push('order.invoice_number must be a string of 1-64 characters');
    // §1.5: at most 30 once the credit-card channel is active.
    else if (inv.length > 30 && isObj(b.payment) && Array.isArray(b.payment.payment_method_types) && b.payment.payment_method_types.includes(CARD_TYPE)) {
      p.push('order.invoice_number must be at most 30 characters with CREDIT_CARD');
    }
    if (order.currency !== undefined && order.currency !== 'IDR') p.push('order.currency must be IDR');
    for (const k of ['callback_url', 'callback_url_cancel', 'callback_url_result']) {
      if (order[k] !== undefined && !isHttpUrl(order[k])) p.push(`order.${k} must be an http(s) URL`);
    }
    if (order.language !== undefined && order.language !== 'EN' && order.language !== 'ID') p.push('order.language must be EN or ID');
    for (const k of ['auto_redirect', 'disable_retry_payment']) {
      if (order[k] !== undefined && typeof order[k] !== 'boolean') p.push(`order.${k} must be a boolean`);
    }
    if (order.line_items !== undefined) {
      if (!Array.isArray(order.line_items) || order.line_items.length === 0) p.push('order.line_items must be a non-empty array');
      else {
        let sum = 0;
        order.line_items.forEach((it: unknown, i: number) => {
          if (!isObj(it) || typeof it.name !== 'string' || !it.name) return void p.push(`order.line_items[${i}].name is required`);
          if (typeof it.price !== 'number' || !Number.isInteger(it.price) || it.price < 0) p.push(`order.line_items[${i}].price must be a non-negative integer`);
          if (typeof it.quantity !== 'number' || !Number.isInteger(it.quantity) || it.quantity < 1) p.push(`order.line_items[${i}].quantity must be a positive integer`);
          sum += Number(it.price) * Number(it.quantity);
        });
        // [unconfirmed] that Doku checks the sum; a mismatched cart is refused here so the adapter never sends one.
        if (typeof a === 'number' && sum !== a && !p.some((x) => x.startsWith('order.line_items['))) p.push('order.line_items total must equal order.amount');
      }
    }
  }
  const payment = b.payment;
  if (payment !== undefined && !isObj(payment)) p.push('payment must be an object');
  if (isObj(payment)) {
    const due = payment.payment_due_date;
    // Positive whole minutes; the documented maximum was cut off in our copy [unconfirmed], so none is enforced.
    if (due !== undefined && (typeof due !== 'number' || !Number.isInteger(due) || due <= 0)) p.push('payment.payment_due_date must be a positive number of minutes');
    const types = payment.payment_method_types;
    if (types !== undefined) {
      if (!Array.isArray(types) || types.length === 0) p.push('payment.payment_method_types must be a non-empty array');
      else for (const t of types) if (typeof t !== 'string' || !KNOWN_METHOD_TYPES.includes(t)) p.push(`payment.payment_method_types: unknown value ${String(t)}`);
    }
  }
  if (b.customer !== undefined) {
    if (!isObj(b.customer)) p.push('customer must be an object');
    else if (b.customer.email !== undefined && (typeof b.customer.email !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(b.customer.email))) {
      p.push('customer.email is not a valid email');
    }
  }
  if (b.additional_info !== undefined) {
    if (!isObj(b.additional_info)) p.push('additional_info must be an object');
    else if (b.additional_info.override_notification_url !== undefined && !isHttpUrl(b.additional_info.override_notification_url)) {
      p.push('additional_info.override_notification_url must be an http(s) URL');
    }
  }
  return p;
}
