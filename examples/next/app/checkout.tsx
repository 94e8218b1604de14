'use client';
import { useState } from 'react';
import { BayarCheckout } from 'bayar/react';
import type { Payment } from 'bayar/widget';

export function Checkout({ server, session }: { server: string; session: string }) {
  const [open, setOpen] = useState(true);
  const [paid, setPaid] = useState<Payment | null>(null);
  return (
    <>
      <button type="button" onClick={() => setOpen((o) => !o)}>{open ? 'Close checkout' : 'Open checkout'}</button>
      {paid && <p role="status">Paid {paid.amount.toLocaleString('id-ID')} ({paid.id})</p>}
      {open && <BayarCheckout server={server} session={session} locale="en" onBayarPaymentPaid={(e) => setPaid(e.detail.payment)} />}
    </>
  );
}
