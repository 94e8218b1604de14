/**
 * Midtrans Snap, emulated for cards (providers.md §5.3): `POST /snap/v1/transactions` (Basic auth with the server
 * key, like the Core API) answers HTTP 201 `{token, redirect_url}`; the redirect URL is Snap's hosted page
 * (`/snap/v4/redirection/{token}`) with the card form, then the issuer's 3-D Secure challenge. Submitting a card
 * creates the Core API transaction under the order_id (`payment_type: credit_card`); the OTP decides it by card:
 * 4811… `capture` (fraud accept), 4911… `deny` by the bank, 4611… `deny` by fraud detection (fraud_status deny).
 * The signed notification is sent before the browser is sent to `callbacks.finish` with Snap's
 * `order_id`, `status_code` and `transaction_status` query parameters. Errors use Snap's `{error_messages: [...]}`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import type { Clock } from '../../lib/clock.js';
import {
  MIDTRANS_SANDBOX_CARDS,
  OTP_ATTEMPTS,
  SANDBOX_OTP,
  cardFormPage,
  cardResultPage,
  challengePage,
  readCardForm,
  type CardOutcome,
  type SandboxCard,
} from '../shared/card-pages.js';
import { isJsonObject as isObj, jsonObjectBody } from '../shared/json-body.js';
import { UNIT_MS } from './state.js';
import { parseTime } from './validation.js';

const BRAND = { name: 'Midtrans', accent: '#0b5fb0', background: '#eef3f9' };

/** The Core API transaction a submitted card becomes (state.ts keeps it beside every other transaction). */
export interface CardTxn {
  transactionId: string;
  orderId: string;
  paymentType: 'credit_card';
  amount: number;
  created: Date;
  expiry: Date;
  status: 'pending' | 'capture' | 'deny' | 'expire' | 'cancel' | 'settlement' | 'refund' | 'partial_refund';
  fraudStatus?: string;
  channel: Record<string, unknown>;
  chargeOnly: Record<string, unknown>;
  notifyUrls: string[];
  refunds: Array<{ key: string; amount: number; answer: Record<string, unknown> }>;
  refunded: number;
}

export interface SnapHost {
  clock: Clock;
  baseUrl(): string;
  merchantName: string;
  /** Validates transaction_details, item_details and customer_details exactly as the charge does (throws 400). */
  orderFields(b: Record<string, unknown>): { orderId: string; gross: number };
  notifyUrls(req: Request): string[];
  /** Whether the order_id already names a live or paid transaction. */
  orderTaken(orderId: string): boolean;
  register(t: CardTxn): void;
  /** The Core transaction, refreshed (expiry). */
  find(orderId: string): CardTxn | undefined;
  notify(t: CardTxn): Promise<number>;
  /** A 400 in the emulator's error class (validation messages). */
  invalid(...messages: string[]): Error;
}

interface SnapSession {
  token: string;
  orderId: string;
  amount: number;
  expiry: Date;
  notifyUrls: string[];
  finishUrl?: string;
  card?: SandboxCard;
  masked?: string;
  otpFailures: number;
}

const STATUS_CODE: Record<string, string> = { capture: '200', deny: '202', expire: '407', pending: '201', cancel: '200' };

