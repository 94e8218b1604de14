/**
 * Xendit adapter against the strict Xendit emulator, over real HTTP on 127.0.0.1 (providers.md §4).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { basicAuthMatches } from '../../server/emulators/shared/basic-auth.js';
import { createXenditEmulator, type XenditEmulator } from '../../server/emulators/xendit/index.js';
import {
  ProviderAuthError,
  ProviderNotSupportedError,
  ProviderRejectedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
  WebhookVerificationError,
} from '../../server/errors.js';
import { parseQris } from '../../server/lib/qris.js';
import { createXenditProvider } from '../../server/providers/xendit/index.js';
import { sanitizeVaName, STATUS_TABLE, toIndonesianMobile } from '../../server/providers/xendit/mapping.js';
import { basicAuthHeader, verifyCallbackToken } from '../../server/providers/xendit/signing.js';
import type { CreatePaymentInput, PaymentProvider, ProviderContext } from '../../server/providers/types.js';
import { fetchJson, providerHarness, recordingHttp, rejects, type Received } from '../helpers/provider-harness.js';

const CREDS = SANDBOX_CREDENTIALS.xendit;

// ---------------------------------------------------------------------------------------------------------------
// Harness: emulator app, webhook receiver app, adapter

const mentions = (text: string) => (r: Received) => r.rawBody.toString('utf8').includes(text);

/** Counts what the adapter sends, to prove a refusal made no request. */
const { client: http, sent } = recordingHttp();
const TIMEOUTS = { create: 5_000, status: 5_000, cancel: 5_000, refund: 5_000 };
let receiverUrl = '';
let base = '';
let emu: XenditEmulator;
/** The receiver keeps each callback for the test to verify itself (several adapters with other tokens are tried). */
const { clock, hooks: receiver } = providerHarness('xendit', {
  emulator: (o) => createXenditEmulator(CREDS, o),
  adapter: (b, ctx) => createXenditProvider({ ...CREDS, baseUrl: b }, ctx),
  http,
  timeouts: TIMEOUTS,
  verify: false,
  ready: (r) => ({ emulator: emu, emuBase: base, hookBase: receiverUrl } = r),
});
function provider(over: { secretKey?: string; callbackToken?: string; timeouts?: Partial<ProviderContext['timeouts']> } = {}): PaymentProvider {
  return createXenditProvider(
    { secretKey: over.secretKey ?? CREDS.secretKey, callbackToken: over.callbackToken ?? CREDS.callbackToken, baseUrl: base },
    { http, clock, timeouts: { ...TIMEOUTS, ...over.timeouts } },
  );
}

let seq = 0;
function input(over: Partial<CreatePaymentInput> = {}): CreatePaymentInput {
  seq++;
  const reference = `bx-${seq}-${Math.random().toString(36).slice(2, 10)}`;
  return {
    paymentId: `pay_${reference}`,
    reference,
    orderId: `ORDER-${seq}`,
    amount: 150_000,
    family: 'va',
    channel: 'bca',
    customer: { name: 'Budi Santoso', email: 'budi@example.com', phone: '081234567890' },
    items: [{ name: 'Kopi', price: 150_000, quantity: 1 }],
    expiresAt: new Date(clock.now().getTime() + 3_600_000),
    webhookUrl: `${receiverUrl}/webhooks/xendit`,
    returnUrl: 'https://shop.example/thanks',
    ...over,
  };
}

const asWebhook = receiver.asWebhook;

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, auth = true) {
  const authorization: Record<string, string> = auth ? { Authorization: basicAuthHeader(CREDS.secretKey) } : {};
  const res = await fetchJson(`${base}${path}`, { method, headers: { ...authorization, ...headers }, body });
  return { status: res.status, body: res.json, headers: res.headers };
}

// ---------------------------------------------------------------------------------------------------------------

describe('Xendit signing (providers.md §4.6)', () => {
  test('V-XND-1: Basic auth header for xnd_development_TESTKEY', () => {
    assert.equal(basicAuthHeader('xnd_development_TESTKEY'), 'Basic eG5kX2RldmVsb3BtZW50X1RFU1RLRVk6');
    // The emulator's own check accepts the vector and refuses another key.
    assert.equal(basicAuthMatches('Basic eG5kX2RldmVsb3BtZW50X1RFU1RLRVk6', 'xnd_development_TESTKEY'), true);
    assert.equal(basicAuthMatches('Basic eG5kX2RldmVsb3BtZW50X1RFU1RLRVk6', 'xnd_development_OTHER'), false);
    assert.equal(basicAuthMatches('Bearer eG5kX2RldmVsb3BtZW50X1RFU1RLRVk6', 'xnd_development_TESTKEY'), false);
  });

  test('V-XND-2: callback token is exact equality', () => {
    assert.equal(verifyCallbackToken('abc', 'abc'), true);
    assert.equal(verifyCallbackToken('abd', 'abc'), false);
    assert.equal(verifyCallbackToken('abc ', 'abc'), false);
    assert.equal(verifyCallbackToken(undefined, 'abc'), false);
    assert.equal(verifyCallbackToken('', ''), false);
  });

  test('mapping helpers: VA names and OVO phone numbers', () => {
    assert.equal(sanitizeVaName("Budi O'Neil-Santoso 3rd"), 'Budi ONeil Santoso rd');
    assert.equal(sanitizeVaName('Zoë Ñúñez'), 'Zoe Nunez');
    assert.equal(sanitizeVaName('12'), 'Bayar Customer');
    assert.equal(sanitizeVaName(undefined), 'Bayar Customer');
    assert.equal(toIndonesianMobile('0812-3456-7890'), '+6281234567890');
    assert.equal(toIndonesianMobile('+62 812 3456 7890'), '+6281234567890');
    assert.equal(toIndonesianMobile('6281234567890'), '+6281234567890');
    assert.equal(toIndonesianMobile('021 555 1234'), null);
    assert.equal(toIndonesianMobile(undefined), null);
    assert.equal(STATUS_TABLE['ewallet:SUCCEEDED'], 'paid');
  });
});

