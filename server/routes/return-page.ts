/**
 * Where providers' hosted pages send the customer back after a redirect flow. The checkout stays open on the
 * shop's page (the widget listens for the outcome there), so this page only says where things stand.
 */
import { Router } from 'express';
import type { PaymentStatus } from '../api-types.js';
import type { PaymentService } from '../domain/payment-service.js';

const TEXT: Record<PaymentStatus, [string, string]> = {
  pending: ['Menunggu konfirmasi pembayaran', 'Waiting for the payment to be confirmed'],
  paid: ['Pembayaran berhasil', 'Payment received'],
  expired: ['Pembayaran kedaluwarsa', 'The payment expired'],
  cancelled: ['Pembayaran dibatalkan', 'The payment was cancelled'],
  failed: ['Pembayaran gagal', 'The payment failed'],
  refunded: ['Pembayaran dikembalikan', 'The payment was refunded'],
};

export function returnRoutes(service: PaymentService): Router {
  const r = Router();
  r.get('/return/:id', async (req, res) => {
    const p = await service.get(req.params.id!).catch(() => null);
    const [id, en] = p ? TEXT[p.status] : ['Pembayaran tidak ditemukan', 'Payment not found'];
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(`<!doctype html><html lang="id"><head><meta charset="utf-8"><link rel="icon" href="data:,"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${id}</title><style>body{font-family:system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;margin:0;color:#1f2937}
main{text-align:center;max-width:28rem;padding:1rem}h1{font-size:1.4rem}p{color:#6b7280}</style></head>
<body><main><h1>${id}</h1><p>${en}</p><p>Anda dapat menutup tab ini dan kembali ke toko. · You can close this tab and return to the shop.</p></main></body></html>`);
  });
  return r;
}
