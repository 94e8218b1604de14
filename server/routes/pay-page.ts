/**
 * The hosted checkout page of payment links, `GET /pay/:slug` (contract.md §3), its two assets, and
 * `POST /api/pay/:slug/session` for storefronts that put a link's checkout on their own page.
 *
 * Each visitor's browser holds a checkout id in a cookie scoped to the link's path: it keeps the order (and any
 * pending payment) across reloads, tells the payer's receipt apart from another visitor's "already paid" page,
 * and is what the link's capacity rule counts. It is not a credential: it only selects what this browser sees.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { LinkService, isCheckoutId, newCheckoutId, type CheckoutSession } from '../domain/links.js';
import type { PaymentService } from '../domain/payment-service.js';
import { AppError, notFound } from '../errors.js';
import { idr } from '../lib/html.js';
import { PACKAGE_ROOT } from '../lib/paths.js';
import { ogImagePng } from '../lib/og-image.js';
import { OG_IMAGE_PATH, checkoutPage, closedPage, previewAmount, receiptPage, type PageContext, type Shop } from '../pages/pay/render.js';
import { pickLang } from '../pages/pay/text.js';
import { amount } from './schemas.js';
import { parse } from './validate.js';

// From the package root: the same path whether this runs from server/ (tsx) or from the compiled lib/server/.
const PAGES = join(PACKAGE_ROOT, 'server', 'pages', 'pay');
const COOKIE = 'bayar_checkout';

/** Relative luminance (WCAG 2), for choosing readable text on the shop's colour. */
function luminance(hex: string): number {
  const h = hex.length === 4 ? hex.replace(/^#(.)(.)(.)$/, '#$1$1$2$2$3$3') : hex;
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(h.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** White or near-black text, whichever contrasts more with the shop colour. */
export function inkFor(color: string): string {
  const l = luminance(color);
  return (1.05 / (l + 0.05) >= (l + 0.05) / (luminance('#111827') + 0.05) ? '#ffffff' : '#111827');
}

/** The strict policy of docs/csp.md, plus the shop logo's origin for images. */
function pageCsp(shop: Shop): string {
  const logo = shop.logoUrl ? ` ${new URL(shop.logoUrl).origin}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "connect-src 'self'",
    `img-src 'self' data:${logo}`,
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    'trusted-types lit-html',
  ].join('; ');
}

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

const sessionBody = z.object({ amount: amount.optional() }).strict();

export interface PayPageDeps {
  links: LinkService;
  service: PaymentService;
  shop: Shop;
  /** Cookies marked Secure (the public URL is https). */
  secure: boolean;
}

export function payPageRoutes({ links, service, shop, secure }: PayPageDeps): Router {
  const r = Router();
  const css = `:root{--shop:${shop.color};--shop-ink:${inkFor(shop.color)}}\n${readFileSync(join(PAGES, 'page.css'), 'utf8')}`;
  const js = readFileSync(join(PAGES, 'page.js'), 'utf8');
  const csp = pageCsp(shop);

  r.get('/pay/assets/page.css', (_req, res) => res.type('text/css').setHeader('Cache-Control', 'public, max-age=300').send(css));
  r.get('/pay/assets/page.js', (_req, res) => res.type('text/javascript').setHeader('Cache-Control', 'public, max-age=300').send(js));

  /** The page's context and headers: the strict CSP, and no caching (the answer depends on cookie and language). */
  const page = (req: Request, res: Response) => {
    const langQuery = typeof req.query.lang === 'string' ? req.query.lang : undefined;
    const c: PageContext = { shop, base: req.baseUrl, lang: pickLang(langQuery, req.get('accept-language')), langFromQuery: langQuery === 'id' || langQuery === 'en' };
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Vary', 'Cookie, Accept-Language');
    return { c, send: (status: number, html: string) => res.status(status).type('html').send(html) };
  };

  // The link's preview picture. Public like the page (crawlers fetch it without cookies), the same for every link
  // of one amount, so a link's amount is all it reveals — as its preview text already does.
  const previews = new Map<string, { png: Buffer; etag: string }>();
  r.get(`/pay/:slug/${OG_IMAGE_PATH}`, async (req, res) => {
    const link = await links.bySlug(String(req.params.slug));
    if (!link) throw notFound('link_not_found', 'No payment link at this address.');
    const amount = previewAmount(link);
    let hit = previews.get(amount);
    if (!hit) {
      const png = ogImagePng({ shopName: shop.name, amount, label: 'Bayar di sini · Pay here', color: shop.color, ink: inkFor(shop.color) });
      hit = { png, etag: `"${createHash('sha256').update(png).digest('base64url').slice(0, 27)}"` };
      // Bounded: a shop has few distinct amounts worth keeping; the rest are redrawn (about 50 ms).
      if (previews.size >= 256) previews.delete(previews.keys().next().value!);
      previews.set(amount, hit);
    }
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.setHeader('ETag', hit.etag);
    if (req.get('if-none-match') === hit.etag) return res.status(304).end();
    res.type('png').send(hit.png);
  });

  r.get('/pay/:slug', async (req, res) => {
    const { c, send } = page(req, res);

    const link = await links.bySlug(String(req.params.slug));
    if (!link) return send(404, closedPage(c, 'not_found'));
    const existing = readCookie(req, COOKIE);
    const checkout = isCheckoutId(existing) ? existing : newCheckoutId();
    res.cookie(COOKIE, checkout, { httpOnly: true, sameSite: 'lax', secure, path: `${req.baseUrl}/pay/${link.slug}`, maxAge: 90 * 86_400_000 });

    const view = await links.view(link, checkout);
    if (view.kind === 'receipt') {
      const label = service.methods(null).find((m) => m.id === view.payment.method)?.label ?? view.payment.method;
      return send(200, receiptPage(c, link, view.payment, label));
    }
    if (view.kind === 'closed') return send(410, closedPage(c, view.status, link));
    if (view.kind === 'busy') return send(409, closedPage(c, 'busy', link));

    let amount = view.amount;
    const asked = typeof req.query.amount === 'string' ? req.query.amount : undefined;
    if (amount === null && asked !== undefined) {
      // The browser already refuses an amount outside min/max; this is the same rule for anything else.
      try {
        amount = links.chooseAmount(link, /^\d{1,12}$/.test(asked) ? Number(asked) : NaN);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        return send(422, checkoutPage(c, link, { amount: null, session: null, error: TEXTS_OUT_OF_RANGE[c.lang](link.openAmount!), tried: asked.slice(0, 13) }));
      }
    }
    const session = amount === null ? null : links.session(link, checkout, amount).session;
    send(200, checkoutPage(c, link, { amount, session }));
  });

  // A mangled link (cut off, or with extra path) still reaches a customer as a page, not as JSON.
  r.get('/pay{/*rest}', (req, res) => {
    const { c, send } = page(req, res);
    send(404, closedPage(c, 'not_found'));
  });

  r.post('/api/pay/:slug/session', async (req, res) => {
    const body = parse(sessionBody, req.body ?? {});
    const link = await links.bySlug(String(req.params.slug));
    if (!link) throw notFound('link_not_found', 'No payment link at this address.');
    const checkout = newCheckoutId();
    const view = await links.view(link, checkout);
    if (view.kind === 'closed') throw new AppError(410, `link_${view.status}`, CLOSED_MESSAGE[view.status]);
    if (view.kind === 'busy') throw new AppError(409, 'link_in_progress', 'This payment link is already being paid by someone else; try again later if that payment is not completed.');
    let chosen: number;
    if (link.amount !== null) {
      if (body.amount !== undefined && body.amount !== link.amount) throw new AppError(422, 'amount_fixed', `This link is for exactly ${link.amount}; leave amount out.`);
      chosen = link.amount;
    } else {
      if (body.amount === undefined) throw new AppError(400, 'amount_required', `This link takes an amount from ${link.openAmount!.min} to ${link.openAmount!.max}.`);
      chosen = links.chooseAmount(link, body.amount);
    }
    const out: CheckoutSession = links.session(link, checkout, chosen);
    res.status(201).json(out);
  });

  return r;
}

const CLOSED_MESSAGE = {
  completed: 'This payment link has been paid; it takes no more payments.',
  expired: 'This payment link has expired.',
  disabled: 'The shop has disabled this payment link.',
} as const;

const TEXTS_OUT_OF_RANGE = {
  id: (r: { min: number; max: number }) => `Jumlah harus antara ${idr(r.min)} dan ${idr(r.max)}.`,
  en: (r: { min: number; max: number }) => `The amount must be from ${idr(r.min)} to ${idr(r.max)}.`,
};