describe('Xendit create', () => {
  for (const channel of ['bca', 'bni', 'bri', 'mandiri', 'permata', 'bsi', 'cimb']) {
    test(`VA ${channel}: closed single-use Fixed VA with the reference as external_id`, async () => {
      const inp = input({ channel, customer: { name: "Siti O'Hara 2", phone: '0812' } });
      const r = await provider().create(inp);
      assert.equal(r.va?.bank, channel);
      assert.match(r.va?.number ?? '', /^\d{8,20}$/);
      assert.equal(r.expiresAt, inp.expiresAt.toISOString());
      const va = await api('GET', `/callback_virtual_accounts/${r.providerRef}`);
      assert.equal(va.status, 200);
      assert.equal(va.body.external_id, inp.reference);
      assert.equal(va.body.bank_code, channel.toUpperCase());
      assert.equal(va.body.name, 'Siti OHara');
      assert.equal(va.body.is_closed, true);
      assert.equal(va.body.is_single_use, true);
      assert.equal(va.body.expected_amount, 150_000);
      assert.equal(va.body.status, 'ACTIVE');
    });
  }

  test('QRIS: dynamic QR v2 whose payload carries the amount and a valid CRC', async () => {
    const inp = input({ family: 'qris', channel: 'qris', amount: 25_000 });
    const r = await provider().create(inp);
    assert.match(r.providerRef, /^qr_/);
    const info = parseQris(r.qris!.qrString);
    assert.equal(info.dynamic, true);
    assert.equal(info.amount, 25_000);
    assert.equal(r.expiresAt, inp.expiresAt.toISOString());
    const qr = await api('GET', `/qr_codes/${r.providerRef}`, undefined, { 'api-version': '2022-07-31' });
    assert.equal(qr.body.reference_id, inp.reference);
    assert.equal(qr.body.type, 'DYNAMIC');
  });

  test('DANA: redirect to the checkout page, redirect URLs set to the return URL', async () => {
    const inp = input({ family: 'ewallet', channel: 'dana', amount: 50_000 });
    const r = await provider().create(inp);
    assert.match(r.providerRef, /^ewc_/);
    assert.equal(r.redirectUrl, `${base}/ewallet-checkout/${r.providerRef}`);
    assert.ok(Date.parse(r.expiresAt) <= clock.now().getTime() + 15 * 60_000);
    const c = await api('GET', `/ewallets/charges/${r.providerRef}`);
    assert.equal(c.body.channel_code, 'ID_DANA');
    assert.equal(c.body.checkout_method, 'ONE_TIME_PAYMENT');
    assert.equal(c.body.channel_properties.success_redirect_url, inp.returnUrl);
    assert.equal(c.body.reference_id, inp.reference);
  });

  test('OVO: phone in +62 form, no redirect (approval happens in the OVO app)', async () => {
    const inp = input({ family: 'ewallet', channel: 'ovo', amount: 30_000, customer: { phone: '0812-3456-7890' } });
    const r = await provider().create(inp);
    assert.equal(r.redirectUrl, undefined);
    const c = await api('GET', `/ewallets/charges/${r.providerRef}`);
    assert.equal(c.body.channel_properties.mobile_number, '+6281234567890');
  });

  test('OVO without a phone number is refused before any request', async () => {
    const before = sent.length;
    const err = await rejects(provider().create(input({ family: 'ewallet', channel: 'ovo', customer: { name: 'X' } })), ProviderRejectedError);
    assert.equal(err.providerCode, 'MOBILE_NUMBER_REQUIRED');
    assert.equal(sent.length, before);
  });

  test('unsupported method → ProviderNotSupportedError', async () => {
    await rejects(provider().create(input({ family: 'cstore', channel: 'indomaret' })), ProviderNotSupportedError);
    await rejects(provider().create(input({ family: 'va', channel: 'toString' })), ProviderNotSupportedError);
  });

  test('methods() lists the VA banks, QRIS and the four wallets', () => {
    const ids = provider().methods().map((m) => `${m.family}:${m.channel}`);
    for (const id of ['va:bca', 'va:bsi', 'va:cimb', 'qris:qris', 'ewallet:ovo', 'ewallet:shopeepay']) assert.ok(ids.includes(id), id);
  });
});

