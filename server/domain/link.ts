/**
 * The payment link as the ledger keeps it, its derived status, and its public shape (merchant API).
 */
import type { Customer, LinkItem, LinkStatus, PaymentLink } from '../api-types.js';
import { AppError } from '../errors.js';
import { idr } from '../lib/html.js';

export interface LinkRecord {
  id: string;
  /** The unguessable part of the hosted page's URL (≥ 128 random bits). */
  slug: string;
  /** The hosted page's absolute URL, fixed at creation: it is what the customers were sent. */
  url: string;
  orderId: string;
  description: string;
  /** Null for an open-amount link. */
  amount: number | null;
  openAmount: { min: number; max: number } | null;
  items: LinkItem[] | null;
  customer: Customer;
  methods: string[] | null;
  returnUrl: string | null;
  maxPayments: number;
  expiresAt: string | null;
  createdAt: string;
  disabledAt: string | null;
  completedAt: string | null;
  /** Paid (or since refunded) payments through the link. */
  paidCount: number;
}

export type NewLink = Omit<LinkRecord, 'disabledAt' | 'completedAt' | 'paidCount'>;

/** Completed wins over disabled and expired: a link that took all its payments says so, whatever happened after. */
export function linkStatus(l: Pick<LinkRecord, 'completedAt' | 'disabledAt' | 'expiresAt'>, now: Date): LinkStatus {
  if (l.completedAt) return 'completed';
  if (l.disabledAt) return 'disabled';
  if (l.expiresAt && new Date(l.expiresAt).getTime() <= now.getTime()) return 'expired';
  return 'active';
}

/** Indonesian mobile numbers as wa.me wants them: country code, digits only (08… → 628…). */
export function waNumber(phone: string | undefined): string {
  if (!phone) return '';
  const digits = phone.replace(/\D/g, '');
  return digits.startsWith('0') ? `62${digits.slice(1)}` : digits;
}


/** The prefilled WhatsApp message: the shop's own words to its customer, in Indonesian (the link page switches language). */
export function shareMessage(l: Pick<LinkRecord, 'description' | 'amount' | 'url'>): string {
  return `${l.description}${l.amount !== null ? ` (${idr(l.amount)})` : ''}\nBayar di sini / pay here: ${l.url}`;
}

export function toPublicLink(l: LinkRecord, now: Date): PaymentLink {
  // The companion's base URL is the link URL without its `/pay/<slug>` tail (it keeps any mount prefix).
  const base = l.url.slice(0, l.url.length - `/pay/${l.slug}`.length);
  const out: PaymentLink = {
    id: l.id,
    url: l.url,
    status: linkStatus(l, now),
    description: l.description,
    orderId: l.orderId,
    amount: l.amount,
    currency: 'IDR',
    maxPayments: l.maxPayments,
    paidCount: l.paidCount,
    expiresAt: l.expiresAt,
    createdAt: l.createdAt,
    share: {
      whatsapp: `https://wa.me/${waNumber(l.customer.phone)}?text=${encodeURIComponent(shareMessage(l))}`,
      qrSvg: `${base}/api/links/${l.id}/qr.svg`,
      qrPng: `${base}/api/links/${l.id}/qr.png`,
    },
  };
  if (l.items) out.items = l.items.map((i) => ({ ...i }));
  if (l.openAmount) out.openAmount = { ...l.openAmount };
  if (Object.keys(l.customer).length) out.customer = { ...l.customer };
  if (l.methods) out.methods = [...l.methods];
  if (l.returnUrl) out.returnUrl = l.returnUrl;
  if (l.disabledAt) out.disabledAt = l.disabledAt;
  if (l.completedAt) out.completedAt = l.completedAt;
  return out;
}

/**
 * Whether one more payment may start through a link, given the pending payments other checkouts hold on it.
 * Decided here once; both stores run it inside the transaction that inserts the payment.
 */
export function checkoutRefusal(l: LinkRecord, otherPendingCheckouts: number, now: Date): AppError | null {
  const status = linkStatus(l, now);
  if (status === 'completed' || l.paidCount >= l.maxPayments) return new AppError(410, 'link_completed', 'This payment link has been paid; it takes no more payments.');
  if (status === 'disabled') return new AppError(410, 'link_disabled', 'The shop has disabled this payment link.');
  if (status === 'expired') return new AppError(410, 'link_expired', 'This payment link has expired.');
  if (l.paidCount + otherPendingCheckouts >= l.maxPayments) {
    return new AppError(409, 'link_in_progress', 'This payment link is already being paid by someone else; try again later if that payment is not completed.');
  }
  return null;
}

/** A paid payment just brought the link to maxPayments (paidCount already counts it). */
export const completesLink = (l: LinkRecord): boolean => l.completedAt === null && l.paidCount >= l.maxPayments;

/** The `link.completed` merchant notification, queued in the transaction that completes the link. */
export const linkCompletedBody = (l: LinkRecord, paymentSnapshot: string, now: Date): string =>
  `{"type":"link.completed","link":${JSON.stringify(toPublicLink(l, now))},"payment":${paymentSnapshot}}`;
