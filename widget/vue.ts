/**
 * `bayar/vue`: Vue 3 support for the element. Vue renders `<bayar-checkout>` as a native custom element once its
 * compiler is told so; pass `isCustomElement` to it (Vite: `vue({ template: { compilerOptions: { isCustomElement } } })`).
 * Importing this module also types `<bayar-checkout>` in templates (GlobalComponents). Register the element with
 * `import 'bayar/widget/define'` in the app's entry.
 */
import type { DefineComponent } from 'vue';
import type { BayarCheckout, BayarEventMap } from './element.js';

/** For Vue's compiler options: Bayar's tags are custom elements, not Vue components. */
export const isCustomElement = (tag: string): boolean => tag.startsWith('bayar-');

type Inputs = Partial<Pick<BayarCheckout, 'server' | 'session' | 'orderId' | 'amount' | 'items' | 'customerName' | 'customerEmail' | 'customerPhone' | 'methods' | 'locale'>>;
/** `onBayarPaymentPaid` ↔ `@bayar-payment-paid` in templates. */
type Listeners = {
  [K in keyof BayarEventMap as K extends `bayar-${infer Rest}` ? `onBayar${Capitalize<CamelCase<Rest>>}` : never]?: (event: BayarEventMap[K]) => void;
};
type CamelCase<S extends string> = S extends `${infer A}-${infer B}` ? `${A}${Capitalize<CamelCase<B>>}` : S;

declare module 'vue' {
  interface GlobalComponents {
    'bayar-checkout': DefineComponent<Inputs & Listeners>;
  }
}