describe('Xendit payment flows: pay → callback → verify → status', () => {
  test('VA: simulate pay delivers the FVA paid callback; status confirms through the payment lookup', async () => {
    const p = provider();
    const inp = input({ channel: 'bni', amount: 75_000 });
    const r = await p.create(inp);
    assert.equal((await p.status({ providerRef: r.providerRef, reference: inp.reference })).status, 'pending');

    const sim = await emu.simulate('pay', r.providerRef);
    assert.equal(sim.webhookStatus, 200);
    const hook = await receiver.waitFor(mentions(r.providerRef));
    assert.equal(hook.headers['x-callback-token'], CREDS.callbackToken);
    const verified = p.verifyWebhook(asWebhook(hook));
    assert.equal(verified.events.length, 1);
    const ev = verified.events[0]!;
    assert.equal(ev.status, 'paid');
    assert.equal(ev.amount, 75_000);
    assert.equal(ev.reference, inp.reference);
    assert.equal(ev.providerRef, r.providerRef);
    assert.equal(ev.eventId, hook.headers['webhook-id']);
    assert.equal(p.capabilities.webhookNeedsConfirmation, true);

    const st = await p.status({ providerRef: r.providerRef, reference: inp.reference });
    assert.equal(st.status, 'paid');
    assert.equal(st.amount, 75_000);
    assert.equal(st.providerStatus, 'INACTIVE/PAID');
    // A fresh adapter (no callback seen) does not call an early INACTIVE paid: a VA that merely turned inactive is
    // not a payment (issue 11, finding 9). It stays pending until a payment record says otherwise.
    const fresh = await provider().status({ providerRef: r.providerRef, reference: inp.reference });
    assert.equal(fresh.status, 'pending');
    assert.equal(fresh.amount, undefined);
    assert.equal(fresh.providerStatus, 'INACTIVE');
  });

  test('VA: the test-mode simulate_payment endpoint pays and calls back', async () => {
    const p = provider();
    const inp = input({ channel: 'mandiri', amount: 20_000 });
    const r = await p.create(inp);
    const wrong = await api('POST', `/callback_virtual_accounts/external_id=${inp.reference}/simulate_payment`, { amount: 19_999 });
    assert.equal(wrong.status, 400);
    const ok = await api('POST', `/callback_virtual_accounts/external_id=${inp.reference}/simulate_payment`, { amount: 20_000 });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.status, 'COMPLETED');
    const hook = await receiver.waitFor(mentions(r.providerRef));
    const ev = p.verifyWebhook(asWebhook(hook)).events[0]!;
    assert.equal(ev.status, 'paid');
    assert.equal(ev.amount, 20_000);
  });

  test('QRIS: the QR simulate endpoint pays; qr.payment callback verifies; status reads the payment', async () => {
    const p = provider();
    const inp = input({ family: 'qris', channel: 'qris', amount: 42_000 });
    const r = await p.create(inp);
    const sim = await api('POST', `/qr_codes/${r.providerRef}/payments/simulate`, { amount: 42_000 }, { 'api-version': '2022-07-31' });
    assert.equal(sim.status, 200);
    assert.equal(sim.body.status, 'SUCCEEDED');
    const hook = await receiver.waitFor(mentions(r.providerRef));
    const body = JSON.parse(hook.rawBody.toString('utf8'));
    assert.equal(body.event, 'qr.payment');
    const ev = p.verifyWebhook(asWebhook(hook)).events[0]!;
    assert.deepEqual([ev.status, ev.amount, ev.providerRef, ev.reference], ['paid', 42_000, r.providerRef, inp.reference]);
    const st = await p.status({ providerRef: r.providerRef, reference: inp.reference });
    assert.equal(st.status, 'paid');
    assert.equal(st.amount, 42_000);
    // A paid QR cannot be paid twice.
    const again = await api('POST', `/qr_codes/${r.providerRef}/payments/simulate`, {}, { 'api-version': '2022-07-31' });
    assert.equal(again.status, 400);
  });

  test('e-wallet hand-offs per wallet, as Xendit documents them: DANA/LinkAja web URLs, ShopeePay deeplink + QR, OVO none', async () => {
    const p = provider();
    const dana = await p.create(input({ family: 'ewallet', channel: 'dana', amount: 30_000 }));
    assert.deepEqual(Object.keys(dana.ewallet ?? {}).sort(), ['desktopUrl', 'mobileUrl']);
    assert.equal(dana.redirectUrl, dana.ewallet!.desktopUrl);
    const spay = await p.create(input({ family: 'ewallet', channel: 'shopeepay', amount: 30_000 }));
    assert.deepEqual(Object.keys(spay.ewallet ?? {}).sort(), ['deeplinkUrl', 'qrString']);
    const qr = parseQris(spay.ewallet!.qrString!);
    assert.equal(qr.amount, 30_000);
    assert.equal(qr.dynamic, true);
    // The deeplink opens the emulated app page for this very charge.
    assert.match(await (await fetch(spay.ewallet!.deeplinkUrl!)).text(), /30\.000/);
    const ovo = await p.create(input({ family: 'ewallet', channel: 'ovo', amount: 30_000, customer: { phone: '081234567890' } }));
    assert.equal(ovo.ewallet, undefined);
    assert.equal(ovo.redirectUrl, undefined);
  });

  test('e-wallet: hosted checkout page → Pay → callback → redirect back to the shop', async () => {
    const p = provider();
    const inp = input({ family: 'ewallet', channel: 'dana', amount: 64_500 });
    const r = await p.create(inp);
    const page = await fetch(r.redirectUrl!);
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(html, /64\.500/);
    assert.match(html, /<form method="post" action="[^"]+\/pay">/);
    assert.doesNotMatch(html, /<script|style="/);

    const pay = await fetch(`${r.redirectUrl}/pay`, { method: 'POST', redirect: 'manual' });
    assert.equal(pay.status, 303);
    assert.equal(pay.headers.get('location'), inp.returnUrl);
    const hook = await receiver.waitFor(mentions(r.providerRef));
    const ev = p.verifyWebhook(asWebhook(hook)).events[0]!;
    assert.deepEqual([ev.status, ev.amount, ev.reference], ['paid', 64_500, inp.reference]);
    const st = await p.status({ providerRef: r.providerRef, reference: inp.reference });
    assert.equal(st.status, 'paid');
    assert.equal(st.amount, 64_500);
  });

  test('e-wallet: Cancel on the checkout page → FAILED callback → failed', async () => {
    const p = provider();
    const inp = input({ family: 'ewallet', channel: 'linkaja', amount: 11_000 });
    const r = await p.create(inp);
    const cancel = await fetch(`${r.redirectUrl}/cancel`, { method: 'POST', redirect: 'manual' });
    assert.equal(cancel.status, 303);
    const hook = await receiver.waitFor(mentions(r.providerRef));
    const ev = p.verifyWebhook(asWebhook(hook)).events[0]!;
    assert.equal(ev.status, 'failed');
    assert.match(ev.providerStatus, /USER_DECLINED_PAYMENT/);
  });
});

