/**
 * One provider contract suite, run against every adapter + emulator pair through the whole companion (routes,
 * ledger, webhooks): the behaviour a storefront relies on must not depend on which provider serves the payment.
 * What each case expects of cancel and refund comes from the adapter's declared capabilities: a provider that says
 * it can refund must refund, one that says it can cancel must leave the payment unpayable at the provider.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ProviderId } from '../../server/api-types.js';
import { SANDBOX_CREDENTIALS, parseRoutes } from '../../server/config.js';
import { ProviderNotSupportedError } from '../../server/errors.js';
import { ManualClock } from '../../server/lib/clock.js';
import { familyCapabilities } from '../../server/providers/capabilities.js';
import type { HttpRequest } from '../../server/lib/http.js';
import { TapClient, api, merchantHeaders, startTestServer, type TestServer } from '../helpers/server.js';

/** Reads and cancels as the merchant's backend (the merchant key opens every payment). */
const MERCHANT = merchantHeaders(SANDBOX_CREDENTIALS.merchantKey);

interface Case {
  provider: ProviderId;
  route: string;
  method: string;
  /** Which instruction the payment must carry. */
  instruction: 'va' | 'qris' | 'redirectUrl' | 'cstore';
  paylater?: boolean;
  /** Breaks the webhook's authentication in the way that matters for this provider. */
  tamper: (r: HttpRequest) => HttpRequest;
  /** Whether the emulator can pay a different amount than asked (fixed-amount channels cannot). */
  canMispay: boolean;
  /**
   * The status API cannot show a payment without the id its callback carries (Xendit FVA: a VA only turns
   * INACTIVE, which is not a payment): a lost callback leaves the payment pending until Xendit redelivers it.
   */
  paidOnlyWithCallback?: boolean;
}

const flip = (s: string) => (s.at(-2) === 'a' ? s.slice(0, -2) + 'b' + s.slice(-1) : s.slice(0, -2) + 'a' + s.slice(-1));
const tamperHeader = (name: string) => (r: HttpRequest): HttpRequest => {
  const key = Object.keys(r.headers ?? {}).find((k) => k.toLowerCase() === name)!;
  assert.ok(key, `webhook carries ${name}`);
  return { ...r, headers: { ...r.headers, [key]: flip(r.headers![key]!) } };
};
const tamperBody = (r: HttpRequest): HttpRequest => {
  const body = JSON.parse(r.body!);
  body.signature_key = flip(body.signature_key);
  return { ...r, body: JSON.stringify(body) };
};

const CASES: Case[] = [
  { provider: 'komerce', route: 'va=komerce', method: 'va:bca', instruction: 'va', tamper: tamperHeader('x-callback-api-key'), canMispay: true },
  { provider: 'komerce', route: 'qris=komerce', method: 'qris:qris', instruction: 'qris', tamper: tamperHeader('x-callback-api-key'), canMispay: true },
  { provider: 'doku', route: 'ewallet=doku', method: 'ewallet:dana', instruction: 'redirectUrl', tamper: tamperHeader('signature'), canMispay: true },
  { provider: 'indodana', route: 'paylater=indodana', method: 'paylater:indodana', instruction: 'redirectUrl', paylater: true, tamper: tamperHeader('authorization'), canMispay: true },
  { provider: 'xendit', route: 'va=xendit', method: 'va:bni', instruction: 'va', tamper: tamperHeader('x-callback-token'), canMispay: true, paidOnlyWithCallback: true },
  { provider: 'xendit', route: 'qris=xendit', method: 'qris:qris', instruction: 'qris', tamper: tamperHeader('x-callback-token'), canMispay: false },
  { provider: 'midtrans', route: 'cstore=midtrans', method: 'cstore:indomaret', instruction: 'cstore', tamper: tamperBody, canMispay: false },
  { provider: 'midtrans', route: 'va=midtrans', method: 'va:bri', instruction: 'va', tamper: tamperBody, canMispay: false },
  { provider: 'midtrans', route: 'qris=midtrans', method: 'qris:qris', instruction: 'qris', tamper: tamperBody, canMispay: false },
];

