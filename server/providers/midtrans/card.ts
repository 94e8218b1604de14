/**
 * Cards through Midtrans Snap's hosted page (providers.md §5.3 `POST {snap}/transactions` → `{token, redirect_url}`),
 * so the card number, expiry, CVV and the 3-D Secure OTP are typed on Midtrans's page, never on the shop's page or
 * in Bayar (PCI DSS SAQ A). Snap is asked for `credit_card` only, with 3-D Secure on. Once the customer submits the
 * card, the transaction exists in the Core API under our order_id: status, cancel, refund and notifications then
 * work exactly as for every other Midtrans payment (index.ts).
 *
 * Fields beyond what providers.md lists for Snap (`credit_card.secure`, `callbacks.finish`, `expiry`) are Snap's
 * documented request objects (docs.midtrans.com "Snap" JSON objects); a Snap that ignored them would still show the
 * card form, and the deadline Bayar keeps is enforced by Bayar's own expiry either way.
 */
import type { CreatePaymentInput, CreatePaymentResult } from '../types.js';
import { WireShapeError } from '../wire-read.js';
import { customerDetails, itemDetails, toWib, toWireAmount } from './mapping.js';

/**
 * A Snap payment's providerRef: `snap-<expiry, Unix seconds>-<token>`. The Core API knows no transaction until the
 * customer submits the card, so the page's own deadline travels with the reference: once Snap's `expiry` has
 * passed with nothing submitted, Snap refuses the page and no payment can happen (status() says expired).
 */
export const SNAP_REF_PREFIX = 'snap-';

export const snapRef = (token: string, expiresAt: Date) => `${SNAP_REF_PREFIX}${Math.floor(expiresAt.getTime() / 1000)}-${token}`;

/** The deadline and token in a Snap providerRef, or null when it is not one. */
export function parseSnapRef(ref: string): { expiresAt: Date; token: string } | null {
  const m = /^snap-(\d{9,11})-([A-Za-z0-9-]{8,100})$/.exec(ref);
  return m ? { expiresAt: new Date(Number(m[1]) * 1000), token: m[2]! } : null;
}

/** Clock skew allowed between us and Snap before a page that was never used counts as expired. */
export const SNAP_EXPIRY_GRACE_MS = 60_000;

/**
 * Snap's base URL beside the Core API's (providers.md §5.1): the sandbox and production hosts are Midtrans's own
 * pairs; any other Core base (an emulator, a proxy) serves Snap under `/snap/v1` of the same base.
 * `MIDTRANS_SNAP_BASE_URL` overrides it.
 */
export function snapBaseUrl(coreBase: string, override?: string): string {
  if (override) return override.replace(/\/+$/, '');
  const base = coreBase.replace(/\/+$/, '');
  if (base === 'https://api.sandbox.midtrans.com') return 'https://app.sandbox.midtrans.com/snap/v1';
  if (base === 'https://api.midtrans.com') return 'https://app.midtrans.com/snap/v1';
  return `${base}/snap/v1`;
}

export interface SnapRequest {
  transaction_details: { order_id: string; gross_amount: number };
  item_details: ReturnType<typeof itemDetails>;
  customer_details?: NonNullable<ReturnType<typeof customerDetails>>;
  enabled_payments: ['credit_card'];
  credit_card: { secure: true };
  callbacks?: { finish: string };
  expiry: { start_time: string; unit: 'minute'; duration: number };
}

export function snapRequest(input: CreatePaymentInput, now: Date): SnapRequest {
  const customer = customerDetails(input.customer);
  // Whole minutes counted down, at least one: Snap never outlives the payment.
  const minutes = Math.max(1, Math.floor((input.expiresAt.getTime() - now.getTime() + 999) / 60_000));
  return {
    transaction_details: { order_id: input.reference, gross_amount: toWireAmount(input.amount) },
    item_details: itemDetails(input),
    ...(customer ? { customer_details: customer } : {}),
    enabled_payments: ['credit_card'],
    credit_card: { secure: true },
    ...(input.returnUrl ? { callbacks: { finish: input.returnUrl } } : {}),
    expiry: { start_time: `${toWib(now)} +0700`, unit: 'minute', duration: minutes },
  };
}

/** `{token, redirect_url}` → the payment's hosted page. */
export function snapResult(body: unknown, input: CreatePaymentInput, now: Date): CreatePaymentResult {
  const b = body as Record<string, unknown> | null;
  const token = b && typeof b === 'object' ? b.token : undefined;
  const url = b && typeof b === 'object' ? b.redirect_url : undefined;
  if (typeof token !== 'string' || !/^[A-Za-z0-9-]{8,100}$/.test(token)) throw new WireShapeError('snap: missing or malformed token');
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new WireShapeError('snap: missing redirect_url');
  // The Snap answer names no deadline: it is the one asked for, in whole minutes from now.
  const minutes = snapRequest(input, now).expiry.duration;
  const expiresAt = new Date(Math.min(input.expiresAt.getTime(), now.getTime() + minutes * 60_000));
  return { providerRef: snapRef(token, expiresAt), expiresAt: expiresAt.toISOString(), redirectUrl: url };
}

/** Snap's error envelope is `{error_messages: [...]}` (not the Core API's status_code/status_message). */
export function snapErrorMessages(json: unknown): string[] {
  const m = (json as { error_messages?: unknown } | null)?.error_messages;
  return Array.isArray(m) ? m.map(String) : [];
}