describe('Xendit callback verification', () => {
  async function paidHookOf() {
    const inp = input({ channel: 'bri', amount: 33_000 });
    const r = await provider().create(inp);
    await emu.simulate('pay', r.providerRef);
    return { hook: await receiver.waitFor(mentions(r.providerRef)), providerRef: r.providerRef };
  }
  const paidHook = async () => (await paidHookOf()).hook;

  test('a wrong or missing x-callback-token is rejected as webhook_signature_invalid', async () => {
    const hook = await paidHook();
    const token = hook.headers['x-callback-token']!;
    const flipped = token.slice(0, -1) + String.fromCharCode(token.charCodeAt(token.length - 1) ^ 1);
    const p = provider();
    const e1 = await rejects(() => p.verifyWebhook({ ...asWebhook(hook), headers: { ...hook.headers, 'x-callback-token': flipped } }), WebhookVerificationError);
    assert.equal(e1.code, 'webhook_signature_invalid');
    assert.equal(e1.status, 401);
    const noToken = { ...hook.headers };
    delete noToken['x-callback-token'];
    const e2 = await rejects(() => p.verifyWebhook({ ...asWebhook(hook), headers: noToken }), WebhookVerificationError);
    assert.equal(e2.code, 'webhook_signature_invalid');
    // An adapter configured with another token rejects the genuine callback.
    await rejects(() => provider({ callbackToken: 'another-token' }).verifyWebhook(asWebhook(hook)), WebhookVerificationError);
  });

  test('right token but an unreadable body → webhook_malformed', async () => {
    const hook = await paidHook();
    const p = provider();
    const e1 = await rejects(() => p.verifyWebhook({ ...asWebhook(hook), rawBody: Buffer.from('{"id": ') }), WebhookVerificationError);
    assert.equal(e1.code, 'webhook_malformed');
    const body = JSON.parse(hook.rawBody.toString('utf8'));
    delete body.external_id;
    const e2 = await rejects(() => p.verifyWebhook({ ...asWebhook(hook), rawBody: Buffer.from(JSON.stringify(body)) }), WebhookVerificationError);
    assert.equal(e2.code, 'webhook_malformed');
    body.external_id = 'x';
    body.amount = 'lots';
    await rejects(() => p.verifyWebhook({ ...asWebhook(hook), rawBody: Buffer.from(JSON.stringify(body)) }), WebhookVerificationError);
  });

  test('without webhook-id the event id falls back to the payment id; other products give no events', async () => {
    const hook = await paidHook();
    const headers = { ...hook.headers };
    delete headers['webhook-id'];
    const ev = provider().verifyWebhook({ ...asWebhook(hook), headers }).events[0]!;
    assert.equal(ev.eventId, JSON.parse(hook.rawBody.toString('utf8')).payment_id);
    const invoice = Buffer.from(JSON.stringify({ id: 'inv_1', external_id: 'x', status: 'PAID', amount: 1000 }));
    assert.deepEqual(provider().verifyWebhook({ ...asWebhook(hook), rawBody: invoice }).events, []);
  });

  test('redelivery re-sends the same bytes with the same webhook-id (stable event id)', async () => {
    const { hook, providerRef } = await paidHookOf();
    const id = hook.headers['webhook-id']!;
    assert.deepEqual(await emu.redeliver(providerRef), { webhookStatus: 200 });
    const again = await receiver.waitFor((r) => r.headers['webhook-id'] === id);
    assert.ok(again.rawBody.equals(hook.rawBody));
    const p = provider();
    assert.equal(p.verifyWebhook(asWebhook(again)).events[0]!.eventId, p.verifyWebhook(asWebhook(hook)).events[0]!.eventId);
    assert.equal(emu.deliveries.find((d) => d.webhookId === id)?.statuses.length, 2);
  });
});

