/**
 * Doku Checkout adapter against its strict emulator, over real HTTP on 127.0.0.1 (providers.md §1).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { createDokuEmulator, type DokuEmulator } from '../../server/emulators/doku/index.js';
import { sign as emulatorSign, digestOf as emulatorDigest } from '../../server/emulators/doku/signing.js';
import {
  ProviderAuthError,
  ProviderNotSupportedError,
  ProviderRejectedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
  WebhookVerificationError,
} from '../../server/errors.js';
import { ManualClock } from '../../server/lib/clock.js';
import { createDokuProvider } from '../../server/providers/doku/index.js';
import { STATUS_TABLE, fromWireAmount, mapStatus, parseDokuWibDate, toDokuLineItems } from '../../server/providers/doku/mapping.js';
import { dokuDigest, dokuRequestHeaders, dokuSignature, dokuTimestamp } from '../../server/providers/doku/signing.js';
import type { CreatePaymentInput, PaymentProvider, WebhookRequest } from '../../server/providers/types.js';
import { fetchJson, providerHarness } from '../helpers/provider-harness.js';

const CREDS = SANDBOX_CREDENTIALS.doku;
let emulator: DokuEmulator;
let provider: PaymentProvider;
let emuBase = '';
let hookBase = '';
/** Each notification is verified with `provider` as it arrives, as the companion's webhook endpoint does. */
const { clock, hooks, ctx } = providerHarness('doku', {
  emulator: (o) => createDokuEmulator(CREDS, o),
  adapter: (baseUrl, c) => createDokuProvider({ ...CREDS, baseUrl }, c),
  ready: (r) => ({ emulator, provider, emuBase, hookBase } = r),
});
const { http, timeouts } = ctx;

let seq = 0;
function input(over: Partial<CreatePaymentInput> = {}): CreatePaymentInput {
  seq++;
  return {
    paymentId: `pay_test_${seq}`,
    reference: `BYR-DOKU-${seq}-${Math.random().toString(36).slice(2, 8)}`,
    orderId: `ORDER-${seq}`,
    amount: 150_000,
    family: 'va',
    channel: 'bca',
    customer: { name: 'Budi Santoso', email: 'budi@example.com', phone: '081234567890' },
    items: [{ name: 'Kaos Batik', price: 75_000, quantity: 2, sku: 'KAOS-1' }],
    expiresAt: new Date(clock.now().getTime() + 60 * 60_000),
    webhookUrl: `${hookBase}/webhooks/doku`,
    returnUrl: 'https://shop.example/thanks',
    ...over,
  };
}

const lastDelivery = hooks.last;

/** A raw call to the emulator, signed by the test (with the adapter's vector-pinned signing functions). */
async function rawCall(
  method: 'GET' | 'POST',
  path: string,
  body?: string,
  o: { requestId?: string; secret?: string; clientId?: string; timestamp?: string; omit?: string[]; signedBody?: string; extra?: Record<string, string> } = {},
) {
  const requestId = o.requestId ?? crypto.randomUUID();
  const headers = dokuRequestHeaders(
    { clientId: o.clientId ?? CREDS.clientId, secretKey: o.secret ?? CREDS.secretKey },
    { requestId, timestamp: o.timestamp ?? dokuTimestamp(clock.now()), target: path, body: o.signedBody ?? body },
  );
  for (const h of o.omit ?? []) delete headers[h];
  return fetchJson(emuBase + path, { method, headers: { ...headers, ...o.extra }, body });
}

const checkoutBody = (over: Record<string, unknown> = {}, order: Record<string, unknown> = {}, payment: Record<string, unknown> = {}) =>
  JSON.stringify({
    order: { amount: 20000, invoice_number: `INV-${crypto.randomUUID().slice(0, 8)}`, currency: 'IDR', ...order },
    payment: { payment_due_date: 60, ...payment },
    ...over,
  });

