/**
 * The customer's side of a provider's hosted card pages (emulators/shared/card-pages.ts), as the provider card
 * tests drive them: form posts and page loads as a browser sends them, with redirects left unfollowed so each step
 * can be checked, the card payment input both card providers are created with, and paying with a card end to end.
 */
import type { Clock } from '../../server/lib/clock.js';
import type { CreatePaymentInput, CreatePaymentResult, PaymentProvider } from '../../server/providers/types.js';

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

/**
 * The customer on a provider's hosted card pages: the card with valid details (the form sends the browser on to the
 * 3-D Secure page), then the 3-D Secure OTP (112233); resolves with where the provider sends the browser back to (the
 * shop's return page). `beforeChallenge` runs between the two, on the provider's state with the card submitted.
 */
export async function payOnCardPages(pageUrl: string, card: string, beforeChallenge?: () => Promise<void>): Promise<URL> {
  const submitted = await formPost(`${pageUrl}/card`, { card_number: card, ...GOOD_CARD_FIELDS });
  if (submitted.status !== 303) throw new Error(`card form answered ${submitted.status}: ${submitted.text.slice(0, 200)}`);
  if (submitted.location !== `${pageUrl}/3ds`) throw new Error(`card form sent the browser to ${submitted.location}, not the 3-D Secure page`);
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
