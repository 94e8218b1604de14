/**
 * createApp(deps): the whole companion as an Express app, with no listening and no network at construction.
 * Store, clock and HTTP client are injected so tests (and other deployments) choose them.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import compression from 'compression';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { MemoryStore, rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { METHOD_FAMILIES, PROVIDER_IDS, type ApiErrorBody, type ProviderId } from './api-types.js';
import { errorText } from './domain/error-texts.js';
import type { Config } from './config.js';
import { AppError, LedgerInputError, ProviderError, providerErrorToAppError } from './errors.js';
import { LocalBus, type LiveBus } from './domain/live.js';
import { LinkService } from './domain/links.js';
import { Notifier } from './domain/notifier.js';
import { PaymentService } from './domain/payment-service.js';
import { HealthSync, type HealthShare } from './domain/health-sync.js';
import { Routing } from './domain/routing.js';
import { Reconciler } from './domain/reconcile-worker.js';
import { PiiRetention } from './domain/retention.js';
import type { PaymentRecord } from './domain/payment-record.js';
import { createEmulators } from './emulators/index.js';
import type { Emulator } from './emulators/types.js';
import { systemClock, type Clock } from './lib/clock.js';
import { safeEqual } from './lib/crypto.js';
import { MAX_JSON_DEPTH, jsonTooDeep } from './lib/json-depth.js';
import { createFetchClient, type HttpClient } from './lib/http.js';
import { currentContext, runInContext } from './lib/context.js';
import { createLogger, type Logger } from './lib/logger.js';
import { Metrics } from './lib/metrics.js';
import { PACKAGE_ROOT } from './lib/paths.js';
import { OpsMetrics, timedStore } from './lib/ops-metrics.js';
import { providerFactories as defaultFactories, type ProviderFactories } from './providers/index.js';
import { DEFAULT_RESILIENCE, withResilience, type ResilienceOptions, type ResilientProvider } from './providers/resilience.js';
import type { ProviderContext } from './providers/types.js';
import { idempotent } from './routes/idempotency.js';
import { linkPaymentLimits } from './routes/link-limits.js';
import { linkRoutes } from './routes/links.js';
import { payPageRoutes } from './routes/pay-page.js';
import { merchantRoutes } from './routes/merchant.js';
import { returnRoutes } from './routes/return-page.js';
import { sandboxRoutes } from './routes/sandbox.js';
import { LiveStreams, eventsRoute } from './routes/sse.js';
import { webhookRoutes } from './routes/webhooks.js';
import { CallLog } from './console/call-log.js';
import { consoleRoutes } from './console/routes.js';
import { countSessions } from './console/counters.js';
import { methodsAnswer, paymentEvents, widgetRoutes } from './routes/widget.js';
import { cors, corsHeaders } from './routes/cors.js';
import { fastPath, rateLimitKey } from './routes/fast-path.js';
import { methodsRoute } from './routes/methods-fast.js';
import { StatusChecks } from './domain/status-check.js';
import type { HistoryEntry, Store } from './store/types.js';
import { isStoreUnavailable } from './store/unavailable.js';

export const ROOT = PACKAGE_ROOT;

export interface AppDeps {
  config: Config;
  store: Store;
  /** Absolute URL this companion is reachable at (webhook URLs, emulator base URLs). */
  publicUrl: string;
  clock?: Clock;
  http?: HttpClient;
  log?: Logger;
  bus?: LiveBus;
  providerFactories?: Partial<ProviderFactories>;
  resilience?: ResilienceOptions;
  timeouts?: ProviderContext['timeouts'];
  /** Directory of the built widget (default ./dist). */
  distDir?: string;
  /** Directory of the built console (default ./dist-console). */
  consoleDistDir?: string;
  /** Console sign-in: delay after wrong credentials and wrong sign-ins allowed per address per 15 minutes. */
  consoleSignIn?: { failDelayMs?: number; failLimit?: number };
  onChange?: (p: PaymentRecord, h: HistoryEntry) => void;
  /** Requests per minute per client IP on the widget and merchant APIs (webhooks are exempt). */
  rateLimitPerMinute?: number;
  notifierOptions?: { baseDelayMs?: number; maxDelayMs?: number; intervalMs?: number; timeoutMs?: number };
  reconcilerOptions?: { intervalMs?: number; minCheckIntervalMs?: number };
  /** Payments through payment links per minute, per link and per client address (default: config). */
  linkRateLimits?: { perLink: number; perAddress: number };
  retentionOptions?: { intervalMs?: number; batch?: number };
  /** Node process metrics (CPU, memory, event loop) on /metrics; off for apps sharing one process in tests. */
  defaultMetrics?: boolean;
  /** How long the ledger gauges on /metrics are reused (default 15 s). */
  metricsCacheMs?: number;
  /** Where channel health is shared with other instances (PostgreSQL), and how often it is read (default 1 s). */
  healthShare?: HealthShare;
  healthSyncIntervalMs?: number;
  /**
   * Routes served last, in sandbox mode only: the demo storefront. Passed in by the composition root (server/bayar.ts
   * gives demo/server.ts) so the app itself never imports the demo.
   */
  sandboxRoutes?: (o: { merchantKey: string; publicUrl: string; http: HttpClient }) => RequestHandler;
}

