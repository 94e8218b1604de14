/**
 * Lit's `query` decorator, legacy flavour (see ./decorators.ts). Its own module so that it ships with the payment
 * views that use it (the lazy chunk), not in the first load: nothing the method list renders queries its root.
 */
import type { ReactiveElement } from 'lit';
import type { Decorator } from './decorators.js';

/** A getter for the first element of the render root matching `selector` (null before the first render). */
export const query =
  (selector: string): Decorator =>
  (proto, name) => {
    const descriptor = {
      configurable: true,
      enumerable: true,
      get(this: ReactiveElement) {
        return this.renderRoot?.querySelector(selector) ?? null;
      },
    };
    Object.defineProperty(proto, name, descriptor);
    return descriptor;
  };
