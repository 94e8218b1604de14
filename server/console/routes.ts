/**
 * The merchant console: its page and assets at `/console/`, its API at `/console/api/…`. The API is thin and
 * uses the same services as the merchant API — the payment service for refunds, the store's one listing query,
 * the reconciliation statement builder — so there is no second copy of any money rule. Every action is written
 * to the ledger's audit log (who, what, when, from which address) and shows on the payment's timeline.
 *
 * All URLs are relative to where this router is mounted (req.baseUrl), so the console works under a prefix.
 */
import { refundBlocker } from '../providers/capabilities.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { METHOD_FAMILIES, PAYMENT_STATUSES, PROVIDER_IDS, type MethodFamily, type ProviderId } from '../api-types.js';
import type { PaymentRecord } from '../domain/payment-record.js';
import { toMerchantPayment } from '../domain/payment-record.js';
import { routingTimeline } from '../domain/routing.js';
import type { PaymentService } from '../domain/payment-service.js';
import { buildStatement, csvCell, jakartaDay, statementCsv } from '../domain/daily-statement.js';
import { AppError, badRequest, conflict, notFound, ProviderError, providerErrorToAppError } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import type { ResilientProvider } from '../providers/resilience.js';
import type { AuditInput, ListFilter, Store } from '../store/types.js';
import type {
  ConsoleAuditPage,
  ConsoleMe,
  ConsoleNotifications,
  ConsoleOverview,
  ConsolePayment,
  ConsolePaymentDetail,
  ConsolePaymentList,
  ConsoleProviders,
  Refundability,
  TimelineEntry,
} from './api-types.js';
import { AUDIT_ACTIONS } from './api-types.js';
import { clientIp, consoleAuth, requireOperator } from './auth.js';
import type { CallLog } from './call-log.js';
import type { ChannelView } from '../domain/health.js';
import type { ConsoleUser } from './users.js';
import { consoleLinkRoutes } from './links.js';
import type { LinkService } from '../domain/links.js';
import type { CatalogEntry } from '../config.js';

export interface ConsoleDeps {
  store: Store;
  service: PaymentService;
  providers: Map<ProviderId, ResilientProvider>;
  routes: Record<MethodFamily, ProviderId[]>;
  clock: Clock;
  merchantKey: string;
  users: ConsoleUser[];
  mode: 'sandbox' | 'live';
  publicUrl: string;
  notifications: boolean;
  calls: CallLog;
  /** Channel health from smart routing (absent when BAYAR_SMART_ROUTING=off). */
  health?: (provider: ProviderId, method: string) => ChannelView;
  /** Wakes the notification worker after a resend. */
  wake: () => void;
  /** Payment links (the Links page). */
  links: LinkService;
  catalog: Record<string, CatalogEntry> | null;
  /** Directory of the built console (index.html + assets/). */
  distDir: string;
  failDelayMs?: number;
  failLimit?: number;
}

/** A bad query parameter → 400 `invalid_filter` naming the field, so the console can point at it. */
export function parseQuery<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const first = r.error.issues[0]!;
  const field = first.code === 'unrecognized_keys' ? String((first as { keys?: string[] }).keys?.[0]) : String(first.path[0] ?? '');
  throw badRequest('invalid_filter', `${field}: ${first.code === 'unrecognized_keys' ? 'is not a filter the console knows' : first.message}`, { field });
}

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date YYYY-MM-DD' }).refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), { message: 'is not a calendar date' });
const listQuery = z
  .object({
    q: z.string().trim().min(1).max(200).optional(),
    status: z.enum(PAYMENT_STATUSES).optional(),
    method: z.string().regex(/^[a-z]+:[a-z0-9_]+$/, { message: 'must be a method id such as va:bca' }).optional(),
    family: z.enum(METHOD_FAMILIES).optional(),
    provider: z.enum(PROVIDER_IDS).optional(),
    flag: z.string().regex(/^[a-z_]{1,40}$/, { message: 'must be a flag such as amount_mismatch' }).optional(),
    from: day.optional(),
    to: day.optional(),
    limit: z.string().regex(/^\d{1,3}$/, { message: 'must be a number from 1 to 200' }).transform(Number).pipe(z.number().int().min(1).max(200)).optional(),
    cursor: z.string().max(200).optional(),
  })
  .strict();

