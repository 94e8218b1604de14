/**
 * Komerce auth, pure functions (providers.md §3.1, §3.4).
 *
 * Outbound: a static `x-api-key` header. Inbound: the callback carries `X-Callback-Api-Key`, which despite its
 * name is not our key but HMAC-SHA256(raw body bytes, the callback key we sent on create).
 */
import { hmacSha256, safeEqual } from '../../lib/crypto.js';

export const CALLBACK_SIGNATURE_HEADER = 'x-callback-api-key';

export function apiHeaders(apiKey: string, withBody: boolean): Record<string, string> {
  const h: Record<string, string> = { 'x-api-key': apiKey, Accept: 'application/json' };
  if (withBody) h['Content-Type'] = 'application/json';
  return h;
}

/** The callback signature as we expect it: lower-case hex of HMAC-SHA256(raw body, callback key). V-KOM-1. */
export function callbackSignature(rawBody: Buffer | string, callbackKey: string): string {
  return hmacSha256(callbackKey, rawBody).toString('hex');
}

/**
 * Checks `X-Callback-Api-Key` against the raw body, timing-safe.
 *
 * [unconfirmed] The docs do not say hex or base64 (§3.4, §8.3). We decided on hex only, the encoding every
 * third-party implementation assumes: a base64 header (44 chars) never matches a 64-char hex digest, and
 * accepting both would only widen what an attacker may try. Hex case is not significant (upper-case hex is
 * the same MAC), so the header is lower-cased before the comparison.
 */
export function verifyCallbackSignature(rawBody: Buffer, header: string | undefined, callbackKey: string): boolean {
  if (!header) return false;
  const given = header.trim().toLowerCase();
  return safeEqual(callbackSignature(rawBody, callbackKey), given);
}
