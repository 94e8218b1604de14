/**
 * Cards through Doku Checkout's hosted page (`payment_method_types: ["CREDIT_CARD"]`) against the strict emulator
 * over real HTTP: the checkout request, the shared card form and 3-D Secure challenge driven as a browser would
 * (form posts), the signed notifications, the status API's answers per sandbox card, and the refund that only the
 * DOKU Back Office can do.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { createDokuEmulator, type DokuEmulator } from '../../server/emulators/doku/index.js';
import { ProviderNotSupportedError, WebhookVerificationError } from '../../server/errors.js';
import { refundBlocker } from '../../server/providers/capabilities.js';
import { createDokuProvider } from '../../server/providers/doku/index.js';
import type { CreatePaymentInput, PaymentProvider } from '../../server/providers/types.js';
import { providerHarness, recordingHttp, rejects, type Received } from '../helpers/provider-harness.js';
import { cardFormRefusesBadInput, cardPaymentInput, createAndPayByCard, failThreeOtps, formPost, pageGet } from '../helpers/card-pages.js';

const CREDS = SANDBOX_CREDENTIALS.doku;
const { client: recording, sent } = recordingHttp();
let emu: DokuEmulator;
let adapter: PaymentProvider;
let receiverUrl = '';
let base = '';
/** Notifications are kept for waitFor(), each test verifies (or forges) them itself. */
const { clock, hooks: receiver } = providerHarness('doku', {
  emulator: (o) => createDokuEmulator(CREDS, o),
  adapter: (baseUrl, c) => createDokuProvider({ ...CREDS, baseUrl }, c),
  http: recording,
  timeouts: { create: 5_000, status: 5_000, cancel: 5_000, refund: 5_000 },
  verify: false,
  ready: (r) => ({ emulator: emu, provider: adapter, emuBase: base, hookBase: receiverUrl } = r),
});
const provider = () => adapter;

let seq = 0;
function input(over: Partial<CreatePaymentInput> = {}): CreatePaymentInput {
  seq++;
  return cardPaymentInput(clock, { reference: `BYRDC${seq}${Math.random().toString(36).slice(2, 10).toUpperCase()}`, orderId: `ORDER-DC${seq}`, webhookUrl: `${receiverUrl}/webhooks/doku` }, over);
}

const json = (r: Received) => JSON.parse(r.rawBody.toString('utf8'));
const about = (invoice: string) => (r: Received) => json(r).order?.invoice_number === invoice;


/** Creates a Doku card payment and pays it on the hosted pages with this card; resolves with its notification. */
const payWith = (card: string, inp = input()) =>
  createAndPayByCard(provider(), inp, card, (reference) => receiver.waitFor(about(reference)), async (created) => {
    // Card submitted, 3-D Secure not yet done: Doku's REDIRECT, still pending.
    assert.deepEqual(await provider().status({ providerRef: created.providerRef, reference: inp.reference }).then((s) => [s.status, s.providerStatus]), ['pending', 'REDIRECT']);
  });

describe('Doku Checkout card: create and the hosted card form', () => {
  test('card:card is offered and asks Doku for CREDIT_CARD only; the hosted page is the shared card form', async () => {
    const p = provider();
    assert.ok(p.methods().some((m) => m.family === 'card' && m.channel === 'card'));
    const inp = input();
    const r = await p.create(inp);
    const req = [...sent].reverse().find((x) => x.url.endsWith('/checkout/v1/payment'))!;
    const body = JSON.parse(req.body!);
    assert.deepEqual(body.payment.payment_method_types, ['CREDIT_CARD']);
    assert.equal(body.order.invoice_number, inp.reference);
    assert.equal(r.providerRef, inp.reference);
    const page = await pageGet(r.redirectUrl!);
    assert.equal(page.status, 200);
    assert.equal(page.location, null);
    assert.match(page.text, /autocomplete="cc-number"/);
    assert.match(page.text, /4811 1111 1111 1114/);
    assert.match(page.text, /DOKU/);
    assert.doesNotMatch(page.text, /name="method"/, 'no method radio list: the page is the card form');
    assert.deepEqual(await p.status({ providerRef: r.providerRef, reference: inp.reference }).then((s) => [s.status, s.providerStatus]), ['pending', 'PENDING']);
  });

  test('a reference longer than 30 characters is refused for cards (Doku: invoice_number ≤ 30 with CREDIT_CARD)', async () => {
    const err = await rejects(provider().create(input({ reference: `BYR${'A'.repeat(28)}` })), ProviderNotSupportedError);
    assert.match(err.message, /30 characters/);
  });

  test('the card form refuses a bad number and an unknown card, and says which; nothing is paid', async () => {
    const inp = input();
    const created = await provider().create(inp);
    await cardFormRefusesBadInput(created.redirectUrl!);
    // Paying the card checkout through the generic Pay form is refused: only the card form and 3-D Secure pay it.
    const token = created.redirectUrl!.split('/').pop()!;
    assert.equal((await formPost(`${base}/checkout-link-v2/${token}/pay`, { method: 'CREDIT_CARD' })).status, 400);
    assert.equal((await provider().status({ providerRef: created.providerRef, reference: inp.reference })).status, 'pending');
  });
});

