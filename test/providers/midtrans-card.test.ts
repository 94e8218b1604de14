/**
 * Cards through Midtrans Snap's hosted page (providers/midtrans/card.ts) against the strict emulator over real HTTP:
 * the Snap request, the hosted card form and 3-D Secure challenge driven as a browser would (form posts), the signed
 * notifications, the status API's answers per sandbox card, refunds, and what the emulator refuses.
 */
import { refundBlocker } from '../../server/providers/capabilities.js';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { createMidtransEmulator, type MidtransEmulator } from '../../server/emulators/midtrans/index.js';
import { luhn } from '../../server/emulators/shared/card-pages.js';
import { ProviderAuthError, ProviderNotSupportedError, WebhookVerificationError } from '../../server/errors.js';
import { parseSnapRef, snapBaseUrl } from '../../server/providers/midtrans/card.js';
import { createMidtransProvider } from '../../server/providers/midtrans/index.js';
import { toWib } from '../../server/providers/midtrans/mapping.js';
import { basicAuthHeader } from '../../server/providers/midtrans/signing.js';
import type { CreatePaymentInput, PaymentProvider } from '../../server/providers/types.js';
import { fetchJson, providerHarness, recordingHttp, rejects, type Received } from '../helpers/provider-harness.js';
import { GOOD_CARD_FIELDS, cardFormRefusesBadInput, cardPaymentInput, createAndPayByCard, failThreeOtps, formPost, pageGet } from '../helpers/card-pages.js';

const CREDS = SANDBOX_CREDENTIALS.midtrans;
const { client: http, sent } = recordingHttp();
let emu: MidtransEmulator;
let base = '';
let receiverUrl = '';
/** Notifications are kept for waitFor(), each test verifies (or forges) them itself. */
const { clock, hooks: receiver, ctx } = providerHarness('midtrans', {
  emulator: (o) => createMidtransEmulator(CREDS, o),
  adapter: (baseUrl, c) => createMidtransProvider({ serverKey: CREDS.serverKey, baseUrl }, c),
  http,
  timeouts: { create: 5_000, status: 5_000, cancel: 5_000, refund: 5_000 },
  verify: false,
  ready: (r) => ({ emulator: emu, emuBase: base, hookBase: receiverUrl } = r),
});
/** An adapter with these credentials (a wrong server key, for the emulator's own checks). */
const provider = (serverKey: string = CREDS.serverKey): PaymentProvider => createMidtransProvider({ serverKey, baseUrl: base }, ctx);

let seq = 0;
function input(over: Partial<CreatePaymentInput> = {}): CreatePaymentInput {
  seq++;
  return cardPaymentInput(clock, { reference: `bc-${seq}-${Math.random().toString(36).slice(2, 10)}`, orderId: `ORDER-C${seq}`, webhookUrl: `${receiverUrl}/webhooks/midtrans` }, over);
}

const json = (r: Received) => JSON.parse(r.rawBody.toString('utf8'));
const about = (orderId: string) => (r: Received) => json(r).order_id === orderId;


/** Creates a card payment and pays it on the hosted pages with this card; resolves with the notification it caused. */
const payWith = (card: string, inp = input()) => createAndPayByCard(provider(), inp, card, (reference) => receiver.waitFor(about(reference)));

describe('Midtrans Snap card: create', () => {
  test('Snap request: credit_card only with 3-D Secure, finish URL, expiry, our webhook; answer is the hosted page', async () => {
    const inp = input();
    const r = await provider().create(inp);
    const req = [...sent].reverse().find((x) => x.url.endsWith('/snap/v1/transactions'))!;
    assert.equal(req.url, `${base}/snap/v1/transactions`);
    assert.equal(req.headers?.Authorization, basicAuthHeader(CREDS.serverKey));
    assert.equal(req.headers?.['X-Override-Notification'], inp.webhookUrl);
    const body = JSON.parse(req.body!);
    assert.deepEqual(body.transaction_details, { order_id: inp.reference, gross_amount: 150_000 });
    assert.deepEqual(body.enabled_payments, ['credit_card']);
    assert.deepEqual(body.credit_card, { secure: true });
    assert.deepEqual(body.callbacks, { finish: inp.returnUrl });
    assert.deepEqual(body.expiry, { start_time: `${toWib(clock.now())} +0700`, unit: 'minute', duration: 60 });
    assert.deepEqual(parseSnapRef(r.providerRef), { expiresAt: new Date(Math.floor(inp.expiresAt.getTime() / 1000) * 1000), token: r.redirectUrl!.split('/').pop() });
    assert.match(r.redirectUrl!, new RegExp(`^${base}/snap/v4/redirection/[0-9a-f-]{36}$`));
    assert.equal(r.expiresAt, inp.expiresAt.toISOString());
    // Before the card is submitted the Core API knows no transaction: pending, nothing else.
    assert.deepEqual(await provider().status({ providerRef: r.providerRef, reference: inp.reference }), { status: 'pending', providerStatus: 'snap_open' });
    const page = await pageGet(r.redirectUrl!);
    assert.equal(page.status, 200);
    assert.match(page.text, /autocomplete="cc-number"/);
    assert.match(page.text, /4811 1111 1111 1114/);
  });

  test('a retried create (same attempt) gets the same page without a second Snap transaction', async () => {
    const inp = input();
    const p = provider();
    const before = sent.length;
    const a = await p.create(inp);
    const b = await p.create(inp);
    assert.equal(b.redirectUrl, a.redirectUrl);
    assert.equal(sent.length - before, 1);
    // Another adapter instance (a restart) is refused by Snap for the reused order_id, clearly.
    await rejects(provider().create(inp), Error);
  });

  test('Snap base URL follows the Core API host (sandbox, production, emulator) unless set', () => {
    assert.equal(snapBaseUrl('https://api.sandbox.midtrans.com'), 'https://app.sandbox.midtrans.com/snap/v1');
    assert.equal(snapBaseUrl('https://api.midtrans.com/'), 'https://app.midtrans.com/snap/v1');
    assert.equal(snapBaseUrl('http://127.0.0.1:9/emulators/midtrans'), 'http://127.0.0.1:9/emulators/midtrans/snap/v1');
    assert.equal(snapBaseUrl('https://api.midtrans.com', 'https://snap.proxy.example/v1/'), 'https://snap.proxy.example/v1');
  });

  test('a wrong server key is refused (401) as our credentials', async () => {
    await rejects(provider('SB-Mid-server-WRONG').create(input()), ProviderAuthError);
  });
});

