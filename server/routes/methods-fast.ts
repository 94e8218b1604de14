/**
 * GET /api/methods is the first request of every checkout and the most frequent one in a flash sale; through the
 * whole Express stack it cost four times what the work itself does (issue 16's profile: router dispatch through
 * every layer, pino-http, the garbage they leave). This middleware, mounted first, answers it directly with exactly
 * what the stack would have sent: the same security headers (recorded once from the app's own helmet), the same CORS
 * answer and the same rate-limit bucket (the app's own middleware instances, called in the same order), the same
 * X-Request-Id, access log line and metrics, the same body; anything it cannot answer (a bad query, the limit
 * reached, a lost ledger) goes to the app's error handler as before. test/server/methods-fast.test.ts holds both
 * paths side by side.
 */
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { MethodsResponse } from '../api-types.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';

const PATH = /^\/api\/methods\/?(?:\?|$)/i;
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

export interface MethodsFastPath {
  /** The app's helmet middleware: its headers are recorded and replayed. */
  security: RequestHandler;
  /** The app's /api CORS and rate-limit middleware instances (shared bucket with every other /api route). */
  cors: RequestHandler;
  limit: RequestHandler;
  log: Logger;
  metrics: Metrics;
  /** The answer, as the widget router computes it (throws AppError for bad input). */
  answer: (req: Request) => MethodsResponse;
}

/**
 * JSON.stringify of the answer, with the method list's text kept per list: PaymentService memoises one frozen list
 * per amount and filter, so the same list is written for most requests and serialising it was the largest single
 * cost of this path (issue 16's profile). Only frozen lists are kept (an unfrozen one could change under its text).
 */
const listText = new WeakMap<readonly unknown[], string>();
export function answerText(a: MethodsResponse): string {
  const { methods, ...rest } = a;
  let text = listText.get(methods);
  if (text === undefined) {
    text = JSON.stringify(methods);
    if (Object.isFrozen(methods)) listText.set(methods, text);
  }
  let out = `{"methods":${text}`;
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) out += `,${JSON.stringify(k)}:${JSON.stringify(v)}`;
  return `${out}}`;
}

export function methodsFastPath(o: MethodsFastPath): RequestHandler {
  const security = recordHeaders(o.security);
  const route = '/api/methods';
  return (req, res, next) => {
    if (req.method !== 'GET' || !PATH.test(req.url)) return next();
    const start = performance.now();
    for (const [k, v] of security) res.setHeader(k, v);
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    (req as { id?: unknown }).id = id;
    res.setHeader('X-Request-Id', id);
    const done = () => {
      const ms = performance.now() - start;
      const status = res.statusCode;
      const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      // The access line pino-http writes on the other routes (app.ts requestContext), field for field; not even
      // built when its level is off.
      if (o.log.isLevelEnabled(level)) o.log[level]({ reqId: id, req: { method: req.method, path: req.path }, res: { status }, ms }, 'request');
      o.metrics.httpRequests.inc({ method: req.method, route, status: String(status) });
      o.metrics.httpDuration.observe({ method: req.method, route }, ms / 1000);
    };
    const fail = (err: unknown) => {
      // An error answer is rare: it is written by the app's error handler, then logged here.
      res.once('finish', done);
      next(err);
    };
    o.cors(req, res, () =>
      o.limit(req, res, (err?: unknown) => {
        if (err) return fail(err);
        let body: string;
        try {
          body = answerText(o.answer(req));
        } catch (e) {
          return fail(e);
        }
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
        done();
      }),
    );
  };
}