describe('Doku signing (providers.md §1.8 vectors)', () => {
  const base = { clientId: 'MCH-0001-10791114622547', timestamp: '2020-08-11T08:45:42Z' };
  const secret = 'SK-TEST-SECRET-123';
  const body1 = '{"order":{"amount":20000,"invoice_number":"INV-20210231-0001"},"payment":{"payment_due_date":60}}';
  const body3 =
    '{"service":{"id":"VIRTUAL_ACCOUNT"},"acquirer":{"id":"BCA"},"channel":{"id":"VIRTUAL_ACCOUNT_BCA"},"transaction":{"status":"SUCCESS","date":"2021-01-27T03:24:23Z","original_request_id":"15022aab-444f-4b04-afa8-ddfce89432ec"},"order":{"invoice_number":"INV-20210124-0001","amount":150000},"virtual_account_info":{"virtual_account_number":"1900600000000046"}}';

  it('V-DOKU-1: checkout POST digest and signature', () => {
    assert.equal(dokuDigest(body1), 'iDUNgGutnjXGk8dcBw0J4EtC2qOuQfvV7iyMwgV+y5Q=');
    const p = { ...base, requestId: 'fdb69f47-96da-499d-acec-7cdc318ab2fe', target: '/checkout/v1/payment', digest: dokuDigest(body1) };
    assert.equal(dokuSignature(secret, p), 'HMACSHA256=4b9PETWH4+Jq/jjaUIRRxCJeSsCkTRFTWRx1GEfxKRI=');
    assert.equal(emulatorSign(secret, { ...p, digest: emulatorDigest(body1) }), 'HMACSHA256=4b9PETWH4+Jq/jjaUIRRxCJeSsCkTRFTWRx1GEfxKRI=');
  });

  it('V-DOKU-2: check-status GET has no Digest line', () => {
    const p = { ...base, requestId: 'd895fb53-479c-4f77-a76a-ab81b40d77cb', target: '/orders/v1/status/INV-123123-12313' };
    assert.equal(dokuSignature(secret, p), 'HMACSHA256=j3fQ8iTE8tFK4s0Nq2ZSWeZD1Lq28fSa4L0QRnB6YP4=');
    assert.equal(emulatorSign(secret, p), 'HMACSHA256=j3fQ8iTE8tFK4s0Nq2ZSWeZD1Lq28fSa4L0QRnB6YP4=');
    // Adding an (empty-body) digest must change it: GETs are signed without the line, not with an empty one.
    assert.notEqual(dokuSignature(secret, { ...p, digest: dokuDigest('') }), 'HMACSHA256=j3fQ8iTE8tFK4s0Nq2ZSWeZD1Lq28fSa4L0QRnB6YP4=');
  });

  it('V-DOKU-3: notification signed with the path of our notification URL', () => {
    assert.equal(dokuDigest(body3), 'M4vJ0gqMUeDEbWrwNiNJAQPmpkKXNIkAXNHIV52aU0c=');
    const p = { ...base, requestId: '479b663f-5c9d-400d-8e80-3e548a8f7639', target: '/payments/notifications', digest: dokuDigest(body3) };
    assert.equal(dokuSignature(secret, p), 'HMACSHA256=clbYlpkHI59kTOg+t1+YHMYohR/trYy2UyiP9VPPKXc=');
    assert.equal(emulatorSign(secret, p), 'HMACSHA256=clbYlpkHI59kTOg+t1+YHMYohR/trYy2UyiP9VPPKXc=');
  });

  it('verifyWebhook accepts the V-DOKU-3 notification when our path is /payments/notifications', () => {
    const p = createDokuProvider({ clientId: base.clientId, secretKey: secret, baseUrl: 'http://unused.invalid' }, {
      http,
      clock: new ManualClock(new Date('2020-08-11T08:47:00Z').getTime()),
      timeouts,
    });
    const headers = {
      'client-id': base.clientId,
      'request-id': '479b663f-5c9d-400d-8e80-3e548a8f7639',
      'request-timestamp': base.timestamp,
      signature: 'HMACSHA256=clbYlpkHI59kTOg+t1+YHMYohR/trYy2UyiP9VPPKXc=',
    };
    const v = p.verifyWebhook({ headers, rawBody: Buffer.from(body3), path: '/payments/notifications', receivedAt: new Date() });
    assert.equal(v.events.length, 1);
    assert.deepEqual(
      { ...v.events[0] },
      {
        eventId: '479b663f-5c9d-400d-8e80-3e548a8f7639',
        reference: 'INV-20210124-0001',
        providerRef: 'INV-20210124-0001',
        status: 'paid',
        providerStatus: 'SUCCESS',
        amount: 150000,
        paidAt: '2021-01-27T03:24:23.000Z',
      },
    );
    assert.throws(
      () => p.verifyWebhook({ headers, rawBody: Buffer.from(body3), path: '/webhooks/doku', receivedAt: new Date() }),
      (e: unknown) => e instanceof WebhookVerificationError && e.code === 'webhook_signature_invalid',
    );
  });
});

