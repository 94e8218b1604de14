/**
 * Komerce adapter against the strict Komerce emulator, over real HTTP on 127.0.0.1 (providers.md §3).
 * Time is a ManualClock shared by both sides: expiry and the 1-per-3-s status limit move only when a test
 * advances it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { createKomerceEmulator, wib } from '../../server/emulators/komerce/index.js';
import { signCallback } from '../../server/emulators/komerce/signing.js';
import type { Emulator } from '../../server/emulators/types.js';
import {
  ProviderAuthError,
  ProviderNotSupportedError,
  ProviderRejectedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
  WebhookVerificationError,
} from '../../server/errors.js';
import { createFetchClient } from '../../server/lib/http.js';
import { parseQris, parseTlv } from '../../server/lib/qris.js';
import { createKomerceProvider, KomerceRateLimitedError } from '../../server/providers/komerce/index.js';
import { komerceMethods } from '../../server/providers/komerce/mapping.js';
import { callbackSignature, verifyCallbackSignature } from '../../server/providers/komerce/signing.js';
import type { CreatePaymentInput, PaymentProvider } from '../../server/providers/types.js';
import { fetchJson, providerHarness, recordingHttp, rejects } from '../helpers/provider-harness.js';

// ---- V-KOM-1 (providers.md §3.6)
const V_KOM_1 = {
  key: 'your-generated-key',
  body: '{"payment_id":"KOMPAY-1699012345-A1B2C3","order_id":"KOM12345","status":"PAID","amount":100000}',
  hex: 'd6ac9e9c8ab0766eb2f6109e2886cfc164886cdab6e25072b5c6c5d362e7a512',
  base64: '1qyenIqwdm6y9hCeKIbPwWSIbNq24lBytcbF02LnpRI=',
};

const CREDS = SANDBOX_CREDENTIALS.komerce;
const BANKS = ['bca', 'bni', 'bri', 'mandiri', 'permata', 'cimb', 'bsi', 'bjb'];
const VA_PREFIX: Record<string, string> = { bca: '39012', bni: '8808', bri: '26215', mandiri: '88608', permata: '8625', cimb: '5919', bsi: '9347', bjb: '8017' };

let emulator: Emulator;
let baseUrl: string;
let webhookUrl: string;
let provider: PaymentProvider;
/** What the adapter sends and is answered. */
const { client: http, sent, answers } = recordingHttp();
/** Each callback is verified with `provider` as it arrives, as the companion's webhook endpoint does. */
const { clock, hooks } = providerHarness('komerce', {
  emulator: (o) => createKomerceEmulator(CREDS, o),
  adapter: (base, ctx) => createKomerceProvider({ ...CREDS, baseUrl: base }, ctx),
  http,
  timeouts: { create: 5000, status: 5000, cancel: 5000, refund: 5000 },
  ready: (r) => {
    ({ emulator, provider, emuBase: baseUrl } = r);
    webhookUrl = `${r.hookBase}/webhooks/komerce`;
  },
});
/** Past the 1-request-per-3-s status window. */
const nextStatusWindow = () => clock.advance(3000);
const received = hooks.deliveries;
const lastReceived = hooks.last;

function makeProvider(overrides: { apiKey?: string; callbackKey?: string; timeoutMs?: number } = {}): PaymentProvider {
  const t = overrides.timeoutMs ?? 5000;
  return createKomerceProvider(
    { apiKey: overrides.apiKey ?? CREDS.apiKey, callbackKey: overrides.callbackKey ?? CREDS.callbackKey, baseUrl },
    { http, clock, timeouts: { create: t, status: t, cancel: t, refund: t } },
  );
}

let seq = 0;
function input(over: Partial<CreatePaymentInput> = {}): CreatePaymentInput {
  seq += 1;
  return {
    paymentId: `pay_test_${seq}`,
    reference: `bayar-kom-${seq}-1`,
    orderId: `ORDER-${seq}`,
    amount: 150_000,
    family: 'va',
    channel: 'bca',
    customer: { name: 'Siti Aminah', email: 'siti@example.co.id', phone: '081234567890' },
    items: [{ name: 'Kopi Gayo 250g', price: 75_000, quantity: 2 }],
    expiresAt: new Date(clock.now().getTime() + 24 * 3600_000),
    webhookUrl,
    ...over,
  };
}

/** A raw call to the emulator's API, as any client would make it. */
function api(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = { 'x-api-key': CREDS.apiKey }) {
  return fetchJson(`${baseUrl}${path}`, { method, headers, body });
}

