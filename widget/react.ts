/**
 * `bayar/react`: `<BayarCheckout>` for React 18/19 and Next.js, made with @lit/react. Props are the element's
 * properties (`session`, `server`, `locale`, `methods`…); events are `onBayar…` props with typed `detail`s.
 *
 * StrictMode's mount → unmount → mount keeps the one DOM element (only the event listeners are re-attached): nothing
 * is paid without the customer pressing "Pay", and the element closes its live-status stream when React removes it.
 * On a server (Next.js) it renders the plain tag and registers nothing; the element upgrades when this module runs in
 * the browser (it is a client component: "use client" is added to the built file).
 */
import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
import type { BayarEventMap } from './checkout/events.js';
import { BayarCheckout as BayarCheckoutElement } from './define.js';

const event = <K extends keyof BayarEventMap>(name: K) => name as EventName<BayarEventMap[K]>;

export const BayarCheckout = createComponent({
  tagName: 'bayar-checkout',
  elementClass: BayarCheckoutElement,
  react: React,
  displayName: 'BayarCheckout',
  events: {
    onBayarReady: event('bayar-ready'),
    onBayarMethodSelect: event('bayar-method-select'),
    onBayarPaymentPending: event('bayar-payment-pending'),
    onBayarPaymentPaid: event('bayar-payment-paid'),
    onBayarPaymentExpired: event('bayar-payment-expired'),
    onBayarPaymentCancelled: event('bayar-payment-cancelled'),
    onBayarPaymentFailed: event('bayar-payment-failed'),
    onBayarError: event('bayar-error'),
  },
});

/** Props of `<BayarCheckout>`. */
export type BayarCheckoutProps = React.ComponentProps<typeof BayarCheckout>;
export type { BayarCheckoutElement };
export type * from './element.js';
