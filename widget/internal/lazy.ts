/**
 * The payment views (VA, QRIS, hand-off, instalments, status) are their own chunk: the first load carries only what
 * the method list needs. <bayar-checkout> starts loading them as soon as the methods are on screen, so they are
 * there by the time the customer presses "Pay". A failed load can be retried.
 */
let views: Promise<unknown> | undefined;

export const loadViews = (): Promise<unknown> =>
  (views ??= import('../views.js').catch((error: unknown) => {
    views = undefined;
    throw error;
  }));