let rawSeq = 0;
function validBody(over: Record<string, unknown> = {}) {
  rawSeq += 1;
  return {
    order_id: `RAW-${rawSeq}`,
    payment_type: 'bank_transfer',
    channel_code: 'BCA',
    amount: 100000,
    customer: { name: 'John Doe', email: 'john@example.com', phone: '081234567890' },
    items: [{ name: 'Product A', quantity: 2, price: 50000 }],
    expiry_duration: 3600,
    callback_url: webhookUrl,
    callback_API_KEY: CREDS.callbackKey,
    ...over,
  };
}


describe('Komerce callback signature (V-KOM-1)', () => {
  it('adapter signing gives the known hex value', () => {
    assert.equal(callbackSignature(V_KOM_1.body, V_KOM_1.key), V_KOM_1.hex);
    assert.equal(verifyCallbackSignature(Buffer.from(V_KOM_1.body), V_KOM_1.hex, V_KOM_1.key), true);
  });

  it("emulator's own signing gives the same known value", () => {
    assert.equal(signCallback(V_KOM_1.body, V_KOM_1.key), V_KOM_1.hex);
  });

  it('accepts upper-case hex but rejects the same MAC in base64, a flipped byte, a wrong key and no header', () => {
    const body = Buffer.from(V_KOM_1.body);
    assert.equal(verifyCallbackSignature(body, V_KOM_1.hex.toUpperCase(), V_KOM_1.key), true);
    assert.equal(verifyCallbackSignature(body, V_KOM_1.base64, V_KOM_1.key), false);
    const flipped = Buffer.from(body);
    flipped[flipped.indexOf('1')] = '2'.charCodeAt(0);
    assert.equal(verifyCallbackSignature(flipped, V_KOM_1.hex, V_KOM_1.key), false);
    assert.equal(verifyCallbackSignature(body, V_KOM_1.hex, 'another-key'), false);
    assert.equal(verifyCallbackSignature(body, undefined, V_KOM_1.key), false);
    assert.equal(verifyCallbackSignature(body, '', V_KOM_1.key), false);
  });
});

describe('Komerce verifyWebhook', () => {
  const vectorProvider = () => createKomerceProvider(
    { apiKey: 'unused', callbackKey: V_KOM_1.key, baseUrl: 'http://127.0.0.1:9' },
    { http: createFetchClient(), clock, timeouts: { create: 1, status: 1, cancel: 1, refund: 1 } },
  );
  const req = (body: string | Buffer, headers: Record<string, string | undefined>) => ({
    headers,
    rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body),
    path: '/webhooks/komerce',
    receivedAt: clock.now(),
  });

  it('verifies the V-KOM-1 callback and reads a paid event from it', () => {
    const out = vectorProvider().verifyWebhook(req(V_KOM_1.body, { 'x-callback-api-key': V_KOM_1.hex }));
    assert.equal(out.ack.status, 200);
    assert.equal(out.events.length, 1);
    const e = out.events[0]!;
    assert.equal(e.status, 'paid');
    assert.equal(e.amount, 100000);
    assert.equal(e.providerRef, 'KOMPAY-1699012345-A1B2C3');
    assert.equal(e.reference, 'KOM12345');
    assert.equal(e.providerStatus, 'PAID');
    assert.match(e.eventId, /^komerce:[0-9a-f]{64}$/);
  });

  it('finds the header whatever its case', () => {
    const out = vectorProvider().verifyWebhook(req(V_KOM_1.body, { 'X-Callback-Api-Key': V_KOM_1.hex }));
    assert.equal(out.events[0]!.status, 'paid');
  });

  it('rejects base64, a flipped byte, a missing header and a wrong key with webhook_signature_invalid', () => {
    const p = vectorProvider();
    const cases: Array<[string | Buffer, Record<string, string | undefined>]> = [
      [V_KOM_1.body, { 'x-callback-api-key': V_KOM_1.base64 }],
      [V_KOM_1.body.replace('100000', '900000'), { 'x-callback-api-key': V_KOM_1.hex }],
      [V_KOM_1.body, {}],
      [V_KOM_1.body, { 'x-callback-api-key': callbackSignature(V_KOM_1.body, 'not-our-key') }],
    ];
    for (const [body, headers] of cases) {
      assert.throws(
        () => p.verifyWebhook(req(body, headers)),
        (err: unknown) => err instanceof WebhookVerificationError && err.code === 'webhook_signature_invalid' && err.status === 401,
      );
    }
  });

  it('rejects a correctly signed body that is not a Komerce callback with webhook_malformed', () => {
    const p = vectorProvider();
    for (const body of ['not json', '[]', '{"payment_id":"KOMPAY-1-AAAAAA","status":"REFUNDED"}', '{"status":"PAID"}']) {
      assert.throws(
        () => p.verifyWebhook(req(body, { 'x-callback-api-key': callbackSignature(body, V_KOM_1.key) })),
        (err: unknown) => err instanceof WebhookVerificationError && err.code === 'webhook_malformed',
        body,
      );
    }
  });

  it('gives one event id per payment and status: a replay dedupes, a new status does not', () => {
    const p = vectorProvider();
    const sign = (b: string) => ({ 'x-callback-api-key': callbackSignature(b, V_KOM_1.key) });
    const a = p.verifyWebhook(req(V_KOM_1.body, sign(V_KOM_1.body))).events[0]!;
    const replay = '{"payment_id":"KOMPAY-1699012345-A1B2C3","order_id":"KOM12345","status":"PAID","amount":100000,"paid_at":"2026-01-01T10:00:00+07:00"}';
    const b = p.verifyWebhook(req(replay, sign(replay))).events[0]!;
    const expired = '{"payment_id":"KOMPAY-1699012345-A1B2C3","order_id":"KOM12345","status":"EXPIRED","amount":100000}';
    const c = p.verifyWebhook(req(expired, sign(expired))).events[0]!;
    const other = '{"payment_id":"KOMPAY-1699012345-ZZZZZZ","order_id":"KOM12345","status":"PAID","amount":100000}';
    const d = p.verifyWebhook(req(other, sign(other))).events[0]!;
    assert.equal(a.eventId, b.eventId);
    assert.notEqual(a.eventId, c.eventId);
    assert.notEqual(a.eventId, d.eventId);
    assert.equal(b.paidAt, '2026-01-01T03:00:00.000Z');
    assert.equal(c.status, 'expired');
  });

  it('needs status() confirmation: Komerce callbacks carry no timestamp', () => {
    assert.equal(provider.capabilities.webhookNeedsConfirmation, true);
  });
});