describe('Midtrans Snap card: the sandbox cards through 3-D Secure', () => {
  test('4811 1111 1111 1114 + OTP 112233 → capture/accept: paid, signed notification, finish redirect', async () => {
    const { p, inp, back, webhook } = await payWith('4811 1111 1111 1114');
    assert.equal(`${back.origin}${back.pathname}`, inp.returnUrl);
    assert.deepEqual(Object.fromEntries(back.searchParams), { order_id: inp.reference, status_code: '200', transaction_status: 'capture' });
    const body = json(webhook);
    assert.equal(body.payment_type, 'credit_card');
    assert.equal(body.masked_card, '481111******1114');
    assert.equal(body.gross_amount, '150000.00');
    const ev = p.verifyWebhook(receiver.asWebhook(webhook)).events[0]!;
    assert.deepEqual([ev.status, ev.amount, ev.reference, ev.providerStatus, ev.failureReason], ['paid', 150_000, inp.reference, 'capture/accept', undefined]);
    const st = await p.status({ providerRef: '', reference: inp.reference });
    assert.deepEqual([st.status, st.amount, st.providerStatus], ['paid', 150_000, 'capture/accept']);
  });

  test('4911 1111 1111 1113 → deny by the bank: failed, card_declined', async () => {
    const { p, inp, back, webhook } = await payWith('4911111111111113');
    assert.equal(back.searchParams.get('transaction_status'), 'deny');
    const ev = p.verifyWebhook(receiver.asWebhook(webhook)).events[0]!;
    assert.deepEqual([ev.status, ev.failureReason], ['failed', 'card_declined']);
    const st = await p.status({ providerRef: '', reference: inp.reference });
    assert.deepEqual([st.status, st.failureReason, st.providerStatus], ['failed', 'card_declined', 'deny']);
  });

  test('4611 1111 1111 1116 → deny by fraud detection: failed, fraud_suspected', async () => {
    const { p, inp, webhook } = await payWith('4611111111111116');
    assert.equal(json(webhook).fraud_status, 'deny');
    assert.equal(p.verifyWebhook(receiver.asWebhook(webhook)).events[0]!.failureReason, 'fraud_suspected');
    assert.equal((await p.status({ providerRef: '', reference: inp.reference })).failureReason, 'fraud_suspected');
  });

  test('a wrong OTP is asked again; three wrong ones fail the authentication', async () => {
    const { webhook } = await failThreeOtps(provider(), input(), (reference) => receiver.waitFor(about(reference)));
    const ev = provider().verifyWebhook(receiver.asWebhook(webhook)).events[0]!;
    assert.deepEqual([ev.status, ev.failureReason], ['failed', 'authentication_failed']);
  });

  test('the card form refuses a bad number, a past expiry, a short CVV and an unknown card, and says which', async () => {
    const created = await provider().create(input());
    await cardFormRefusesBadInput(created.redirectUrl!);
    assert.equal(luhn('4811111111111114'), true);
    assert.equal(luhn('4811111111111115'), false);
  });
});

