/**
 * Payment links: a merchant creates one (merchant API), shares its URL, and each visitor of the hosted page gets a
 * checkout on it: a server-minted session for the link's order, carried by the same <bayar-checkout> element.
 * The capacity rule (at most `maxPayments` paid, no second payer while another's payment is pending) is held by
 * the store in the transaction that inserts each payment; see checkoutRefusal().
 */
import { randomBytes } from 'node:crypto';
import type { CreateLinkRequest, Customer, LinkStatus } from '../api-types.js';
import { AppError, badRequest, conflict, notFound, unprocessable } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { randomId } from '../lib/crypto.js';
import type { Store } from '../store/types.js';
import { checkoutRefusal, type LinkRecord } from './link.js';
import type { PaymentRecord } from './payment-record.js';
import type { PaymentService } from './payment-service.js';
import { signSession } from './sessions.js';

/** The merchant API's body, already checked by its schema (the console's form posts the same). */
export type CreateLinkInput = CreateLinkRequest;

export interface LinkServiceDeps {
  store: Store;
  clock: Clock;
  service: PaymentService;
  merchantKey: string;
  /** Absolute base URL of this companion (BAYAR_PUBLIC_URL), mount prefix included. */
  publicUrl: string;
}

/** A checkout's session lives this long at most (a customer who leaves the page open longer reloads it). */
const SESSION_SECONDS = 12 * 3600;
/** A link lives at most this long. */
const MAX_LIFETIME_MS = 366 * 86_400_000;
const MAX_AMOUNT = 999_999_999_999;

/** What the hosted page shows one visitor. */
export type LinkView =
  | { kind: 'receipt'; link: LinkRecord; payment: PaymentRecord }
  | { kind: 'closed'; link: LinkRecord; status: Exclude<LinkStatus, 'active'> }
  | { kind: 'busy'; link: LinkRecord }
  /** `amount` null: an open-amount link whose visitor has not chosen yet. */
  | { kind: 'checkout'; link: LinkRecord; amount: number | null };

export interface CheckoutSession {
  session: string;
  orderId: string;
  amount: number;
  expiresAt: string;
}

/** A checkout id: 128 random bits, hex (it becomes part of order ids, which allow no other alphabet safely). */
export const newCheckoutId = () => randomBytes(16).toString('hex');
export const isCheckoutId = (s: unknown): s is string => typeof s === 'string' && /^[0-9a-f]{32}$/.test(s);
/** Slugs: 144 random bits in base64url (24 characters). */
export const isSlug = (s: unknown): s is string => typeof s === 'string' && /^[A-Za-z0-9_-]{24}$/.test(s);

const CLOSED_BY_CODE: Record<string, Exclude<LinkStatus, 'active'>> = { link_completed: 'completed', link_disabled: 'disabled', link_expired: 'expired' };

export class LinkService {
  constructor(private readonly d: LinkServiceDeps) {}

  async create(input: CreateLinkInput): Promise<LinkRecord> {
    const now = this.d.clock.now();
    const kinds = [input.amount !== undefined && !input.items, !!input.items, !!input.openAmount].filter(Boolean).length;
    if (kinds !== 1) throw badRequest('invalid_amount', 'Give exactly one of amount, items or openAmount (amount may accompany items when it equals their total).');
    let amount: number | null = input.amount ?? null;
    if (input.items) {
      const total = input.items.reduce((s, i) => s + i.price * i.quantity, 0);
      if (!Number.isSafeInteger(total) || total > MAX_AMOUNT) throw badRequest('invalid_amount', 'The items add up to more than 999,999,999,999.');
      if (input.amount !== undefined && input.amount !== total) throw badRequest('invalid_amount', `amount (${input.amount}) is not the items' total (${total}); send one or make them agree.`);
      amount = total;
    }
    if (input.openAmount) {
      const { min, max } = input.openAmount;
      if (min > max) throw badRequest('invalid_open_amount', 'openAmount.min must not be greater than openAmount.max.');
      for (const [k, v] of [['min', min], ['max', max]] as const) {
        if (!this.d.service.methods(v, input.methods).some((m) => m.available)) {
          throw unprocessable('invalid_open_amount', `openAmount.${k} (Rp${v}) is outside every offered payment method's range; narrow the range.`);
        }
      }
    } else if (!this.d.service.methods(amount!, input.methods).some((m) => m.available)) {
      throw unprocessable('amount_not_payable', `No offered payment method accepts Rp${amount}${input.methods ? ' with these methods' : ''}.`);
    }
    const maxPayments = input.maxPayments ?? 1;
    let expiresAt: string | null = null;
    if (input.expiresAt !== undefined) {
      const t = new Date(input.expiresAt).getTime();
      if (!(t > now.getTime())) throw badRequest('invalid_expires_at', 'expiresAt must be in the future.');
      if (t > now.getTime() + MAX_LIFETIME_MS) throw badRequest('invalid_expires_at', 'expiresAt must be within 366 days.');
      expiresAt = new Date(t).toISOString();
    }
    const orderId = input.orderId ?? `LNK-${randomBytes(6).toString('hex').toUpperCase()}`;
    // A multi-use link gives each checkout its own order `<orderId>-<10 hex>`, which must still fit in 64 characters.
    if (maxPayments > 1 && orderId.length > 53) throw badRequest('invalid_order_id', 'orderId of a link with maxPayments > 1 must be at most 53 characters (each checkout appends 11).');
    const slug = randomBytes(18).toString('base64url');
    return this.d.store.insertLink({
      id: randomId('lnk_', 12),
      slug,
      url: `${this.d.publicUrl}/pay/${slug}`,
      orderId,
      description: input.description,
      amount: input.openAmount ? null : amount,
      openAmount: input.openAmount ?? null,
      items: input.items ?? null,
      customer: input.customer ?? {},
      methods: input.methods ?? null,
      returnUrl: input.returnUrl ?? null,
      maxPayments,
      expiresAt,
      createdAt: now.toISOString(),
    });
  }

