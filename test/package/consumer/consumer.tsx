// A consumer of the installed package, type-checked by test/package/package.test.ts with the package's own .d.ts
// files. Each @ts-expect-error is a mistake the types must catch: if they stopped catching it, tsc fails here.
import express from 'express';
import { createBayar, type BayarOptions } from 'bayar/server';
import type { BayarCheckout as BayarCheckoutElement, Payment } from 'bayar/widget';
import 'bayar/widget/define';
import { BayarCheckout } from 'bayar/react';
import { isCustomElement } from 'bayar/vue';

// The element: HTMLElementTagNameMap and typed events.
const el = document.createElement('bayar-checkout');
const typed: BayarCheckoutElement = el;
typed.session = 'token';
el.addEventListener('bayar-payment-paid', (e) => {
  const amount: number = e.detail.payment.amount;
  const status: Payment['status'] = e.detail.payment.status;
  // @ts-expect-error the detail has no such field
  void e.detail.paymentId;
  void amount, status;
});
el.addEventListener('bayar-error', (e) => {
  const code: string = e.detail.code;
  void code;
});
// @ts-expect-error amount is a number
typed.amount = '150000';

// React: props are the element's properties, events are typed onBayar… props.
export const page = (
  <BayarCheckout
    session="token"
    locale="en"
    onBayarPaymentPaid={(e) => {
      const id: string = e.detail.payment.id;
      void id;
    }}
    onBayarReady={(e) => void e.detail.methods.map((m) => m.family)}
  />
);
// @ts-expect-error amount is a number, not a string
export const wrong = <BayarCheckout amount="150000" />;
// @ts-expect-error the event detail of ready has no payment
export const wrongEvent = <BayarCheckout onBayarReady={(e) => void e.detail.payment} />;

// Vue's compiler option.
const custom: boolean = isCustomElement('bayar-checkout');
void custom;

// The server: options in camelCase, mounted at a prefix.
const options: BayarOptions = { mode: 'sandbox', db: './x.db', providers: { xendit: { secretKey: 'k', callbackToken: 't' } } };
// @ts-expect-error mode is sandbox or live
export const badMode: BayarOptions = { mode: 'production' };
const bayar = await createBayar(options);
express().use('/bayar', bayar.router);
await bayar.close();
