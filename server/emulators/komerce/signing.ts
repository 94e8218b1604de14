/**
 * The emulated Komerce's own auth code (never imported from server/providers/: a shared bug must not make
 * both sides agree; the V-KOM-1 vector pins both).
 */
import { createHmac } from 'node:crypto';
import { safeEqual } from '../../lib/crypto.js';

/** `X-Callback-Api-Key`: lower-case hex HMAC-SHA256 over the exact bytes sent, keyed by the merchant's callback key. */
export function signCallback(body: string, callbackKey: string): string {
  return createHmac('sha256', Buffer.from(callbackKey, 'utf8')).update(Buffer.from(body, 'utf8')).digest('hex');
}

/** The static `x-api-key` check: present and equal, compared in constant time. */
export function apiKeyMatches(given: string | undefined, expected: string): boolean {
  return typeof given === 'string' && given !== '' && safeEqual(given, expected);
}