  async get(id: string): Promise<LinkRecord> {
    const l = typeof id === 'string' && /^lnk_[A-Za-z0-9_-]{1,40}$/.test(id) ? await this.d.store.getLink(id) : null;
    if (!l) throw notFound('link_not_found', 'No payment link with this id.');
    return l;
  }

  payments(id: string) {
    return this.d.store.linkPayments(id);
  }

  async disable(id: string): Promise<LinkRecord> {
    const l = await this.get(id);
    if (l.completedAt) throw conflict('link_completed', 'This link has already taken all its payments; there is nothing to disable.');
    return (await this.d.store.disableLink(id, this.d.clock.now().toISOString()))!;
  }

  bySlug(slug: string): Promise<LinkRecord | null> {
    return isSlug(slug) ? this.d.store.getLinkBySlug(slug) : Promise.resolve(null);
  }

  /** The customer a link names, for the payments made through it (kept out of the page and its session). */
  async customerFor(linkId: string): Promise<Customer> {
    return (await this.d.store.getLink(linkId))?.customer ?? {};
  }

  /**
   * What one visitor sees: their receipt once their checkout paid, a closed page once the link takes no more
   * payments, a busy page while other checkouts' pending payments hold every place, else the checkout.
   */
  async view(link: LinkRecord, checkout: string): Promise<LinkView> {
    const payments = await this.d.store.linkPayments(link.id);
    const mine = payments.filter((p) => p.link?.checkout === checkout);
    const paid = mine.filter((p) => p.status === 'paid' || p.status === 'refunded').at(-1);
    if (paid) return { kind: 'receipt', link, payment: paid };
    const now = this.d.clock.now();
    const others = new Set(payments.filter((p) => p.status === 'pending' && p.link?.checkout !== checkout).map((p) => p.link!.checkout)).size;
    const refusal = checkoutRefusal(link, others, now);
    if (refusal?.code === 'link_in_progress') return { kind: 'busy', link };
    if (refusal) return { kind: 'closed', link, status: CLOSED_BY_CODE[refusal.code] ?? 'completed' };
    if (link.amount !== null) return { kind: 'checkout', link, amount: link.amount };
    // An open-amount visitor with a pending payment resumes at the amount they chose.
    const pending = mine.filter((p) => p.status === 'pending').at(-1);
    return { kind: 'checkout', link, amount: pending?.amount ?? null };
  }

  /** The order id of a checkout: the link's own for a single-use link, one per checkout otherwise. */
  orderIdFor(link: LinkRecord, checkout: string): string {
    return link.maxPayments === 1 ? link.orderId : `${link.orderId}-${checkout.slice(0, 10)}`;
  }

  /** Checks an open amount against the link's bounds; the page and the JSON endpoint refuse alike. */
  chooseAmount(link: LinkRecord, amount: number): number {
    if (!link.openAmount) throw badRequest('amount_fixed', 'This link has a fixed amount.');
    const { min, max } = link.openAmount;
    if (!Number.isSafeInteger(amount) || amount < min || amount > max) {
      throw new AppError(422, 'amount_out_of_range', `The amount must be a whole number of rupiah from ${min} to ${max}.`, { min, max });
    }
    return amount;
  }

  /** A session for one checkout of an active link, at its fixed amount or the visitor's chosen one. */
  session(link: LinkRecord, checkout: string, amount: number): CheckoutSession {
    const now = this.d.clock.now();
    const until = Math.min(now.getTime() + SESSION_SECONDS * 1000, link.expiresAt ? new Date(link.expiresAt).getTime() : Infinity);
    const exp = Math.floor(until / 1000);
    const orderId = this.orderIdFor(link, checkout);
    const session = signSession(
      {
        orderId,
        amount,
        items: link.items ?? [{ name: link.description, price: amount, quantity: 1 }],
        ...(link.methods ? { methods: link.methods } : {}),
        exp,
        link: { id: link.id, checkout },
      },
      this.d.merchantKey,
    );
    return { session, orderId, amount, expiresAt: new Date(exp * 1000).toISOString() };
  }
}
