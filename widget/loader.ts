/**
 * dist/bayar.js: the classic-script way in (`<script src=".../bayar.js" defer>`). An IIFE cannot code-split, and
 * the widget keeps its first load small by splitting (the payment views are a separate chunk), so this
 * script only imports the ES build, dist/bayar.mjs, from its own directory. The elements are then exactly the ES
 * module's; loading this script twice, or next to bayar.mjs, imports the same module once (nothing is registered
 * twice). Module scripts are fetched in CORS mode: a page on another origin needs the companion's CORS headers on
 * /bayar.mjs and /chunks/*.
 *
 * While bayar.mjs loads, the method list of every <bayar-checkout> already on the page is requested here, exactly as
 * the element requests it (./internal/methods-request.ts), and the element takes that answer instead of asking again.
 * Elements added later, or given their order by properties rather than attributes, ask for themselves.
 */
import { orderQuery, prefetchMethods } from './internal/methods-request.js';

const entry = new URL('./bayar.mjs', (document.currentScript as HTMLScriptElement | null)?.src || location.href);
// First, so that nothing below can keep the widget from loading. The browser's error names the module that failed.
import(/* @vite-ignore */ entry.href).catch(console.error);
// The module evaluates after this script has run: the element's first request finds these already on their way.
// Unless the element is already defined (bayar.mjs or this script loaded before): it has asked for itself.
if (!customElements.get('bayar-checkout')) {
  // The element's first render reads localStorage (the order's saved payment, the last used method), and a page's
  // first touch of it loads the origin's storage from the browser process, synchronously: up to ~10 ms of a busy
  // main thread. Touched here, while bayar.mjs is still on its way, that wait is off the element's critical path.
  try {
    void localStorage.length;
  } catch {
    // No storage (a sandboxed frame): the element does without.
  }
  for (const el of document.querySelectorAll('bayar-checkout')) {
    const attr = (name: string) => el.getAttribute(name) || '';
    // Lit reads `amount` with Number(); an absent or malformed one names no order, as in the element.
    const order = orderQuery({ session: attr('session'), items: attr('items'), orderId: attr('order-id'), amount: +attr('amount') });
    // The element's default `server` is the directory bayar.mjs comes from (internal/script-base.ts).
    if (order) prefetchMethods((attr('server') || new URL('.', entry).href).replace(/\/+$/, ''), order);
  }
}

export {};
