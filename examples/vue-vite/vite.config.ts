import vue from '@vitejs/plugin-vue';
import { isCustomElement } from 'bayar/vue';
import { defineConfig } from 'vite';

export default defineConfig({
  // <bayar-checkout> is a custom element, not a Vue component: Vue then sets its props as element properties.
  plugins: [vue({ template: { compilerOptions: { isCustomElement } } })],
  server: { proxy: { '/checkout': 'http://127.0.0.1:3000', '/bayar': 'http://127.0.0.1:3000' } },
});