const auditQuery = z
  .object({
    action: z.enum(AUDIT_ACTIONS).optional(),
    actor: z.string().trim().min(1).max(100).optional(),
    payment: z.string().regex(/^pay_[A-Za-z0-9_-]{1,64}$/, { message: 'must be a payment id such as pay_…' }).optional(),
    refused: z.enum(['true', 'false']).optional(),
    limit: listQuery.shape.limit,
    cursor: z.string().regex(/^\d{1,15}$/, { message: 'is not a cursor this server issued; pass `next` unchanged' }).transform(Number).optional(),
  })
  .strict();

/** The console's filters as the store's one listing filter; dates are whole Jakarta days, `to` inclusive. */
function toFilter(q: z.infer<typeof listQuery>): Omit<ListFilter, 'limit'> {
  if (q.from && q.to && q.from > q.to) throw badRequest('invalid_filter', 'to: must not be before from', { field: 'to' });
  return {
    order: 'desc',
    q: q.q,
    status: q.status,
    method: q.method,
    family: q.family,
    provider: q.provider,
    flag: q.flag,
    from: q.from ? jakartaDay(q.from).from : undefined,
    to: q.to ? jakartaDay(q.to).to : undefined,
    after: q.cursor,
  };
}

export function toConsolePayment(p: PaymentRecord): ConsolePayment {
  const i = p.instructions ?? {};
  return {
    // With the expected fee (BAYAR_FEES): the console is the merchant's.
    ...toMerchantPayment(p),
    reference: p.reference,
    providerRef: p.providerRef,
    customer: p.customer ?? {},
    updatedAt: p.updatedAt,
    refundedAmount: p.refundedAmount,
    flags: p.flags,
    codes: {
      ...(i.va ? { va: { bank: i.va.bank, number: i.va.number } } : {}),
      ...(i.cstore ? { cstore: { ...i.cstore } } : {}),
      ...(i.qris ? { qris: true } : {}),
      ...(i.redirectUrl ? { redirectUrl: i.redirectUrl } : {}),
    },
  };
}

export function refundability(p: PaymentRecord, providers: Map<ProviderId, ResilientProvider>): Refundability {
  const max = p.status === 'paid' ? p.amount - p.refundedAmount : 0;
  if (p.status !== 'paid') return { ok: false, max: 0, block: p.status === 'refunded' ? 'fully_refunded' : 'not_paid' };
  if (max <= 0) return { ok: false, max: 0, block: 'fully_refunded' };
  const provider = providers.get(p.provider);
  if (!provider) return { ok: false, max, block: 'provider_disabled' };
  const why = refundBlocker(provider.capabilities, p.family);
  return why ? { ok: false, max, block: 'provider_cannot_refund', message: why } : { ok: true, max };
}

const CSV_COLUMNS = ['id', 'orderId', 'createdAt', 'status', 'method', 'provider', 'amount', 'refundedAmount', 'paidAt', 'providerRef', 'vaNumber', 'customerEmail', 'customerPhone', 'flags'] as const;

const RANGE_DAYS = { today: 1, '7d': 7, '30d': 30 } as const;

