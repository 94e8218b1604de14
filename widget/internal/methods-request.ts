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
 * What a request answered: its status (0: no answer, the network failed or the request was aborted) and its body
 * read as JSON (null when it was not JSON). The loader reads the body
 * itself, as soon as it arrives, so that the element starting later finds the answer settled and renders the methods
 * in its first update, with no task between (reading a body is a task of its own, and a frame can come in between).
 */
export interface Answer {
  status: number;
  body: unknown;
}

/**
 * Set by the loader: the answer it started for exactly this GET (same URL and session), handed over once, or
 * undefined. Absent when bayar.mjs was loaded without the loader.
 */
export type Prefetched = (url: string, headers: Record<string, string>) => Promise<Answer> | undefined;
declare global {
  var __bayarPrefetched: Prefetched | undefined;
}

/** Reads a response into an Answer (never rejects): the loader's request and the element's own are read the same way. */
export const answer = (response: Promise<Response>): Promise<Answer> =>
  response.then(
    async (res) => ({ status: res.status, body: await res.json().catch(() => null) }),
    () => ({ status: 0, body: null }),
  );

const started = new Map<string, Promise<Answer>>();
const key = (url: string, headers: Record<string, string>) => `${url} ${headers['Bayar-Session']}`;

/**
 * Loader only: starts GET /api/methods for an order, as the element sends it (anonymous, the session in its header;
 * `base` without a trailing slash), and offers the answer to the element through `__bayarPrefetched`.
 */
export function prefetchMethods(base: string, order: OrderQuery): void {
  const url = base + orderPath('/api/methods', order);
  const headers = orderHeaders(order);
  started.set(key(url, headers), answer(fetch(url, { credentials: credentials(url), headers, signal: AbortSignal.timeout(READ_TIMEOUT_MS) })));
  globalThis.__bayarPrefetched ??= (url, headers) => {
    const k = key(url, headers);
    const taken = started.get(k);
    started.delete(k);
    return taken;
  };
}