describe('Xendit emulator strictness (§4.7)', () => {
  const va = (over: Record<string, unknown> = {}) => ({
    external_id: `strict-${++seq}`,
    bank_code: 'BNI',
    name: 'Budi Santoso',
    is_closed: true,
    expected_amount: 10_000,
    is_single_use: true,
    ...over,
  });

  test('missing or wrong Basic auth → 401 INVALID_API_KEY', async () => {
    const none = await api('POST', '/callback_virtual_accounts', va(), {}, false);
    assert.equal(none.status, 401);
    assert.equal(none.body.error_code, 'INVALID_API_KEY');
    const wrong = await api('POST', '/callback_virtual_accounts', va(), { Authorization: basicAuthHeader('xnd_development_WRONG') }, false);
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error_code, 'INVALID_API_KEY');
    const err = await rejects(provider({ secretKey: 'xnd_development_WRONG' }).create(input()), ProviderAuthError);
    assert.match(err.message, /INVALID_API_KEY/);
  });

  test('VA field errors → 400 with Xendit codes', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [va({ expected_amount: '10000' }), 'API_VALIDATION_ERROR'],
      [va({ expected_amount: undefined }), 'API_VALIDATION_ERROR'],
      [va({ external_id: undefined }), 'API_VALIDATION_ERROR'],
      [va({ is_closed: 'yes' }), 'API_VALIDATION_ERROR'],
      [va({ name: 'Budi 2' }), 'API_VALIDATION_ERROR'],
      [va({ bank_code: 'XYZ' }), 'BANK_NOT_SUPPORTED_ERROR'],
      [va({ expiration_date: 'tomorrow' }), 'API_VALIDATION_ERROR'],
      [va({ expiration_date: '2020-01-01T00:00:00Z' }), 'API_VALIDATION_ERROR'],
    ];
    for (const [body, code] of cases) {
      const res = await api('POST', '/callback_virtual_accounts', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error_code, code, JSON.stringify(body));
    }
    const bad = await api('POST', '/callback_virtual_accounts', '{not json');
    assert.equal(bad.status, 400);
    const ok = await api('POST', '/callback_virtual_accounts', va({ bank_code: 'BCA', name: 'Budi 2nd' }));
    assert.equal(ok.status, 200);
    assert.equal(ok.body.status, 'PENDING');
  });

  test('QR: v2 DYNAMIC needs an integer amount; without api-version the v1 contract applies', async () => {
    const v2 = { 'api-version': '2022-07-31' };
    const noAmount = await api('POST', '/qr_codes', { reference_id: `q-${++seq}`, type: 'DYNAMIC', currency: 'IDR' }, v2);
    assert.equal(noAmount.status, 400);
    assert.equal(noAmount.body.error_code, 'API_VALIDATION_ERROR');
    const textAmount = await api('POST', '/qr_codes', { reference_id: `q-${++seq}`, type: 'DYNAMIC', currency: 'IDR', amount: '5000' }, v2);
    assert.equal(textAmount.status, 400);
    const badVersion = await api('POST', '/qr_codes', { reference_id: `q-${++seq}`, type: 'DYNAMIC', currency: 'IDR', amount: 5000 }, { 'api-version': '2099-01-01' });
    assert.equal(badVersion.status, 400);

    // v1: reference_id means nothing; external_id and callback_url are required.
    const v1Missing = await api('POST', '/qr_codes', { reference_id: `q-${++seq}`, type: 'DYNAMIC', amount: 5000 });
    assert.equal(v1Missing.status, 400);
    const noCallback = await api('POST', '/qr_codes', { external_id: `q-${++seq}`, type: 'DYNAMIC', amount: 5000 });
    assert.equal(noCallback.status, 400);
    assert.match(noCallback.body.message, /callback_url/);
    const ext = `q1-${++seq}`;
    const v1 = await api('POST', '/qr_codes', { external_id: ext, type: 'DYNAMIC', amount: 5000, callback_url: `${receiverUrl}/v1-callback` });
    assert.equal(v1.status, 201);
    assert.equal(v1.body.external_id, ext);
    assert.equal(v1.body.reference_id, undefined);
    assert.equal(parseQris(v1.body.qr_string).amount, 5000);
    // A v1 QR calls back to its own callback_url with the flat v1 payload, which the adapter also reads.
    const sim = await api('POST', `/qr_codes/${ext}/payments/simulate`, {});
    assert.equal(sim.status, 200);
    const hook = await receiver.waitFor((r) => r.path === '/v1-callback' && mentions(v1.body.id)(r));
    const ev = provider().verifyWebhook(asWebhook(hook)).events[0]!;
    assert.deepEqual([ev.status, ev.amount, ev.providerRef, ev.reference], ['paid', 5000, v1.body.id, ext]);
  });

  test('duplicate reference_id: identical repeat replays, a different body → 400 DUPLICATE_ERROR', async () => {
    const v2 = { 'api-version': '2022-07-31' };
    const body = { reference_id: `dup-${++seq}`, type: 'DYNAMIC', currency: 'IDR', amount: 7000 };
    const first = await api('POST', '/qr_codes', body, v2);
    const same = await api('POST', '/qr_codes', { amount: 7000, currency: 'IDR', type: 'DYNAMIC', reference_id: body.reference_id }, v2);
    assert.equal(same.status, 201);
    assert.equal(same.body.id, first.body.id);
    const different = await api('POST', '/qr_codes', { ...body, amount: 7001 }, v2);
    assert.equal(different.status, 400);
    assert.equal(different.body.error_code, 'DUPLICATE_ERROR');
  });

  test('X-IDEMPOTENCY-KEY replays the first answer; reusing it with another body is refused', async () => {
    const key = { 'X-IDEMPOTENCY-KEY': `idem-${++seq}` };
    const body = va();
    const first = await api('POST', '/callback_virtual_accounts', body, key);
    clock.advance(1000);
    const replay = await api('POST', '/callback_virtual_accounts', body, key);
    assert.deepEqual(replay.body, first.body);
    const other = await api('POST', '/callback_virtual_accounts', va(), key);
    assert.equal(other.status, 409);
  });

  test('e-wallet field rules: OVO needs mobile_number, redirect wallets need success_redirect_url, IDR only', async () => {
    const charge = (over: Record<string, unknown>) => ({
      reference_id: `ew-${++seq}`,
      currency: 'IDR',
      amount: 10_000,
      checkout_method: 'ONE_TIME_PAYMENT',
      channel_code: 'ID_DANA',
      channel_properties: { success_redirect_url: 'https://shop.example/ok' },
      ...over,
    });
    const cases: Array<[Record<string, unknown>, string]> = [
      [charge({ channel_code: 'ID_OVO', channel_properties: {} }), 'API_VALIDATION_ERROR'],
      [charge({ channel_code: 'ID_OVO', channel_properties: { mobile_number: '081234567890' } }), 'API_VALIDATION_ERROR'],
      [charge({ channel_properties: {} }), 'API_VALIDATION_ERROR'],
      [charge({ currency: 'USD' }), 'UNSUPPORTED_CURRENCY'],
      [charge({ channel_code: 'ID_GOPAY' }), 'API_VALIDATION_ERROR'],
      [charge({ amount: 99 }), 'API_VALIDATION_ERROR'],
      [charge({ amount: 100.5 }), 'API_VALIDATION_ERROR'],
    ];
    for (const [body, code] of cases) {
      const res = await api('POST', '/ewallets/charges', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error_code, code, JSON.stringify(body));
    }
    const ok = await api('POST', '/ewallets/charges', charge({}));
    assert.equal(ok.status, 202);
    assert.equal(ok.body.status, 'PENDING');
  });
});

