/**
 * Midtrans Core API adapter against the strict Midtrans emulator, over real HTTP on 127.0.0.1 (providers.md §5).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { signatureKey } from '../../server/emulators/midtrans/signing.js';
import { createMidtransEmulator, type MidtransEmulator } from '../../server/emulators/midtrans/index.js';
import { basicAuthMatches } from '../../server/emulators/shared/basic-auth.js';
import type { EmulatorOptions } from '../../server/emulators/types.js';
import {
  ProviderAuthError,
  ProviderNotSupportedError,
  ProviderRejectedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
  WebhookVerificationError,
} from '../../server/errors.js';
import { ManualClock } from '../../server/lib/clock.js';
import { parseQris } from '../../server/lib/qris.js';
import { createMidtransProvider } from '../../server/providers/midtrans/index.js';
import { mapStatus, customExpiry, fromWireAmount, itemDetails, toWib, wibToIso } from '../../server/providers/midtrans/mapping.js';
import { basicAuthHeader, notificationSignature, verifyNotificationSignature } from '../../server/providers/midtrans/signing.js';
import type { CreatePaymentInput, PaymentProvider, ProviderContext, WebhookRequest } from '../../server/providers/types.js';
import { fetchJson, recordingHttp, rejects, testServers, webhookReceiver, type Received } from '../helpers/provider-harness.js';

const CREDS = SANDBOX_CREDENTIALS.midtrans;
const V_MID_2 = {
  order_id: '1111',
  status_code: '200',
  gross_amount: '100000.00',
  serverKey: 'askvnoibnosifnboseofinbofinfgbiufglnbfg',
  signature: 'edc076b21793ebe3e17926350f5b8ae67d902fe657b3d0aa31b932d5c127e2375d308a2bc94f3265ac2d80a1f181a79b997ac178a236fcff35af263fc4d4c231',
  wrongFormatSignature:
    '5f363520e86c10c2ea14074cd09dc1d67299633558abe291ded95a16908f9ec5071e982c289c3333bcbcfe62dd8e78ae4c3d3bd92191707ba2e91f7169d8411a',
};

// ---------------------------------------------------------------------------------------------------------------
// Harness

const json = (r: Received) => JSON.parse(r.rawBody.toString('utf8'));
const about = (orderId: string, status?: string) => (r: Received) => {
  const b = json(r);
  return b.order_id === orderId && (status === undefined || b.transaction_status === status);
};

const clock = new ManualClock(new Date('2026-03-02T03:00:00Z').getTime());
/** Records what the adapter sends, to check request fields the emulator does not echo. */
const { client: http, sent } = recordingHttp();
const receiver = webhookReceiver(clock);
const servers = testServers();
let receiverUrl = '';
let base = '';
let base200 = '';
let emu: MidtransEmulator;

before(async () => {
  receiverUrl = await servers.listen(receiver.app);
  const options = { clock, defaultWebhookUrl: () => `${receiverUrl}/dashboard-url` };
  ({ emulator: emu, base } = await servers.emulator('/emulators/midtrans', (o) => createMidtransEmulator(CREDS, o), options));
  // Answers every error with HTTP 200, only the body's status_code telling (§5.4).
  const always200 = (o: EmulatorOptions) => createMidtransEmulator(CREDS, o, { errorHttpStatus: 'always-200' });
  ({ base: base200 } = await servers.emulator('/emulators/midtrans-200', always200, options));
});

after(() => servers.close());

const TIMEOUTS = { create: 5_000, status: 5_000, cancel: 5_000, refund: 5_000 };
function provider(over: { serverKey?: string; baseUrl?: string; timeouts?: Partial<ProviderContext['timeouts']> } = {}): PaymentProvider {
  return createMidtransProvider(
    { serverKey: over.serverKey ?? CREDS.serverKey, baseUrl: over.baseUrl ?? base },
    { http, clock, timeouts: { ...TIMEOUTS, ...over.timeouts } },
  );
}