const customer = { name: 'Siti Rahayu', email: 'siti@example.com', phone: '081234567890' };

for (const c of CASES) {
  describe(`provider contract: ${c.provider} ${c.method}`, () => {
    let s: TestServer;
    const tap = new TapClient();
    // The companion's and the emulators' clock, moved by hand past a provider's status rate limit instead of waiting.
    const clock = new ManualClock(Date.now());
    let n = 0;
    before(async () => {
      s = await startTestServer({ routes: parseRoutes(c.route, []) }, undefined, { http: tap, clock });
    });
    const caps = () => s.bayar.providers.get(c.provider)!.capabilities;
    const family = c.method.split(':')[0] as Parameters<typeof familyCapabilities>[1];
    after(() => s.destroy());

    const create = async (amount = 150_000) => {
      let installment: string | undefined;
      if (c.paylater) {
        const opts = await api(s.url, 'GET', `/api/installments?amount=${amount}`);
        assert.equal(opts.status, 200, JSON.stringify(opts.body));
        installment = opts.body.options[0].id;
      }
      const r = await api(s.url, 'POST', '/api/payments', { orderId: `${c.provider}-${++n}`, amount, method: c.method, installment, customer });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.payment.provider, c.provider);
      return r.body.payment;
    };
    /** Has the emulator act, but holds its webhook back and returns it. */
    const captureWebhook = async (id: string, action: 'pay' | 'expire', amount?: number) => {
      let held: HttpRequest | undefined;
      tap.intercept = (req) => (req.url.includes(`/webhooks/${c.provider}`) && !held ? ((held = req), { status: 200, headers: {}, body: '{}' }) : undefined);
      const p = await s.store.getPayment(id);
      await s.bayar.emulators.get(c.provider)!.simulate(action, p!.providerRef!, amount === undefined ? {} : { amount });
      tap.intercept = null;
      assert.ok(held, 'the emulator sent a webhook');
      return held;
    };
    const deliver = (r: HttpRequest) => fetch(r.url, { method: 'POST', headers: r.headers, body: r.body });

    it('create → the right instruction', async () => {
      const p = await create();
      assert.equal(p.status, 'pending');
      assert.ok(p[c.instruction], `payment carries ${c.instruction}`);
      if (c.instruction === 'redirectUrl') assert.match(p.redirectUrl, /^https?:\/\//);
      assert.ok(new Date(p.expiresAt).getTime() > Date.now());
    });

    it('status sync: the provider says pending, then paid; the reconciler applies it without a webhook', async () => {
      const p = await create();
      const rec = (await s.store.getPayment(p.id))!;
      const prov = s.bayar.providers.get(c.provider)!;
      assert.equal((await prov.status({ providerRef: rec.providerRef!, reference: rec.reference })).status, 'pending');
      const lost = await captureWebhook(p.id, 'pay'); // the webhook is lost
      assert.equal((await api(s.url, 'GET', `/api/payments/${p.id}`, undefined, MERCHANT)).body.payment.status, 'pending');
      clock.advance(caps().statusMinIntervalMs);
      if (c.paidOnlyWithCallback) {
        // An early INACTIVE is not a payment: still pending after the reconciler asked; the redelivered callback pays it.
        assert.equal(await s.bayar.service.reconcile(rec), false);
        assert.equal((await api(s.url, 'GET', `/api/payments/${p.id}`, undefined, MERCHANT)).body.payment.status, 'pending');
        assert.ok((await deliver(lost)).status < 300);
      } else assert.equal(await s.bayar.service.reconcile(rec), true);
      assert.equal((await api(s.url, 'GET', `/api/payments/${p.id}`, undefined, MERCHANT)).body.payment.status, 'paid');
    });

    it('paid webhook → paid; tampered → 401 and no change; replayed → no change', async () => {
      const p = await create();
      const hook = await captureWebhook(p.id, 'pay');
      const bad = await deliver(c.tamper(hook));
      assert.equal(bad.status, 401);
      assert.equal((await api(s.url, 'GET', `/api/payments/${p.id}`, undefined, MERCHANT)).body.payment.status, 'pending');
      const ok = await deliver(hook);
      assert.ok(ok.status >= 200 && ok.status < 300, `webhook answered ${ok.status}`);
      assert.equal((await api(s.url, 'GET', `/api/payments/${p.id}`, undefined, MERCHANT)).body.payment.status, 'paid');
      const historyBefore = await s.store.history(p.id);
      for (let i = 0; i < 3; i++) assert.ok((await deliver(hook)).status < 300);
      assert.deepEqual(await s.store.history(p.id), historyBefore);
    });

    it('expiry → expired', async () => {
      const p = await create();
      const r = await api(s.url, 'POST', `/api/sandbox/payments/${p.id}/expire`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.payment.status, 'expired');
    });

    it('cancel → cancelled in the ledger; at the provider exactly as its capabilities say', async () => {
      const p = await create();
      const r = await api(s.url, 'POST', `/api/payments/${p.id}/cancel`, undefined, MERCHANT);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.payment.status, 'cancelled');
      const rec = (await s.store.getPayment(p.id))!;
      const prov = s.bayar.providers.get(c.provider)!;
      clock.advance(caps().statusMinIntervalMs);
      const st = await prov.status({ providerRef: rec.providerRef!, reference: rec.reference });
      if (familyCapabilities(caps(), family).cancel) {
        // Closed at the provider: nothing can pay it any more (Xendit closes a VA by expiring it).
        assert.ok(['cancelled', 'expired'].includes(st.status), `the provider still says ${st.status} (${st.providerStatus})`);
      } else {
        // It cannot cancel: the code stays payable until its deadline, and the adapter says so when asked.
        assert.equal(st.status, 'pending');
        await assert.rejects(prov.cancel({ providerRef: rec.providerRef!, reference: rec.reference }), ProviderNotSupportedError);
      }
    });

    it('refund → refunded where the capabilities say it can, refund_not_supported where they say it cannot', async () => {
      const p = await create();
      await api(s.url, 'POST', `/api/sandbox/payments/${p.id}/pay`);
      const rec = (await s.store.getPayment(p.id))!;
      assert.equal(rec.status, 'paid');
      const can = familyCapabilities(caps(), family).refund;
      const r = await api(s.url, 'POST', `/api/payments/${p.id}/refund`, { amount: 10_000, reason: 'customer request' }, MERCHANT);
      if (can === 'partial') {
        assert.equal(r.status, 201, JSON.stringify(r.body));
        assert.ok(['succeeded', 'pending'].includes(r.body.refund.status));
        if (r.body.refund.status === 'succeeded') assert.equal(r.body.payment.refundedAmount, 10_000);
      } else {
        assert.equal(r.status, 422, JSON.stringify(r.body));
        assert.equal(r.body.error.code, 'refund_not_supported');
        assert.equal((await s.store.getPayment(p.id))!.refundedAmount, 0);
        // The adapter agrees with what it declared.
        const direct = s.bayar.providers.get(c.provider)!.refund({ providerRef: rec.providerRef!, reference: rec.reference, refundId: `rf-${p.id.slice(4, 20)}`, amount: 10_000, reason: 'customer request' });
        await assert.rejects(direct, ProviderNotSupportedError);
      }
    });

    it('a paid amount that differs from the ledger → not paid, flagged amount_mismatch', { skip: !c.canMispay && 'fixed-amount channel: the emulator cannot pay another amount' }, async () => {
      const p = await create();
      const hook = await captureWebhook(p.id, 'pay', 149_000);
      const r = await deliver(hook);
      assert.ok(r.status < 300, `webhook answered ${r.status}`);
      const after = (await api(s.url, 'GET', `/api/payments/${p.id}`, undefined, MERCHANT)).body.payment;
      assert.equal(after.status, 'pending');
      assert.deepEqual(after.flags, ['amount_mismatch']);
    });
  });
}