describe('Doku Checkout card: the sandbox cards through 3-D Secure', () => {
  test('4811 1111 1111 1114 + OTP 112233 → SUCCESS: paid, signed notification, back to the shop', async () => {
    const { p, inp, back, webhook } = await payWith('4811 1111 1111 1114');
    assert.equal(back.href, inp.returnUrl);
    const body = json(webhook);
    assert.deepEqual([body.transaction.status, body.service.id, body.channel.id, body.order.amount], ['SUCCESS', 'CREDIT_CARD', 'CREDIT_CARD', 150_000]);
    assert.equal(webhook.path, '/webhooks/doku');
    const ev = p.verifyWebhook(receiver.asWebhook(webhook)).events[0]!;
    assert.deepEqual([ev.status, ev.amount, ev.reference, ev.providerStatus, ev.failureReason], ['paid', 150_000, inp.reference, 'SUCCESS', undefined]);
    const st = await p.status({ providerRef: inp.reference, reference: inp.reference });
    assert.deepEqual([st.status, st.amount, st.providerStatus, st.failureReason], ['paid', 150_000, 'SUCCESS', undefined]);
  });

  for (const [card, what] of [
    ['4911111111111113', 'denied by the bank'],
    ['4611111111111116', 'denied by fraud detection'],
  ] as const) {
    test(`${card.slice(0, 4)}… ${what} → FAILED: failed with the generic reason declined (Doku names none)`, async () => {
      const { p, inp, back, webhook } = await payWith(card);
      assert.equal(back.href, inp.returnUrl);
      assert.equal(json(webhook).transaction.status, 'FAILED');
      const ev = p.verifyWebhook(receiver.asWebhook(webhook)).events[0]!;
      assert.deepEqual([ev.status, ev.failureReason], ['failed', 'declined']);
      const st = await p.status({ providerRef: inp.reference, reference: inp.reference });
      assert.deepEqual([st.status, st.providerStatus, st.failureReason], ['failed', 'FAILED', 'declined']);
    });
  }

  test('a wrong OTP is asked again; three wrong ones fail the payment, even with the accepting card', async () => {
    const inp = input();
    const { created, webhook } = await failThreeOtps(provider(), inp, (reference) => receiver.waitFor(about(reference)), async () => {
      assert.equal((await provider().status({ providerRef: inp.reference, reference: inp.reference })).status, 'pending');
    });
    const ev = provider().verifyWebhook(receiver.asWebhook(webhook)).events[0]!;
    assert.deepEqual([ev.status, ev.failureReason], ['failed', 'declined']);
    // Decided: the OTP page now shows the result, and the right OTP changes nothing.
    const again = await formPost(`${created.redirectUrl}/3ds`, { otp: '112233' });
    assert.equal(again.status, 200);
    assert.match(again.text, /ditolak/);
    assert.equal((await provider().status({ providerRef: inp.reference, reference: inp.reference })).status, 'failed');
  });
});

describe('Doku Checkout card: refunds and tampering', () => {
  test('a paid Doku card payment cannot be refunded through the API: the DOKU Back Office does it', async () => {
    const { p, inp } = await payWith('4811111111111114');
    assert.match(refundBlocker(p.capabilities, 'card') ?? '', /DOKU Back Office/);
    const err = await rejects(p.refund({ providerRef: inp.reference, reference: inp.reference, refundId: 'rf-1', amount: 150_000, reason: 'x' }), ProviderNotSupportedError);
    assert.match(err.message, /DOKU Back Office/);
    assert.equal((await p.status({ providerRef: inp.reference, reference: inp.reference })).status, 'paid');
  });

  test('a forged card notification (FAILED turned SUCCESS, amount, signature) is refused', async () => {
    const { p, webhook } = await payWith('4911111111111113');
    const body = json(webhook);
    const forgeries = [
      { ...body, transaction: { ...body.transaction, status: 'SUCCESS' } },
      { ...body, order: { ...body.order, amount: 1 } },
    ];
    for (const forged of forgeries) {
      const err = await rejects(() => p.verifyWebhook({ ...receiver.asWebhook(webhook), rawBody: Buffer.from(JSON.stringify(forged)) }), WebhookVerificationError);
      assert.equal(err.code, 'webhook_signature_invalid');
    }
    const resigned = { ...receiver.asWebhook(webhook), headers: { ...receiver.asWebhook(webhook).headers, signature: 'HMACSHA256=' + Buffer.alloc(32).toString('base64') } };
    assert.equal((await rejects(() => p.verifyWebhook(resigned), WebhookVerificationError)).code, 'webhook_signature_invalid');
  });

  test('the sandbox "pay" simulation pays a card checkout as the accepting card would', async () => {
    const p = provider();
    const inp = input();
    await p.create(inp);
    const webhook = receiver.waitFor(about(inp.reference));
    await emu.simulate('pay', inp.reference);
    assert.equal(json(await webhook).transaction.status, 'SUCCESS');
    assert.equal((await p.status({ providerRef: inp.reference, reference: inp.reference })).status, 'paid');
  });
});
