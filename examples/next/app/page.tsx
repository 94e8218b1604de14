import { Checkout } from './checkout';

// A companion running beside the app (`npx bayar start`, or mounted in your API server). The merchant key stays on
// the server: this page is a server component and mints the session before rendering.
const BAYAR_URL = process.env.BAYAR_URL ?? 'http://127.0.0.1:8787';
const MERCHANT_KEY = process.env.BAYAR_MERCHANT_KEY ?? 'sandbox-merchant-key-not-secret';

export const dynamic = 'force-dynamic';

export default async function Page() {
  const orderId = `NEXT-${Date.now()}`;
  const amount = 150_000;
  const res = await fetch(`${BAYAR_URL}/api/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${MERCHANT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ orderId, amount }),
    cache: 'no-store',
  });
  if (!res.ok) throw new Error(`Bayar answered ${res.status} to POST /api/sessions`);
  const { session } = (await res.json()) as { session: string };
  return (
    <main>
      <h1>Checkout</h1>
      <p>Order {orderId}: Rp {amount.toLocaleString('id-ID')}</p>
      {/* The browser talks to the companion directly: list this app's origin in BAYAR_ALLOWED_ORIGINS. */}
      <Checkout server={process.env.NEXT_PUBLIC_BAYAR_URL ?? BAYAR_URL} session={session} />
    </main>
  );
}