export function consoleRoutes(d: ConsoleDeps): Router {
  const r = Router();
  const auth = consoleAuth({
    store: d.store,
    clock: d.clock,
    merchantKey: d.merchantKey,
    users: d.users,
    sandbox: d.mode === 'sandbox',
    publicUrl: d.publicUrl,
    failDelayMs: d.failDelayMs,
    failLimit: d.failLimit,
  });
  const now = () => d.clock.now();
  const audit = (req: Request, e: Omit<AuditInput, 'at' | 'actor' | 'role' | 'ip'>) => {
    const s = req.consoleSession!;
    return d.store.addAudit({ at: now().toISOString(), actor: s.actor, role: s.role, ip: clientIp(req), ...e });
  };
  const me = (req: Request): ConsoleMe => {
    const s = req.consoleSession!;
    return { actor: s.actor, role: s.role, csrf: s.csrf, expiresAt: s.expiresAt, mode: d.mode, notifications: d.notifications };
  };

  // ---- the page ----------------------------------------------------------------------------------------------
  const index = join(d.distDir, 'index.html');
  r.get('/', (req, res, next) => {
    // The page's asset URLs are relative: they must resolve under …/console/, not next to it.
    if (!req.originalUrl.split('?')[0]!.endsWith('/')) return res.redirect(301, `${req.originalUrl.split('?')[0]}/`);
    if (!existsSync(index)) return next(new AppError(503, 'console_not_built', 'The console is not built; run npm run build.'));
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(readFileSync(index));
  });
  r.use('/assets', express.static(join(d.distDir, 'assets'), { index: false, fallthrough: false, maxAge: '1y', immutable: true }));

  // ---- session ------------------------------------------------------------------------------------------------
  const api = Router();
  api.use(express.json({ limit: '8kb', strict: true }));
  api.post('/session', auth.limiter, auth.signIn, (req, res) => res.status(201).json(me(req)));
  api.use(auth.requireSession);
  api.get('/session', (req, res) => res.json(me(req)));
  api.post('/session/end', auth.signOut);

  // ---- payments -----------------------------------------------------------------------------------------------
  api.get('/payments', async (req, res) => {
    const q = parseQuery(listQuery, req.query);
    const page = await d.store.listPayments({ ...toFilter(q), limit: q.limit ?? 50 });
    const out: ConsolePaymentList = { payments: page.payments.map(toConsolePayment), next: page.next };
    res.json(out);
  });

  api.get('/payments.csv', async (req, res) => {
    const q = parseQuery(listQuery.omit({ cursor: true, limit: true }), req.query);
    const filter = toFilter(q);
    await audit(req, { action: 'export_csv', outcome: 'ok', detail: { filter: q } });
    res.type('text/csv').setHeader('Content-Disposition', `attachment; filename="bayar-payments-${now().toISOString().slice(0, 10)}.csv"`);
    res.write(CSV_COLUMNS.join(',') + '\r\n');
    // Streamed page by page with the same keyset as the screen: any size, constant memory, and the client's
    // disconnect stops the walk.
    let closed = false;
    req.on('close', () => (closed = true));
    for (let after: string | undefined; !closed; ) {
      const page = await d.store.listPayments({ ...filter, after, limit: 1000 });
      const chunk = page.payments
        .map((p) => {
          const row: Record<(typeof CSV_COLUMNS)[number], unknown> = {
            id: p.id, orderId: p.orderId, createdAt: p.createdAt, status: p.status, method: p.method, provider: p.provider, amount: p.amount,
            refundedAmount: p.refundedAmount, paidAt: p.paidAt, providerRef: p.providerRef, vaNumber: p.instructions?.va?.number,
            customerEmail: p.customer?.email, customerPhone: p.customer?.phone, flags: p.flags,
          };
          return CSV_COLUMNS.map((c) => csvCell(row[c])).join(',');
        })
        .join('\r\n');
      if (chunk && !res.write(chunk + '\r\n')) await new Promise((ok) => res.once('drain', ok));
      if (!page.next) break;
      after = page.next;
    }
    res.end();
  });

  const loadPayment = async (id: string) => {
    const p = /^[A-Za-z0-9_-]{1,64}$/.test(id) ? await d.store.getPayment(id) : null;
    if (!p) throw notFound('payment_not_found', 'No payment with this id.');
    return p;
  };

  api.get('/payments/:id', async (req, res) => {
    const p = await loadPayment(String(req.params.id));
    const [history, events, notifications, refunds, auditLog] = await Promise.all([
      d.store.history(p.id),
      d.store.paymentEvents(p.id),
      d.store.paymentNotifications(p.id),
      d.store.listRefunds({ paymentId: p.id }),
      d.store.listAudit({ paymentId: p.id, limit: 200 }),
    ]);
    const timeline: TimelineEntry[] = [
      ...history.map((h): TimelineEntry => ({ at: h.at, kind: 'status', title: h.status, source: h.source, detail: h.reason })),
      ...events.map((e): TimelineEntry => ({ at: e.receivedAt, kind: 'provider_event', title: e.outcome, source: `webhook:${e.provider}`, detail: e.eventId, ok: !e.outcome.startsWith('flagged') })),
      ...refunds.map((f): TimelineEntry => ({ at: f.updatedAt, kind: 'refund', title: f.status, source: 'refund', amount: f.amount, detail: `${f.reason}${f.error ? ` (${f.error})` : ''}`, ok: f.status !== 'failed' })),
      ...notifications.flatMap((n) => n.attempts.map((a): TimelineEntry => ({ at: a.at, kind: 'notification', title: n.type, source: 'notifier', detail: a.answer, ok: a.ok }))),
      ...auditLog.map((a): TimelineEntry => ({ at: a.at, kind: 'console', title: a.action, source: `console:${a.actor}`, detail: `${a.outcome} · ${a.ip}`, ok: a.outcome === 'ok' })),
      ...(p.routing ? routingTimeline(p.routing).map((r): TimelineEntry => ({ ...r, kind: 'routing' })) : []),
    ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    const out: ConsolePaymentDetail = {
      payment: toConsolePayment(p),
      refundable: refundability(p, d.providers),
      timeline,
      events,
      notifications,
      refunds: refunds.map((f) => ({ id: f.id, amount: f.amount, reason: f.reason, status: f.status, error: f.error, createdAt: f.createdAt })),
      audit: auditLog,
    };
    res.json(out);
  });

  const refundBody = z
    .object({
      amount: z.number({ message: 'must be a whole number of rupiah' }).int({ message: 'must be a whole number of rupiah' }).positive({ message: 'must be more than 0' }),
      reason: z.string({ message: 'is required' }).trim().min(1, { message: 'is required' }).max(200),
    })
    .strict();

  api.post('/payments/:id/refund', requireOperator, async (req, res) => {
    const p = await loadPayment(String(req.params.id));
    const r = refundBody.safeParse(req.body);
    if (!r.success) {
      const field = String(r.error.issues[0]!.path[0] ?? 'body');
      throw badRequest(field === 'amount' ? 'invalid_amount' : 'invalid_request', `${field}: ${r.error.issues[0]!.message}`, { field });
    }
    // The payment service is the one refund path (ledger reservation, provider call, notification): the console
    // only records who asked and what came of it.
    try {
      const out = await d.service.refund(p.id, r.data.amount, r.data.reason);
      await audit(req, { action: 'refund', paymentId: p.id, outcome: 'ok', detail: { amount: r.data.amount, reason: r.data.reason, refundId: out.refund.id, status: out.refund.status } });
      res.status(201).json({ refund: out.refund, payment: toConsolePayment(out.payment) });
    } catch (err) {
      await audit(req, { action: 'refund', paymentId: p.id, outcome: err instanceof AppError ? err.code : err instanceof ProviderError ? providerErrorToAppError(err).code : 'internal_error', detail: { amount: r.data.amount, reason: r.data.reason } });
      throw err;
    }
  });

  api.post('/payments/:id/resend-notification', requireOperator, async (req, res) => {
    const p = await loadPayment(String(req.params.id));
    const list = await d.store.paymentNotifications(p.id);
    const latest = list.filter((n) => n.resendOf === null).at(-1);
    if (!d.notifications || !latest) {
      await audit(req, { action: 'resend_notification', paymentId: p.id, outcome: 'no_notification' });
      throw conflict('no_notification', d.notifications ? 'This payment has no merchant notification to resend yet.' : 'Merchant notifications are off: set BAYAR_NOTIFY_URL.');
    }
    const copy = (await d.store.resendNotification(latest.id, now().toISOString()))!;
    await audit(req, { action: 'resend_notification', paymentId: p.id, outcome: 'ok', detail: { notification: latest.id, copy: copy.id, type: latest.type } });
    d.wake();
    res.status(202).json({ notification: copy });
  });

  // ---- notifications ------------------------------------------------------------------------------------------
  api.get('/notifications', async (_req, res) => {
    const s = await d.store.outboxSummary(100);
    const out: ConsoleNotifications = { enabled: d.notifications, ...s };
    res.json(out);
  });

  api.post('/notifications/:id/resend', requireOperator, async (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id <= 0) throw badRequest('invalid_request', 'id: must be a notification number', { field: 'id' });
    const copy = await d.store.resendNotification(id, now().toISOString());
    if (!copy) throw notFound('notification_not_found', 'No notification with this number.');
    await audit(req, { action: 'resend_notification', paymentId: copy.paymentId, outcome: 'ok', detail: { notification: id, copy: copy.id, type: copy.type } });
    d.wake();
    res.status(202).json({ notification: copy });
  });

  // ---- audit log ----------------------------------------------------------------------------------------------
  // Operators only: it names every console user and the addresses they came from.
  api.get('/audit', requireOperator, async (req, res) => {
    const q = parseQuery(auditQuery, req.query);
    const limit = q.limit ?? 50;
    const rows = await d.store.listAudit({ action: q.action, actor: q.actor, paymentId: q.payment, refusedOnly: q.refused === 'true', before: q.cursor, limit: limit + 1 });
    const entries = rows.slice(0, limit);
    const out: ConsoleAuditPage = { entries, next: rows.length > limit ? String(entries.at(-1)!.id) : null };
    res.json(out);
  });

  // ---- reconciliation -----------------------------------------------------------------------------------------
  api.get('/reconciliation', async (req, res) => {
    const q = parseQuery(z.object({ date: day, format: z.enum(['json', 'csv']).default('json') }).strict(), req.query);
    const statement = await buildStatement(q.date, d.store, d.providers);
    if (q.format === 'csv') {
      await audit(req, { action: 'download_statement', outcome: 'ok', detail: { date: q.date } });
      res.type('text/csv').setHeader('Content-Disposition', `attachment; filename="bayar-${q.date}.csv"`);
      return res.send(statementCsv(statement));
    }
    res.json(statement);
  });

  // ---- overview -----------------------------------------------------------------------------------------------
  api.get('/overview', async (req, res) => {
    const q = parseQuery(z.object({ range: z.enum(['today', '7d', '30d']).default('today') }).strict(), req.query);
    const n = RANGE_DAYS[q.range];
    const today = new Date(now().getTime() + 7 * 3600_000).toISOString().slice(0, 10);
    const days = Array.from({ length: n }, (_, i) => new Date(Date.parse(`${today}T00:00:00Z`) - (n - 1 - i) * 86_400_000).toISOString().slice(0, 10));
    const [stats, sessions] = await Promise.all([
      Promise.all(days.map((dd) => d.store.paymentStats(jakartaDay(dd).from, jakartaDay(dd).to))),
      d.store.dailyCount('sessions', days[0]!, days.at(-1)!),
    ]);
    const out: ConsoleOverview = {
      range: q.range,
      from: jakartaDay(days[0]!).from,
      to: jakartaDay(days.at(-1)!).to,
      paid: { count: 0, amount: 0 },
      created: 0,
      refunds: { count: 0, amount: 0 },
      conversion: { sessions, created: 0, paid: 0 },
      byFamily: [],
      byProvider: [],
      days: [],
    };
    const fam = new Map<MethodFamily, { count: number; amount: number }>();
    const prov = new Map<ProviderId, { count: number; amount: number }>();
    stats.forEach((s, i) => {
      const dayPaid = { count: 0, amount: 0 };
      for (const g of s.paid) {
        dayPaid.count += g.count;
        dayPaid.amount += g.amount;
        const f = fam.get(g.family) ?? { count: 0, amount: 0 };
        fam.set(g.family, { count: f.count + g.count, amount: f.amount + g.amount });
        const pv = prov.get(g.provider) ?? { count: 0, amount: 0 };
        prov.set(g.provider, { count: pv.count + g.count, amount: pv.amount + g.amount });
      }
      out.days.push({ day: days[i]!, paidCount: dayPaid.count, paidAmount: dayPaid.amount });
      out.paid.count += dayPaid.count;
      out.paid.amount += dayPaid.amount;
      for (const g of s.created) {
        out.created += g.count;
        out.conversion.created += g.count;
        if (g.status === 'paid' || g.status === 'refunded') out.conversion.paid += g.count;
      }
      out.refunds.count += s.refunds.count;
      out.refunds.amount += s.refunds.amount;
    });
    out.byFamily = [...fam].map(([family, v]) => ({ family, ...v })).sort((a, b) => b.amount - a.amount);
    out.byProvider = [...prov].map(([provider, v]) => ({ provider, ...v })).sort((a, b) => b.amount - a.amount);
    res.json(out);
  });

  // ---- providers ----------------------------------------------------------------------------------------------
  api.get('/providers', async (_req, res) => {
    const t = now().getTime();
    const since = (ms: number) => new Date(t - ms).toISOString();
    const [hour, dayCounts, dayStats] = await Promise.all([d.store.eventCounts(since(3600_000)), d.store.eventCounts(since(86_400_000)), d.store.paymentStats(since(86_400_000), new Date(t + 1).toISOString())]);
    const counts = (rows: typeof hour, p: ProviderId) => Object.fromEntries(rows.filter((x) => x.provider === p).map((x) => [x.outcome, x.count]));
    const out: ConsoleProviders = {
      mode: d.mode,
      routes: d.routes,
      providers: [...d.providers.values()].map((p) => {
        const families = METHOD_FAMILIES.filter((f) => d.routes[f].includes(p.id));
        const channels = d.health
          ? p
              .methods()
              .filter((m) => families.includes(m.family))
              .map((m) => {
                const method = `${m.family}:${m.channel}`;
                const v = d.health!(p.id, method);
                return { method, state: v.state, reason: v.reason, since: v.since, calls: v.signals.calls, errorRate: v.signals.errorRate, p95Ms: v.signals.p95Ms };
              })
          : null;
        return {
          channels,
          provider: p.id,
          circuit: p.circuitState(),
          routes: families.map((family) => ({ family, position: d.routes[family].indexOf(p.id) + 1 })),
          createLatency: { hour: d.calls.summary(p.id, 'create', 3600_000), day: d.calls.summary(p.id, 'create', 86_400_000) },
          families: families.map((family) => {
            const rows = dayStats.created.filter((g) => g.provider === p.id && g.family === family);
            const created = rows.reduce((s, g) => s + g.count, 0);
            const failed = rows.filter((g) => g.status === 'failed').reduce((s, g) => s + g.count, 0);
            return { family, created, failed, successRate: created ? (created - failed) / created : null };
          }),
          webhooks: { hour: counts(hour, p.id), day: counts(dayCounts, p.id) },
        };
      }),
    };
    res.json(out);
  });

  api.use(consoleLinkRoutes({ links: d.links, store: d.store, clock: d.clock, live: d.mode === 'live', catalog: d.catalog, audit }));

  api.use((req, _res, next) => next(new AppError(404, 'not_found', `No console API route for ${req.method} ${req.path}.`)));
  r.use('/api', api);
  return r;
}
