/** CORS for the widget API: echo the Origin only when it is listed in BAYAR_ALLOWED_ORIGINS. */
import type { RequestHandler } from 'express';

const NONE: readonly string[] = Object.freeze([]);

/**
 * The CORS headers for a request's Origin, as a flat name, value list (empty when the origin is not allowed). The
 * lists are built once per allowed origin: the fast path (routes/fast-path.ts) writes them into its response head
 * as they are.
 */
export function corsHeaders(allowed: readonly string[]): (origin: string | undefined) => readonly string[] {
  const byOrigin = new Map(
    allowed.map((origin) => [
      origin,
      Object.freeze([
        'Access-Control-Allow-Origin', origin,
        'Vary', 'Origin',
        'Access-Control-Allow-Headers', 'Content-Type, Idempotency-Key, Last-Event-ID, Bayar-Session, Bayar-Client-Secret',
        'Access-Control-Allow-Methods', 'GET, POST, OPTIONS',
        'Access-Control-Max-Age', '600',
      ]),
    ]),
  );
  return (origin) => (origin && byOrigin.get(origin)) || NONE;
}

/** The middleware for every other /api route; a preflight is answered here (204, or 403 for an origin not allowed). */
export function cors(allowed: readonly string[]): RequestHandler {
  const headersFor = corsHeaders(allowed);
  return (req, res, next) => {
    const headers = headersFor(req.get('origin'));
    for (let i = 0; i < headers.length; i += 2) res.setHeader(headers[i]!, headers[i + 1]!);
    if (req.method === 'OPTIONS') return res.status(headers.length ? 204 : 403).end();
    next();
  };
}