describe('Xendit expiry', () => {
  test('VA and QR read expired once the clock passes their deadline', async () => {
    const p = provider();
    const vaIn = input({ channel: 'permata', expiresAt: new Date(clock.now().getTime() + 60_000) });
    const qrIn = input({ family: 'qris', channel: 'qris', expiresAt: new Date(clock.now().getTime() + 60_000) });
    const vaR = await p.create(vaIn);
    const qrR = await p.create(qrIn);
    assert.equal((await p.status({ providerRef: vaR.providerRef, reference: vaIn.reference })).status, 'pending');
    clock.advance(61_000);
    const vaSt = await p.status({ providerRef: vaR.providerRef, reference: vaIn.reference });
    assert.deepEqual([vaSt.status, vaSt.providerStatus], ['expired', 'INACTIVE']);
    assert.equal((await p.status({ providerRef: qrR.providerRef, reference: qrIn.reference })).status, 'expired');
    const late = await api('POST', `/callback_virtual_accounts/external_id=${vaIn.reference}/simulate_payment`, { amount: 150_000 });
    assert.equal(late.status, 400);
  });

  test('simulate expire: VA sends its INACTIVE update callback (→ expired); e-wallet a FAILED callback (→ expired)', async () => {
    const p = provider();
    const vaIn = input({ channel: 'cimb' });
    const vaR = await p.create(vaIn);
    assert.equal((await emu.simulate('expire', vaR.providerRef)).webhookStatus, 200);
    const vaHook = await receiver.waitFor(mentions(vaR.providerRef));
    const vaEv = p.verifyWebhook(asWebhook(vaHook)).events[0]!;
    assert.deepEqual([vaEv.status, vaEv.reference], ['expired', vaIn.reference]);

    const ewIn = input({ family: 'ewallet', channel: 'dana' });
    const ewR = await p.create(ewIn);
    await emu.simulate('expire', ewR.providerRef);
    const ewHook = await receiver.waitFor(mentions(ewR.providerRef));
    assert.equal(p.verifyWebhook(asWebhook(ewHook)).events[0]!.status, 'expired');
    assert.equal((await p.status({ providerRef: ewR.providerRef, reference: ewIn.reference })).status, 'expired');

    const qrIn = input({ family: 'qris', channel: 'qris' });
    const qrR = await p.create(qrIn);
    assert.equal((await emu.simulate('expire', qrR.providerRef)).webhookStatus, null);
    assert.equal((await p.status({ providerRef: qrR.providerRef, reference: qrIn.reference })).status, 'expired');
  });

  test('an unapproved e-wallet charge fails by itself after its window', async () => {
    const p = provider();
    const inp = input({ family: 'ewallet', channel: 'dana' });
    const r = await p.create(inp);
    clock.advance(15 * 60_000);
    assert.equal((await p.status({ providerRef: r.providerRef, reference: inp.reference })).status, 'expired');
  });
});

