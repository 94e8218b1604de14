/**
 * The Midtrans emulator's own signing and auth checks (providers.md §5.2, §5.5), independent of
 * server/providers/midtrans so that a bug in one side cannot make both agree.
 */
import { createHash } from 'node:crypto';
import { safeEqual } from '../../lib/crypto.js';

/** HTTP Basic with the server key as username; Midtrans's SDKs send an empty password. */
export function basicAuthMatches(header: string | undefined, serverKey: string): boolean {
  if (!header) return false;
  const m = /^Basic +([A-Za-z0-9+/]+={0,2})$/.exec(header.trim());
  if (!m) return false;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  return safeEqual(decoded.slice(0, colon), serverKey);
}

/** Notification `signature_key`: hex SHA-512 of order_id + status_code + gross_amount (as sent) + server key. */
export function signatureKey(orderId: string, statusCode: string, grossAmount: string, serverKey: string): string {
  return createHash('sha512').update(orderId + statusCode + grossAmount + serverKey, 'utf8').digest('hex');
}