export interface BayarApp {
  app: Express;
  service: PaymentService;
  links: LinkService;
  providers: Map<ProviderId, ResilientProvider>;
  emulators: Map<ProviderId, Emulator>;
  streams: LiveStreams;
  log: Logger;
  metrics: Metrics;
  ops: OpsMetrics;
  /** The store as the app uses it (writes timed for metrics). */
  store: Store;
  notifier: Notifier | null;
  reconciler: Reconciler;
  routing: Routing;
  retention: PiiRetention;
  /** GET /metrics (token check, rate limit, exposition), for the separate BAYAR_METRICS_PORT listener. */
  metricsHandler: RequestHandler;
  /** Starts background work: notification delivery, reconciliation, channel health sync, personal data retention. */
  startBackground(): void;
  close(): Promise<void>;
}

export const DEFAULT_TIMEOUTS: ProviderContext['timeouts'] = { create: 15_000, status: 8_000, cancel: 8_000, refund: 15_000 };

export function createApp(deps: AppDeps): BayarApp {
  const { config } = deps;
  const clock = deps.clock ?? systemClock;
  const http = deps.http ?? createFetchClient();
  const secrets = [config.merchantKey, ...Object.values(config.providers).flatMap((c) => Object.entries(c ?? {}).filter(([k]) => k !== 'baseUrl' && k !== 'clientId').map(([, v]) => String(v)))];
  const log = deps.log ?? createLogger(config.logLevel, secrets);
  const bus = deps.bus ?? new LocalBus();
  const publicUrl = deps.publicUrl.replace(/\/+$/, '');
  const sandbox = config.mode === 'sandbox';

  // In sandbox mode a provider without an explicit base URL talks to the built-in emulator on this server.
  const builtIn = PROVIDER_IDS.filter((id) => sandbox && config.providers[id]?.baseUrl === '');
  const creds = structuredClone(config.providers);
  for (const id of builtIn) creds[id]!.baseUrl = `${publicUrl}/emulators/${id}`;

  const factories = { ...defaultFactories, ...deps.providerFactories };
  const ctx: ProviderContext = { http, clock, timeouts: deps.timeouts ?? DEFAULT_TIMEOUTS };
  const providers = new Map<ProviderId, ResilientProvider>();
  const circuits = () => [...providers.values()].map((p) => ({ provider: p.id, state: p.circuitState() }));
  const ledger = { byStatus: () => deps.store.countByStatus(), outboxBacklog: () => deps.store.outboxBacklog() };
  const metrics = new Metrics(ledger, circuits, deps.defaultMetrics !== false, deps.metricsCacheMs);
  const ops = new OpsMetrics(metrics.registry, { opsStats: () => deps.store.opsStats(), ready: () => deps.store.ready(), circuits, now: () => clock.now().getTime() });
  const store = timedStore(deps.store, ops);
  const calls = new CallLog(() => clock.now().getTime());
  const observe = (provider: string, operation: string, outcome: string, seconds: number) => {
    calls.record(provider, operation, outcome, seconds);
    // The payment's method family, from the work context (lib/context.ts): error rates are watched per family.
    const family = currentContext()?.family ?? 'none';
    metrics.providerCalls.observe({ provider, family, operation, outcome }, seconds);
    if (outcome !== 'ok') metrics.providerErrors.inc({ provider, family, operation, kind: outcome });
    // One line per provider call, carrying the request and payment it was made for (the logger's mixin).
    const line = { provider, family, operation, outcome, ms: Math.round(seconds * 10_000) / 10 };
    if (outcome !== 'ok') log.warn(line, 'provider call failed');
    else if (operation === 'status') log.debug(line, 'provider call');
    else log.info(line, 'provider call');
  };
  for (const id of PROVIDER_IDS) {
    const c = creds[id];
    if (c) providers.set(id, withResilience((factories[id] as (c: unknown, ctx: ProviderContext) => ResilientProvider)(c, ctx), { ...(deps.resilience ?? DEFAULT_RESILIENCE), channelCreates: config.routing.smart }, observe));
  }
  const healthSync = deps.healthShare && config.routing.smart ? new HealthSync(deps.healthShare, log, deps.healthSyncIntervalMs) : null;
  const routing = new Routing({
    ...config.routing,
    clock,
    registry: metrics.registry,
    channels: () =>
      METHOD_FAMILIES.flatMap((family) =>
        config.routes[family].flatMap((provider) => (providers.get(provider)?.methods() ?? []).filter((m) => m.family === family).map((m) => ({ provider, family, channel: m.channel }))),
      ),
    onTransition: (t) => {
      log.warn({ provider: t.provider, method: t.method, state: t.state, reason: t.reason, signals: t.signals }, `channel ${t.provider} × ${t.method} is ${t.state}`);
      healthSync?.push(t);
    },
  });
  if (routing.board) healthSync?.attach(routing.board);

  const emulators = sandbox
    ? createEmulators(
        config.providers,
        (id) => ({ clock, http, defaultWebhookUrl: () => `${publicUrl}/webhooks/${id}`, baseUrl: () => `${publicUrl}/emulators/${id}` }),
        builtIn,
      )
    : new Map<ProviderId, Emulator>();

  let notifier: Notifier | null = null;
  const service = new PaymentService({
    store,
    providers,
    routes: config.routes,
    clock,
    bus,
    log,
    publicUrl,
    deadlines: config.deadlines,
    limits: config.limits,
    notify: !!config.notifyUrl,
    routing,
    autoRefundDuplicates: config.autoRefundDuplicates,
    onChange: (p, h) => {
      ops.statusChanges.inc({ family: p.family, provider: p.provider, status: h.status });
      deps.onChange?.(p, h);
    },
    wake: () => notifier?.kick(),
  });
  if (config.notifyUrl) {
    notifier = new Notifier({ url: config.notifyUrl, merchantKey: config.merchantKey, store, http, clock, log, ...deps.notifierOptions });
  }
  const reconciler = new Reconciler({ store, service, clock, log, ...deps.reconcilerOptions });
  const retention = new PiiRetention({
    store, clock, log, retentionDays: config.piiRetentionDays, ...deps.retentionOptions,
    onErased: (payments, links) => {
      ops.piiErased.inc({ trigger: 'retention' }, payments);
      ops.piiErasedLinks.inc({ trigger: 'retention' }, links);
    },
  });
  const streams = new LiveStreams(store, bus, undefined, { perClient: config.ssePerClient, total: config.sseMax });
  const links = new LinkService({ store, clock, service, merchantKey: config.merchantKey, publicUrl });
  const orderSources = { merchantKey: config.merchantKey, allowUnsigned: config.allowUnsigned, catalog: config.catalog, clock };

  const app = express();
  app.disable('x-powered-by');
  // API answers are never cached by clients (they change with every payment); hashing each body for an ETag is waste.
  app.set('etag', false);
  // Behind a load balancer every request comes from its address: BAYAR_TRUST_PROXY says which proxies' X-Forwarded-For
  // to believe, so rate limits, stream caps and webhook allowlists see the real client (docs/deployment.md).
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');

  const security = securityHeaders();
  // One error handler: the stack's last middleware, and the fast path's answer to its routes' errors.
  const onError = errorHandler(log, ops);
  const apiCors = cors(config.allowedOrigins);
  const apiLimitStore = new MemoryStore();
  const apiLimitPerMinute = deps.rateLimitPerMinute ?? config.rateLimitPerMinute;
  const apiLimit = rateLimit({
    windowMs: 60_000,
    limit: apiLimitPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // The store and key the fast path (routes/fast-path.ts) counts in too: one bucket per client for the whole API.
    store: apiLimitStore,
    keyGenerator: rateLimitKey,
    // A router mounted without a public URL builds this app on its first request (server/bayar.ts): on purpose.
    // X-Forwarded-For is believed only from BAYAR_TRUST_PROXY's proxies (req.ip); otherwise ignored on purpose.
    validate: { creationStack: false, xForwardedForHeader: false },
    handler: (_req, _res, next) => next(new AppError(429, 'rate_limited', 'Too many requests; slow down and retry after the Retry-After interval.')),
  });
  // The first request of every checkout and its live-status stream skip the stack (its router included), with the
  // same headers, checks and logs (routes/fast-path.ts); everything else goes through app.handle as always.
  const fast = fastPath(
    { app, security, cors: corsHeaders(config.allowedOrigins), limit: { store: apiLimitStore, limit: apiLimitPerMinute, windowMs: 60_000 }, error: onError, log, metrics },
    [methodsRoute((req) => methodsAnswer(req, service, orderSources)), eventsRoute(paymentEvents(service, orderSources, streams))],
  );
  // app.handle is what the app function (and so http.createServer(app), or a host app's router) calls per request.
  const dispatch = app as unknown as { handle: (req: IncomingMessage, res: ServerResponse, callback?: (err?: unknown) => void) => void };
  const stack = dispatch.handle;
  dispatch.handle = function handle(req, res, callback) {
    if (!fast(req, res, () => stack.call(app, req, res, callback))) stack.call(app, req, res, callback);
  };
  app.use(security);
  app.use(requestContext(log));
  app.use(requestLog(metrics));

  app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
  const serveMetrics = metricsHandler(metrics, streams, config.metricsToken, deps.rateLimitPerMinute ?? config.rateLimitPerMinute);
  // With BAYAR_METRICS_PORT the metrics live on their own loopback listener (server/main.ts), not here.
  if (config.metricsPort === null) app.get('/metrics', serveMetrics);
  app.get('/readyz', async (_req, res) => {
    const ok = await store.ready().catch(() => false);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not_ready', store: store.kind });
  });

  // Emulators parse their own bodies (they verify signatures over raw bytes).
  for (const [id, e] of emulators) app.use(`/emulators/${id}`, e.router);
  app.use(webhookRoutes(service, providers, clock, metrics, config.webhookAllowedIps, new URL(publicUrl).pathname.replace(/\/+$/, '')));

  app.use('/api', apiCors);
  // API answers over 1 KB go out compressed as the client accepts (the method list on a phone shares its first round
  // trips' bandwidth with bayar.mjs; a payment with its QR symbol is several KB). The fast path (routes/fast-path.ts)
  // decides and encodes exactly as this does. SSE streams say no-transform and are left as they are.
  const gzip = compression();
  app.use('/api', gzip);
  app.use('/api', apiLimit);
  app.use(
    '/api',
    express.json({
      limit: '32kb',
      strict: true,
      type: ['application/json', 'application/*+json'],
      // Before parsing, so nothing (the Idempotency-Key hash included) ever walks a pathologically deep body.
      verify: (_req, _res, buf) => {
        if (jsonTooDeep(buf)) throw Object.assign(new Error('JSON nested too deep'), { type: 'json.too_deep' });
      },
    }),
  );
  app.post('/api/sessions', countSessions(store, clock, log));
  const merchantIdem = idempotent(store, clock, 'merchant');
  app.use(
    merchantRoutes({
      merchantKey: config.merchantKey, clock, idem: merchantIdem, service, store, providers,
      onStatement: (s) => (ops.reconciliationMismatches.set(s.mismatches), ops.reconciliationStatements.inc()),
    }),
  );
  app.use(linkRoutes({ merchantKey: config.merchantKey, live: !sandbox, clock, idem: merchantIdem, links, store }));
  const linkLimits = linkPaymentLimits(config.merchantKey, clock, deps.linkRateLimits ?? config.linkRateLimits);
  app.use(widgetRoutes(service, orderSources, streams, idempotent(store, clock, 'payments'), new StatusChecks(service, clock, (id) => providers.get(id)?.capabilities.checkIntervalMs), { limits: linkLimits, customerFor: (id) => links.customerFor(id) }));
    if (sandbox) app.use(sandboxRoutes(service, emulators));
  app.use(returnRoutes(service));
  app.use(payPageRoutes({ links, service, shop: config.shop, secure: publicUrl.startsWith('https:') }));

  const dist = deps.distDir ?? join(ROOT, 'dist');
  // The widget and pages go out compressed; the API's answers are by the /api mount above; webhook answers are small.
  app.use((req, res, next) => (req.path.startsWith('/api/') || req.path.startsWith('/webhooks/') ? next() : gzip(req, res, next)));
  if (config.console.enabled) {
    app.use(
      '/console',
      consoleRoutes({
        store,
        service,
        providers,
        routes: config.routes,
        clock,
        merchantKey: config.merchantKey,
        users: config.console.users,
        mode: config.mode,
        publicUrl,
        notifications: !!config.notifyUrl,
        calls,
        health: routing.board ? (provider, method) => routing.board!.view(provider, method) : undefined,
        wake: () => notifier?.kick(),
        links,
        catalog: config.catalog,
        distDir: deps.consoleDistDir ?? join(ROOT, 'dist-console'),
        ...deps.consoleSignIn,
      }),
    );
  }
  if (existsSync(dist)) {
    app.use(express.static(dist, { index: false, fallthrough: true, maxAge: '5m', setHeaders: (res) => res.setHeader('Access-Control-Allow-Origin', '*') }));
  }
  if (sandbox && deps.sandboxRoutes) app.use(deps.sandboxRoutes({ merchantKey: config.merchantKey, publicUrl, http }));

  app.use((req, _res, next) => next(new AppError(404, 'not_found', `No route for ${req.method} ${req.path}.`)));
  app.use(onError);

  return {
    app,
    service,
    links,
    providers,
    emulators,
    streams,
    log,
    metrics,
    ops,
    store,
    notifier,
    reconciler,
    routing,
    retention,
    metricsHandler: serveMetrics,
    startBackground() {
      notifier?.start();
      reconciler.start();
      healthSync?.start();
      retention.start();
    },
    async close() {
      streams.closeAll();
      await Promise.all([notifier?.stop(), reconciler.stop(), healthSync?.stop(), retention.stop()]);
      await bus.close();
    },
  };
}