describe('Xendit cancel and refund', () => {
  test('VA cancel closes the VA (expiration_date → now); payments are then refused', async () => {
    const p = provider();
    const inp = input({ channel: 'bca' });
    const r = await p.create(inp);
    const st = await p.cancel({ providerRef: r.providerRef, reference: inp.reference });
    assert.equal(st.status, 'cancelled');
    const va = await api('GET', `/callback_virtual_accounts/${r.providerRef}`);
    assert.equal(va.body.status, 'INACTIVE');
    const pay = await api('POST', `/callback_virtual_accounts/external_id=${inp.reference}/simulate_payment`, { amount: 150_000 });
    assert.equal(pay.status, 400);
    assert.equal(pay.body.error_code, 'INACTIVE_VIRTUAL_ACCOUNT_ERROR');
  });

  test('cancel of a paid VA does not close it and reports paid', async () => {
    const p = provider();
    const inp = input({ channel: 'bca' });
    const r = await p.create(inp);
    await emu.simulate('pay', r.providerRef);
    const hook = await receiver.waitFor(mentions(r.providerRef));
    // Before the callback is seen: closed early, maybe paid → refused, never reported cancelled.
    const early = await rejects(provider().cancel({ providerRef: r.providerRef, reference: inp.reference }), ProviderRejectedError);
    assert.equal((early as ProviderRejectedError).providerCode, 'va_inactive');
    p.verifyWebhook(asWebhook(hook));
    assert.equal((await p.cancel({ providerRef: r.providerRef, reference: inp.reference })).status, 'paid');
  });

  test('QR cancel and pending e-wallet cancel are not supported', async () => {
    const p = provider();
    const qrIn = input({ family: 'qris', channel: 'qris' });
    const qr = await p.create(qrIn);
    await rejects(p.cancel({ providerRef: qr.providerRef, reference: qrIn.reference }), ProviderNotSupportedError);
    const ewIn = input({ family: 'ewallet', channel: 'dana' });
    const ew = await p.create(ewIn);
    await rejects(p.cancel({ providerRef: ew.providerRef, reference: ewIn.reference }), ProviderNotSupportedError);
    // The emulator itself refuses to void a charge that has not succeeded.
    const v = await api('POST', `/ewallets/charges/${ew.providerRef}/void`);
    assert.equal(v.status, 403);
  });

  test('cancel of a succeeded e-wallet charge voids it', async () => {
    const p = provider();
    const inp = input({ family: 'ewallet', channel: 'dana', amount: 12_000 });
    const r = await p.create(inp);
    await emu.simulate('pay', r.providerRef);
    await receiver.waitFor(mentions(r.providerRef));
    const st = await p.cancel({ providerRef: r.providerRef, reference: inp.reference });
    assert.deepEqual([st.status, st.providerStatus], ['cancelled', 'VOIDED']);
    const hook = await receiver.waitFor((x) => mentions(r.providerRef)(x) && mentions('ewallet.void')(x));
    assert.equal(p.verifyWebhook(asWebhook(hook)).events[0]!.status, 'cancelled');
  });

  test('e-wallet refund: partial, idempotent per refund id, then status refunded', async () => {
    const p = provider();
    const inp = input({ family: 'ewallet', channel: 'shopeepay', amount: 40_000 });
    const r = await p.create(inp);
    await emu.simulate('pay', r.providerRef);
    await receiver.waitFor(mentions(r.providerRef));
    const ref = { providerRef: r.providerRef, reference: inp.reference };
    const first = await p.refund({ ...ref, refundId: 'rf_1', amount: 10_000, reason: 'requested by customer' });
    assert.equal(first.status, 'succeeded');
    assert.match(first.refundRef, /^ewr_/);
    const retry = await p.refund({ ...ref, refundId: 'rf_1', amount: 10_000, reason: 'requested by customer' });
    assert.equal(retry.refundRef, first.refundRef);
    const charge = await api('GET', `/ewallets/charges/${r.providerRef}`);
    assert.equal(charge.body.refunded_amount, 10_000);
    assert.equal((await p.status(ref)).status, 'refunded');
    const hook = await receiver.waitFor((x) => mentions(first.refundRef)(x));
    assert.equal(p.verifyWebhook(asWebhook(hook)).events[0]!.status, 'refunded');
    const tooMuch = await rejects(p.refund({ ...ref, refundId: 'rf_2', amount: 30_001, reason: 'x' }), ProviderRejectedError);
    assert.equal(tooMuch.providerCode, 'MAXIMUM_REFUND_AMOUNT_REACHED');
  });

  test('refund is not supported for OVO, VA and QR payments', async () => {
    const p = provider();
    const ovoIn = input({ family: 'ewallet', channel: 'ovo', amount: 10_000 });
    const ovo = await p.create(ovoIn);
    await emu.simulate('pay', ovo.providerRef);
    await receiver.waitFor(mentions(ovo.providerRef));
    await rejects(p.refund({ providerRef: ovo.providerRef, reference: ovoIn.reference, refundId: 'r', amount: 10_000, reason: 'x' }), ProviderNotSupportedError);
    const vaIn = input();
    const va = await p.create(vaIn);
    await rejects(p.refund({ providerRef: va.providerRef, reference: vaIn.reference, refundId: 'r', amount: 1, reason: 'x' }), ProviderNotSupportedError);
  });
});