let seq = 0;
function input(over: Partial<CreatePaymentInput> = {}): CreatePaymentInput {
  seq++;
  const reference = `bm-${seq}-${Math.random().toString(36).slice(2, 10)}`;
  return {
    paymentId: `pay_${reference}`,
    reference,
    orderId: `ORDER-${seq}`,
    amount: 150_000,
    family: 'va',
    channel: 'bca',
    customer: { name: 'Budi Santoso Wijaya', email: 'budi@example.com', phone: '081234567890' },
    items: [
      { name: 'Kopi Gayo 250g', price: 100_000, quantity: 1, sku: 'KOPI-1' },
      { name: 'Gula Aren', price: 25_000, quantity: 2 },
    ],
    expiresAt: new Date(clock.now().getTime() + 3_600_000),
    webhookUrl: `${receiverUrl}/webhooks/midtrans`,
    returnUrl: 'https://shop.example/thanks',
    ...over,
  };
}

const asWebhook = receiver.asWebhook;
const lastCharge = () => [...sent].reverse().find((r) => r.url.endsWith('/v2/charge'))!;

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, opts: { auth?: boolean; base?: string } = {}) {
  const auth: Record<string, string> = opts.auth === false ? {} : { Authorization: basicAuthHeader(CREDS.serverKey) };
  const res = await fetchJson(`${opts.base ?? base}${path}`, { method, headers: { ...auth, ...headers }, body });
  return { status: res.status, body: res.json, headers: res.headers };
}

/** A notification signed as Midtrans signs it, for hand-made cases. */
function signedNotification(fields: Record<string, string>, serverKey: string) {
  const body: Record<string, string> = { transaction_id: 'tx-1', transaction_status: 'settlement', payment_type: 'qris', ...fields };
  return { ...body, signature_key: signatureKey(body.order_id!, body.status_code!, body.gross_amount!, serverKey) };
}
const webhookOf = (body: unknown): WebhookRequest => ({
  headers: { 'content-type': 'application/json' },
  rawBody: Buffer.from(JSON.stringify(body)),
  path: '/webhooks/midtrans',
  receivedAt: clock.now(),
});

// ---------------------------------------------------------------------------------------------------------------

describe('Midtrans signing and mapping (providers.md §5.7)', () => {
  test('V-MID-1: Basic auth header for SB-Mid-server-TESTKEY', () => {
    assert.equal(basicAuthHeader('SB-Mid-server-TESTKEY'), 'Basic U0ItTWlkLXNlcnZlci1URVNUS0VZOg==');
    assert.equal(basicAuthMatches('Basic U0ItTWlkLXNlcnZlci1URVNUS0VZOg==', 'SB-Mid-server-TESTKEY'), true);
    assert.equal(basicAuthMatches('Basic U0ItTWlkLXNlcnZlci1URVNUS0VZOg==', 'SB-Mid-server-OTHER'), false);
  });

  test('V-MID-2: signature_key over gross_amount exactly as received; the reformatted negative control fails', () => {
    const { order_id, status_code, gross_amount, serverKey, signature, wrongFormatSignature } = V_MID_2;
    assert.equal(notificationSignature(order_id, status_code, gross_amount, serverKey), signature);
    assert.equal(signatureKey(order_id, status_code, gross_amount, serverKey), signature, 'the emulator signs the same');
    assert.equal(notificationSignature(order_id, status_code, '100000', serverKey), wrongFormatSignature);
    assert.equal(verifyNotificationSignature({ order_id, status_code, gross_amount, signature_key: signature }, serverKey), true);
    assert.equal(verifyNotificationSignature({ order_id, status_code, gross_amount, signature_key: wrongFormatSignature }, serverKey), false);

    const p = provider({ serverKey });
    const base = { order_id, status_code, gross_amount, transaction_id: 'tx-1', transaction_status: 'settlement' };
    const ok = p.verifyWebhook(webhookOf({ ...base, signature_key: signature }));
    assert.deepEqual([ok.events[0]!.status, ok.events[0]!.amount, ok.events[0]!.reference], ['paid', 100_000, '1111']);
    const err = (() => {
      try {
        p.verifyWebhook(webhookOf({ ...base, signature_key: wrongFormatSignature }));
      } catch (e) {
        return e;
      }
    })();
    assert.ok(err instanceof WebhookVerificationError);
    assert.equal(err.code, 'webhook_signature_invalid');
  });

  test('amounts, GMT+7 times, status table, items and expiry', () => {
    assert.equal(fromWireAmount('150000.00'), 150_000);
    assert.equal(fromWireAmount('150000'), 150_000);
    assert.ok(Number.isNaN(fromWireAmount('150000.50')));
    assert.ok(Number.isNaN(fromWireAmount('1e5')));
    assert.equal(fromWireAmount(undefined), undefined);
    assert.equal(toWib(new Date('2026-03-02T03:00:00Z')), '2026-03-02 10:00:00');
    assert.equal(wibToIso('2026-03-02 10:00:00'), '2026-03-02T03:00:00.000Z');
    assert.equal(wibToIso('2026-03-02T10:00:00'), undefined);
    assert.equal(mapStatus('capture', 'accept'), 'paid');
    assert.equal(mapStatus('capture', 'challenge'), 'pending');
    assert.equal(mapStatus('settlement'), 'paid');
    assert.equal(mapStatus('expire'), 'expired');
    assert.equal(mapStatus('something-new'), 'pending');
    const mismatched = itemDetails({ amount: 10_000, orderId: 'O-1', items: [{ name: 'A', price: 9_000, quantity: 1 }] });
    assert.deepEqual(mismatched, [{ id: 'order', price: 10_000, quantity: 1, name: 'Order O-1' }]);
    const now = new Date('2026-03-02T03:00:00Z');
    assert.deepEqual(customExpiry(new Date(now.getTime() + 90 * 60_000 + 59_000), now), {
      order_time: '2026-03-02 10:00:00 +0700',
      expiry_duration: 90,
      unit: 'minute',
    });
  });
});