describe('Doku mapping', () => {
  it('maps every documented status; unknown words stay pending', () => {
    assert.deepEqual(STATUS_TABLE, {
      PENDING: 'pending',
      SUCCESS: 'paid',
      FAILED: 'failed',
      EXPIRED: 'expired',
      REFUNDED: 'refunded',
      TIMEOUT: 'pending',
      REDIRECT: 'pending',
    });
    assert.equal(mapStatus('SOMETHING_NEW'), 'pending');
    assert.equal(mapStatus('constructor'), 'pending');
  });

  it('converts wire amounts and WIB dates', () => {
    assert.equal(fromWireAmount('80000'), 80000);
    assert.equal(fromWireAmount('80000.00'), 80000);
    assert.equal(fromWireAmount(150000), 150000);
    // Exact: a fraction or anything unreadable is never rounded into an amount (it can only mismatch).
    for (const bad of ['8e4', '149999.5', '149999.50', 149999.5, -1, 'abc']) assert.ok(Number.isNaN(fromWireAmount(bad)), String(bad));
    assert.equal(fromWireAmount(undefined), undefined);
    assert.equal(parseDokuWibDate('20260904104531')?.toISOString(), '2026-09-04T03:45:31.000Z');
    assert.equal(parseDokuWibDate('2026-09-04'), null);
  });

  it('sends line items only when they add up to the amount', () => {
    assert.equal(toDokuLineItems([{ name: 'A', price: 1000, quantity: 3 }], 3000)?.length, 1);
    assert.equal(toDokuLineItems([{ name: 'A', price: 1000, quantity: 3 }], 3500), undefined);
  });
});