describe('Xendit failures map to ProviderError kinds', () => {
  test('fault modes: 500/503/malformed → unavailable, hang → timeout', async () => {
    emu.setFault('error500', 1);
    await rejects(provider().create(input()), ProviderUnavailableError);
    emu.setFault('error503', 1);
    await rejects(provider().create(input()), ProviderUnavailableError);
    emu.setFault('malformed-json', 1);
    await rejects(provider().create(input()), ProviderUnavailableError);
    emu.setFault('hang', 1);
    await rejects(provider({ timeouts: { create: 200 } }).create(input()), ProviderTimeoutError);
    // Faults were single-shot: the next call works.
    assert.ok((await provider().create(input())).providerRef);
  });

  test('reset after commit: the retry replays the committed VA instead of making a second one', async () => {
    const p = provider();
    const inp = input({ channel: 'bri' });
    const t0 = clock.now().toISOString();
    emu.setFault('reset-after-commit', 1);
    await rejects(p.create(inp), ProviderUnavailableError);
    clock.advance(5_000);
    const r = await p.create(inp);
    const va = await api('GET', `/callback_virtual_accounts/${r.providerRef}`);
    assert.equal(va.body.external_id, inp.reference);
    assert.equal(va.body.created, t0, 'the VA is the one created before the connection was reset');
  });

  test('test-mode magic amounts (§4.5)', async () => {
    const p = provider();
    const ew = (amount: number) => input({ family: 'ewallet', channel: 'dana', amount });
    const e1 = await rejects(p.create(ew(10_100)), ProviderRejectedError);
    assert.deepEqual([e1.httpStatus, e1.providerCode], [403, 'CHANNEL_NOT_ACTIVATED']);
    const e2 = await rejects(p.create(ew(10_101)), ProviderUnavailableError);
    assert.match(e2.message, /503 CHANNEL_UNAVAILABLE/);
    const e3 = await rejects(p.create(ew(10_102)), ProviderUnavailableError);
    assert.match(e3.message, /500 SERVER_ERROR/);

    const inp = ew(20_103);
    const r = await p.create(inp);
    const hook = await receiver.waitFor(mentions(r.providerRef));
    const ev = p.verifyWebhook(asWebhook(hook)).events[0]!;
    assert.equal(ev.status, 'failed');
    assert.match(ev.providerStatus, /ACCOUNT_ACCESS_BLOCKED/);
  });

  test('an unknown providerRef is a rejection (404), not an outage', async () => {
    const err = await rejects(provider().status({ providerRef: 'ewc_nope', reference: 'x' }), ProviderRejectedError);
    assert.equal(err.httpStatus, 404);
  });
});
