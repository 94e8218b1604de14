/**
 * Where keyboard and screen-reader users are kept when the checkout swaps what it shows (the method list for a
 * payment, a payment for its outcome, back to the list): the new view's heading takes focus, but only when the
 * customer was inside the checkout. An update from the server never pulls focus (or the scroll position) away from
 * what the customer is doing elsewhere on the page.
 */
import type { BayarElement } from '../internal/base.js';
import { loadViews } from '../internal/lazy.js';

/**
 * Whether focus is inside `host` (or, with `orBody`, for the customer's own action: was dropped to the page body
 * because the pressed button became disabled). Read when the action starts, before its button is disabled.
 */
export const holdsFocus = (host: Element, orBody = true): boolean =>
  host.matches(':focus-within') || (orBody && (!document.activeElement || document.activeElement === document.body));

/** Moves focus to the heading of the view (or the method list) now on `host`'s screen, once it has rendered. */
export async function focusView(host: BayarElement): Promise<void> {
  await loadViews().catch(() => undefined);
  await host.updateComplete;
  const view = host.renderRoot.querySelector('.view, bayar-method-picker') as BayarElement | null;
  await view?.updateComplete;
  view?.renderRoot.querySelector<HTMLElement>('h2[tabindex]')?.focus();
}
