/**
 * The Indodana emulator's own Bearer code (providers.md §2.2), independent of the adapter's. V-IND-1 pins both.
 */
import { createHmac } from 'node:crypto';
import { safeEqual } from '../../lib/crypto.js';

export function hmacHex(apiKey: string, apiSecret: string, nonce: string): string {
  return createHmac('sha256', Buffer.from(apiSecret, 'utf8')).update(`${apiKey}:${nonce}`, 'utf8').digest('hex');
}

export function bearerFor(apiKey: string, apiSecret: string, nowMs: number): string {
  const nonce = String(Math.floor(nowMs / 1000));
  return `Bearer ${apiKey}:${nonce}:${hmacHex(apiKey, apiSecret, nonce)}`;
}

export type AuthResult = { ok: true } | { ok: false; message: string };

/**
 * Header → 3 parts → key → HMAC (constant time) → nonce freshness. `windowSeconds` null turns the freshness
 * check off: Indodana does not document one [unconfirmed], the emulator's strict default is ±10 minutes.
 */
export function checkBearer(
  header: string | undefined,
  creds: { apiKey: string; apiSecret: string },
  nowMs: number,
  windowSeconds: number | null,
): AuthResult {
  if (!header) return { ok: false, message: 'Authorization header is required' };
  const m = /^Bearer (\S+)$/.exec(header);
  if (!m) return { ok: false, message: 'Authorization must be "Bearer {apiKey}:{nonce}:{signature}"' };
  const parts = m[1]!.split(':');
  if (parts.length !== 3) return { ok: false, message: 'Authorization token must have 3 parts' };
  const [key, nonce, sig] = parts as [string, string, string];
  if (!safeEqual(key, creds.apiKey)) return { ok: false, message: 'Unknown API key' };
  if (!safeEqual(sig, hmacHex(creds.apiKey, creds.apiSecret, nonce))) return { ok: false, message: 'Invalid signature' };
  if (windowSeconds !== null) {
    if (!/^\d{1,12}$/.test(nonce)) return { ok: false, message: 'Nonce must be Unix time in seconds' };
    if (Math.abs(Math.floor(nowMs / 1000) - Number(nonce)) > windowSeconds) return { ok: false, message: 'Nonce is too old or in the future' };
  }
  return { ok: true };
}
