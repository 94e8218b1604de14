/**
 * The emulated e-wallet checkout page (what `actions.desktop_web_checkout_url` opens). Plain HTML forms, no
 * script and no style attributes, so it runs under a strict Content-Security-Policy.
 */
import { walletPages } from '../shared/wallet-page.js';

const pages = walletPages({ accent: '#0b5cff', background: '#f4f6f8' });

export interface CheckoutView {
  chargeId: string;
  merchant: string;
  wallet: string;
  amount: number;
  reference: string;
  status: string;
}

export function checkoutPage(v: CheckoutView): string {
  return pages.approval({
    title: `${v.wallet} checkout`,
    heading: `${v.wallet} · ${v.merchant}`,
    amount: v.amount,
    details: [
      ['Reference', v.reference],
      ['Charge', v.chargeId],
    ],
    actionBase: v.status === 'PENDING' ? encodeURIComponent(v.chargeId) : null,
    subject: 'charge',
    status: v.status,
    note: 'Xendit test-mode e-wallet checkout, emulated by Bayar. No money moves.',
  });
}

export const resultPage = pages.result;
