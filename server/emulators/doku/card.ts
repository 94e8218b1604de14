/**
 * The Doku hosted page for a `CREDIT_CARD` checkout: the shared card form (emulators/shared/card-pages.ts), then the
 * issuer's 3-D Secure challenge. Submitting a card moves the checkout to `REDIRECT` ("waiting for acquirer
 * verification (CC 3DS)", providers.md §1.7); the OTP decides it: the accepting card → `SUCCESS`, a card the bank
 * or fraud detection refuses, or three wrong OTPs → `FAILED`. The signed notification (§1.6) goes out before the
 * browser is sent back to `order.callback_url`.
 *
 * providers.md documents no Doku sandbox card list and no card-specific notification fields, so the emulator uses
 * the same three sandbox cards and OTP as the Midtrans emulator and sends the ordinary notification envelope
 * (`service.id` / `channel.id` = `CREDIT_CARD`), with no reason for a decline.
 */
import express, { type Request, type Response } from 'express';
import type { Clock } from '../../lib/clock.js';
import {
  MIDTRANS_SANDBOX_CARDS as SANDBOX_CARDS,
  OTP_ATTEMPTS,
  SANDBOX_OTP,
  cardFormPage,
  cardResultPage,
  challengePage,
  readCardForm,
} from '../shared/card-pages.js';
import type { CheckoutSession, DokuState } from './state.js';

const BRAND = { name: 'DOKU', accent: '#c4161c', background: '#f4f6f8' };
export const CARD_TYPE = 'CREDIT_CARD';

export interface DokuCardHost {
  clock: Clock;
  state: DokuState;
  merchantName: string;
  hostedUrl(s: CheckoutSession): string;
  markPaid(s: CheckoutSession, type: string): void;
  notify(s: CheckoutSession): Promise<unknown>;
}

/** Whether the hosted page of this checkout is the card form (the checkout offers cards only). */
export const isCardCheckout = (s: CheckoutSession) => s.methodTypes.length === 1 && s.methodTypes[0] === CARD_TYPE;

export function dokuCardPages(host: DokuCardHost) {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '10kb' });
  const now = () => host.clock.now();

  const html = (res: Response, status: number, body: string) => {
    // The card pages never get cached, and never go in a frame of another site.
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Frame-Options', 'DENY');
    res.status(status).type('html').send(body);
  };

  const formView = (s: CheckoutSession) => ({
    brand: BRAND,
    merchant: host.merchantName,
    orderId: s.invoiceNumber,
    amount: s.amount,
    action: `${host.hostedUrl(s)}/card`,
    deadline: s.expiresAt,
    cards: SANDBOX_CARDS,
  });
  const challengeView = (s: CheckoutSession, error?: string) => ({
    brand: BRAND,
    merchant: host.merchantName,
    amount: s.amount,
    masked: s.card?.masked ?? '',
    action: `${host.hostedUrl(s)}/3ds`,
    attemptsLeft: OTP_ATTEMPTS - (s.card?.otpFailures ?? 0),
    ...(error ? { error } : {}),
  });

  function donePage(res: Response, s: CheckoutSession) {
    const words: Record<string, [string, string]> = {
      SUCCESS: ['Pembayaran berhasil', 'Kartu Anda telah ditagih.'],
      FAILED: ['Pembayaran ditolak', 'Kartu ini ditolak. Kembali ke toko untuk memilih metode lain.'],
      EXPIRED: ['Waktu pembayaran habis', 'Halaman pembayaran ini sudah kedaluwarsa.'],
    };
    const [title, message] = words[s.status] ?? ['Pembayaran diproses', `Status: ${s.status}.`];
    html(res, s.status === 'EXPIRED' ? 410 : 200, cardResultPage(BRAND, title, message, s.callbackUrl));
  }

  /** The card checkout behind a token, or null once a 404 was answered. */
  function open(req: Request, res: Response): CheckoutSession | null {
    const token = String(req.params.tokenId);
    const s = host.state.find(token);
    if (!s || s.tokenId !== token || !isCardCheckout(s)) {
      html(res, 404, cardResultPage(BRAND, 'Halaman tidak ditemukan', 'Tautan pembayaran kartu ini tidak dikenal.'));
      return null;
    }
    return s;
  }

  /** GET of the hosted page itself, for a card checkout (index.ts hands it over). */
  function showPage(res: Response, s: CheckoutSession) {
    if (s.status === 'REDIRECT') return res.redirect(303, `${host.hostedUrl(s)}/3ds`);
    if (s.status !== 'PENDING') return donePage(res, s);
    html(res, 200, cardFormPage(formView(s)));
  }

  router.post('/checkout-link-v2/:tokenId/card', form, (req, res) => {
    const s = open(req, res);
    if (!s) return;
    if (s.status !== 'PENDING') return res.redirect(303, host.hostedUrl(s));
    const r = readCardForm(req.body ?? {}, now(), SANDBOX_CARDS);
    if (!r.card || !r.masked) return html(res, 422, cardFormPage({ ...formView(s), values: r.values, errors: r.errors }));
    s.card = { outcome: r.card.outcome, masked: r.masked, otpFailures: 0 };
    s.status = 'REDIRECT';
    s.statusAt = now();
    res.redirect(303, `${host.hostedUrl(s)}/3ds`);
  });

  router.get('/checkout-link-v2/:tokenId/3ds', (req, res) => {
    const s = open(req, res);
    if (!s) return;
    // A refresh of the challenge shows it again; once decided, the result.
    if (s.status === 'PENDING') return res.redirect(303, host.hostedUrl(s));
    if (s.status !== 'REDIRECT') return donePage(res, s);
    html(res, 200, challengePage(challengeView(s)));
  });

  router.post('/checkout-link-v2/:tokenId/3ds', form, async (req, res) => {
    const s = open(req, res);
    if (!s) return;
    if (s.status === 'PENDING') return res.redirect(303, host.hostedUrl(s));
    if (s.status !== 'REDIRECT' || !s.card) return donePage(res, s);
    const otp = typeof req.body?.otp === 'string' ? req.body.otp.trim() : '';
    let accepted = false;
    if (otp !== SANDBOX_OTP) {
      s.card.otpFailures++;
      if (s.card.otpFailures < OTP_ATTEMPTS) return html(res, 422, challengePage(challengeView(s, 'Kode OTP salah. Coba lagi.')));
    } else accepted = s.card.outcome === 'accept';
    if (accepted) host.markPaid(s, CARD_TYPE);
    else {
      s.status = 'FAILED';
      s.statusAt = now();
    }
    // The merchant hears first, then the customer goes back to the shop.
    await host.notify(s).catch(() => undefined);
    if (s.callbackUrl) return res.redirect(303, s.callbackUrl);
    donePage(res, s);
  });

  return { router, showPage };
}