describe('Doku adapter against the emulator', () => {
  it('offers VA, QRIS, e-wallet and retail methods within 10.000 – 999.999.999.999', () => {
    const ids = provider.methods().map((m) => `${m.family}:${m.channel}`);
    for (const id of ['va:bca', 'va:mandiri', 'va:bri', 'va:bni', 'va:permata', 'va:cimb', 'va:danamon', 'va:bsi', 'qris:qris', 'ewallet:dana', 'ewallet:ovo', 'ewallet:shopeepay', 'ewallet:linkaja', 'cstore:alfamart', 'cstore:indomaret']) {
      assert.ok(ids.includes(id), `${id} offered`);
    }
    for (const m of provider.methods()) {
      assert.equal(m.minAmount, 10_000);
      assert.equal(m.maxAmount, 999_999_999_999);
    }
  });

  const channels: Array<[CreatePaymentInput['family'], string, string]> = [
    ['va', 'bca', 'VIRTUAL_ACCOUNT_BCA'],
    ['va', 'bsi', 'VIRTUAL_ACCOUNT_BANK_SYARIAH_MANDIRI'],
    ['qris', 'qris', 'QRIS'],
    ['ewallet', 'dana', 'EMONEY_DANA'],
    ['cstore', 'alfamart', 'ONLINE_TO_OFFLINE_ALFA'],
  ];
  for (const [family, channel, type] of channels) {
    it(`create ${family}:${channel} opens a hosted page restricted to ${type}`, async () => {
      const i = input({ family, channel });
      const r = await provider.create(i);
      const seen = emulator.inspect(i.reference);
      assert.ok(seen, 'the emulator holds the checkout');
      assert.equal(r.providerRef, i.reference);
      assert.equal(r.redirectUrl, `${emuBase}/checkout-link-v2/${seen.tokenId}`);
      assert.equal(r.expiresAt, i.expiresAt.toISOString());
      assert.deepEqual(seen.methodTypes, [type]);
      assert.equal(seen.amount, 150_000);
      assert.equal(seen.notifyUrl, i.webhookUrl);
      assert.equal(seen.callbackUrl, i.returnUrl);
      assert.equal(seen.dueMinutes, 60);
      assert.equal(seen.lineItems.length, 1);
      assert.equal(r.va, undefined);

      const page = await fetch(r.redirectUrl!);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, new RegExp(`value="${type}"`));
      assert.match(html, /Rp\s?150\.000/);
      assert.doesNotMatch(html, /<script/i);
      assert.doesNotMatch(html, /\sstyle=/i);
      const actions = [...html.matchAll(/<form method="post" action="([^"]+)"/g)].map((m) => new URL(m[1]!, r.redirectUrl).href);
      assert.deepEqual(actions, [`${r.redirectUrl}/pay`, `${r.redirectUrl}/cancel`]);
      if (type === 'QRIS') assert.match(html, /000201010212/);
    });
  }

  it('omits line items that do not add up to the amount', async () => {
    const i = input({ items: [{ name: 'Kaos', price: 10_000, quantity: 1 }] });
    await provider.create(i);
    assert.equal(emulator.inspect(i.reference)?.lineItems.length, 0);
  });

  it('refuses a method it has no Doku type for', async () => {
    await assert.rejects(provider.create(input({ family: 'paylater', channel: 'kredivo' })), ProviderNotSupportedError);
  });

  it('a repeated create replays the same checkout (Request-Id idempotency, 409 treated as success)', async () => {
    const i = input();
    const a = await provider.create(i);
    clock.advance(90_000); // a later retry: new timestamp, same Request-Id and bytes
    const b = await provider.create(i);
    clock.advance(-90_000);
    assert.equal(b.redirectUrl, a.redirectUrl);
    assert.equal(b.providerRef, a.providerRef);
  });

  it('survives a lost answer: the retry after reset-after-commit gets the committed checkout', async () => {
    const i = input();
    emulator.setFault('reset-after-commit', 1);
    await assert.rejects(provider.create(i), ProviderUnavailableError);
    const committed = emulator.inspect(i.reference);
    assert.ok(committed, 'the first attempt was committed');
    const r = await provider.create(i);
    assert.equal(r.redirectUrl, `${emuBase}/checkout-link-v2/${committed.tokenId}`);
  });

  it('status → pay → signed notification → verified paid event → status paid', async () => {
    const i = input();
    await provider.create(i);
    const before = await provider.status({ reference: i.reference, providerRef: i.reference });
    assert.equal(before.status, 'pending');
    assert.equal(before.providerStatus, 'PENDING');

    const n = hooks.deliveries.length;
    const sim = await emulator.simulate('pay', i.reference);
    assert.equal(sim.webhookStatus, 200);
    assert.equal(hooks.deliveries.length, n + 1);
    const d = lastDelivery();
    assert.equal(d.error, undefined);
    const ev = d.verified!.events[0]!;
    assert.equal(ev.status, 'paid');
    assert.equal(ev.amount, 150_000);
    assert.equal(ev.reference, i.reference);
    assert.equal(ev.eventId, d.req.headers['request-id']);
    assert.equal(provider.capabilities.webhookNeedsConfirmation, false);

    const after = await provider.status({ reference: i.reference, providerRef: i.reference });
    assert.equal(after.status, 'paid');
    assert.equal(after.amount, 150_000);
    assert.equal(after.paidAt, clock.now().toISOString());

    // Doku's retry / Back Office resend carries the same Request-Id → the same event identity.
    await emulator.redeliver(i.reference);
    assert.equal(lastDelivery().verified!.events[0]!.eventId, ev.eventId);
  });

  it('reports the amount actually paid', async () => {
    const i = input();
    await provider.create(i);
    await emulator.simulate('pay', i.reference, { amount: 149_000 });
    assert.equal(lastDelivery().verified!.events[0]!.amount, 149_000);
  });

  it('hosted page Pay performs the payment, notifies, and redirects to callback_url', async () => {
    const i = input({ family: 'ewallet', channel: 'dana' });
    const r = await provider.create(i);
    const res = await fetch(`${r.redirectUrl}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'method=EMONEY_DANA',
      redirect: 'manual',
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), i.returnUrl);
    const ev = lastDelivery().verified!.events[0]!;
    assert.equal(ev.reference, i.reference);
    assert.equal(ev.status, 'paid');
  });

  it('hosted page Cancel ends the attempt as FAILED', async () => {
    const i = input();
    const r = await provider.create(i);
    const res = await fetch(`${r.redirectUrl}/cancel`, { method: 'POST', redirect: 'manual' });
    assert.equal(res.status, 303);
    assert.equal(lastDelivery().verified!.events[0]!.status, 'failed');
    assert.equal((await provider.status({ reference: i.reference, providerRef: i.reference })).status, 'failed');
  });

  it('expires by the clock, and simulate expire notifies EXPIRED', async () => {
    const i = input({ expiresAt: new Date(clock.now().getTime() + 2 * 60_000) });
    await provider.create(i);
    const saved = clock.now();
    clock.advance(3 * 60_000);
    try {
      assert.equal((await provider.status({ reference: i.reference, providerRef: i.reference })).status, 'expired');
      await assert.rejects(emulator.simulate('pay', i.reference), /EXPIRED/);
    } finally {
      clock.set(saved);
    }
    const j = input();
    await provider.create(j);
    await emulator.simulate('expire', j.reference);
    const ev = lastDelivery().verified!.events[0]!;
    assert.equal(ev.status, 'expired');
    assert.equal(ev.reference, j.reference);
  });

  it('cancel and refund are not supported', async () => {
    const ref = { reference: 'X', providerRef: 'X' };
    await assert.rejects(provider.cancel(ref), ProviderNotSupportedError);
    await assert.rejects(provider.refund({ ...ref, refundId: 'r1', amount: 1000, reason: 'test' }), ProviderNotSupportedError);
  });

  it('status of an unknown invoice is a rejection (404)', async () => {
    await assert.rejects(provider.status({ reference: 'NO-SUCH-INVOICE', providerRef: 'NO-SUCH-INVOICE' }), (e: unknown) => {
      return e instanceof ProviderRejectedError && e.httpStatus === 404;
    });
  });
});

describe('Doku webhook verification', () => {
  let good: WebhookRequest;
  before(async () => {
    const i = input();
    await provider.create(i);
    await emulator.simulate('pay', i.reference);
    good = lastDelivery().req;
    assert.ok(lastDelivery().verified, 'the paid notification verified');
  });
  const expectCode = (req: WebhookRequest, code: string) =>
    assert.throws(() => provider.verifyWebhook(req), (e: unknown) => e instanceof WebhookVerificationError && e.code === code);

  it('rejects a flipped body byte', () => {
    const raw = Buffer.from(good.rawBody);
    raw[raw.length - 3] = raw[raw.length - 3]! ^ 0x01;
    expectCode({ ...good, rawBody: raw }, 'webhook_signature_invalid');
  });

  it('rejects a tampered amount, another path, another Client-Id, a missing Signature', () => {
    const tampered = Buffer.from(good.rawBody.toString().replace('150000', '1500000'));
    expectCode({ ...good, rawBody: tampered }, 'webhook_signature_invalid');
    expectCode({ ...good, path: '/webhooks/doku/' }, 'webhook_signature_invalid');
    expectCode({ ...good, headers: { ...good.headers, 'client-id': 'MCH-0001-00000000000000' } }, 'webhook_signature_invalid');
    expectCode({ ...good, headers: { ...good.headers, signature: undefined } }, 'webhook_signature_invalid');
  });

  it('rejects a notification signed with another secret', () => {
    const h = good.headers;
    const sig = dokuSignature('SK-someone-else', {
      clientId: h['client-id']!,
      requestId: h['request-id']!,
      timestamp: h['request-timestamp']!,
      target: good.path,
      digest: dokuDigest(good.rawBody),
    });
    expectCode({ ...good, headers: { ...h, signature: sig } }, 'webhook_signature_invalid');
  });

  it('rejects a Request-Timestamp outside ±5 minutes as stale', () => {
    const saved = clock.now();
    try {
      clock.advance(5 * 60_000 + 2_000);
      expectCode(good, 'webhook_stale');
      clock.set(saved);
      clock.advance(-(5 * 60_000 + 2_000));
      expectCode(good, 'webhook_stale');
    } finally {
      clock.set(saved);
    }
    assert.equal(provider.verifyWebhook(good).events.length, 1);
  });

  it('rejects a correctly signed body that is not a notification as malformed', () => {
    const rawBody = Buffer.from('{"hello":"world"}');
    const h = good.headers;
    const sig = dokuSignature(CREDS.secretKey, {
      clientId: h['client-id']!,
      requestId: h['request-id']!,
      timestamp: h['request-timestamp']!,
      target: good.path,
      digest: dokuDigest(rawBody),
    });
    expectCode({ ...good, rawBody, headers: { ...h, signature: sig } }, 'webhook_malformed');
  });
});

describe('Doku emulator strictness', () => {
  it('accepts a well-signed minimal checkout', async () => {
    const r = await rawCall('POST', '/checkout/v1/payment', checkoutBody());
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.message, ['SUCCESS']);
    assert.equal(typeof r.json.response.order.amount, 'string');
    assert.match(r.json.response.payment.expired_date, /^\d{14}$/);
    assert.ok(r.json.response.payment.url.endsWith(`/checkout-link-v2/${r.json.response.payment.token_id}`), 'url ends with the token');
  });

  for (const h of ['Client-Id', 'Request-Id', 'Request-Timestamp', 'Signature']) {
    it(`missing ${h} → 400 with a message array`, async () => {
      const r = await rawCall('POST', '/checkout/v1/payment', checkoutBody(), { omit: [h] });
      assert.equal(r.status, 400);
      assert.ok(Array.isArray(r.json.message), 'message is an array');
      assert.match(r.json.message.join(' '), new RegExp(h));
    });
  }

  it('wrong secret, wrong Client-Id, or a body changed after signing → 401', async () => {
    assert.equal((await rawCall('POST', '/checkout/v1/payment', checkoutBody(), { secret: 'SK-wrong' })).status, 401);
    assert.equal((await rawCall('POST', '/checkout/v1/payment', checkoutBody(), { clientId: 'MCH-0001-00000000000001' })).status, 401);
    const body = checkoutBody();
    const r = await rawCall('POST', '/checkout/v1/payment', body.replace('20000', '20001'), { signedBody: body });
    assert.equal(r.status, 401);
    assert.deepEqual(r.json.message, ['Invalid Signature']);
  });

  it('a Request-Timestamp outside the window or in another format → 400', async () => {
    const old = dokuTimestamp(new Date(clock.now().getTime() - 6 * 60_000));
    assert.equal((await rawCall('POST', '/checkout/v1/payment', checkoutBody(), { timestamp: old })).status, 400);
    const local = clock.now().toISOString(); // with milliseconds: not Doku's format
    assert.equal((await rawCall('POST', '/checkout/v1/payment', checkoutBody(), { timestamp: local })).status, 400);
  });

  const invalid: Array<[string, string]> = [
    ['non-integer amount', checkoutBody({}, { amount: 20000.5 })],
    ['string amount', checkoutBody({}, { amount: '20000' })],
    ['13-digit amount', checkoutBody({}, { amount: 1_000_000_000_000 })],
    ['zero amount', checkoutBody({}, { amount: 0 })],
    ['empty invoice_number', checkoutBody({}, { invoice_number: '' })],
    ['65-char invoice_number', checkoutBody({}, { invoice_number: 'I'.repeat(65) })],
    ['zero payment_due_date', checkoutBody({}, {}, { payment_due_date: 0 })],
    ['negative payment_due_date', checkoutBody({}, {}, { payment_due_date: -5 })],
    ['unknown payment_method_types', checkoutBody({}, {}, { payment_method_types: ['VIRTUAL_ACCOUNT_NOPE'] })],
    ['non-URL override_notification_url', checkoutBody({ additional_info: { override_notification_url: 'not a url' } })],
    ['line items not adding up', checkoutBody({}, { line_items: [{ name: 'A', price: 1000, quantity: 1 }] })],
    ['not JSON', '{"order":'],
  ];
  for (const [what, body] of invalid) {
    it(`${what} → 400`, async () => {
      const r = await rawCall('POST', '/checkout/v1/payment', body);
      assert.equal(r.status, 400, r.text);
      assert.ok(Array.isArray(r.json.message) && r.json.message.length > 0, 'message is a non-empty array');
    });
  }

  it('accepts 12 digits and 64-char invoice numbers', async () => {
    const r = await rawCall('POST', '/checkout/v1/payment', checkoutBody({}, { amount: 999_999_999_999, invoice_number: `I${crypto.randomUUID().replace(/-/g, '')}`.padEnd(64, 'X') }));
    assert.equal(r.status, 200, r.text);
  });

  it('Request-Id reuse: same body → cached answer with 409; other body → 400', async () => {
    const requestId = crypto.randomUUID();
    const body = checkoutBody();
    const first = await rawCall('POST', '/checkout/v1/payment', body, { requestId });
    assert.equal(first.status, 200);
    clock.advance(30_000);
    const again = await rawCall('POST', '/checkout/v1/payment', body, { requestId });
    clock.advance(-30_000);
    assert.equal(again.status, 409);
    assert.equal(again.text, first.text);
    const other = await rawCall('POST', '/checkout/v1/payment', checkoutBody(), { requestId });
    assert.equal(other.status, 400);
  });

  it('a second checkout for the same invoice with a fresh Request-Id → 400', async () => {
    const inv = `INV-${crypto.randomUUID().slice(0, 8)}`;
    assert.equal((await rawCall('POST', '/checkout/v1/payment', checkoutBody({}, { invoice_number: inv }))).status, 200);
    assert.equal((await rawCall('POST', '/checkout/v1/payment', checkoutBody({}, { invoice_number: inv }))).status, 400);
  });

  it('check status must be signed without a Digest line', async () => {
    const inv = `INV-${crypto.randomUUID().slice(0, 8)}`;
    await rawCall('POST', '/checkout/v1/payment', checkoutBody({}, { invoice_number: inv }));
    const ok = await rawCall('GET', `/orders/v1/status/${inv}`);
    assert.equal(ok.status, 200);
    assert.equal(ok.json.transaction.status, 'PENDING');
    assert.equal(ok.json.order.amount, 20000);
    const withDigest = await rawCall('GET', `/orders/v1/status/${inv}`, undefined, { signedBody: '' });
    assert.equal(withDigest.status, 401);
    assert.equal((await rawCall('GET', `/orders/v1/status/${inv}`, undefined, { secret: 'SK-wrong' })).status, 401);
  });

  it('signs its responses (Response-Timestamp + Digest of the body)', async () => {
    const requestId = crypto.randomUUID();
    const body = checkoutBody();
    const headers = dokuRequestHeaders(CREDS, { requestId, timestamp: dokuTimestamp(clock.now()), target: '/checkout/v1/payment', body });
    const res = await fetch(`${emuBase}/checkout/v1/payment`, { method: 'POST', headers, body });
    assert.equal(res.status, 200);
    const text = await res.text();
    const expected = emulatorSign(
      CREDS.secretKey,
      { clientId: CREDS.clientId, requestId, timestamp: res.headers.get('response-timestamp')!, target: '/checkout/v1/payment', digest: dokuDigest(text) },
      'Response-Timestamp',
    );
    assert.equal(res.headers.get('signature'), expected);
  });
});

describe('Doku failures map to ProviderError kinds', () => {
  it('500 and 503 → unavailable', async () => {
    emulator.setFault('error500', 1);
    await assert.rejects(provider.create(input()), ProviderUnavailableError);
    emulator.setFault('error503', 1);
    await assert.rejects(provider.status({ reference: 'X', providerRef: 'X' }), ProviderUnavailableError);
  });

  it('malformed JSON → unavailable', async () => {
    emulator.setFault('malformed-json', 1);
    await assert.rejects(provider.create(input()), ProviderUnavailableError);
  });

  it('no answer → timeout', async () => {
    const impatient = createDokuProvider({ ...CREDS, baseUrl: emuBase }, { http, clock, timeouts: { create: 150, status: 150, cancel: 150, refund: 150 } });
    emulator.setFault('hang', 1);
    await assert.rejects(impatient.create(input()), ProviderTimeoutError);
  });

  it('connection refused → unavailable', async () => {
    const dead = createDokuProvider({ ...CREDS, baseUrl: 'http://127.0.0.1:1' }, { http, clock, timeouts });
    await assert.rejects(dead.create(input()), ProviderUnavailableError);
  });

  it('a wrong secret key → auth error', async () => {
    const wrong = createDokuProvider({ ...CREDS, secretKey: 'SK-not-ours', baseUrl: emuBase }, { http, clock, timeouts });
    await assert.rejects(wrong.create(input()), ProviderAuthError);
  });

  it('a request Doku refuses → rejected with its message', async () => {
    await assert.rejects(provider.create(input({ amount: 1_000_000_000_000 })), (e: unknown) => {
      return e instanceof ProviderRejectedError && e.httpStatus === 400 && /order\.amount/.test(e.message);
    });
  });
});