describe('Komerce methods', () => {
  it('offers a VA per Komerce bank plus QRIS, with the documented limits', () => {
    const m = provider.methods();
    assert.deepEqual(m.filter((x) => x.family === 'va').map((x) => x.channel), BANKS);
    const qris = m.find((x) => x.family === 'qris');
    assert.deepEqual(qris && { channel: qris.channel, min: qris.minAmount, max: qris.maxAmount }, { channel: 'qris', min: 10_000, max: 10_000_000 });
    for (const va of m.filter((x) => x.family === 'va')) assert.deepEqual([va.minAmount, va.maxAmount], [10_000, 999_999_999_999]);
  });

  it("emulator GET /api/v1/user/methods answers the documented shape, listing every bank the adapter offers", async () => {
    const r = await api('GET', '/api/v1/user/methods');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.meta, { message: 'success get payment methods', code: 200, status: 'success' });
    const bca = r.json.data.find((d: any) => d.bank_code === 'BCA');
    assert.deepEqual(bca, {
      payment_type: 'va',
      display_name: 'Bank Central Asia',
      bank_code: 'BCA',
      logo_url: 'https://storage.googleapis.com/komerce/assets/logo/bca.png',
      min_amount: 10000,
      max_amount: 999999999999,
      currency: 'IDR',
    });
    const qris = r.json.data.find((d: any) => d.payment_type === 'qris');
    assert.equal(qris.bank_code, '');
    assert.equal(qris.max_amount, 10000000);
    const codes = r.json.data.filter((d: any) => d.payment_type === 'va').map((d: any) => d.bank_code.toLowerCase());
    for (const m of komerceMethods().filter((x) => x.family === 'va')) assert.ok(codes.includes(m.channel), m.channel);
  });

  it('emulator refuses the methods list without the right x-api-key', async () => {
    const none = await api('GET', '/api/v1/user/methods', undefined, {});
    assert.equal(none.status, 401);
    assert.deepEqual(none.json, { meta: { message: 'Unauthorized: invalid or missing API key', code: 401, status: 'error' }, data: null });
    const wrong = await api('GET', '/api/v1/user/methods', undefined, { 'x-api-key': 'sandbox-wrong-key' });
    assert.equal(wrong.status, 401);
  });
});

