/**
 * Indodana PayLater adapter against its strict emulator, over real HTTP on 127.0.0.1 (providers.md §2).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { createIndodanaEmulator, type IndodanaEmulator } from '../../server/emulators/indodana/index.js';
import { hmacHex as emulatorHmac } from '../../server/emulators/indodana/signing.js';
import {
  ProviderAuthError,
  ProviderNotSupportedError,
  ProviderRejectedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
  WebhookVerificationError,
} from '../../server/errors.js';
import { createIndodanaProvider } from '../../server/providers/indodana/index.js';
import {
  STATUS_TABLE,
  mapStatus,
  normalizeRate,
  notificationEventId,
  splitName,
  toIndodanaItems,
  toIndodanaPhone,
  toInstallmentOption,
  toWibIso,
} from '../../server/providers/indodana/mapping.js';
import { checkIndodanaBearer, indodanaBearer, indodanaSignature } from '../../server/providers/indodana/signing.js';
import type { CreatePaymentInput, PaymentProvider, WebhookRequest } from '../../server/providers/types.js';
import { fetchJson, providerHarness } from '../helpers/provider-harness.js';

const CREDS = SANDBOX_CREDENTIALS.indodana;
let emulator: IndodanaEmulator;
let provider: PaymentProvider;
let emuBase = '';
let hookBase = '';
/** Each notification is verified with `provider` as it arrives and answered as it says (ack or rejectAck). */
const { clock, hooks, ctx } = providerHarness('indodana', {
  emulator: (o) => createIndodanaEmulator(CREDS, o),
  adapter: (baseUrl, c) => createIndodanaProvider({ ...CREDS, baseUrl }, c),
  ready: (r) => ({ emulator, provider, emuBase, hookBase } = r),
});
const { http, timeouts } = ctx;

let seq = 0;
function input(over: Partial<CreatePaymentInput> = {}): CreatePaymentInput {
  seq++;
  return {
    paymentId: `pay_ind_${seq}`,
    reference: `BYR-IND-${seq}-${Math.random().toString(36).slice(2, 8)}`,
    orderId: `ORDER-${seq}`,
    amount: 1_500_000,
    family: 'paylater',
    channel: 'indodana',
    installment: '3_months',
    customer: { name: 'Siti Nurhaliza Putri', email: 'siti@example.com', phone: '+6281234567890' },
    items: [{ name: 'Sepatu Lari', price: 750_000, quantity: 2, sku: 'SEP-42' }],
    expiresAt: new Date(clock.now().getTime() + 60 * 60_000),
    webhookUrl: `${hookBase}/webhooks/indodana`,
    returnUrl: 'https://shop.example/thanks',
    ...over,
  };
}

const last = hooks.last;

async function api(method: 'GET' | 'POST', path: string, body?: unknown, auth?: string | null) {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const a = auth === undefined ? indodanaBearer(CREDS.apiKey, CREDS.apiSecret, Math.floor(clock.now().getTime() / 1000)) : auth;
  if (a !== null) headers.Authorization = a;
  return fetchJson(emuBase + path, { method, headers, body });
}

function checkoutBody(over: Record<string, unknown> = {}, td: Record<string, unknown> = {}) {
  return {
    transactionDetails: {
      merchantOrderId: `ORD-${crypto.randomUUID().slice(0, 8)}`,
      amount: 300_000,
      items: [{ id: 'SKU-1', name: 'Tas', price: 100_000, quantity: 3 }],
      ...td,
    },
    customerDetails: { firstName: 'Budi', lastName: 'Santoso', email: 'budi@example.com', phone: '081212345678' },
    sellers: [{ id: 'seller-1', name: 'Toko Contoh', url: 'https://shop.example' }],
    billingAddress: { firstName: 'Budi', lastName: 'Santoso', address: '-', city: '-', postalCode: '00000', phone: '081212345678', countryCode: 'IDN' },
    shippingAddress: { firstName: 'Budi', lastName: 'Santoso', address: '-', city: '-', postalCode: '00000', phone: '081212345678', countryCode: 'IDN' },
    paymentType: '3_months',
    approvedNotificationUrl: `${hookBase}/webhooks/indodana`,
    backToStoreUrl: 'https://shop.example/thanks',
    cancellationRedirectUrl: 'https://shop.example/thanks',
    ...over,
  };
}

