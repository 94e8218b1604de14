/**
 * Structured logs (pino). Anything that can carry a secret is redacted by path, and the configured secret
 * values themselves are masked wherever they appear in a message, as a second line of defence.
 */
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

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
  const masks = secrets.filter((s) => s && s.length >= 6);
  const scrub = (text: string) => masks.reduce((t, s) => t.split(s).join('[REDACTED]'), text);
  return pino(
    {
      level,
      base: { service: 'bayar' },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? scrub(a) : a && typeof a === 'object' ? JSON.parse(scrub(JSON.stringify(a, errorsAsObjects))) : a)) as typeof args,
          );
        },
      },
    },
    destination,
  );
}
