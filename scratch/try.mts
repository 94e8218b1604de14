import { startTestServer, api } from '/work/main/test/helpers/server.ts';
import { parseRoutes } from '/work/main/server/config.ts';
const combos: Array<[string, string, string]> = [
  ['komerce', 'va=komerce', 'va:bca'], ['komerce', 'qris=komerce', 'qris:qris'],
  ['xendit', 'va=xendit', 'va:bni'], ['xendit', 'qris=xendit', 'qris:qris'], ['xendit', 'ewallet=xendit', 'ewallet:dana'],
  ['doku', 'ewallet=doku', 'ewallet:dana'], ['doku', 'va=doku', 'va:bca'], ['doku', 'cstore=doku', 'cstore:alfamart'],
  ['midtrans', 'cstore=midtrans', 'cstore:indomaret'], ['midtrans', 'va=midtrans', 'va:mandiri'], ['midtrans', 'qris=midtrans', 'qris:qris'], ['midtrans', 'ewallet=midtrans', 'ewallet:gopay'],
  ['indodana', 'paylater=indodana', 'paylater:indodana'],
];
for (const [prov, route, method] of combos) {
  const s = await startTestServer({ routes: parseRoutes(route, []) });
  try {
    const m = await api(s.url, 'GET', '/api/methods?amount=150000');
    let inst: string | undefined;
    if (method.startsWith('paylater')) {
      const i = await api(s.url, 'GET', '/api/installments?amount=150000');
      console.log('  installments', i.status, JSON.stringify(i.body).slice(0, 200));
      inst = i.body.options?.[1]?.id;
    }
    const c = await api(s.url, 'POST', '/api/payments', { orderId: 'T-' + Math.random().toString(36).slice(2, 8), amount: 150000, method, installment: inst, customer: { name: 'Siti Rahayu', email: 'siti@example.com', phone: '081234567890' } });
    const p = c.body.payment;
    console.log(prov, method, 'methods', m.body.methods?.length, 'create', c.status, p ? JSON.stringify({ provider: p.provider, va: p.va, qris: !!p.qris, redirectUrl: p.redirectUrl, cstore: p.cstore, expiresAt: p.expiresAt }) : JSON.stringify(c.body));
    if (p) {
      const pay = await api(s.url, 'POST', `/api/sandbox/payments/${p.id}/pay`);
      console.log('   pay', pay.status, pay.body.payment?.status ?? JSON.stringify(pay.body));
    }
  } finally { await s.destroy(); }
}