describe('Indodana signing (V-IND-1)', () => {
  const sig = '68bd864cbad49e039d1d32e23377c002b200f13662f35d88ae2e5edafd76d61a';
  it('matches the official SDK test vector', () => {
    assert.equal(indodanaSignature('test', 'test', 1585504035), sig);
    assert.equal(indodanaBearer('test', 'test', '1585504035'), `Bearer test:1585504035:${sig}`);
    assert.equal(emulatorHmac('test', 'test', '1585504035'), sig);
  });

  it('checks a Bearer: 3 parts, our key, the HMAC', () => {
    assert.deepEqual(checkIndodanaBearer(`Bearer test:1585504035:${sig}`, 'test', 'test'), { ok: true, nonce: '1585504035' });
    assert.equal(checkIndodanaBearer(undefined, 'test', 'test').ok, false);
    assert.deepEqual(checkIndodanaBearer(`Basic test:1585504035:${sig}`, 'test', 'test'), { ok: false, reason: 'malformed' });
    assert.deepEqual(checkIndodanaBearer(`Bearer test:1585504035`, 'test', 'test'), { ok: false, reason: 'malformed' });
    assert.deepEqual(checkIndodanaBearer(`Bearer test:1585504035:${sig}:x`, 'test', 'test'), { ok: false, reason: 'malformed' });
    assert.deepEqual(checkIndodanaBearer(`Bearer other:1585504035:${sig}`, 'test', 'test'), { ok: false, reason: 'wrong_key' });
    assert.deepEqual(checkIndodanaBearer(`Bearer test:1585504036:${sig}`, 'test', 'test'), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(checkIndodanaBearer(`Bearer test:1585504035:${sig}`, 'test', 'other'), { ok: false, reason: 'bad_signature' });
  });
});

describe('Indodana mapping', () => {
  it('maps the known statuses; unknown words stay pending', () => {
    assert.deepEqual(STATUS_TABLE, { PENDING: 'pending', INITIATED: 'paid', PAID: 'paid', EXPIRED: 'expired', CANCELLED: 'cancelled' });
    assert.equal(mapStatus('FRAUD_REVIEW'), 'pending');
    assert.equal(mapStatus('toString'), 'pending');
  });

  it('maps options: 30_days is one payment, months are months, rates become percentages', () => {
    const o30 = toInstallmentOption({ id: '30_days', tenure: 30, tenureTimeUnit: 'DAYS', rate: 0, amount: 100000, monthlyInstallment: 100000, installmentAmount: 100000, totalInterest: 0 });
    assert.deepEqual([o30.tenure, o30.tenureUnit, o30.rate], [1, 'days', 0]);
    const o6 = toInstallmentOption({ id: '6_months', tenure: 6, rate: 0.0275, amount: 100000, monthlyInstallment: 19333.34, installmentAmount: 116000.04, totalInterest: 16500.2 });
    assert.deepEqual([o6.tenure, o6.tenureUnit, o6.rate, o6.monthlyInstallment, o6.installmentAmount, o6.totalInterest], [6, 'months', 2.75, 19334, 116001, 16501]);
    assert.equal(normalizeRate(2.6), 2.6);
    assert.equal(normalizeRate(0.026), 2.6);
  });

  it('sends the cart when it adds up, otherwise one item for the whole amount', () => {
    const items = [{ name: 'A', price: 1000, quantity: 3, sku: 'A1' }];
    assert.deepEqual(toIndodanaItems(items, 3000, 'Order 1', 'S'), [{ id: 'A1', name: 'A', price: 1000, quantity: 3, parentType: 'SELLER', parentId: 'S' }]);
    const one = toIndodanaItems(items, 3500, 'Order 1');
    assert.equal(one.length, 1);
    assert.equal(one[0]!.price * one[0]!.quantity, 3500);
  });

  it('event id = sha256 of merchantOrderId, transactionStatus and transactionId', () => {
    const n = { merchantOrderId: 'BYR-1', transactionStatus: 'INITIATED', transactionId: 'TRX-1', amount: 1000 };
    const expected = createHash('sha256').update('BYR-1\nINITIATED\nTRX-1').digest('hex');
    assert.equal(notificationEventId(n), expected);
    assert.equal(notificationEventId({ ...n, amount: 2000 }), expected);
    assert.notEqual(notificationEventId({ ...n, transactionStatus: 'PAID' }), expected);
  });

  it('formats names, phones and WIB dates', () => {
    assert.deepEqual(splitName('Siti Nurhaliza Putri'), { firstName: 'Siti', lastName: 'Nurhaliza Putri' });
    assert.equal(toIndodanaPhone('+62 812-3456-7890'), '081234567890');
    assert.equal(toWibIso(new Date('2026-03-02T20:30:00Z')), '2026-03-03T03:30:00+07:00');
  });
});

describe('Indodana adapter against the emulator', () => {
  it('offers paylater:indodana within 10.000 – 25.000.000', () => {
    assert.deepEqual(provider.methods(), [{ family: 'paylater', channel: 'indodana', label: 'Indodana PayLater', minAmount: 10_000, maxAmount: 25_000_000 }]);
  });

  it('installments() returns the calculation options in integer rupiah', async () => {
    const options = await provider.installments!(1_000_000, [{ name: 'X', price: 500_000, quantity: 2 }]);
    assert.deepEqual(options.map((o) => o.id), ['30_days', '3_months', '6_months', '12_months']);
    const [d30, m3] = options;
    assert.deepEqual({ ...d30 }, { id: '30_days', tenure: 1, tenureUnit: 'days', monthlyInstallment: 1_000_000, installmentAmount: 1_000_000, totalInterest: 0, rate: 0, provider: 'indodana' });
    // 2.95 % × 3 months of 1.000.000 = 88.500 interest; 1.088.500 / 3 rounded up = 362.834.
    assert.deepEqual({ ...m3 }, { id: '3_months', tenure: 3, tenureUnit: 'months', monthlyInstallment: 362_834, installmentAmount: 1_088_502, totalInterest: 88_500, rate: 2.95, provider: 'indodana' });
    for (const o of options) {
      for (const v of [o.monthlyInstallment, o.installmentAmount, o.totalInterest]) assert.ok(Number.isInteger(v), `${o.id}: ${v} is whole rupiah`);
      assert.ok(o.installmentAmount >= 1_000_000 + o.totalInterest, `${o.id}: instalments cover amount + interest`);
    }
    // A cart that does not add up is still priced on the amount (one item for the whole amount).
    const again = await provider.installments!(1_000_000, [{ name: 'X', price: 1, quantity: 1 }]);
    assert.equal(again[1]!.totalInterest, 88_500);
  });

  it('create needs an instalment option and the paylater:indodana method', async () => {
    await assert.rejects(provider.create(input({ installment: undefined })), (e: unknown) => {
      return e instanceof ProviderRejectedError && e.providerCode === 'installment_required' && /installment/.test(e.message);
    });
    await assert.rejects(provider.create(input({ family: 'va', channel: 'bca' })), ProviderNotSupportedError);
  });

  it('create → approval page; the emulator got our reference, plan, cart and webhook URL', async () => {
    const i = input();
    const r = await provider.create(i);
    const t = emulator.inspect(i.reference);
    assert.ok(t, 'the emulator holds the transaction');
    assert.equal(r.providerRef, t.transactionId);
    assert.equal(r.redirectUrl, `${emuBase}/approval/${t.transactionId}`);
    assert.equal(r.expiresAt, i.expiresAt.toISOString());
    assert.equal(t.merchantOrderId, i.reference);
    assert.equal(t.paymentType, '3_months');
    assert.equal(t.notifyUrl, i.webhookUrl);
    assert.equal(t.backToStoreUrl, i.returnUrl);
    assert.equal(t.customerName, 'Siti Nurhaliza Putri');
    assert.deepEqual(t.items.map((x) => [x.id, x.price, x.quantity]), [['SEP-42', 750_000, 2]]);
    assert.equal(t.expiresAt.getTime(), i.expiresAt.getTime());

    const page = await fetch(r.redirectUrl!);
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(html, /Rp\s?1\.500\.000/);
    const actions = [...html.matchAll(/<form method="post" action="([^"]+)"/g)].map((m) => new URL(m[1]!, r.redirectUrl).href);
    assert.deepEqual(actions, [`${r.redirectUrl}/approve`, `${r.redirectUrl}/reject`]);
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /\sstyle=/i);
  });

  it('a cart that does not add up is sent as one item for the whole amount', async () => {
    const i = input({ items: [{ name: 'Sepatu', price: 700_000, quantity: 2 }] });
    await provider.create(i);
    const t = emulator.inspect(i.reference)!;
    assert.equal(t.items.length, 1);
    assert.equal(t.items[0]!.price, 1_500_000);
  });

  it('a retried create replays the same transaction', async () => {
    const i = input();
    const a = await provider.create(i);
    clock.advance(60_000);
    const b = await provider.create(i);
    clock.advance(-60_000);
    assert.equal(b.providerRef, a.providerRef);
    assert.equal(b.redirectUrl, a.redirectUrl);
  });

  it('approve on the page → Bearer-signed notification → verified paid → check_status paid', async () => {
    const i = input();
    const r = await provider.create(i);
    assert.equal((await provider.status({ reference: i.reference, providerRef: r.providerRef })).status, 'pending');

    const res = await fetch(`${r.redirectUrl}/approve`, { method: 'POST', redirect: 'manual' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), i.returnUrl);
    const d = last();
    assert.equal(d.error, undefined);
    assert.deepEqual(d.answered, { status: 200, body: { status: 'OK', message: 'OK' } });
    const ev = d.verified!.events[0]!;
    assert.equal(ev.status, 'paid');
    assert.equal(ev.providerStatus, 'INITIATED');
    assert.equal(ev.amount, 1_500_000);
    assert.equal(ev.reference, i.reference);
    assert.equal(ev.providerRef, r.providerRef);
    assert.match(d.req.headers.authorization!, new RegExp(`^Bearer ${CREDS.apiKey}:\\d+:[0-9a-f]{64}$`));
    assert.equal(provider.capabilities.webhookNeedsConfirmation, true);

    const s = await provider.status({ reference: i.reference, providerRef: r.providerRef });
    assert.equal(s.status, 'paid');
    assert.equal(s.amount, 1_500_000);
    assert.equal(s.paidAt, clock.now().toISOString());
  });

  it('event ids are stable for the same fact and differ between facts', async () => {
    const i = input();
    await provider.create(i);
    await emulator.simulate('pay', i.reference);
    const first = last().verified!.events[0]!.eventId;
    clock.advance(5_000); // a redelivery carries a new nonce; the event is still the same
    await emulator.redeliver(i.reference);
    clock.advance(-5_000);
    assert.equal(last().verified!.events[0]!.eventId, first);
    const j = input();
    await provider.create(j);
    await emulator.simulate('expire', j.reference);
    assert.notEqual(last().verified!.events[0]!.eventId, first);
  });

  it('reject on the page ends the attempt as cancelled', async () => {
    const i = input();
    const r = await provider.create(i);
    const res = await fetch(`${r.redirectUrl}/reject`, { method: 'POST', redirect: 'manual' });
    assert.equal(res.status, 303);
    assert.equal(last().verified!.events[0]!.status, 'cancelled');
    assert.equal((await provider.status({ reference: i.reference, providerRef: r.providerRef })).status, 'cancelled');
  });

  it('expires by the clock; simulate expire sends an EXPIRED notification', async () => {
    const i = input({ expiresAt: new Date(clock.now().getTime() + 5 * 60_000) });
    const r = await provider.create(i);
    const saved = clock.now();
    clock.advance(6 * 60_000);
    try {
      const s = await provider.status({ reference: i.reference, providerRef: r.providerRef });
      assert.equal(s.status, 'expired');
      assert.equal(s.providerStatus, 'EXPIRED');
    } finally {
      clock.set(saved);
    }
    const j = input();
    await provider.create(j);
    const sim = await emulator.simulate('expire', j.reference);
    assert.equal(sim.webhookStatus, 200);
    assert.equal(last().verified!.events[0]!.status, 'expired');
  });

  it('cancel before approval cancels; after approval it must be a refund', async () => {
    const i = input();
    const r = await provider.create(i);
    const c = await provider.cancel({ reference: i.reference, providerRef: r.providerRef });
    assert.equal(c.status, 'cancelled');
    assert.equal((await provider.status({ reference: i.reference, providerRef: r.providerRef })).status, 'cancelled');

    const j = input();
    const rj = await provider.create(j);
    await emulator.simulate('pay', j.reference);
    await assert.rejects(provider.cancel({ reference: j.reference, providerRef: rj.providerRef }), (e: unknown) => {
      return e instanceof ProviderRejectedError && e.providerCode === 'already_approved';
    });
  });

  it('refunds partially, refuses more than what is left, and a full refund ends as CANCELLED', async () => {
    const i = input();
    const r = await provider.create(i);
    await emulator.simulate('pay', i.reference);
    const ref = { reference: i.reference, providerRef: r.providerRef };
    assert.deepEqual(await provider.refund({ ...ref, refundId: `${i.reference}-r1`, amount: 500_000, reason: 'Barang rusak' }), {
      refundRef: `${i.reference}-r1`,
      status: 'succeeded',
    });
    // Retrying the same refund is the same refund.
    await provider.refund({ ...ref, refundId: `${i.reference}-r1`, amount: 500_000, reason: 'Barang rusak' });
    assert.equal((await provider.status(ref)).status, 'paid');
    await assert.rejects(provider.refund({ ...ref, refundId: `${i.reference}-r2`, amount: 1_000_001, reason: 'x' }), (e: unknown) => {
      return e instanceof ProviderRejectedError && e.httpStatus === 422 && e.providerCode === 'ValidationError';
    });
    await provider.refund({ ...ref, refundId: `${i.reference}-r3`, amount: 1_000_000, reason: 'Sisa' });
    const s = await provider.status(ref);
    assert.equal(s.providerStatus, 'CANCELLED');
    assert.equal(emulator.inspect(i.reference)!.refundedTotal, 1_500_000);
  });

  it('the cancellation path is configurable (the version is unconfirmed)', async () => {
    const v3 = createIndodanaProvider({ ...CREDS, baseUrl: emuBase }, { http, clock, timeouts }, { cancellationPath: '/v3/order_cancellation' });
    const i = input();
    const r = await v3.create(i);
    assert.equal((await v3.cancel({ reference: i.reference, providerRef: r.providerRef })).status, 'cancelled');
    const nowhere = createIndodanaProvider({ ...CREDS, baseUrl: emuBase }, { http, clock, timeouts }, { cancellationPath: '/v9/order_cancellation' });
    const j = input();
    const rj = await nowhere.create(j);
    await assert.rejects(nowhere.cancel({ reference: j.reference, providerRef: rj.providerRef }), ProviderRejectedError);
  });

  it('status of an unknown order → rejected 404 NotFoundError', async () => {
    await assert.rejects(provider.status({ reference: 'NOPE', providerRef: 'NOPE' }), (e: unknown) => {
      return e instanceof ProviderRejectedError && e.httpStatus === 404 && e.providerCode === 'NotFoundError';
    });
  });
});

