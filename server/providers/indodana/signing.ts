/**
 * Indodana's Bearer scheme (providers.md §2.2), pure functions:
 *
 *   Authorization: Bearer {apiKey}:{nonce}:{lowercase hex HMAC-SHA256("{apiKey}:{nonce}", apiSecret)}
 *
 * nonce = Unix time in seconds. The body is not signed. Indodana's notifications carry the same header made with
 * OUR key/secret (§2.4). Pinned by V-IND-1.
 */
import { hmacSha256, safeEqual } from '../../lib/crypto.js';

export function indodanaSignature(apiKey: string, apiSecret: string, nonce: string | number): string {
  return hmacSha256(apiSecret, `${apiKey}:${nonce}`).toString('hex');
}

/** Unix seconds, as the SDK's `time()`. */
export const indodanaNonce = (now: Date) => Math.floor(now.getTime() / 1000);

export function indodanaBearer(apiKey: string, apiSecret: string, nonce: string | number): string {
  return `Bearer ${apiKey}:${nonce}:${indodanaSignature(apiKey, apiSecret, nonce)}`;
}

export type BearerCheck =
  | { ok: true; nonce: string }
  | { ok: false; reason: 'missing' | 'malformed' | 'wrong_key' | 'bad_signature' };

/**
 * Checks an Authorization header the way the official SDK's validateAuthCredentials does (3 parts, key equals
 * ours, HMAC equal), but with constant-time comparisons. Freshness of the nonce is the caller's policy.
 */
export function checkIndodanaBearer(header: string | undefined, apiKey: string, apiSecret: string): BearerCheck {
  if (!header) return { ok: false, reason: 'missing' };
  const m = /^Bearer\s(\S+)$/.exec(header.trim());
  if (!m) return { ok: false, reason: 'malformed' };
  const parts = m[1]!.split(':');
  if (parts.length !== 3 || parts.some((p) => p === '')) return { ok: false, reason: 'malformed' };
  const [key, nonce, signature] = parts as [string, string, string];
  if (!safeEqual(key, apiKey)) return { ok: false, reason: 'wrong_key' };
  if (!safeEqual(signature, indodanaSignature(apiKey, apiSecret, nonce))) return { ok: false, reason: 'bad_signature' };
  return { ok: true, nonce };
}