/** What a client may send as X-Request-Id: short, printable, no spaces (it is echoed and logged). */
const REQUEST_ID = /^[A-Za-z0-9._:@\/+=-]{1,128}$/;

/**
 * Request correlation (pino-http): every request gets an id — the caller's X-Request-Id when it is a sane one,
 * a fresh UUID otherwise — returned in X-Request-Id, and runs inside a work context (lib/context.ts), so every
 * log line written while serving it, the adapters' and the domain's included, carries `reqId` and, once the
 * payment is known, `paymentId`. One access line per request, without query strings (they can carry a client
 * secret or a session) or headers.
 */
function requestContext(log: Logger): RequestHandler {
  const http = pinoHttp({
    logger: log,
    genReqId: (req) => String(req.id),
    // Probes and scrapes every few seconds would drown the lines that matter.
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url?.startsWith('/metrics') === true },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    customAttributeKeys: { responseTime: 'ms' },
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, path: String(req.url).split('?')[0] }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request failed',
  });
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    (req as { id?: unknown }).id = id;
    res.setHeader('X-Request-Id', id);
    runInContext({ reqId: id }, () => {
      http(req, res);
      next();
    });
  };
}

/**
 * /metrics tells anyone who can read it the shop's volume: with BAYAR_METRICS_TOKEN it needs
 * `Authorization: Bearer <token>` (compared in constant time), and it is rate limited like the API.
 */
