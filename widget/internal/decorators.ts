/**
 * Lit's `property` and `state` decorators (`query` is in ./query.ts), legacy flavour only. The widget is compiled with TypeScript's
 * `experimentalDecorators` (tsconfig.json; Vite 8 does not lower TC39 decorators), but each decorator in
 * lit/decorators.js carries the TC39 flavour as well, dead code in every bundle (about 300 B gzip of the first load).
 * These behave as Lit's own legacy paths (@lit/reactive-element decorators/property.ts, state.ts, query.ts without
 * `cache`); the custom-elements-manifest analyzer reads them by name as it reads Lit's.
 */
import type { PropertyDeclaration, ReactiveElement } from 'lit';

// Lit's legacy decorators return a descriptor (or nothing) for the __decorate helper to define: typed as Lit types them.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type Decorator = (proto: object, name: string) => any;

/** A reactive property (attribute by default; `attribute: false` for objects set as properties). */
export const property =
  (options?: PropertyDeclaration): Decorator =>
  (proto, name) => {
    // A decorated accessor: createProperty wraps it, and __decorate must define the wrapped one, not the original.
    const own = proto.hasOwnProperty(name);
    (proto.constructor as typeof ReactiveElement).createProperty(name, options);
    return own ? Object.getOwnPropertyDescriptor(proto, name) : undefined;
  };

/** Internal reactive state: re-renders on change, no attribute. */
export const state = (options?: Pick<PropertyDeclaration, 'hasChanged'>): Decorator => property({ ...options, state: true, attribute: false });
