/**
 * Payment links in the console (`/console/api/links…`, `/console/api/catalog`): the merchant API's links behind
 * the console's session instead of the merchant key. Reads for every console user; creating and disabling for
 * operators, with the session's CSRF token (checked by the console's auth for every write), each written to the
 * audit log — with the link and what it asks for, never the customer it names. The link service is the one that
 * the merchant API uses, with its schema: no second copy of a link rule.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { LINK_STATUSES } from '../api-types.js';
import type { CatalogEntry } from '../config.js';
import { toPublicLink, type LinkRecord } from '../domain/link.js';
import type { LinkService } from '../domain/links.js';
import { AppError } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { qrPng, qrSvg } from '../lib/qr.js';
import { createLinkSchema } from '../routes/links.js';
import { parse } from '../routes/validate.js';
import type { AuditInput, Store } from '../store/types.js';
import type { ConsoleCatalog, ConsoleLinkDetail, ConsoleLinkList } from './api-types.js';
import { requireOperator } from './auth.js';
import { parseQuery, toConsolePayment } from './routes.js';

export interface ConsoleLinkDeps {
  links: LinkService;
  store: Store;
  clock: Clock;
  live: boolean;
  catalog: Record<string, CatalogEntry> | null;
  audit: (req: Request, e: Omit<AuditInput, 'at' | 'actor' | 'role' | 'ip'>) => Promise<unknown>;
}

const listQuery = z
  .object({
    status: z.enum(LINK_STATUSES).optional(),
    limit: z.string().regex(/^\d{1,3}$/, { message: 'must be a number from 1 to 200' }).transform(Number).pipe(z.number().int().min(1).max(200)).optional(),
    cursor: z.string().max(200).optional(),
  })
  .strict();

/** What the audit log keeps of a link: what it asks for, not whom it is for. */
const auditDetail = (l: LinkRecord) => ({
  link: l.id,
  orderId: l.orderId,
  ...(l.amount !== null ? { amount: l.amount } : {}),
  ...(l.openAmount ? { openAmount: l.openAmount } : {}),
  ...(l.items ? { items: l.items.length } : {}),
  maxPayments: l.maxPayments,
  ...(l.expiresAt ? { expiresAt: l.expiresAt } : {}),
});

export function consoleLinkRoutes(d: ConsoleLinkDeps): Router {
  const r = Router();
  const schema = createLinkSchema(d.live);

  r.get('/catalog', (_req, res) => {
    const out: ConsoleCatalog = { items: Object.entries(d.catalog ?? {}).map(([sku, e]) => ({ sku, name: e.name, price: e.price })) };
    res.json(out);
  });

  r.get('/links', async (req, res) => {
    const q = parseQuery(listQuery, req.query);
    const now = d.clock.now();
    const page = await d.store.listLinks({ status: q.status, order: 'desc', limit: q.limit ?? 50, after: q.cursor, now: now.toISOString() });
    const out: ConsoleLinkList = { links: page.links.map((l) => toPublicLink(l, now)), next: page.next };
    res.json(out);
  });

  r.get('/links/:id', async (req, res) => {
    const link = await d.links.get(String(req.params.id));
    const payments = (await d.links.payments(link.id)).reverse();
    const out: ConsoleLinkDetail = { link: toPublicLink(link, d.clock.now()), payments: payments.map(toConsolePayment) };
    res.json(out);
  });

  r.get('/links/:id/qr.svg', async (req, res) => {
    const link = await d.links.get(String(req.params.id));
    res.type('image/svg+xml').setHeader('Content-Disposition', `inline; filename="${link.id}.svg"`);
    res.send(qrSvg(link.url, link.description));
  });

  r.get('/links/:id/qr.png', async (req, res) => {
    const link = await d.links.get(String(req.params.id));
    res.type('image/png').setHeader('Content-Disposition', `attachment; filename="${link.id}.png"`);
    res.send(qrPng(link.url));
  });

  r.post('/links', requireOperator, async (req, res) => {
    try {
      const link = await d.links.create(parse(schema, req.body));
      await d.audit(req, { action: 'create_link', outcome: 'ok', detail: auditDetail(link) });
      res.status(201).json({ link: toPublicLink(link, d.clock.now()) });
    } catch (err) {
      await d.audit(req, { action: 'create_link', outcome: err instanceof AppError ? err.code : 'internal_error' });
      throw err;
    }
  });

  r.post('/links/:id/disable', requireOperator, async (req, res) => {
    const id = String(req.params.id);
    try {
      const link = await d.links.disable(id);
      await d.audit(req, { action: 'disable_link', outcome: 'ok', detail: auditDetail(link) });
      res.json({ link: toPublicLink(link, d.clock.now()) });
    } catch (err) {
      await d.audit(req, { action: 'disable_link', outcome: err instanceof AppError ? err.code : 'internal_error', detail: { link: id.slice(0, 64) } });
      throw err;
    }
  });

  return r;
}