describe('Komerce create', () => {
  for (const bank of BANKS) {
    it(`VA ${bank}: a 16-digit VA number with the bank's prefix`, async () => {
      const i = input({ channel: bank });
      const r = await provider.create(i);
      assert.match(r.providerRef, /^KOMPAY-\d{10}-[A-Z0-9]{6}$/);
      assert.equal(r.providerRef.split('-')[1], String(Math.floor(clock.now().getTime() / 1000)));
      assert.equal(r.va?.bank, bank);
      assert.match(r.va!.number, /^\d{16}$/);
      assert.ok(r.va!.number.startsWith(VA_PREFIX[bank]!), r.va!.number);
      assert.equal(r.qris, undefined);
      assert.equal(r.expiresAt, i.expiresAt.toISOString());
    });
  }

  it('sends the documented request: x-api-key, order_id = reference, callback URL and key, VA expiry', async () => {
    const i = input({ channel: 'mandiri', expiresAt: new Date(clock.now().getTime() + 2 * 3600_000) });
    sent.length = 0;
    await provider.create(i);
    const req = sent.find((s) => s.url.endsWith('/api/v1/user/payment/create'));
    assert.ok(req);
    assert.equal(req.method, 'POST');
    assert.equal(req.url, `${baseUrl}/api/v1/user/payment/create`);
    assert.equal(req.headers?.['x-api-key'], CREDS.apiKey);
    assert.equal(req.headers?.['Content-Type'], 'application/json');
    assert.deepEqual(JSON.parse(req.body!), {
      order_id: i.reference,
      payment_type: 'bank_transfer',
      channel_code: 'MANDIRI',
      amount: 150000,
      customer: { name: 'Siti Aminah', email: 'siti@example.co.id', phone: '081234567890' },
      items: [{ name: 'Kopi Gayo 250g', quantity: 2, price: 75000 }],
      expiry_duration: 7200,
      callback_url: webhookUrl,
      callback_API_KEY: CREDS.callbackKey,
    });
  });

  it('asks for at least one hour on a VA even when Bayar wants it sooner, and reports the real deadline', async () => {
    const now = clock.now().getTime();
    sent.length = 0;
    const r = await provider.create(input({ expiresAt: new Date(now + 10 * 60_000) }));
    assert.equal(JSON.parse(sent.at(-1)!.body!).expiry_duration, 3600);
    assert.equal(r.expiresAt, new Date(now + 3600_000).toISOString());
  });

  it('fills required customer fields and sends one summary item when the items do not add up to the amount', async () => {
    sent.length = 0;
    const r = await provider.create(input({ customer: {}, items: [{ name: 'Tea', price: 10_000, quantity: 1 }], amount: 25_000, orderId: 'ORD-77' }));
    assert.ok(r.providerRef);
    const body = JSON.parse(sent.at(-1)!.body!);
    assert.deepEqual(body.items, [{ name: 'Order ORD-77', quantity: 1, price: 25000 }]);
    assert.ok(body.customer.name && /@/.test(body.customer.email) && body.customer.phone);
  });

  it('QRIS: a valid dynamic payload with the amount in tag 54 and the payment id in tag 62, 5-minute window', async () => {
    const i = input({ family: 'qris', channel: 'qris', amount: 87_500, items: [] });
    sent.length = 0;
    const r = await provider.create(i);
    const body = JSON.parse(sent.at(-1)!.body!);
    assert.equal(body.payment_type, 'qris');
    assert.equal('channel_code' in body, false);
    assert.equal('expiry_duration' in body, false);
    assert.ok(r.qris);
    assert.equal(r.va, undefined);
    const info = parseQris(r.qris.qrString);
    assert.equal(info.dynamic, true);
    assert.equal(info.amount, 87_500);
    const tag62 = info.fields.find((f) => f.id === '62')!;
    assert.equal(parseTlv(tag62.value).find((f) => f.id === '05')?.value, r.providerRef);
    assert.equal(r.expiresAt, new Date(clock.now().getTime() + 5 * 60_000).toISOString());
  });

  it('two QRIS payments for the same amount get different payloads', async () => {
    const a = await provider.create(input({ family: 'qris', channel: 'qris', amount: 20_000 }));
    const b = await provider.create(input({ family: 'qris', channel: 'qris', amount: 20_000 }));
    assert.notEqual(a.qris!.qrString, b.qris!.qrString);
  });

  it('a retried create with the same reference gets the same VA back, not a second one', async () => {
    const i = input({ channel: 'bni' });
    const a = await provider.create(i);
    const b = await provider.create(i);
    assert.equal(b.providerRef, a.providerRef);
    assert.deepEqual(b.va, a.va);
  });

  it('refuses methods Komerce does not have and amounts outside its limits, without calling it', async () => {
    sent.length = 0;
    await rejects(provider.create(input({ family: 'ewallet', channel: 'ovo' })), ProviderNotSupportedError);
    await rejects(provider.create(input({ channel: 'danamon' })), ProviderNotSupportedError);
    const low = await rejects(provider.create(input({ amount: 9_999 })), ProviderRejectedError);
    assert.equal(low.providerCode, 'amount_out_of_range');
    await rejects(provider.create(input({ family: 'qris', channel: 'qris', amount: 10_000_001 })), ProviderRejectedError);
    assert.equal(sent.length, 0);
  });

  it('a refused API key is a ProviderAuthError', async () => {
    const bad = makeProvider({ apiKey: 'sandbox-revoked-key' });
    await rejects(bad.create(input()), ProviderAuthError);
  });
});

