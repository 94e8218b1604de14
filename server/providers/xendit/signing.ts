/**
 * Xendit authentication (providers.md §4.1, §4.3). Pure functions.
 *
 * Outbound: HTTP Basic with the secret key as username and an empty password (V-XND-1).
 * Inbound: callbacks carry the dashboard's static "callback verification token" in `x-callback-token`; there is
 * no HMAC, so the whole check is a constant-time comparison of that header with our copy (V-XND-2).
 */
import { safeEqual } from '../../lib/crypto.js';

/** `Authorization` header value: `Basic base64("<secretKey>:")`. */
export function basicAuthHeader(secretKey: string): string {
  return `Basic ${Buffer.from(`${secretKey}:`, 'utf8').toString('base64')}`;
}

/** True when the callback's `x-callback-token` header equals our token (timing-safe). */
export function verifyCallbackToken(header: string | undefined, callbackToken: string): boolean {
  if (header === undefined || header.length === 0 || callbackToken.length === 0) return false;
  return safeEqual(header, callbackToken);
}