function metricsHandler(metrics: Metrics, streams: LiveStreams, token: string | null, perMinute: number): RequestHandler {
  const limit = rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    validate: { creationStack: false, xForwardedForHeader: false },
    handler: (_req, _res, next) => next(new AppError(429, 'rate_limited', 'Too many requests; slow down and retry after the Retry-After interval.')),
  });
  return (req, res, next) =>
    limit(req, res, async (err?: unknown) => {
      if (err) return next(err);
      try {
        const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
        if (token !== null && (given === undefined || !safeEqual(given, token))) {
          res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
          throw new AppError(401, 'unauthorized', 'Send Authorization: Bearer <BAYAR_METRICS_TOKEN> to read the metrics.');
        }
        metrics.sseConnections.set(streams.size);
        res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
      } catch (e) {
        next(e);
      }
    });
}

function requestLog(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      // The matched route pattern, never the raw path: ids would explode the label set.
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : req.path.startsWith('/emulators/') ? '/emulators' : 'unmatched';
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      metrics.httpDuration.observe({ method: req.method, route }, ms / 1000);
    });
    next();
  };
}

function errorHandler(log: Logger, ops: OpsMetrics): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let e: AppError;
    if (err instanceof AppError) e = err;
    else if (isStoreUnavailable(err)) {
      // Not the client's fault and not permanent: say so, and when to come back. Webhooks get this 503 too, so
      // the provider delivers the event again once the ledger is back.
      log.error({ err: (err as Error).message, method: req.method, path: req.path }, 'ledger unavailable');
      ops.storeUnavailable.inc({ route: req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched' });
      if (!res.headersSent) res.setHeader('Retry-After', '5');
      e = new AppError(503, 'store_unavailable', 'The payment ledger cannot be reached right now; retry after the Retry-After interval (with the same Idempotency-Key).');
    }
    else if (err instanceof ProviderError) e = providerErrorToAppError(err);
    else if (err instanceof LedgerInputError) e = new AppError(400, err.code, err.message);
    else if (err?.type === 'entity.parse.failed') e = new AppError(400, 'invalid_json', 'The request body is not valid JSON.');
    else if (err?.type === 'entity.too.large') e = new AppError(413, 'payload_too_large', 'The request body is too large.');
    else if (err?.type === 'json.too_deep') e = new AppError(400, 'json_too_deep', `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels; no request of this API needs that.`);
    else if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported') e = new AppError(415, 'unsupported_encoding', 'Send the body as UTF-8 JSON.');
    else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) e = new AppError(err.status, 'bad_request', 'The request could not be read.');
    else {
      log.error({ err, method: req.method, path: req.path }, 'unhandled error');
      e = new AppError(500, 'internal_error', 'Something went wrong on our side; the request may be retried.');
    }
    if (e.status >= 500) log.warn({ code: e.code, path: req.path }, e.message);
    if (res.headersSent) return res.end();
    const text = errorText(e.code);
    const body: ApiErrorBody = { error: { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}), ...(text ? { text } : {}) } };
    res.status(e.status).json(body);
  };
}

/** The security headers of every answer (helmet): one set for the whole app, so the fast path and the bench's ceiling send the same. */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Lit adopts constructable stylesheets; emulator pages use one <style> block.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        requireTrustedTypesFor: ["'script'"],
        trustedTypes: ['lit-html', "'allow-duplicates'"],
      },
    },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
}
