/**
 * The Doku emulator's own signature code (providers.md §1.3): how it checks an API call, signs its answers and its
 * notifications. Written independently of the adapter's so a shared bug cannot make both sides agree. Vectors
 * V-DOKU-1..3 pin both implementations.
 */
import { createHash, createHmac } from 'node:crypto';
import { safeEqual } from '../../lib/crypto.js';

export function digestOf(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('base64');
}

/**
 * `HMACSHA256=` + base64 HMAC over the newline-joined components. `timestampName` is `Request-Timestamp` for
 * requests and notifications, `Response-Timestamp` for signed responses.
 */
export function sign(
  secret: string,
  c: { clientId: string; requestId: string; timestamp: string; target: string; digest?: string },
  timestampName: 'Request-Timestamp' | 'Response-Timestamp' = 'Request-Timestamp',
): string {
  let text = `Client-Id:${c.clientId}\nRequest-Id:${c.requestId}\n${timestampName}:${c.timestamp}\nRequest-Target:${c.target}`;
  if (c.digest !== undefined) text += `\nDigest:${c.digest}`;
  return `HMACSHA256=${createHmac('sha256', Buffer.from(secret, 'utf8')).update(text, 'utf8').digest('base64')}`;
}

export function signatureMatches(
  secret: string,
  c: { clientId: string; requestId: string; timestamp: string; target: string; digest?: string },
  received: string,
): boolean {
  return safeEqual(sign(secret, c), received);
}

/** `2020-08-11T08:45:42Z`; Doku's docs show second precision UTC with a trailing Z. */
export function utcStamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** `yyyyMMddHHmmss` in WIB (UTC+7), the format of `response.payment.expired_date` [3rd]. */
export function wibCompact(d: Date): string {
  return new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 19).replace(/[-T:]/g, '');
}

export interface DokuCredentials {
  clientId: string;
  secretKey: string;
}

const REQUIRED_HEADERS = ['Client-Id', 'Request-Id', 'Request-Timestamp', 'Signature'] as const;

/**
 * An API call's proof, in Doku's order: header presence, timestamp window, Client-Id, then the signature over the
 * raw received bytes (`body` null for a GET, which signs no Digest). Returns the caller's identity, or the error
 * to answer with.
 */
export function authenticate(
  header: (name: string) => string | undefined,
  target: string,
  body: Buffer | null,
  creds: DokuCredentials,
  now: Date,
  windowMs: number,
): { clientId: string; requestId: string } | { status: number; message: string[] } {
  const missing = REQUIRED_HEADERS.filter((h) => !header(h));
  if (missing.length) return { status: 400, message: missing.map((h) => `Invalid Header ${h}: required`) };
  const clientId = header('Client-Id')!;
  const requestId = header('Request-Id')!;
  const timestamp = header('Request-Timestamp')!;
  const signature = header('Signature')!;
  if (requestId.length > 128) return { status: 400, message: ['Invalid Header Request-Id: max 128 characters'] };
  if (!TIMESTAMP_RE.test(timestamp)) return { status: 400, message: ['Invalid Header Request-Timestamp: expected yyyy-MM-ddTHH:mm:ssZ (UTC)'] };
  if (Math.abs(now.getTime() - new Date(timestamp).getTime()) > windowMs) {
    return { status: 400, message: ['Invalid Header Request-Timestamp: outside the allowed window'] };
  }
  if (clientId !== creds.clientId) return { status: 401, message: ['Invalid Client-Id'] };
  if (!signature.startsWith('HMACSHA256=')) return { status: 401, message: ['Invalid Header Signature: expected HMACSHA256=<base64>'] };
  const ok = signatureMatches(creds.secretKey, { clientId, requestId, timestamp, target, ...(body ? { digest: digestOf(body) } : {}) }, signature);
  if (!ok) return { status: 401, message: ['Invalid Signature'] };
  return { clientId, requestId };
}

/** The headers of a signed response: Response-Timestamp and a Signature over the response body's Digest. */
export function responseHeaders(secret: string, c: { clientId: string; requestId: string; target: string }, now: Date, text: string): Record<string, string> {
  const timestamp = utcStamp(now);
  return {
    'Client-Id': c.clientId,
    'Request-Id': c.requestId,
    'Response-Timestamp': timestamp,
    Signature: sign(secret, { ...c, timestamp, digest: digestOf(text) }, 'Response-Timestamp'),
  };
}

/** The headers of a notification, signed as Doku signs it: `target` is the path of the notification URL. */
export function notificationHeaders(creds: DokuCredentials, requestId: string, target: string, now: Date, text: string): Record<string, string> {
  const timestamp = utcStamp(now);
  return {
    'Content-Type': 'application/json',
    'Client-Id': creds.clientId,
    'Request-Id': requestId,
    'Request-Timestamp': timestamp,
    Signature: sign(creds.secretKey, { clientId: creds.clientId, requestId, timestamp, target, digest: digestOf(text) }),
  };
}
