/**
 * Where an order's amount comes from, in order of trust: a merchant-signed session, catalog items priced by the
 * server, or (sandbox / BAYAR_ALLOW_UNSIGNED=1 only) an order id and amount stated by the page.
 */
import type { Customer } from '../api-types.js';
import type { CatalogEntry } from '../config.js';
import { badRequest, forbidden } from '../errors.js';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../lib/clock.js';
import type { OrderSpec } from './payment-service.js';
import { verifySession } from './sessions.js';

export interface OrderSources {
  merchantKey: string;
  allowUnsigned: boolean;
  catalog: Record<string, CatalogEntry> | null;
  clock: Clock;
}

export type OrderInput =
  | { session: string }
  | { orderId: string; amount: number; customer?: Customer }
  | { items: string | Array<{ sku: string; qty: number }>; customer?: Customer };

export function parseCart(items: string | Array<{ sku: string; qty: number }>): Array<{ sku: string; qty: number }> {
  return typeof items === 'string'
    ? items.split(',').map((part) => {
        const [sku, qty] = part.split(':');
        return { sku: sku!, qty: Number(qty) };
      })
    : items;
}

export function resolveOrder(input: OrderInput, s: OrderSources): OrderSpec {
  if ('session' in input) {
    const c = verifySession(input.session, s.merchantKey, s.clock.now());
    return {
      orderId: c.orderId,
      amount: c.amount,
      customer: c.customer ?? {},
      items: c.items?.length ? c.items : [{ name: `Order ${c.orderId}`, price: c.amount, quantity: 1 }],
      allowed: c.methods,
      ...(c.link ? { link: { id: String(c.link.id), checkout: String(c.link.checkout) } } : {}),
      source: 'session',
    };
  }
  if ('items' in input) {
    if (!s.catalog) throw forbidden('catalog_disabled', 'Catalog checkout is not configured on this server (BAYAR_CATALOG).');
    const cart = parseCart(input.items);
    const lines = cart.map(({ sku, qty }) => {
      const entry = s.catalog![sku];
      if (!entry) throw badRequest('unknown_sku', `SKU "${sku}" is not in the catalog.`);
      return { name: entry.name, price: entry.price, quantity: qty, sku };
    });
    const amount = lines.reduce((sum, l) => sum + l.price * l.quantity, 0);
    if (!Number.isSafeInteger(amount) || amount > 999_999_999_999) throw badRequest('invalid_amount', 'The cart total is too large.');
    // Each catalog checkout is its own order with an id only the server makes: a page naming an order id could
    // reach (or block) an order the merchant minted a session for.
    if ('orderId' in input) throw badRequest('order_id_not_allowed', 'A catalog checkout gets its order id from the server; send only items (and customer).');
    return { orderId: `cart-${randomBytes(10).toString('hex')}`, amount, customer: input.customer ?? {}, items: lines, source: 'catalog' };
  }
  if (!s.allowUnsigned) {
    throw forbidden('unsigned_checkout_disabled', 'This server does not accept amounts from the page; mint a session with POST /api/sessions.');
  }
  return {
    orderId: input.orderId,
    amount: input.amount,
    customer: input.customer ?? {},
    items: [{ name: `Order ${input.orderId}`, price: input.amount, quantity: 1 }],
    source: 'page',
  };
}
