import { useEffect, useState } from 'react';
import type { Payment } from 'bayar/widget';
import { BayarCheckout } from 'bayar/react';

type Cart = Record<string, number>;

/** Your backend prices the cart and mints a Bayar session for it (../express/server.mjs: POST /checkout/session). */
async function sessionFor(cart: Cart, orderId: string): Promise<{ session: string; amount: number }> {
  const res = await fetch('/checkout/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cart, orderId }) });
  if (!res.ok) throw new Error(`session: ${res.status}`);
  return res.json();
}

export function App() {
  const [orderId] = useState(() => `REACT-${Date.now()}`);
  const [cart, setCart] = useState<Cart>({ 'KOPI-250': 1 });
  const [checkout, setCheckout] = useState<{ session: string; amount: number } | null>(null);
  const [open, setOpen] = useState(true);
  const [paid, setPaid] = useState<Payment | null>(null);

  useEffect(() => {
    let current = true;
    sessionFor(cart, orderId).then((c) => current && setCheckout(c));
    return () => {
      current = false;
    };
  }, [cart, orderId]);

  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: '32rem', margin: '2rem auto', padding: '0 1rem' }}>
      <h1>Checkout</h1>
      <p data-testid="total">Total: Rp {checkout?.amount.toLocaleString('id-ID') ?? '…'}</p>
      <button type="button" onClick={() => setCart((c) => ({ ...c, TUMBLER: (c.TUMBLER ?? 0) + 1 }))}>Add a tumbler</button>{' '}
      <button type="button" onClick={() => setOpen((o) => !o)}>{open ? 'Close checkout' : 'Open checkout'}</button>
      {paid && <p role="status">Paid {paid.amount.toLocaleString('id-ID')} ({paid.id})</p>}
      {open && checkout && (
        <BayarCheckout
          server="/bayar"
          session={checkout.session}
          locale="en"
          onBayarPaymentPaid={(e) => setPaid(e.detail.payment)}
          onBayarError={(e) => console.warn(e.detail.code, e.detail.message)}
        />
      )}
    </main>
  );
}