describe('Komerce emulator strictness (create)', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['order_id missing', { order_id: undefined }, /order_id is required/],
    ['order_id over 100 chars', { order_id: 'X'.repeat(101) }, /order_id/],
    ['unknown payment_type', { payment_type: 'ewallet' }, /payment_type/],
    ['bank_transfer without channel_code', { channel_code: undefined }, /channel_code is required/],
    ['unknown bank', { channel_code: 'DANAMON' }, /channel_code/],
    ['lower-case bank code', { channel_code: 'bca' }, /channel_code/],
    ['amount missing', { amount: undefined }, /amount is required/],
    ['amount below 10 000', { amount: 9999 }, /at least 10000/],
    ['amount with decimals', { amount: 10000.5 }, /integer/],
    ['amount as a string', { amount: '100000' }, /integer/],
    ['QRIS above its maximum', { payment_type: 'qris', channel_code: undefined, expiry_duration: undefined, amount: 10_000_001 }, /not be more than 10000000/],
    ['customer missing', { customer: undefined }, /customer is required/],
    ['customer name missing', { customer: { email: 'a@b.co', phone: '0812' } }, /customer.name/],
    ['invalid email', { customer: { name: 'A', email: 'not-an-email', phone: '0812' } }, /valid email/],
    ['phone missing', { customer: { name: 'A', email: 'a@b.co' } }, /customer.phone/],
    ['items missing', { items: undefined }, /items is required/],
    ['items empty', { items: [] }, /items is required/],
    ['item quantity not an integer', { items: [{ name: 'A', quantity: 1.5, price: 100000 }] }, /quantity/],
    ['item price not an integer', { items: [{ name: 'A', quantity: 1, price: '100000' }] }, /price/],
    ['item name missing', { items: [{ quantity: 1, price: 100000 }] }, /name/],
    ['expiry_duration under an hour', { expiry_duration: 3599 }, /at least 3600/],
    ['callback_url not a URL', { callback_url: 'not a url' }, /callback_url/],
    ['callback_url without a key', { callback_API_KEY: undefined }, /callback_API_KEY is required/],
    ['two different callback keys', { callback_api_key: 'something-else' }, /differ/],
  ];
  for (const [name, over, message] of cases) {
    it(`400 for ${name}`, async () => {
      const r = await api('POST', '/api/v1/user/payment/create', validBody(over));
      assert.equal(r.status, 400, r.text);
      assert.equal(r.json.meta.code, 400);
      assert.equal(r.json.meta.status, 'error');
      assert.match(r.json.meta.message, message);
      assert.equal(r.json.data, null);
    });
  }

  it('400 for a body that is not JSON, or not sent as JSON', async () => {
    const notJson = await api('POST', '/api/v1/user/payment/create', '{"order_id": ');
    assert.equal(notJson.status, 400);
    const res = await fetch(`${baseUrl}/api/v1/user/payment/create`, {
      method: 'POST',
      headers: { 'x-api-key': CREDS.apiKey, 'Content-Type': 'text/plain' },
      body: JSON.stringify(validBody()),
    });
    assert.equal(res.status, 400);
  });

  it('401 without or with a wrong x-api-key, before looking at the body', async () => {
    assert.equal((await api('POST', '/api/v1/user/payment/create', validBody(), { 'Content-Type': 'application/json' })).status, 401);
    assert.equal((await api('POST', '/api/v1/user/payment/create', validBody(), { 'x-api-key': `${CREDS.apiKey}x` })).status, 401);
    assert.equal((await api('POST', '/api/v1/user/payment/create', { nonsense: true }, { 'x-api-key': 'wrong' })).status, 401);
  });

  it('accepts the valid sample body, and the callback_api_key spelling of the key', async () => {
    const a = await api('POST', '/api/v1/user/payment/create', validBody());
    assert.equal(a.status, 200, a.text);
    assert.deepEqual(a.json.meta, { message: 'success create payment', code: 200, status: 'success' });
    assert.equal(a.json.data.status, 'PENDING');
    assert.match(a.json.data.payment_url, new RegExp(`^${baseUrl}/pay/KOMPAY-`));
    const b = await api('POST', '/api/v1/user/payment/create', validBody({ callback_API_KEY: undefined, callback_api_key: CREDS.callbackKey }));
    assert.equal(b.status, 200, b.text);
    // The lower-case spelling is the key the callback is signed with.
    const sim = await emulator.simulate('pay', b.json.data.payment_id);
    assert.equal(sim.webhookStatus, 200);
  });

  it('a repeated order_id: same pending payment → 200 with it; different details or a finished payment → 400', async () => {
    const body = validBody();
    const first = await api('POST', '/api/v1/user/payment/create', body);
    const again = await api('POST', '/api/v1/user/payment/create', body);
    assert.equal(again.status, 200);
    assert.equal(again.json.data.payment_id, first.json.data.payment_id);
    assert.equal(again.json.data.va_number, first.json.data.va_number);
    const changed = await api('POST', '/api/v1/user/payment/create', { ...body, amount: 120000 });
    assert.equal(changed.status, 400);
    await emulator.simulate('pay', first.json.data.payment_id);
    const afterPaid = await api('POST', '/api/v1/user/payment/create', body);
    assert.equal(afterPaid.status, 400);
    assert.match(afterPaid.json.meta.message, /already been used/);
  });

  it('404 in the envelope for unknown API paths', async () => {
    const r = await api('GET', '/api/v1/user/payment/nothing-here');
    assert.equal(r.status, 404);
    assert.equal(r.json.meta.code, 404);
  });
});