export function snapEmulator(host: SnapHost) {
  const sessions = new Map<string, SnapSession>();
  const byOrder = new Map<string, SnapSession>();
  const now = () => host.clock.now();

  /** `POST /snap/v1/transactions` (after Basic auth). */
  function create(req: Request, res: Response) {
    const b = jsonObjectBody(req.body, (m) => host.invalid(m));
    const urls = host.notifyUrls(req);
    const { orderId, gross } = host.orderFields(b);
    const enabled = b.enabled_payments;
    if (enabled !== undefined && (!Array.isArray(enabled) || !enabled.every((x) => typeof x === 'string'))) throw host.invalid('enabled_payments must be an array of strings');
    // This emulator serves Snap's card page only; other Snap methods are served through the Core API emulator.
    if (!Array.isArray(enabled) || enabled.length !== 1 || enabled[0] !== 'credit_card') throw host.invalid('enabled_payments: this emulator serves ["credit_card"] only');
    const cc = b.credit_card;
    if (cc !== undefined && (!isObj(cc) || (cc.secure !== undefined && typeof cc.secure !== 'boolean'))) throw host.invalid('credit_card.secure must be a boolean');
    let finishUrl: string | undefined;
    if (b.callbacks !== undefined) {
      if (!isObj(b.callbacks) || (b.callbacks.finish !== undefined && (typeof b.callbacks.finish !== 'string' || !/^https?:\/\/[^\s]+$/.test(b.callbacks.finish)))) {
        throw host.invalid('callbacks.finish must be an http(s) URL');
      }
      finishUrl = b.callbacks.finish as string | undefined;
    }
    // Snap's default window is 24 h; `expiry` narrows it.
    let expiry = new Date(now().getTime() + 86_400_000);
    if (b.expiry !== undefined) {
      const e = b.expiry;
      if (!isObj(e)) throw host.invalid('expiry must be an object');
      const start = e.start_time === undefined ? now() : parseTime(e.start_time, 'expiry.start_time');
      if (typeof e.duration !== 'number' || !Number.isSafeInteger(e.duration) || e.duration <= 0) throw host.invalid('expiry.duration must be a positive integer');
      if (typeof e.unit !== 'string' || !Object.hasOwn(UNIT_MS, e.unit.replace(/s$/, ''))) throw host.invalid('expiry.unit must be one of second, minute, hour, day');
      expiry = new Date(start.getTime() + e.duration * UNIT_MS[e.unit.replace(/s$/, '') as keyof typeof UNIT_MS]);
      if (expiry.getTime() <= now().getTime()) throw host.invalid('expiry ends in the past');
    }
    if (byOrder.has(orderId) || host.orderTaken(orderId)) {
      res.status(400).json({ error_messages: ['transaction_details.order_id sudah digunakan'] });
      return;
    }
    const token = randomUUID();
    const s: SnapSession = { token, orderId, amount: gross, expiry, notifyUrls: urls, ...(finishUrl ? { finishUrl } : {}), otpFailures: 0 };
    sessions.set(token, s);
    byOrder.set(orderId, s);
    res.status(201).json({ token, redirect_url: pageUrl(s) });
  }

  const finishUrlOf = (s: SnapSession, t: CardTxn | undefined) => {
    if (!s.finishUrl) return undefined;
    const u = new URL(s.finishUrl);
    u.searchParams.set('order_id', s.orderId);
    if (t) {
      u.searchParams.set('status_code', STATUS_CODE[t.status] ?? '200');
      u.searchParams.set('transaction_status', t.status);
    }
    return u.toString();
  };

  /** Submits a sandbox card: the Core transaction now exists, pending its 3-D Secure challenge. */
  function submitCard(s: SnapSession, card: SandboxCard, masked: string): CardTxn {
    s.card = card;
    s.masked = masked;
    const t: CardTxn = {
      transactionId: randomUUID(),
      orderId: s.orderId,
      paymentType: 'credit_card',
      amount: s.amount,
      created: now(),
      expiry: s.expiry,
      status: 'pending',
      channel: { masked_card: masked, bank: 'bni', card_type: 'credit' },
      chargeOnly: {},
      notifyUrls: s.notifyUrls,
      refunds: [],
      refunded: 0,
    };
    host.register(t);
    return t;
  }

  /** The issuer's verdict once 3-D Secure is done (or failed). */
  function decide(t: CardTxn, outcome: CardOutcome | 'authentication_failed') {
    const approval = () => String(randomBytes(4).readUInt32BE(0)).slice(0, 6).padStart(6, '0');
    if (outcome === 'accept') {
      t.status = 'capture';
      t.fraudStatus = 'accept';
      Object.assign(t.channel, { channel_response_code: '00', channel_response_message: 'Approved', approval_code: approval(), eci: '05' });
    } else if (outcome === 'bank_decline') {
      t.status = 'deny';
      t.fraudStatus = 'accept';
      Object.assign(t.channel, { channel_response_code: '05', channel_response_message: 'Do not honor', eci: '05' });
    } else if (outcome === 'fraud_deny') {
      t.status = 'deny';
      t.fraudStatus = 'deny';
      Object.assign(t.channel, { channel_response_message: 'Denied by fraud detection system' });
    } else {
      t.status = 'deny';
      t.fraudStatus = 'accept';
      Object.assign(t.channel, { channel_response_code: '01', channel_response_message: '3D Secure authentication failed', eci: '07' });
    }
  }

  const form = (req: Request): Record<string, string> => {
    const text = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    return Object.fromEntries(new URLSearchParams(text));
  };

  const html = (res: Response, status: number, body: string) => {
    // The card pages never get cached, and never go in a frame of another site.
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Frame-Options', 'DENY');
    res.status(status).type('html').send(body);
  };

  /** Looks up a token, answering 404 / expired / done pages itself; returns the session when the card form is next. */
  function open(req: Request, res: Response): { s: SnapSession; t: CardTxn | undefined } | null {
    const s = sessions.get(String(req.params.token));
    if (!s) {
      html(res, 404, cardResultPage(BRAND, 'Halaman tidak ditemukan', 'Tautan pembayaran ini tidak dikenal.'));
      return null;
    }
    const t = host.find(s.orderId);
    if (!t && s.expiry.getTime() <= now().getTime()) {
      html(res, 410, cardResultPage(BRAND, 'Waktu pembayaran habis', 'Halaman pembayaran ini sudah kedaluwarsa.', finishUrlOf(s, undefined)));
      return null;
    }
    return { s, t };
  }

  function donePage(res: Response, s: SnapSession, t: CardTxn) {
    const words: Record<string, [string, string]> = {
      capture: ['Pembayaran berhasil', 'Kartu Anda telah ditagih.'],
      settlement: ['Pembayaran berhasil', 'Kartu Anda telah ditagih.'],
      deny: ['Pembayaran ditolak', 'Kartu ini ditolak. Kembali ke toko untuk memilih metode lain.'],
      expire: ['Waktu pembayaran habis', 'Halaman pembayaran ini sudah kedaluwarsa.'],
      cancel: ['Pembayaran dibatalkan', 'Pembayaran ini telah dibatalkan.'],
    };
    const [title, message] = words[t.status] ?? ['Pembayaran diproses', `Status: ${t.status}.`];
    html(res, 200, cardResultPage(BRAND, title, message, finishUrlOf(s, t)));
  }

  const pageUrl = (s: SnapSession) => `${host.baseUrl()}/snap/v4/redirection/${encodeURIComponent(s.token)}`;

  const formView = (s: SnapSession) => ({
    brand: BRAND,
    merchant: host.merchantName,
    orderId: s.orderId,
    amount: s.amount,
    action: `${pageUrl(s)}/card`,
    deadline: s.expiry,
    cards: MIDTRANS_SANDBOX_CARDS,
  });
  const challengeView = (s: SnapSession, error?: string) => ({
    brand: BRAND,
    merchant: host.merchantName,
    amount: s.amount,
    masked: s.masked ?? '',
    action: `${pageUrl(s)}/3ds`,
    attemptsLeft: OTP_ATTEMPTS - s.otpFailures,
    ...(error ? { error } : {}),
  });

  /** Hosted pages the customer's browser opens: no auth. */
  const pages = express.Router();
  pages.get('/snap/v4/redirection/:token', (req, res) => {
    const o = open(req, res);
    if (!o) return;
    if (o.t?.status === 'pending') return res.redirect(303, `${pageUrl(o.s)}/3ds`);
    if (o.t) return donePage(res, o.s, o.t);
    html(res, 200, cardFormPage(formView(o.s)));
  });
  pages.post('/snap/v4/redirection/:token/card', (req, res) => {
    const o = open(req, res);
    if (!o) return;
    if (o.t) return res.redirect(303, pageUrl(o.s));
    const r = readCardForm(form(req), now(), MIDTRANS_SANDBOX_CARDS);
    if (!r.card || !r.masked) return html(res, 422, cardFormPage({ ...formView(o.s), values: r.values, errors: r.errors }));
    submitCard(o.s, r.card, r.masked);
    res.redirect(303, `${pageUrl(o.s)}/3ds`);
  });
  pages.get('/snap/v4/redirection/:token/3ds', (req, res) => {
    const o = open(req, res);
    if (!o) return;
    // A refresh of the challenge shows it again; once decided, the result.
    if (!o.t) return res.redirect(303, pageUrl(o.s));
    if (o.t.status !== 'pending') return donePage(res, o.s, o.t);
    html(res, 200, challengePage(challengeView(o.s)));
  });
  pages.post('/snap/v4/redirection/:token/3ds', async (req, res) => {
    const o = open(req, res);
    if (!o) return;
    const { s, t } = o;
    if (!t) return res.redirect(303, pageUrl(s));
    if (t.status !== 'pending') return donePage(res, s, t);
    const otp = (form(req).otp ?? '').trim();
    if (otp !== SANDBOX_OTP) {
      s.otpFailures++;
      if (s.otpFailures < OTP_ATTEMPTS) return html(res, 422, challengePage(challengeView(s, 'Kode OTP salah. Coba lagi.')));
      decide(t, 'authentication_failed');
    } else decide(t, s.card!.outcome);
    // The merchant hears first (as Midtrans notifies before the finish redirect), then the customer goes back.
    await host.notify(t);
    const back = finishUrlOf(s, t);
    if (back) return res.redirect(303, back);
    donePage(res, s, t);
  });

  return {
    pages,
    create,
    /** The sandbox's "pay": the customer pays with the accepting test card and the right OTP. */
    async simulate(action: 'pay' | 'expire', token: string): Promise<number> {
      const s = sessions.get(token);
      if (!s) throw new Error(`Midtrans emulator: no Snap token ${token}`);
      let t = host.find(s.orderId);
      if (t && t.status !== 'pending') throw new Error(`Midtrans emulator: Snap order ${s.orderId} is ${t.status}`);
      if (action === 'expire') {
        s.expiry = now();
        if (!t) return 0;
        t.status = 'expire';
        return host.notify(t);
      }
      t ??= submitCard(s, MIDTRANS_SANDBOX_CARDS[0]!, '481111******1114');
      decide(t, 'accept');
      return host.notify(t);
    },
  };
}
