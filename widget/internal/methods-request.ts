/**
 * The method-list request, shared by the loader (dist/bayar.js) and the element's API client: the loader starts it
 * while bayar.mjs is still on its way, and the element takes that answer instead of asking again. On a phone network
 * that is one round trip less before the methods show.
 *
 * Free of Lit and of the client class: the loader is its own small build and carries this file in its bytes.
 */

/** How the order is named to the server (contract.md §2): a signed session, an unsigned amount, or catalog items. */
export type OrderQuery = { session: string } | { amount: number } | { items: string };

/** The element's attributes that name the order (a session wins over items, items over an order id with its amount). */
export interface OrderNaming {
  session: string;
  items: string;
  orderId: string;
  amount?: number;
}

/** The query for the naming, or null when it names no order (a setup error the element reports). */
export const orderQuery = (i: OrderNaming): OrderQuery | null =>
  i.session
    ? { session: i.session }
    : i.items
      ? { items: i.items }
      : i.orderId && Number.isSafeInteger(i.amount) && i.amount! > 0
        ? { amount: i.amount! }
        : null;

/**
 * A session travels in the `Bayar-Session` header, never in the URL: URLs end up in the access logs of every proxy
 * and CDN on the way. Amounts and catalog items carry no personal data and stay in the query.
 */
export const orderPath = (path: string, order: OrderQuery): string =>
  'session' in order ? path : `${path}?${new URLSearchParams(order as unknown as Record<string, string>)}`;
export const orderHeaders = (order: OrderQuery): Record<string, string> => ('session' in order ? { 'Bayar-Session': order.session } : {});

/**
 * Anonymous, as every request of the widget: no cookies go to the companion. On the page's own origin that takes
 * `omit`; on another origin `same-origin` does the same (cookies only ever go to the page's origin) and is the mode of
 * a shop page's `<link rel="preload" as="fetch" crossorigin>` (docs/integration.md §3): Chromium hands a preloaded
 * answer only to a request with the same credentials mode, so this one takes it instead of fetching the list twice.
 */
export const credentials = (url: string): RequestCredentials => (new URL(url, location.href).origin == origin ? 'omit' : 'same-origin');

/** The read timeout of the element's own requests (BayarApi.timeouts.read), for the request the loader starts. */
export const READ_TIMEOUT_MS = 15_000;

/**
 * Set by the loader: the response it started for exactly this GET (same URL and session), handed over once (a body
 * is read once), or undefined. Absent when bayar.mjs was loaded without the loader.
 */
export type Prefetched = (url: string, headers: Record<string, string>) => Promise<Response> | undefined;
declare global {
  var __bayarPrefetched: Prefetched | undefined;
}

const started = new Map<string, Promise<Response>>();
const key = (url: string, headers: Record<string, string>) => `${url} ${headers['Bayar-Session']}`;

/**
 * Loader only: starts GET /api/methods for an order, as the element sends it (anonymous, the session in its header;
 * `base` without a trailing slash), and offers the response to the element through `__bayarPrefetched`.
 */
export function prefetchMethods(base: string, order: OrderQuery): void {
  const url = base + orderPath('/api/methods', order);
  const headers = orderHeaders(order);
  const response = fetch(url, { credentials: credentials(url), headers, signal: AbortSignal.timeout(READ_TIMEOUT_MS) });
  // An answer nobody takes (the element came to name another order) is no unhandled rejection.
  response.catch(() => undefined);
  started.set(key(url, headers), response);
  globalThis.__bayarPrefetched ??= (url, headers) => {
    const k = key(url, headers);
    const response = started.get(k);
    started.delete(k);
    return response;
  };
}