describe('Komerce status, pay and callbacks', () => {
  it('status follows the payment: pending, then paid with amount and time after the customer pays', async () => {
    const r = await provider.create(input({ amount: 250_000, items: [] }));
    const ref = { providerRef: r.providerRef, reference: 'unused' };
    nextStatusWindow();
    const pending = await provider.status(ref);
    assert.deepEqual(pending, { status: 'pending', providerStatus: 'PENDING', amount: 250_000 });

    const paidAt = clock.now();
    const before = received.length;
    const sim = await emulator.simulate('pay', r.providerRef);
    assert.equal(sim.webhookStatus, 200);
    assert.equal(received.length, before + 1);
    const hook = lastReceived();
    assert.equal(hook.error, undefined);
    const event = hook.verified!.events[0]!;
    assert.equal(event.status, 'paid');
    assert.equal(event.amount, 250_000);
    assert.equal(event.providerRef, r.providerRef);
    assert.equal(event.paidAt, paidAt.toISOString());
    assert.equal(hook.req.headers['content-type'], 'application/json');

    nextStatusWindow();
    const paid = await provider.status(ref);
    assert.deepEqual(paid, { status: 'paid', providerStatus: 'PAID', amount: 250_000, paidAt: paidAt.toISOString() });
  });

  it('the callback is signed over the exact bytes sent, with the documented fields', async () => {
    const i = input({ channel: 'bri' });
    const r = await provider.create(i);
    await emulator.simulate('pay', r.providerRef);
    const hook = lastReceived();
    assert.equal(hook.req.headers['x-callback-api-key'], callbackSignature(hook.req.rawBody, CREDS.callbackKey));
    const body = JSON.parse(hook.req.rawBody.toString());
    assert.deepEqual(body, {
      payment_id: r.providerRef,
      order_id: i.reference,
      status: 'PAID',
      amount: i.amount,
      paid_at: wib(clock.now()),
      payment_method: 'BRI',
    });
    assert.equal(hook.verified!.events[0]!.reference, i.reference);
  });

  it('reports the amount actually paid when it differs', async () => {
    const r = await provider.create(input({ amount: 100_000, items: [] }));
    await emulator.simulate('pay', r.providerRef, { amount: 90_000 });
    assert.equal(lastReceived().verified!.events[0]!.amount, 90_000);
    nextStatusWindow();
    assert.equal((await provider.status({ providerRef: r.providerRef, reference: '' })).amount, 90_000);
  });

  it('a callback signed with another key (sent on create by someone else) is refused by the adapter', async () => {
    const raw = await api('POST', '/api/v1/user/payment/create', validBody({ callback_API_KEY: 'attacker-chosen-key' }));
    assert.equal(raw.status, 200);
    const sim = await emulator.simulate('pay', raw.json.data.payment_id);
    assert.equal(sim.webhookStatus, 401);
    const err = lastReceived().error;
    assert.ok(err instanceof WebhookVerificationError);
    assert.equal(err.code, 'webhook_signature_invalid');
  });

  it('no callback_url: the state changes and no callback is sent', async () => {
    const raw = await api('POST', '/api/v1/user/payment/create', validBody({ callback_url: undefined, callback_API_KEY: undefined }));
    assert.equal(raw.status, 200, raw.text);
    const before = received.length;
    assert.deepEqual(await emulator.simulate('pay', raw.json.data.payment_id), { webhookStatus: null });
    assert.equal(received.length, before);
    nextStatusWindow();
    assert.equal((await provider.status({ providerRef: raw.json.data.payment_id, reference: '' })).status, 'paid');
  });

  it('status more than once per 3 s for one payment → 429 → ProviderUnavailableError; fine again after 3 s', async () => {
    const r = await provider.create(input());
    const ref = { providerRef: r.providerRef, reference: '' };
    nextStatusWindow();
    await provider.status(ref);
    clock.advance(2999);
    const err = await rejects(provider.status(ref), ProviderUnavailableError);
    assert.match(err.message, /rate limit/);
    assert.ok(err instanceof KomerceRateLimitedError);
    assert.equal(err.retryAfterMs, 1000);
    const raw = await api('GET', `/api/v1/user/payment/status/${r.providerRef}`);
    assert.equal(raw.status, 429);
    assert.equal(raw.headers.get('retry-after'), '1');
    clock.advance(1);
    assert.equal((await provider.status(ref)).status, 'pending');
  });

  it('status of an unknown payment is a 404 rejection', async () => {
    const err = await rejects(provider.status({ providerRef: 'KOMPAY-1-NOPE00', reference: '' }), ProviderRejectedError);
    assert.equal(err.httpStatus, 404);
    assert.match(err.message, /payment not found/);
  });
});

