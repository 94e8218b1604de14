import 'bayar/widget/define'; // registers <bayar-checkout>
import 'bayar/vue'; // types <bayar-checkout> in templates (GlobalComponents)
import { createApp } from 'vue';
import App from './App.vue';

createApp(App).mount('#app');