describe('Indodana webhook verification', () => {
  let good: WebhookRequest;
  before(async () => {
    const i = input();
    await provider.create(i);
    await emulator.simulate('pay', i.reference);
    good = last().req;
    assert.ok(last().verified, 'the paid notification verified');
  });
  const withAuth = (authorization: string | undefined): WebhookRequest => ({ ...good, headers: { ...good.headers, authorization } });
  const expectCode = (req: WebhookRequest, code: string) =>
    assert.throws(() => provider.verifyWebhook(req), (e: unknown) => e instanceof WebhookVerificationError && e.code === code);
  const nonce = () => Math.floor(clock.now().getTime() / 1000);

  it('rejects a missing, malformed, foreign-key, wrong-secret or tampered token', () => {
    expectCode(withAuth(undefined), 'webhook_signature_invalid');
    expectCode(withAuth('Bearer nonsense'), 'webhook_signature_invalid');
    expectCode(withAuth(indodanaBearer('someone-else', CREDS.apiSecret, nonce())), 'webhook_signature_invalid');
    expectCode(withAuth(indodanaBearer(CREDS.apiKey, 'wrong-secret', nonce())), 'webhook_signature_invalid');
    const a = good.headers.authorization!;
    const flipped = a.slice(0, -1) + (a.endsWith('0') ? '1' : '0');
    expectCode(withAuth(flipped), 'webhook_signature_invalid');
  });

  it('holds the nonce to ±10 minutes', () => {
    expectCode(withAuth(indodanaBearer(CREDS.apiKey, CREDS.apiSecret, nonce() - 601)), 'webhook_stale');
    expectCode(withAuth(indodanaBearer(CREDS.apiKey, CREDS.apiSecret, nonce() + 601)), 'webhook_stale');
    assert.equal(provider.verifyWebhook(withAuth(indodanaBearer(CREDS.apiKey, CREDS.apiSecret, nonce() - 599))).events.length, 1);
  });

  it('rejects a body without merchantOrderId or transactionStatus as malformed', () => {
    expectCode({ ...good, rawBody: Buffer.from('{"amount":1}') }, 'webhook_malformed');
    expectCode({ ...good, rawBody: Buffer.from('not json') }, 'webhook_malformed');
  });

  it('answers a forged notification 401 with the REJECTED body Indodana reads', async () => {
    const res = await fetch(`${hookBase}/webhooks/indodana`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: indodanaBearer(CREDS.apiKey, 'guessed', nonce()) },
      body: good.rawBody.toString('utf8'),
    });
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), { status: 'REJECTED', message: 'Invalid request authorization' });
    assert.deepEqual(provider.rejectAck!(new WebhookVerificationError('webhook_malformed', 'x')), {
      status: 400,
      body: { status: 'REJECTED', message: 'Invalid request body' },
    });
  });
});