describe('Komerce expiry', () => {
  it('QRIS expires 5 minutes after creation, by the clock', async () => {
    const r = await provider.create(input({ family: 'qris', channel: 'qris', amount: 50_000 }));
    const ref = { providerRef: r.providerRef, reference: '' };
    clock.advance(5 * 60_000 - 1);
    assert.equal((await provider.status(ref)).status, 'pending');
    clock.advance(3000);
    assert.deepEqual(await provider.status(ref), { status: 'expired', providerStatus: 'EXPIRED', amount: 50_000 });
    await assert.rejects(emulator.simulate('pay', r.providerRef), /EXPIRED/);
  });

  it('a VA expires after its expiry_duration', async () => {
    const r = await provider.create(input({ expiresAt: new Date(clock.now().getTime() + 2 * 3600_000) }));
    const ref = { providerRef: r.providerRef, reference: '' };
    clock.advance(2 * 3600_000 - 5000);
    assert.equal((await provider.status(ref)).status, 'pending');
    clock.advance(5000);
    assert.equal((await provider.status(ref)).status, 'expired');
  });

  it('simulate expire sends a signed EXPIRED callback; a payment expired by the clock gets one too, once', async () => {
    const a = await provider.create(input());
    assert.equal((await emulator.simulate('expire', a.providerRef)).webhookStatus, 200);
    const e = lastReceived().verified!.events[0]!;
    assert.equal(e.status, 'expired');
    assert.equal(e.providerRef, a.providerRef);
    await assert.rejects(emulator.simulate('pay', a.providerRef), /cannot be paid/);

    const b = await provider.create(input({ family: 'qris', channel: 'qris' }));
    clock.advance(5 * 60_000);
    assert.equal((await emulator.simulate('expire', b.providerRef)).webhookStatus, 200);
    assert.equal(lastReceived().verified!.events[0]!.status, 'expired');
    assert.deepEqual(await emulator.simulate('expire', b.providerRef), { webhookStatus: null });
  });
});

describe('Komerce cancel and refund', () => {
  it('cancels a pending payment; the VA can then no longer be paid', async () => {
    const r = await provider.create(input());
    const ref = { providerRef: r.providerRef, reference: '' };
    assert.deepEqual(await provider.cancel(ref), { status: 'cancelled', providerStatus: 'CANCELED' });
    nextStatusWindow();
    assert.equal((await provider.status(ref)).status, 'cancelled');
    await assert.rejects(emulator.simulate('pay', r.providerRef), /CANCELED/);
  });

  it('cancelling a payment that is not PENDING is a 400 rejection; an unknown one a 404', async () => {
    const r = await provider.create(input());
    await emulator.simulate('pay', r.providerRef);
    const paid = await rejects(provider.cancel({ providerRef: r.providerRef, reference: '' }), ProviderRejectedError);
    assert.equal(paid.httpStatus, 400);
    assert.match(paid.message, /PAID/);
    const c = await provider.create(input());
    await provider.cancel({ providerRef: c.providerRef, reference: '' });
    assert.equal((await rejects(provider.cancel({ providerRef: c.providerRef, reference: '' }), ProviderRejectedError)).httpStatus, 400);
    assert.equal((await rejects(provider.cancel({ providerRef: 'KOMPAY-1-NOPE00', reference: '' }), ProviderRejectedError)).httpStatus, 404);
  });

  it('emulator cancel validates its body', async () => {
    assert.equal((await api('POST', '/api/v1/user/payment/cancel', {})).status, 400);
    assert.equal((await api('POST', '/api/v1/user/payment/cancel', { payment_id: 'x', reason: 5 })).status, 400);
    assert.equal((await api('POST', '/api/v1/user/payment/cancel', { payment_id: 'x' }, {})).status, 401);
  });

  it('refund is not supported by Komerce', async () => {
    await rejects(provider.refund({ providerRef: 'KOMPAY-1-AAAAAA', reference: 'r', refundId: 'rf1', amount: 1, reason: 'x' }), ProviderNotSupportedError);
  });
});

