/**
 * The requests a checkout makes most (GET /api/methods on every page load, the live-status stream held for the
 * whole payment) through the whole Express stack cost several times the work itself (issue 16's profiles: router
 * dispatch through every layer, pino-http and its per-request child logger, the rate limiter's promise chain, a
 * header object per response, and for a stream all of that kept alive as long as it is open). This dispatcher runs
 * before the app's router and answers them directly with exactly what the stack would have sent: the same security
 * headers (recorded once from the app's own helmet), the same CORS answer, the same rate-limit bucket (the app
 * limiter's own store and key), the same X-Request-Id, access log line and metrics. The response head is written
 * once from one flat list, never through a per-response header object. Anything it cannot answer goes to the
 * stack: a request over the rate limit (given back to the bucket, so the stack's limiter answers its 429), and an
 * error of the route (bad query, lost ledger) goes to the app's error handler as before.
 * test/server/methods-fast.test.ts and test/server/stream-fast.test.ts hold both paths side by side.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { brotliCompressSync, constants, deflateSync, gzipSync } from 'node:zlib';
import type { Express, ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, type MemoryStore } from 'express-rate-limit';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';

/** What a client may send as X-Request-Id (as app.ts's requestContext). */
const REQUEST_ID = /^[A-Za-z0-9._:@\/+=-]{1,128}$/;

/** The headers a security middleware sets, recorded once (as a flat name, value list): helmet's are the same for every request. */
export function recordHeaders(mw: RequestHandler): string[] {
  const headers: string[] = [];
  let called = false;
  const res = {
    setHeader: (name: string, value: unknown) => void headers.push(name, String(value)),
    removeHeader: () => undefined,
    getHeader: () => undefined,
  };
  mw({ method: 'GET', url: '/api/methods', headers: {} } as Request, res as unknown as Response, () => (called = true));
  // A middleware that answers or defers (a nonce per request, say) cannot be recorded: then there is no fast path.
  if (!called) throw new Error('security headers could not be recorded');
  return headers;
}

/**
 * The content coding app.ts's compression() middleware gives the stack's API answers, decided here exactly as it
 * decides: its own copy of `negotiator` (required from where compression resolves it, not whatever version the app
 * hoists), its encodings and order of preference, identity without an Accept-Encoding, nothing for a HEAD request or
 * under its 1 KB threshold. null: send the answer as it is.
 */
type NegotiatorCtor = new (req: IncomingMessage) => { encoding(available: string[], preferred: string[]): string | undefined };
const Negotiator = createRequire(createRequire(import.meta.url).resolve('compression'))('negotiator') as NegotiatorCtor;
export type Coding = 'br' | 'gzip' | 'deflate';
export const COMPRESS_THRESHOLD = 1024;
export function contentCoding(req: IncomingMessage, size: number): Coding | null {
  if (size < COMPRESS_THRESHOLD || req.method === 'HEAD' || !req.headers['accept-encoding']) return null;
  const coding = new Negotiator(req).encoding(['br', 'gzip', 'deflate', 'identity'], ['br', 'gzip']);
  return coding === 'br' || coding === 'gzip' || coding === 'deflate' ? coding : null;
}

/** A text in a content coding with compression()'s settings (zlib defaults; brotli at quality 4), byte for byte its output. */
export function encode(text: string, coding: Coding): Buffer {
  return coding === 'br'
    ? brotliCompressSync(text, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } })
    : coding === 'gzip'
      ? gzipSync(text)
      : deflateSync(text);
}

/** The rate-limit bucket of the API: one key per client, as the app's express-rate-limit instance computes it. */
export function rateLimitKey(req: Request): string {
  // req.ip is the real client when BAYAR_TRUST_PROXY names the balancer; a socket already gone has none.
  const ip = req.ip ?? req.socket.remoteAddress ?? '';
  // An IPv4 address is its own key (ipKeyGenerator returns it as it is, after a long IPv6 regex); IPv6 addresses
  // (IPv4-mapped ones too) are keyed by their /56, as the limiter's default does.
  return ip.includes(':') ? ipKeyGenerator(ip, 56) : ip;
}

/** The app's /api rate limit: its store (shared with the app's limiter middleware), allowance and window. */
export interface FastLimit {
  store: MemoryStore;
  limit: number;
  windowMs: number;
}

/** The app whose answers the fast routes give, and what they share with its stack. */
export interface FastStack {
  /** The Express app: its request/response prototypes, and its router for what the fast path leaves. */
  app: Express;
  /** The app's helmet middleware: its headers are recorded and replayed. */
  security: RequestHandler;
  /** The CORS headers the app's /api CORS middleware sets for an Origin (a flat list, empty when not allowed). */
  cors: (origin: string | undefined) => readonly string[];
  limit: FastLimit;
  /** The app's error handler: a route's error is answered as the stack answers it. */
  error: ErrorRequestHandler;
  log: Logger;
  metrics: Metrics;
}

export interface FastRoute {
  /** The route pattern, as the metrics label it on the stack. */
  route: string;
  /** The route's params when the request is for it (GET only), else null: the stack serves it. */
  match(url: string): Record<string, string> | null;
  /**
   * Writes the answer: `head` holds the headers every answer carries (security, request id, CORS, rate limit) as a
   * flat list; the route appends its own only when it writes them, with one res.writeHead(status, head). Throws, or rejects,
   * for the error handler. A stream is logged when it closes, as pino-http does; anything else when its answer is
   * written.
   */
  handle(req: Request, res: Response, head: string[]): void | Promise<void>;
  stream?: boolean;
}