describe('Midtrans Snap card: refunds, cancel, tampering', () => {
  test('a captured card refunds through the API, in part then the rest', async () => {
    const { p, inp } = await payWith('4811111111111114');
    assert.equal(refundBlocker(p.capabilities, 'card'), null);
    const ref = { providerRef: '', reference: inp.reference };
    const first = await p.refund({ ...ref, refundId: 'rf-1', amount: 50_000, reason: 'one item out of stock' });
    assert.equal(first.status, 'succeeded');
    const again = await p.refund({ ...ref, refundId: 'rf-1', amount: 50_000, reason: 'one item out of stock' });
    assert.equal(again.refundRef, first.refundRef, 'a retried refund is the same refund');
    await p.refund({ ...ref, refundId: 'rf-2', amount: 100_000, reason: 'the rest' });
    assert.equal((await p.status(ref)).providerStatus, 'refund');
  });

  test('before the card is submitted a Snap page cannot be cancelled (it expires); on the 3DS page it can', async () => {
    const p = provider();
    const inp = input();
    const created = await p.create(inp);
    await rejects(p.cancel({ providerRef: created.providerRef, reference: inp.reference }), ProviderNotSupportedError);
    await formPost(`${created.redirectUrl}/card`, { card_number: '4811111111111114', ...GOOD_CARD_FIELDS });
    assert.equal((await p.cancel({ providerRef: created.providerRef, reference: inp.reference })).status, 'cancelled');
    assert.equal((await formPost(`${created.redirectUrl}/3ds`, { otp: '112233' })).status, 200, 'the challenge is over');
  });

  test('a tampered card notification is refused: status changed, amount changed, signature changed', async () => {
    const { p, webhook } = await payWith('4911111111111113');
    const body = json(webhook);
    for (const change of [{ transaction_status: 'capture', fraud_status: 'accept' }, { gross_amount: '1.00' }, { signature_key: 'f'.repeat(128) }]) {
      const forged = { ...receiver.asWebhook(webhook), rawBody: Buffer.from(JSON.stringify({ ...body, ...change, ...(change.transaction_status ? { status_code: '200' } : {}) })) };
      const err = await rejects(() => p.verifyWebhook(forged), WebhookVerificationError);
      assert.equal(err.code, 'webhook_signature_invalid');
    }
  });

  test('the sandbox "pay" simulation pays a Snap card payment with the accepting card', async () => {
    const p = provider();
    const inp = input();
    const created = await p.create(inp);
    const webhook = receiver.waitFor(about(inp.reference));
    await emu.simulate('pay', created.providerRef);
    assert.equal(json(await webhook).transaction_status, 'capture');
    assert.equal((await p.status({ providerRef: created.providerRef, reference: inp.reference })).status, 'paid');
  });
});

describe('Midtrans Snap emulator is strict', () => {
  const snap = (body: unknown, auth = true) =>
    fetchJson(`${base}/snap/v1/transactions`, { method: 'POST', headers: auth ? { Authorization: basicAuthHeader(CREDS.serverKey) } : {}, body });
  const valid = () => ({ transaction_details: { order_id: `strict-${++seq}`, gross_amount: 10_000 }, enabled_payments: ['credit_card'], credit_card: { secure: true } });

  test('no Basic auth → 401; a valid body → 201 {token, redirect_url}', async () => {
    assert.equal((await snap(valid(), false)).status, 401);
    const ok = await snap(valid());
    assert.equal(ok.status, 201);
    assert.deepEqual(Object.keys(ok.json).sort(), ['redirect_url', 'token']);
  });

  test('bad fields → 400 with Snap error_messages', async () => {
    const cases: unknown[] = [
      { ...valid(), transaction_details: { order_id: 'x', gross_amount: 10_000.5 } },
      { ...valid(), transaction_details: { order_id: 'bad id!', gross_amount: 10_000 } },
      { ...valid(), enabled_payments: ['gopay'] },
      { ...valid(), credit_card: { secure: 'yes' } },
      { ...valid(), callbacks: { finish: 'javascript:alert(1)' } },
      { ...valid(), expiry: { unit: 'minute', duration: 0 } },
      { ...valid(), item_details: [{ id: 'a', name: 'A', price: 9_000, quantity: 1 }] },
    ];
    for (const body of cases) {
      const r = await snap(body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.ok(Array.isArray(r.json.error_messages) && r.json.error_messages.length > 0);
    }
    const body = valid();
    assert.equal((await snap(body)).status, 201);
    const dup = await snap(body);
    assert.equal(dup.status, 400);
    assert.match(dup.json.error_messages[0], /order_id/);
  });

  test('an unknown token is 404; an expired page says so, and a page never used is expired once past its deadline', async () => {
    assert.equal((await pageGet(`${base}/snap/v4/redirection/00000000-0000-0000-0000-000000000000`)).status, 404);
    const inp = input({ expiresAt: new Date(clock.now().getTime() + 60_000) });
    const created = await provider().create(inp);
    const ref = { providerRef: created.providerRef, reference: inp.reference };
    clock.advance(61_000);
    assert.equal((await pageGet(created.redirectUrl!)).status, 410);
    assert.equal(await formPost(`${created.redirectUrl}/card`, { card_number: '4811111111111114', ...GOOD_CARD_FIELDS }).then((r) => r.status), 410);
    // Within the grace for clock skew it is still pending; after it, expired on Snap's word (its page refuses).
    assert.deepEqual(await provider().status(ref), { status: 'pending', providerStatus: 'snap_open' });
    clock.advance(60_000);
    assert.deepEqual(await provider().status(ref), { status: 'expired', providerStatus: 'snap_expired' });
    assert.equal((await provider().cancel(ref)).status, 'expired');
  });
});