describe('Komerce hosted payment page', () => {
  it('shows the payment with Pay and Cancel forms, no scripts; Pay marks it paid and sends the callback', async () => {
    const raw = await api('POST', '/api/v1/user/payment/create', validBody({ amount: 123_456, items: [{ name: 'A', quantity: 1, price: 123_456 }] }));
    const { payment_url: url, payment_id: id, va_number: va } = raw.json.data;
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const html = await page.text();
    assert.ok(html.includes(va), 'VA number shown');
    assert.ok(html.includes('123.456'), 'amount shown');
    assert.ok(html.includes('Komerce Sandbox Merchant'));
    assert.match(html, /<form method="post" action="[^"]+\/pay"/);
    assert.match(html, /<form method="post" action="[^"]+\/cancel"/);
    assert.doesNotMatch(html, /<script|\sstyle=|\son\w+=/i);

    const before = received.length;
    const pay = await fetch(`${url}/pay`, { method: 'POST', redirect: 'manual' });
    assert.equal(pay.status, 303);
    assert.equal(new URL(pay.headers.get('location')!, url).href, url);
    assert.equal(received.length, before + 1);
    assert.equal(lastReceived().verified!.events[0]!.status, 'paid');
    nextStatusWindow();
    assert.equal((await provider.status({ providerRef: id, reference: '' })).status, 'paid');
    const done = await (await fetch(url)).text();
    assert.match(done, /This payment is paid/);
    assert.doesNotMatch(done, /<form/);
  });

  it('Cancel on the page cancels and sends a CANCELED callback', async () => {
    const raw = await api('POST', '/api/v1/user/payment/create', validBody());
    const res = await fetch(`${raw.json.data.payment_url}/cancel`, { method: 'POST', redirect: 'manual' });
    assert.equal(res.status, 303);
    assert.equal(lastReceived().verified!.events[0]!.status, 'cancelled');
  });

  it('is not subject to API faults, and says 404 for unknown payments', async () => {
    const raw = await api('POST', '/api/v1/user/payment/create', validBody());
    emulator.setFault('error500');
    try {
      assert.equal((await fetch(raw.json.data.payment_url)).status, 200);
      assert.equal((await fetch(`${baseUrl}/pay/KOMPAY-0-NOPE00`)).status, 404);
    } finally {
      emulator.setFault(null);
    }
  });
});

describe('Komerce faults map to typed errors', () => {
  it('500 and 503 → ProviderUnavailableError', async () => {
    emulator.setFault('error500', 1);
    await rejects(provider.create(input()), ProviderUnavailableError);
    emulator.setFault('error503', 1);
    await rejects(provider.status({ providerRef: 'KOMPAY-1-AAAAAA', reference: '' }), ProviderUnavailableError);
    // The fault was for one call only.
    assert.ok((await provider.create(input())).providerRef);
  });

  it('malformed JSON → ProviderUnavailableError', async () => {
    emulator.setFault('malformed-json', 1);
    const err = await rejects(provider.create(input()), ProviderUnavailableError);
    assert.match(err.message, /envelope/);
  });

  it('no answer → ProviderTimeoutError', async () => {
    const impatient = makeProvider({ timeoutMs: 200 });
    emulator.setFault('hang', 1);
    await rejects(impatient.create(input()), ProviderTimeoutError);
  });

  it('connection reset after the create took effect → ProviderUnavailableError; the retry gets the same payment', async () => {
    const i = input({ channel: 'permata' });
    emulator.setFault('reset-after-commit', 1);
    await rejects(provider.create(i), ProviderUnavailableError);
    const retried = await provider.create(i);
    assert.ok(retried.va!.number.startsWith(VA_PREFIX.permata!));
    // The emulator had committed the first attempt: the retry was answered with that payment, not a new one.
    assert.equal(JSON.parse(answers.at(-1)!.body).meta.message, 'payment already exists for this order_id');
    const again = await provider.create(i);
    assert.equal(again.providerRef, retried.providerRef);
  });
});
