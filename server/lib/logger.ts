/**
 * Structured logs (pino). Anything that can carry a secret is redacted by path, and the configured secret
 * values themselves are masked wherever they appear in a message, as a second line of defence.
 * Lines carry the request id and payment id of the work they belong to (lib/context.ts).
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { currentContext } from './context.js';

export type Logger = PinoLogger;

const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-callback-token"]',
  'req.headers["x-callback-api-key"]',
  'req.headers["x-api-key"]',
  'req.headers.signature',
  'headers.authorization',
  'headers["x-callback-token"]',
  'headers["x-callback-api-key"]',
  'headers["x-api-key"]',
  'headers.signature',
  '*.secretKey',
  '*.apiSecret',
  '*.apiKey',
  '*.serverKey',
  '*.callbackKey',
  '*.callbackToken',
  '*.merchantKey',
  'session',
  '*.session',
];

const errorsAsObjects = (_k: string, v: unknown) => (v instanceof Error ? { type: v.name, message: v.message, stack: v.stack } : v);

export function createLogger(level: string, secrets: string[] = [], destination?: DestinationStream): Logger {
  // Objects are scrubbed as JSON text, where a secret containing `"`, `\` or a control character appears escaped:
  // each secret is masked as written and as JSON writes it, longest first (one secret may contain another).
  const masks = [...new Set(secrets.filter((s) => s && s.length >= 6).flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))].sort((a, b) => b.length - a.length);
  const scrub = (text: string) => masks.reduce((t, s) => t.split(s).join('[REDACTED]'), text);
  const scrubValue = (v: unknown) => (v === undefined ? v : JSON.parse(scrub(JSON.stringify(v, errorsAsObjects) ?? 'null')));
  // Request and response objects (pino-http's access line) are left to their serializers, which keep only
  // method, path and status: they are circular, and what they hold is not logged.
  const scrubObject = (o: Record<string, unknown>) =>
    o instanceof Error
      ? scrubValue(o)
      : Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v instanceof IncomingMessage || v instanceof ServerResponse ? v : scrubValue(v)]));
  return pino(
    {
      level,
      base: { service: 'bayar' },
      // Every line written while serving a request (or a job item) names it: reqId, and paymentId once known.
      mixin() {
        const c = currentContext();
        if (!c) return {};
        const out: Record<string, string> = {};
        if (c.reqId) out.reqId = c.reqId;
        if (c.paymentId) out.paymentId = c.paymentId;
        return out;
      },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? scrub(a) : a && typeof a === 'object' ? scrubObject(a as Record<string, unknown>) : a)) as typeof args,
          );
        },
      },
    },
    destination,
  );
}
