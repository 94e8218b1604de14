import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// In development the shop backend (../express/server.mjs, port 3000) answers /checkout and /bayar.
export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/checkout': 'http://127.0.0.1:3000', '/bayar': 'http://127.0.0.1:3000' } },
});
