/**
 * The Doku emulator's own signature code (providers.md §1.3), written independently of the adapter's so a shared
 * bug cannot make both sides agree. Vectors V-DOKU-1..3 pin both implementations.
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
