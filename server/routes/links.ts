/**
 * Payment links, merchant API (`Authorization: Bearer $BAYAR_MERCHANT_KEY`): create, list, read with payments,
 * disable, and the link's QR code for print.
 */
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { LINK_STATUSES, type LinkDetailResponse, type LinkListResponse, type LinkResponse } from '../api-types.js';
import { toPublicLink } from '../domain/link.js';
import type { LinkService } from '../domain/links.js';
import { toPublicPayment } from '../domain/payment-record.js';
import type { Clock } from '../lib/clock.js';
import { qrPng, qrSvg } from '../lib/qr.js';
import type { Store } from '../store/types.js';
import { requireMerchant } from './merchant.js';
import { amount, customer, dateText, lineItem, listInstant, methodsFilter, orderId } from './schemas.js';
import { parse } from './validate.js';

export function createLinkSchema(live: boolean) {
  return z
    .object({
      amount: amount.optional(),
      items: z.array(lineItem).min(1).max(100).optional(),
      openAmount: z.object({ min: amount, max: amount }).strict().optional(),
      description: z.string().trim().min(1).max(200),
      orderId: orderId.optional(),
      customer: customer.optional(),
      expiresAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with an offset, e.g. 2026-12-31T23:59:00+07:00' }).optional(),
      maxPayments: z.number().int().min(1).max(100_000).optional(),
      methods: methodsFilter.min(1).optional(),
      returnUrl: z
        .url({ protocol: live ? /^https$/ : /^https?$/, message: live ? 'must be an https URL' : 'must be an http(s) URL' })
        .max(2000)
        .optional(),
    })
    .strict();
}

const listQuery = z
  .object({
    status: z.enum(LINK_STATUSES).optional(),
    orderId: orderId.optional(),
    from: dateText.optional(),
    to: dateText.optional(),
    limit: z.string().regex(/^\d{1,3}$/).transform(Number).pipe(z.number().int().min(1).max(200)).optional(),
    cursor: z.string().max(200).optional(),
  })
  .strict();

export interface LinkRouteDeps {
  merchantKey: string;
  live: boolean;
  clock: Clock;
  idem: RequestHandler;
  links: LinkService;
  store: Store;
}

export function linkRoutes({ merchantKey, live, clock, idem, links, store }: LinkRouteDeps): Router {
  const r = Router();
  const auth = requireMerchant(merchantKey);
  const schema = createLinkSchema(live);

  r.post('/api/links', auth, idem, async (req, res) => {
    const link = await links.create(parse(schema, req.body));
    const out: LinkResponse = { link: toPublicLink(link, clock.now()) };
    res.status(201).json(out);
  });

  r.get('/api/links', auth, async (req, res) => {
    const q = parse(listQuery, req.query);
    const now = clock.now();
    const page = await store.listLinks({ status: q.status, orderId: q.orderId, from: listInstant('from', q.from), to: listInstant('to', q.to), limit: q.limit ?? 50, after: q.cursor, now: now.toISOString() });
    const out: LinkListResponse = { links: page.links.map((l) => toPublicLink(l, now)), next: page.next };
    res.json(out);
  });

  r.get('/api/links/:id', auth, async (req, res) => {
    const link = await links.get(String(req.params.id));
    const out: LinkDetailResponse = { link: toPublicLink(link, clock.now()), payments: (await links.payments(link.id)).map(toPublicPayment) };
    res.json(out);
  });

  r.post('/api/links/:id/disable', auth, async (req, res) => {
    const out: LinkResponse = { link: toPublicLink(await links.disable(String(req.params.id)), clock.now()) };
    res.json(out);
  });

  r.get('/api/links/:id/qr.svg', auth, async (req, res) => {
    const link = await links.get(String(req.params.id));
    res.type('image/svg+xml').setHeader('Content-Disposition', `inline; filename="${link.id}.svg"`);
    res.send(qrSvg(link.url, link.description));
  });

  r.get('/api/links/:id/qr.png', auth, async (req, res) => {
    const link = await links.get(String(req.params.id));
    res.type('image/png').setHeader('Content-Disposition', `inline; filename="${link.id}.png"`);
    res.send(qrPng(link.url));
  });

  return r;
}