describe('Indodana emulator strictness', () => {
  it('accepts a complete checkout', async () => {
    const r = await api('POST', '/v2/checkout_url', checkoutBody());
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'OK');
    assert.match(r.json.redirectUrl, /\/approval\/TRX-/);
  });

  it('401 FailedAuthError for a missing, malformed, foreign or stale Bearer', async () => {
    const n = Math.floor(clock.now().getTime() / 1000);
    const cases: Array<string | null> = [
      null,
      'Basic abc',
      `Bearer ${CREDS.apiKey}:${n}`,
      indodanaBearer('not-our-key', CREDS.apiSecret, n),
      indodanaBearer(CREDS.apiKey, 'wrong-secret', n),
      indodanaBearer(CREDS.apiKey, CREDS.apiSecret, n - 3600),
      indodanaBearer(CREDS.apiKey, CREDS.apiSecret, n * 1000), // milliseconds instead of seconds
    ];
    for (const auth of cases) {
      const r = await api('POST', '/v2/checkout_url', checkoutBody(), auth);
      assert.equal(r.status, 401, String(auth));
      assert.equal(r.json.status, 'ERROR');
      assert.equal(r.json.error.kind, 'FailedAuthError');
      assert.equal(typeof r.json.error.message, 'string');
    }
  });

  const invalid: Array<[string, Record<string, unknown>]> = [
    ['a 33-char merchantOrderId', checkoutBody({}, { merchantOrderId: 'A'.repeat(33) })],
    ['a merchantOrderId with #', checkoutBody({}, { merchantOrderId: 'ORD#1' })],
    ['amount ≠ Σ price × quantity', checkoutBody({}, { amount: 300_001 })],
    ['items missing', checkoutBody({}, { items: [] })],
    ['quantity 0', checkoutBody({}, { amount: 0, items: [{ id: 'a', name: 'a', price: 1, quantity: 0 }] })],
    ['customerDetails missing', checkoutBody({ customerDetails: undefined })],
    ['sellers missing', checkoutBody({ sellers: undefined })],
    ['sellers empty', checkoutBody({ sellers: [] })],
    ['paymentType not a calculation id', checkoutBody({ paymentType: '24_months' })],
    ['approvedNotificationUrl missing', checkoutBody({ approvedNotificationUrl: undefined })],
    ['expirationAt in the past', checkoutBody({ expirationAt: '2020-01-01T00:00:00+07:00' })],
  ];
  for (const [what, body] of invalid) {
    it(`422 ValidationError for ${what}`, async () => {
      const r = await api('POST', '/v2/checkout_url', body);
      assert.equal(r.status, 422, r.text);
      assert.equal(r.json.status, 'ERROR');
      assert.equal(r.json.error.kind, 'ValidationError');
    });
  }

  it('accepts a 32-char merchantOrderId using every allowed symbol', async () => {
    const id = `Ab9=.-_+@:&^%!$${crypto.randomUUID().replace(/-/g, '')}`.slice(0, 32);
    const r = await api('POST', '/v2/checkout_url', checkoutBody({}, { merchantOrderId: id }));
    assert.equal(r.status, 200, r.text);
  });

  it('400 for a body that is not JSON', async () => {
    const r = await api('POST', '/v2/checkout_url', '{"transactionDetails":');
    assert.equal(r.status, 400);
    assert.equal(r.json.status, 'ERROR');
  });

  it('merchantOrderId reuse: identical body replays (200), any other body → 409', async () => {
    const body = checkoutBody();
    const a = await api('POST', '/v2/checkout_url', body);
    const b = await api('POST', '/v2/checkout_url', body);
    assert.equal(b.status, 200);
    assert.equal(b.json.transactionId, a.json.transactionId);
    const c = await api('POST', '/v2/checkout_url', { ...body, paymentType: '6_months' });
    assert.equal(c.status, 409);
    assert.equal(c.json.error.kind, 'ConflictError');
  });

  it('payment_calculation validates the cart and check_status needs merchantOrderId', async () => {
    assert.equal((await api('POST', '/v2/payment_calculation', { amount: 100, items: [{ id: 'a', name: 'a', price: 99, quantity: 1 }] })).status, 422);
    assert.equal((await api('POST', '/v2/payment_calculation', { amount: 100, items: [{ id: 'a', name: 'a', price: 100, quantity: 1 }] })).status, 200);
    assert.equal((await api('GET', '/v1/transactions/check_status')).status, 422);
    assert.equal((await api('POST', '/v2/payment_calculation', { amount: 100, items: [] }, null)).status, 401);
  });

  it('order_cancellation validates its fields', async () => {
    const r = await api('POST', '/v2/order_cancellation', { merchantOrderId: 'X', cancellationAmount: -1 });
    assert.equal(r.status, 422);
    assert.match(r.json.error.message, /refundId/);
    assert.match(r.json.error.message, /cancellationAmount/);
  });
});