/** What the access line and the metrics need of one request, kept on the response until it is logged. */
interface Served {
  route: string;
  id: string;
  start: number;
  logged: boolean;
}
const SERVED = Symbol('bayar.served');
type Tracked = Response & { [SERVED]?: Served };

/**
 * The dispatcher: call it with every request before the app; it returns false for a request that is not one of
 * `routes` (the caller then hands it to the app), true when it took it.
 */
export function fastPath(o: FastStack, routes: FastRoute[]): (req: IncomingMessage, res: ServerResponse, stack: () => void) => boolean {
  const security = recordHeaders(o.security);
  const { app, limit, log, metrics } = o;
  const policy = `${limit.limit};w=${Math.ceil(limit.windowMs / 1000)}`;

  // One function for every request (no closure per request): the access line pino-http writes on the other routes
  // (app.ts requestContext), field for field, not even built when its level is off, and the stack's metrics.
  function done(req: Request, res: Tracked) {
    const s = res[SERVED];
    if (!s || s.logged) return;
    s.logged = true;
    const ms = performance.now() - s.start;
    const status = res.statusCode;
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    if (log.isLevelEnabled(level)) log[level]({ reqId: s.id, req: { method: req.method, path: req.path }, res: { status }, ms }, 'request');
    metrics.httpRequests.inc({ method: req.method, route: s.route, status: String(status) });
    metrics.httpDuration.observe({ method: req.method, route: s.route }, ms / 1000);
  }
  function closed(this: Tracked) {
    done(this.req, this);
  }

  function fail(req: Request, res: Tracked, head: readonly string[], stream: boolean | undefined, err: unknown) {
    // An error answer is rare: written by the app's error handler with the same headers as the stack's, then logged.
    // On the stack it passes compression(), which varies every JSON answer by Accept-Encoding (an error is too small
    // to be compressed); appended, as CORS may have named Origin already.
    if (!res.headersSent) {
      for (let i = 0; i < head.length; i += 2) res.appendHeader(head[i]!, head[i + 1]!);
      res.appendHeader('Vary', 'Accept-Encoding');
    }
    if (!stream) res.once('finish', closed);
    try {
      o.error(err, req, res, () => res.end());
    } catch {
      res.destroy();
    }
  }

  async function serve(route: FastRoute, req: Request, res: Tracked, head: string[], stack: () => void) {
    const key = rateLimitKey(req);
    const hit = await limit.store.increment(key);
    if (hit.totalHits > limit.limit) {
      // Over the limit: given back and left to the stack, whose limiter counts it again and answers the 429 (with its
      // Retry-After) exactly as it does for every other /api route, and logs it.
      await limit.store.decrement(key);
      res[SERVED]!.logged = true;
      return stack();
    }
    const reset = hit.resetTime ? Math.max(0, Math.ceil((hit.resetTime.getTime() - Date.now()) / 1000)) : Math.ceil(limit.windowMs / 1000);
    head.push('RateLimit-Policy', policy, 'RateLimit', `limit=${limit.limit}, remaining=${Math.max(limit.limit - hit.totalHits, 0)}, reset=${reset}`);
    const out = route.handle(req, res, head);
    if (out) await out;
    if (!route.stream) done(req, res);
  }

  return (rawReq, rawRes, stack) => {
    if (rawReq.method !== 'GET') return false;
    const url = rawReq.url ?? '';
    let route: FastRoute | undefined;
    let params: Record<string, string> | null = null;
    for (const r of routes) {
      if ((params = r.match(url))) {
        route = r;
        break;
      }
    }
    if (!route || !params) return false;
    const given = rawReq.headers['x-request-id'];
    const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    // What app.handle does before its router: the request and response get the app's prototypes (req.ip with the
    // app's trust proxy, req.query with its parser, res.json for the error handler). Every property they will ever
    // get is added before that: V8 gives an object that gains a property after its prototype changed a map of its
    // own (about 1 KB each, for as long as a stream is open). _parsedUrl is where Express's getters cache the URL, statusCode and statusMessage are inherited until writeHead sets them.
    const req = rawReq as Request & { _parsedUrl?: unknown };
    const res = rawRes as Tracked;
    (req as { res: Response }).res = res;
    (req as { params: Record<string, string> }).params = params;
    (req as { id?: unknown }).id = id;
    req._parsedUrl = undefined;
    (res as { req: Request }).req = req;
    res.statusCode = 200;
    res.statusMessage = undefined as unknown as string;
    res[SERVED] = { route: route.route, id, start: performance.now(), logged: false };
    Object.setPrototypeOf(req, app.request);
    Object.setPrototypeOf(res, app.response);
    if (route.stream) res.on('close', closed);
    const head = security.slice();
    head.push('X-Request-Id', id);
    const cors = o.cors(req.headers.origin);
    for (let i = 0; i < cors.length; i++) head.push(cors[i]!);
    serve(route, req, res, head, stack).catch((err) => fail(req, res, head, route!.stream, err));
    return true;
  };
}
