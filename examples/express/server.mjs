// An existing Express shop that mounts Bayar at /bayar. It is also the backend of the React and Vue examples
// (`node ../express/server.mjs dist` in their folders): it serves their built files and mints checkout sessions.
//
//   npm install bayar express && node server.mjs [folder of static files, default ./public]   → http://127.0.0.1:3000/
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { createBayar } from 'bayar/server';

const port = Number(process.env.PORT ?? 3000);
const staticDir = process.argv[2] ? resolve(process.argv[2]) : fileURLToPath(new URL('./public', import.meta.url));

// Options are Bayar's environment variables in camelCase (BAYAR_DB → db); {} is the sandbox.
const bayar = await createBayar({
  db: process.env.BAYAR_DB ?? './data/bayar.db',
  merchantKey: process.env.BAYAR_MERCHANT_KEY, // undefined in sandbox: the public sandbox key
  publicUrl: process.env.BAYAR_PUBLIC_URL, // e.g. https://shop.example/bayar; in sandbox it may be left out
  logLevel: 'warn',
});
const merchantKey = bayar.config.merchantKey;

const app = express();
// Before any body parser: Bayar verifies provider webhooks on the raw request bytes.
app.use('/bayar', bayar.router);
app.use(express.json());

const CATALOG = { 'KOPI-250': { name: 'Kopi Gayo 250 g', price: 95_000 }, 'TUMBLER': { name: 'Tumbler bambu', price: 55_000 } };

// Your backend prices the cart and asks Bayar for a signed session; the page never states the amount.
app.post('/checkout/session', async (req, res) => {
  const items = Object.entries(req.body?.cart ?? { 'KOPI-250': 1 })
    .filter(([sku, qty]) => CATALOG[sku] && Number.isInteger(qty) && qty > 0 && qty <= 20)
    .map(([sku, quantity]) => ({ sku, quantity, name: CATALOG[sku].name, price: CATALOG[sku].price }));
  if (!items.length) return res.status(400).json({ error: 'empty cart' });
  const amount = items.reduce((sum, i) => sum + i.price * i.quantity, 0);
  const orderId = String(req.body?.orderId ?? `ORDER-${Date.now()}`).slice(0, 40);
  const minted = await fetch(`http://127.0.0.1:${port}/bayar/api/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${merchantKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ orderId, amount, items }),
  });
  res.status(minted.status).json({ ...(await minted.json()), orderId, amount });
});

app.use(express.static(staticDir));

const server = app.listen(port, '127.0.0.1', () => console.log(`shop on http://127.0.0.1:${port}/ (Bayar under /bayar)`));
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => server.close(() => bayar.close().then(() => process.exit(0))));
}
