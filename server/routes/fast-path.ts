/**
 * The requests a checkout makes most (GET /api/methods on every page load, the live-status stream held for the
 * whole payment) through the whole Express stack cost several times the work itself (issue 16's profiles: router
 * dispatch through every layer, pino-http and its per-request child logger, the garbage they leave, and for a
 * stream all of that kept alive as long as it is open). This middleware, mounted first, answers them directly with
 * exactly what the stack would have sent: the same security headers (recorded once from the app's own helmet), the
 * same CORS answer and the same rate-limit bucket (the app's own middleware instances, called in the same order),
 * the same X-Request-Id, access log line and metrics; anything it cannot answer (a bad query, the limit reached, a
 * lost ledger) goes to the app's error handler as before. test/server/methods-fast.test.ts and
 * test/server/stream-fast.test.ts hold both paths side by side.
 */
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';

/** What a client may send as X-Request-Id (as app.ts's requestContext). */
const REQUEST_ID = /^[A-Za-z0-9._:@\/+=-]{1,128}$/;

/** The headers a security middleware sets, recorded once: helmet's are the same for every request. */
export function recordHeaders(mw: RequestHandler): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  let called = false;
  const res = {
    setHeader: (name: string, value: unknown) => void headers.push([name, String(value)]),
    removeHeader: () => undefined,
    getHeader: () => undefined,
  };
  mw({ method: 'GET', url: '/api/methods', headers: {} } as Request, res as unknown as Response, () => (called = true));
  // A middleware that answers or defers (a nonce per request, say) cannot be recorded: then there is no fast path.
  if (!called) throw new Error('security headers could not be recorded');
  return headers;
}

/** The app's own middleware the fast routes go through, and where they log and count. */
export interface FastStack {
  /** The app's helmet middleware: its headers are recorded and replayed. */
  security: RequestHandler;
  /** The app's /api CORS and rate-limit middleware instances (shared bucket with every other /api route). */
  cors: RequestHandler;
  limit: RequestHandler;
  log: Logger;
  metrics: Metrics;
}

export interface FastRoute {
  /** The route pattern, as the metrics label it on the stack. */
  route: string;
  /** The route's params when the request is for it (GET only), else null: the stack serves it. */
  match(url: string): Record<string, string> | null;
  /**
   * Writes the answer (throws, or rejects, for the error handler). A stream is logged when it closes, as pino-http
   * does; anything else when its answer is written.
   */
  handle(req: Request, res: Response): void | Promise<void>;
  stream?: boolean;
}

export function fastPath(o: FastStack, routes: FastRoute[]): RequestHandler {
  const security = recordHeaders(o.security);
  return (req, res, next) => {
    if (req.method !== 'GET') return next();
    let route: FastRoute | undefined;
    let params: Record<string, string> | null = null;
    for (const r of routes) {
      if ((params = r.match(req.url))) {
        route = r;
        break;
      }
    }
    if (!route || !params) return next();
    const { route: label } = route;
    (req as { params: Record<string, string> }).params = params;
    const start = performance.now();
    for (const [k, v] of security) res.setHeader(k, v);
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    (req as { id?: unknown }).id = id;
    res.setHeader('X-Request-Id', id);
    let logged = false;
    const done = () => {
      if (logged) return;
      logged = true;
      const ms = performance.now() - start;
      const status = res.statusCode;
      const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      // The access line pino-http writes on the other routes (app.ts requestContext), field for field; not even
      // built when its level is off.
      if (o.log.isLevelEnabled(level)) o.log[level]({ reqId: id, req: { method: req.method, path: req.path }, res: { status }, ms }, 'request');
      o.metrics.httpRequests.inc({ method: req.method, route: label, status: String(status) });
      o.metrics.httpDuration.observe({ method: req.method, route: label }, ms / 1000);
    };
    const fail = (err: unknown) => {
      // An error answer is rare: it is written by the app's error handler, then logged here.
      if (!route!.stream) res.once('finish', done);
      next(err);
    };
    if (route.stream) res.once('close', done);
    o.cors(req, res, () =>
      o.limit(req, res, (err?: unknown) => {
        if (err) return fail(err);
        let out: void | Promise<void>;
        try {
          out = route!.handle(req, res);
        } catch (e) {
          return fail(e);
        }
        if (out) out.catch(fail);
        else if (!route!.stream) done();
      }),
    );
  };
}