describe('Midtrans create (POST /v2/charge)', () => {
  test('request: order_id = reference, integer gross_amount, items summing to it, custom_expiry, X-Override-Notification', async () => {
    const inp = input();
    await provider().create(inp);
    const req = lastCharge();
    assert.equal(req.headers?.['X-Override-Notification'], inp.webhookUrl);
    assert.equal(req.headers?.Authorization, basicAuthHeader(CREDS.serverKey));
    const body = JSON.parse(req.body!);
    assert.deepEqual(body.transaction_details, { order_id: inp.reference, gross_amount: 150_000 });
    assert.deepEqual(body.item_details, [
      { id: 'KOPI-1', price: 100_000, quantity: 1, name: 'Kopi Gayo 250g' },
      { id: 'item-2', price: 25_000, quantity: 2, name: 'Gula Aren' },
    ]);
    assert.deepEqual(body.customer_details, { first_name: 'Budi', last_name: 'Santoso Wijaya', email: 'budi@example.com', phone: '081234567890' });
    assert.deepEqual(body.custom_expiry, { order_time: `${toWib(clock.now())} +0700`, expiry_duration: 60, unit: 'minute' });
    assert.deepEqual(body.bank_transfer, { bank: 'bca' });
  });

  for (const channel of ['bca', 'bni', 'bri']) {
    test(`VA ${channel}: number from va_numbers`, async () => {
      const inp = input({ channel });
      const r = await provider().create(inp);
      assert.equal(r.va?.bank, channel);
      assert.match(r.va?.number ?? '', /^\d{10,}$/);
      assert.equal(r.expiresAt, new Date(clock.now().getTime() + 3_600_000).toISOString());
      const st = await api('GET', `/v2/${inp.reference}/status`);
      assert.deepEqual(st.body.va_numbers, [{ bank: channel, va_number: r.va!.number }]);
      assert.equal(st.body.transaction_id, r.providerRef);
    });
  }

  test('Permata: top-level permata_va_number', async () => {
    const r = await provider().create(input({ channel: 'permata' }));
    assert.match(r.va!.number, /^8778\d+$/);
  });

  test('Mandiri bill (echannel): bill_key and biller_code', async () => {
    const inp = input({ channel: 'mandiri', orderId: 'ORDER-WITH-A-VERY-LONG-IDENTIFIER-0001' });
    const r = await provider().create(inp);
    assert.equal(r.va?.bank, 'mandiri');
    assert.match(r.va!.number, /^\d{12}$/);
    assert.equal(r.va?.billerCode, '70012');
    const body = JSON.parse(lastCharge().body!);
    assert.equal(body.payment_type, 'echannel');
    assert.ok(body.echannel.bill_info1.length <= 10 && body.echannel.bill_info2.length <= 30);
  });

  test('QRIS: GoPay-acquired qr_string with the amount', async () => {
    const inp = input({ family: 'qris', channel: 'qris', amount: 48_000, items: [] });
    const r = await provider().create(inp);
    const info = parseQris(r.qris!.qrString);
    assert.equal(info.dynamic, true);
    assert.equal(info.amount, 48_000);
    assert.deepEqual(JSON.parse(lastCharge().body!).qris, { acquirer: 'gopay' });
    const img = await fetch(`${base}/v2/qris/${r.providerRef}/qr-code`);
    assert.equal(img.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
  });

  test('GoPay: redirect to the deeplink page; callback_url = return URL', async () => {
    const inp = input({ family: 'ewallet', channel: 'gopay', amount: 27_000, items: [] });
    const r = await provider().create(inp);
    assert.equal(r.redirectUrl, `${base}/gopay/${r.providerRef}/deeplink`);
    assert.deepEqual(JSON.parse(lastCharge().body!).gopay, { enable_callback: true, callback_url: inp.returnUrl });
  });

  for (const store of ['indomaret', 'alfamart']) {
    test(`convenience store ${store}: payment_code`, async () => {
      const r = await provider().create(input({ family: 'cstore', channel: store, amount: 80_000, items: [] }));
      assert.equal(r.cstore?.store, store);
      assert.match(r.cstore!.paymentCode, /^\d{14,16}$/);
      assert.deepEqual(JSON.parse(lastCharge().body!).cstore.store, store);
    });
  }

  test('items that do not add up are sent as one line for the whole amount', async () => {
    await provider().create(input({ amount: 99_000 }));
    const body = JSON.parse(lastCharge().body!);
    assert.equal(body.item_details.length, 1);
    assert.equal(body.item_details[0].price, 99_000);
  });

  test('unsupported method → ProviderNotSupportedError without a request', async () => {
    const before = sent.length;
    await rejects(provider().create(input({ family: 'ewallet', channel: 'ovo' })), ProviderNotSupportedError);
    await rejects(provider().create(input({ family: 'paylater', channel: 'indodana' })), ProviderNotSupportedError);
    assert.equal(sent.length, before);
  });
});

describe('Midtrans payment flows: pay → notification → verify → status', () => {
  test('VA: simulate pay notifies the X-Override-Notification URL with a valid signature', async () => {
    const p = provider();
    const inp = input({ channel: 'bni' });
    const r = await p.create(inp);
    const ref = { providerRef: r.providerRef, reference: inp.reference };
    assert.equal((await p.status(ref)).status, 'pending');
    assert.equal((await emu.simulate('pay', r.providerRef)).webhookStatus, 200);
    const hook = await receiver.waitFor(about(inp.reference, 'settlement'));
    assert.equal(hook.path, '/webhooks/midtrans');
    const body = json(hook);
    assert.equal(body.gross_amount, '150000.00');
    assert.equal(body.status_code, '200');
    assert.match(body.transaction_time, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const ev = p.verifyWebhook(asWebhook(hook)).events[0]!;
    assert.deepEqual([ev.status, ev.amount, ev.reference, ev.providerRef], ['paid', 150_000, inp.reference, r.providerRef]);
    assert.equal(ev.paidAt, clock.now().toISOString());
    assert.equal(p.capabilities.webhookNeedsConfirmation, true);
    const st = await p.status(ref);
    assert.deepEqual([st.status, st.amount, st.providerStatus], ['paid', 150_000, 'settlement']);
  });

  test('GoPay: deeplink page → Pay → notification → redirect to the shop', async () => {
    const p = provider();
    const inp = input({ family: 'ewallet', channel: 'gopay', amount: 33_500, items: [] });
    const r = await p.create(inp);
    const page = await fetch(r.redirectUrl!);
    const html = await page.text();
    assert.match(html, /33\.500/);
    assert.doesNotMatch(html, /<script|style="/);
    const pay = await fetch(`${r.redirectUrl}/pay`, { method: 'POST', redirect: 'manual' });
    assert.equal(pay.status, 303);
    assert.equal(pay.headers.get('location'), inp.returnUrl);
    const ev = p.verifyWebhook(asWebhook(await receiver.waitFor(about(inp.reference, 'settlement')))).events[0]!;
    assert.deepEqual([ev.status, ev.amount], ['paid', 33_500]);
    assert.equal((await p.status({ providerRef: r.providerRef, reference: inp.reference })).status, 'paid');
  });

  test('GoPay: Cancel on the deeplink page → deny → failed', async () => {
    const p = provider();
    const inp = input({ family: 'ewallet', channel: 'gopay', amount: 10_000, items: [] });
    const r = await p.create(inp);
    await fetch(`${r.redirectUrl}/cancel`, { method: 'POST', redirect: 'manual' });
    const ev = p.verifyWebhook(asWebhook(await receiver.waitFor(about(inp.reference, 'deny')))).events[0]!;
    assert.equal(ev.status, 'failed');
  });

  test('without X-Override-Notification the dashboard URL is notified', async () => {
    const res = await api('POST', '/v2/charge', {
      payment_type: 'bank_transfer',
      transaction_details: { order_id: `dash-${++seq}`, gross_amount: 10_000 },
      bank_transfer: { bank: 'bca' },
    });
    assert.equal(res.body.status_code, '201');
    await emu.simulate('pay', res.body.transaction_id);
    const hook = await receiver.waitFor(about(res.body.order_id));
    assert.equal(hook.path, '/dashboard-url');
  });
});

describe('Midtrans notification verification', () => {
  async function paidHook() {
    const inp = input({ family: 'cstore', channel: 'alfamart', amount: 20_000, items: [] });
    const r = await provider().create(inp);
    await emu.simulate('pay', r.providerRef);
    return receiver.waitFor(about(inp.reference, 'settlement'));
  }

  test('a changed field, a flipped signature byte or another server key → webhook_signature_invalid', async () => {
    const hook = await paidHook();
    const p = provider();
    const body = json(hook);
    const tampered = { ...body, gross_amount: '2000000.00' };
    const sig = body.signature_key as string;
    const flipped = { ...body, signature_key: sig.slice(0, 10) + (sig[10] === 'a' ? 'b' : 'a') + sig.slice(11) };
    for (const b of [tampered, flipped, { ...body, signature_key: undefined }]) {
      const err = await rejects(() => p.verifyWebhook(webhookOf(b)), WebhookVerificationError);
      assert.equal(err.code, 'webhook_signature_invalid');
    }
    const raw = Buffer.from(hook.rawBody);
    const i = raw.indexOf('"settlement"') + 2;
    raw[i] = raw[i]! ^ 0x01; // one flipped byte inside transaction_status: not covered by the signature
    assert.equal(p.verifyWebhook({ ...asWebhook(hook), rawBody: raw }).events[0]!.status, 'pending');
    await rejects(() => provider({ serverKey: 'SB-Mid-server-OTHER' }).verifyWebhook(asWebhook(hook)), WebhookVerificationError);
  });

  test('malformed notifications → webhook_malformed (not JSON, missing fields, a fractional amount)', async () => {
    const p = provider();
    const e1 = await rejects(() => p.verifyWebhook({ ...webhookOf({}), rawBody: Buffer.from('order_id=1') }), WebhookVerificationError);
    assert.equal(e1.code, 'webhook_malformed');
    const e2 = await rejects(() => p.verifyWebhook(webhookOf({ status_code: '200', gross_amount: '1.00' })), WebhookVerificationError);
    assert.equal(e2.code, 'webhook_malformed');
    // Correctly signed, but 100000.50 is no rupiah amount.
    const frac = signedNotification({ order_id: 'o-frac', status_code: '200', gross_amount: '100000.50' }, CREDS.serverKey);
    const e3 = await rejects(() => p.verifyWebhook(webhookOf(frac)), WebhookVerificationError);
    assert.equal(e3.code, 'webhook_malformed');
    // A number instead of the string Midtrans sends cannot be checked "exactly as received".
    const e4 = await rejects(() => p.verifyWebhook(webhookOf({ ...frac, gross_amount: 100000 })), WebhookVerificationError);
    assert.equal(e4.code, 'webhook_malformed');
  });

  test('event identity: a redelivery dedupes, a later status of the same order does not', async () => {
    const p = provider();
    const inp = input({ family: 'qris', channel: 'qris', amount: 15_000, items: [] });
    const r = await p.create(inp);
    await emu.simulate('pay', r.providerRef);
    const first = await receiver.waitFor(about(inp.reference, 'settlement'));
    assert.ok(emu.deliveries.some((x) => x.body === first.rawBody.toString('utf8')));
    assert.deepEqual(await emu.redeliver(r.providerRef), { webhookStatus: 200 });
    const again = await receiver.waitFor(about(inp.reference, 'settlement'));
    assert.equal(p.verifyWebhook(asWebhook(again)).events[0]!.eventId, p.verifyWebhook(asWebhook(first)).events[0]!.eventId);
    await p.refund({ providerRef: r.providerRef, reference: inp.reference, refundId: 'rf-x', amount: 15_000, reason: 'x' });
    const refund = await receiver.waitFor(about(inp.reference, 'refund'));
    assert.notEqual(p.verifyWebhook(asWebhook(refund)).events[0]!.eventId, p.verifyWebhook(asWebhook(first)).events[0]!.eventId);
  });
});

describe('Midtrans emulator strictness (§5.8)', () => {
  const charge = (over: Record<string, unknown> = {}, td: Record<string, unknown> = {}) => ({
    payment_type: 'bank_transfer',
    transaction_details: { order_id: `strict-${++seq}`, gross_amount: 10_000, ...td },
    bank_transfer: { bank: 'bca' },
    ...over,
  });

  test('no or wrong Basic auth → 401 with the documented message', async () => {
    const variants: Array<Record<string, string>> = [{}, { Authorization: basicAuthHeader('SB-Mid-server-WRONG') }, { Authorization: 'Bearer x' }];
    for (const headers of variants) {
      const res = await api('POST', '/v2/charge', charge(), headers, { auth: false });
      assert.equal(res.status, 401);
      assert.equal(res.body.status_code, '401');
      assert.equal(res.body.status_message, 'Access denied due to unauthorized transaction, please check client or server key');
    }
    await rejects(provider({ serverKey: 'SB-Mid-server-WRONG' }).create(input()), ProviderAuthError);
  });

  test('order_id over 50 characters or with other symbols → 400; non-integer gross_amount → 400', async () => {
    const cases = [
      charge({}, { order_id: 'x'.repeat(51) }),
      charge({}, { order_id: 'order#1' }),
      charge({}, { order_id: 'order 1' }),
      charge({}, { gross_amount: 10_000.5 }),
      charge({}, { gross_amount: '10000' }),
      charge({}, { gross_amount: 0 }),
      charge({ bank_transfer: { bank: 'xyz' } }),
      charge({ payment_type: 'credit_card' }),
      charge({ item_details: [{ id: 'a', price: 9_000, quantity: 1, name: 'A' }] }),
      charge({ custom_expiry: { expiry_duration: 10, unit: 'fortnight' } }),
      charge({ customer_details: { email: 'not-an-email' } }),
    ];
    for (const body of cases) {
      const res = await api('POST', '/v2/charge', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.status_code, '400');
      assert.ok(Array.isArray(res.body.validation_messages), JSON.stringify(res.body));
    }
    const ok = await api('POST', '/v2/charge', charge({}, { order_id: 'Ok_order-1.2~3' + seq }));
    assert.equal(ok.status, 200);
    assert.equal(ok.body.status_code, '201');
    assert.equal(ok.body.transaction_status, 'pending');
    assert.match(ok.body.gross_amount, /^10000\.00$/);
  });

  test('a duplicate active or paid order_id → 406; an expired one may be reused', async () => {
    const body = charge();
    const first = await api('POST', '/v2/charge', body);
    assert.equal(first.body.status_code, '201');
    const dup = await api('POST', '/v2/charge', body);
    assert.equal(dup.status, 406);
    assert.equal(dup.body.status_code, '406');
    await emu.simulate('pay', first.body.transaction_id);
    assert.equal((await api('POST', '/v2/charge', body)).status, 406);

    const other = charge();
    const t = await api('POST', '/v2/charge', other);
    await api('POST', `/v2/${t.body.transaction_id}/expire`);
    const reused = await api('POST', '/v2/charge', other);
    assert.equal(reused.status, 200);
    assert.notEqual(reused.body.transaction_id, t.body.transaction_id);
  });

  test('errors on HTTP 200 with only the body status_code telling are still errors', async () => {
    const p = provider({ baseUrl: base200 });
    await rejects(provider({ baseUrl: base200, serverKey: 'SB-Mid-server-WRONG' }).create(input()), ProviderAuthError);
    const inp = input();
    await p.create(inp);
    // The same order again: 406 in the body of an HTTP 200 answer.
    const dupe = await rejects(p.create({ ...inp, family: 'qris', channel: 'qris' }), ProviderRejectedError);
    assert.deepEqual([dupe.httpStatus, dupe.providerCode], [406, '406']);
    const missing = await rejects(p.status({ providerRef: 'x', reference: 'no-such-order' }), ProviderRejectedError);
    assert.equal(missing.httpStatus, 404);
  });
});

describe('Midtrans expiry', () => {
  test('after expiry_time the status answer says 407/expire, which is not an error', async () => {
    const p = provider();
    const inp = input({ channel: 'bri', expiresAt: new Date(clock.now().getTime() + 5 * 60_000) });
    const r = await p.create(inp);
    clock.advance(5 * 60_000);
    const raw = await api('GET', `/v2/${inp.reference}/status`);
    assert.equal(raw.status, 200);
    assert.equal(raw.body.status_code, '407');
    assert.equal(raw.body.transaction_status, 'expire');
    const st = await p.status({ providerRef: r.providerRef, reference: inp.reference });
    assert.deepEqual([st.status, st.providerStatus], ['expired', 'expire']);
    await assert.rejects(emu.simulate('pay', r.providerRef), /expire/);
  });

  test('simulate expire sends an expire notification', async () => {
    const p = provider();
    const inp = input({ family: 'cstore', channel: 'indomaret', amount: 50_000, items: [] });
    const r = await p.create(inp);
    await emu.simulate('expire', r.providerRef);
    const hook = await receiver.waitFor(about(inp.reference, 'expire'));
    const ev = p.verifyWebhook(asWebhook(hook)).events[0]!;
    assert.equal(ev.status, 'expired');
    assert.equal(json(hook).status_code, '202');
  });
});

describe('Midtrans cancel and refund', () => {
  test('cancel of a pending transaction → cancelled, with a cancel notification', async () => {
    const p = provider();
    const inp = input({ channel: 'permata' });
    const r = await p.create(inp);
    const st = await p.cancel({ providerRef: r.providerRef, reference: inp.reference });
    assert.deepEqual([st.status, st.providerStatus], ['cancelled', 'cancel']);
    const ev = p.verifyWebhook(asWebhook(await receiver.waitFor(about(inp.reference, 'cancel')))).events[0]!;
    assert.equal(ev.status, 'cancelled');
  });

  test('cancel of a settled transaction is refused by Midtrans (412) and reports paid', async () => {
    const p = provider();
    const inp = input({ channel: 'bca' });
    const r = await p.create(inp);
    await emu.simulate('pay', r.providerRef);
    await receiver.waitFor(about(inp.reference, 'settlement'));
    const raw = await api('POST', `/v2/${inp.reference}/cancel`);
    assert.equal(raw.status, 412);
    assert.equal((await p.cancel({ providerRef: r.providerRef, reference: inp.reference })).status, 'paid');
  });

  test('QRIS refund: partial, replayed by refund_key, status refunded', async () => {
    const p = provider();
    const inp = input({ family: 'qris', channel: 'qris', amount: 60_000, items: [] });
    const r = await p.create(inp);
    await emu.simulate('pay', r.providerRef);
    await receiver.waitFor(about(inp.reference, 'settlement'));
    const ref = { providerRef: r.providerRef, reference: inp.reference };
    const first = await p.refund({ ...ref, refundId: 'rf_a', amount: 20_000, reason: 'customer asked' });
    assert.equal(first.status, 'succeeded');
    const body = JSON.parse([...sent].reverse().find((x) => x.url.endsWith('/refund'))!.body!);
    assert.deepEqual(Object.keys(body).sort(), ['amount', 'reason', 'refund_key']);
    assert.equal(body.amount, 20_000);
    const retry = await p.refund({ ...ref, refundId: 'rf_a', amount: 20_000, reason: 'customer asked' });
    assert.equal(retry.refundRef, first.refundRef);
    const st = await p.status(ref);
    assert.deepEqual([st.status, st.providerStatus], ['refunded', 'partial_refund']);
    const tooMuch = await rejects(p.refund({ ...ref, refundId: 'rf_b', amount: 40_001, reason: 'x' }), ProviderRejectedError);
    assert.equal(tooMuch.httpStatus, 412);
  });

  test('bank transfer and store payments cannot be refunded', async () => {
    const p = provider();
    const inp = input({ channel: 'bca' });
    const r = await p.create(inp);
    await emu.simulate('pay', r.providerRef);
    await receiver.waitFor(about(inp.reference, 'settlement'));
    await rejects(p.refund({ providerRef: r.providerRef, reference: inp.reference, refundId: 'r', amount: 1_000, reason: 'x' }), ProviderNotSupportedError);
    const raw = await api('POST', `/v2/${inp.reference}/refund`, { refund_key: 'k1', amount: 1000, reason: 'x' });
    assert.equal(raw.status, 412);
  });
});

describe('Midtrans failures map to ProviderError kinds', () => {
  test('fault modes: 500/503/malformed → unavailable, hang → timeout', async () => {
    emu.setFault('error500', 1);
    await rejects(provider().create(input()), ProviderUnavailableError);
    emu.setFault('error503', 1);
    await rejects(provider().status({ providerRef: 'x', reference: 'y' }), ProviderUnavailableError);
    emu.setFault('malformed-json', 1);
    await rejects(provider().create(input()), ProviderUnavailableError);
    emu.setFault('hang', 1);
    await rejects(provider({ timeouts: { create: 200 } }).create(input()), ProviderTimeoutError);
    assert.ok((await provider().create(input())).providerRef);
  });

  test('reset after commit: the retried VA create gets 406 and recovers the committed transaction', async () => {
    const p = provider();
    const inp = input({ channel: 'bni' });
    emu.setFault('reset-after-commit', 1);
    await rejects(p.create(inp), ProviderUnavailableError);
    const r = await p.create(inp);
    const st = await api('GET', `/v2/${inp.reference}/status`);
    assert.equal(r.providerRef, st.body.transaction_id);
    assert.equal(r.va?.number, st.body.va_numbers[0].va_number);
  });

  test('reset after commit on QRIS: the QR string cannot be recovered, so the 406 stands', async () => {
    const p = provider();
    const inp = input({ family: 'qris', channel: 'qris', items: [] });
    emu.setFault('reset-after-commit', 1);
    await rejects(p.create(inp), ProviderUnavailableError);
    const err = await rejects(p.create(inp), ProviderRejectedError);
    assert.equal(err.providerCode, '406');
  });
});
