/**
 * Midtrans authentication (providers.md §5.2, §5.5). Pure functions.
 *
 * Outbound: HTTP Basic with the server key as username and an empty password (V-MID-1).
 * Inbound: each notification body carries `signature_key` = lowercase hex SHA-512 of
 * order_id + status_code + gross_amount + server key — a plain hash, not an HMAC — over the three values
 * EXACTLY as they appear in the notification (gross_amount keeps its ".00"; V-MID-2 and its negative control).
 */
import { safeEqual, sha512Hex } from '../../lib/crypto.js';

export function basicAuthHeader(serverKey: string): string {
  return `Basic ${Buffer.from(`${serverKey}:`, 'utf8').toString('base64')}`;
}

export function notificationSignature(orderId: string, statusCode: string, grossAmount: string, serverKey: string): string {
  return sha512Hex(`${orderId}${statusCode}${grossAmount}${serverKey}`);
}

/** Timing-safe check of a notification's signature_key against the strings it carries. */
export function verifyNotificationSignature(
  n: { order_id: string; status_code: string; gross_amount: string; signature_key: string },
  serverKey: string,
): boolean {
  if (serverKey.length === 0 || n.signature_key.length === 0) return false;
  return safeEqual(notificationSignature(n.order_id, n.status_code, n.gross_amount, serverKey), n.signature_key);
}