describe('Indodana failures map to ProviderError kinds', () => {
  it('500 / 503 / malformed JSON → unavailable', async () => {
    emulator.setFault('error500', 1);
    await assert.rejects(provider.create(input()), ProviderUnavailableError);
    emulator.setFault('error503', 1);
    await assert.rejects(provider.installments!(100_000, []), ProviderUnavailableError);
    emulator.setFault('malformed-json', 1);
    await assert.rejects(provider.status({ reference: 'X', providerRef: 'X' }), ProviderUnavailableError);
  });

  it('no answer → timeout', async () => {
    const impatient = createIndodanaProvider({ ...CREDS, baseUrl: emuBase }, { http, clock, timeouts: { create: 150, status: 150, cancel: 150, refund: 150 } });
    emulator.setFault('hang', 1);
    await assert.rejects(impatient.create(input()), ProviderTimeoutError);
  });

  it('reset after commit → unavailable, and the identical retry gets the committed transaction', async () => {
    const i = input();
    emulator.setFault('reset-after-commit', 1);
    await assert.rejects(provider.create(i), ProviderUnavailableError);
    const committed = emulator.inspect(i.reference);
    assert.ok(committed, 'the first attempt was committed');
    assert.equal((await provider.create(i)).providerRef, committed.transactionId);
  });

  it('connection refused → unavailable; a wrong secret → auth error', async () => {
    const dead = createIndodanaProvider({ ...CREDS, baseUrl: 'http://127.0.0.1:1' }, { http, clock, timeouts });
    await assert.rejects(dead.status({ reference: 'X', providerRef: 'X' }), ProviderUnavailableError);
    const wrong = createIndodanaProvider({ ...CREDS, apiSecret: 'not-ours', baseUrl: emuBase }, { http, clock, timeouts });
    await assert.rejects(wrong.create(input()), ProviderAuthError);
  });

  it('a validation refusal → rejected with the emulator kind', async () => {
    await assert.rejects(provider.create(input({ installment: '24_months' })), (e: unknown) => {
      return e instanceof ProviderRejectedError && e.httpStatus === 422 && e.providerCode === 'ValidationError' && /paymentType/.test(e.message);
    });
  });
});
