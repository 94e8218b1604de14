/**
 * The customer's side of a provider's hosted card pages (emulators/shared/card-pages.ts), as the provider card
 * tests drive them: form posts and page loads as a browser sends them, with redirects left unfollowed so each step
 * can be checked, the card payment input both card providers are created with, paying with a card end to end, and
 * a card checkout through the companion's widget API.
 */
import assert from 'node:assert/strict';
import type { Payment } from '../../server/api-types.js';
import type { Clock } from '../../server/lib/clock.js';
import type { CreatePaymentInput, CreatePaymentResult, PaymentProvider } from '../../server/providers/types.js';
import { api, secretHeaders } from './server.js';

export interface PageAnswer {
  status: number;
  location: string | null;
  text: string;
}

/** A form post as the customer's browser sends it. */
export async function formPost(url: string, fields: Record<string, string>): Promise<PageAnswer> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields), redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

export async function pageGet(url: string): Promise<PageAnswer> {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

/** Everything on the card form but the number: valid for every sandbox card. */
export const GOOD_CARD_FIELDS = { expiry: '12/30', cvv: '123', name: 'SITI RAHMA' };

/** A Rp 150.000 card payment, due in an hour; `reference` and `orderId` name it, `webhookUrl` is where it reports. */
export function cardPaymentInput(
  clock: Clock,
  ids: { reference: string; orderId: string; webhookUrl: string },
  over: Partial<CreatePaymentInput> = {},
): CreatePaymentInput {
  return {
    paymentId: `pay_${ids.reference}`,
    reference: ids.reference,
    orderId: ids.orderId,
    amount: 150_000,
    family: 'card',
    channel: 'card',
    customer: { name: 'Siti Rahma', email: 'siti@example.com' },
    items: [{ name: 'Batik tulis', price: 150_000, quantity: 1, sku: 'BATIK-1' }],
    expiresAt: new Date(clock.now().getTime() + 3_600_000),
    webhookUrl: ids.webhookUrl,
    returnUrl: `https://shop.example/return/pay_${ids.reference}`,
    ...over,
  };
}

/** The card form with valid details for this card: it sends the browser on to the 3-D Secure page. */
async function submitCard(pageUrl: string, card: string): Promise<void> {
  const submitted = await formPost(`${pageUrl}/card`, { card_number: card, ...GOOD_CARD_FIELDS });
  if (submitted.status !== 303) throw new Error(`card form answered ${submitted.status}: ${submitted.text.slice(0, 200)}`);
  if (submitted.location !== `${pageUrl}/3ds`) throw new Error(`card form sent the browser to ${submitted.location}, not the 3-D Secure page`);
}

/**
 * The customer on a provider's hosted card pages: the card with valid details (the form sends the browser on to the
 * 3-D Secure page), then the 3-D Secure OTP (112233); resolves with where the provider sends the browser back to (the
 * shop's return page). `beforeChallenge` runs between the two, on the provider's state with the card submitted.
 */
export async function payOnCardPages(pageUrl: string, card: string, beforeChallenge?: () => Promise<void>): Promise<URL> {
  await submitCard(pageUrl, card);
  await beforeChallenge?.();
  const done = await formPost(`${pageUrl}/3ds`, { otp: '112233' });
  if (done.status !== 303 || !done.location) throw new Error(`3-D Secure page answered ${done.status}: ${done.text.slice(0, 200)}`);
  return new URL(done.location);
}

/**
 * A provider card test's payment: the adapter creates it, the customer pays it on the hosted pages with this card
 * (`beforeChallenge` as in payOnCardPages), and it resolves once the notification the payment caused has arrived
 * (`notification` starts waiting for the one about a reference; it is started after the card is submitted).
 */
export async function createAndPayByCard<N>(
  provider: PaymentProvider,
  inp: CreatePaymentInput,
  card: string,
  notification: (reference: string) => Promise<N>,
  beforeChallenge?: (created: CreatePaymentResult) => Promise<void>,
) {
  const created = await provider.create(inp);
  let webhook: Promise<N> | undefined;
  const back = await payOnCardPages(created.redirectUrl!, card, async () => {
    await beforeChallenge?.(created);
    webhook = notification(inp.reference);
  });
  return { p: provider, inp, created, back, webhook: await webhook! };
}

/**
 * Three wrong 3-D Secure OTPs with the accepting card: the first is asked again (422, an alert, two tries left) and a
 * refresh shows the challenge again (the state is the provider's, not the browser's); `whileAsked` then looks at the
 * provider's state; the third fails the payment and sends the browser back. Resolves with the payment and the
 * notification its failure caused (`notification` as in createAndPayByCard).
 */
export async function failThreeOtps<N>(
  provider: PaymentProvider,
  inp: CreatePaymentInput,
  notification: (reference: string) => Promise<N>,
  whileAsked?: () => Promise<void>,
) {
  const created = await provider.create(inp);
  const page = created.redirectUrl!;
  await submitCard(page, '4811111111111114');
  const wrong = await formPost(`${page}/3ds`, { otp: '000000' });
  assert.equal(wrong.status, 422);
  assert.match(wrong.text, /role="alert"/);
  assert.match(wrong.text, /Sisa percobaan: 2/);
  assert.equal((await pageGet(`${page}/3ds`)).status, 200, 'a refresh shows the challenge again');
  await whileAsked?.();
  const webhook = notification(inp.reference);
  await formPost(`${page}/3ds`, { otp: '111111' });
  const end = await formPost(`${page}/3ds`, { otp: '222222' });
  assert.equal(end.status, 303);
  return { created, webhook: await webhook };
}

/**
 * The card form refusing what it must: a number failing the Luhn check with a past expiry, a short CVV and no name
 * (422, an error beside each field, the typed number never echoed back), then a valid card that is no sandbox card.
 */
export async function cardFormRefusesBadInput(pageUrl: string): Promise<void> {
  const bad = await formPost(`${pageUrl}/card`, { card_number: '4811111111111115', expiry: '01/20', cvv: '1', name: '' });
  assert.equal(bad.status, 422);
  for (const f of ['card_number', 'expiry', 'cvv', 'name']) assert.match(bad.text, new RegExp(`id="${f}-error"`));
  assert.doesNotMatch(bad.text, /4811111111111115/, 'a typed card number is never echoed back');
  const unknown = await formPost(`${pageUrl}/card`, { card_number: '4242424242424242', ...GOOD_CARD_FIELDS });
  assert.equal(unknown.status, 422);
  assert.match(unknown.text, /hanya menerima kartu uji/);
}

/**
 * Card checkouts through a companion's widget API, as the browser makes them: `create` a card payment (order ids
 * `<prefix>-1`, `-2`, … ) with its client secret, `read` one back with that secret.
 */
export function companionCards(url: () => string, prefix: string, customer: Record<string, string>) {
  let n = 0;
  return {
    async create(amount = 150_000): Promise<{ payment: Payment; secret: string }> {
      const r = await api(url(), 'POST', '/api/payments', { orderId: `${prefix}-${++n}`, amount, method: 'card:card', customer });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return { payment: r.body.payment, secret: r.body.clientSecret };
    },
    read: async (id: string, secret: string) => (await api(url(), 'GET', `/api/payments/${id}`, undefined, secretHeaders(secret))).body.payment as Payment,
  };
}
