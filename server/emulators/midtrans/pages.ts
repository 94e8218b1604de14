/**
 * The emulated GoPay deeplink page (what the `deeplink-redirect` action opens) and the QR images behind the
 * `generate-qr-code` actions. Plain HTML forms, no script and no style attributes.
 */
import qrcode from 'qrcode-generator';
import { walletPages } from '../shared/wallet-page.js';

const pages = walletPages({ accent: '#00880d', background: '#eef7f1' });

export interface DeeplinkView {
  transactionId: string;
  orderId: string;
  merchant: string;
  amount: number;
  status: string;
}

export function deeplinkPage(v: DeeplinkView): string {
  return pages.approval({
    title: 'GoPay',
    heading: `GoPay · ${v.merchant}`,
    amount: v.amount,
    details: [
      ['Order', v.orderId],
      ['Transaction', v.transactionId],
    ],
    actionBase: v.status === 'pending' ? 'deeplink' : null,
    subject: 'transaction',
    status: v.status,
    note: 'Midtrans sandbox GoPay approval, emulated by Bayar. No money moves.',
  });
}

export const resultPage = pages.result;

/** The QR behind a `generate-qr-code` action, as SVG (Midtrans serves an image; the format is ours). */
export function qrSvg(payload: string): string {
  const qr = qrcode(0, 'M');
  qr.addData(payload);
  qr.make();
  return qr.createSvgTag({ cellSize: 4, margin: 4, scalable: true });
}
