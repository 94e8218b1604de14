/**
 * Checkout sessions: the merchant backend states the order and its amount; the page only carries the token.
 * Token = base64url(JSON claims) "." base64url(HMAC-SHA256(merchant key, "bayar.session.v1." + payload)).
 * Stateless, so any companion instance verifies it; tampering or expiry → 401.
 */
import type { SessionClaims } from '../api-types.js';
import { unauthorized } from '../errors.js';
import { hmacSha256, safeEqual } from '../lib/crypto.js';

const CONTEXT = 'bayar.session.v1.';

export function signSession(claims: SessionClaims, key: string): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const mac = hmacSha256(key, CONTEXT + payload).toString('base64url');
  return `${payload}.${mac}`;
}

export function verifySession(token: string, key: string, now: Date): SessionClaims {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw unauthorized('session_invalid', 'The checkout session token is malformed; mint a new one from your backend.');
  const [payload, mac] = parts as [string, string];
  const expected = hmacSha256(key, CONTEXT + payload).toString('base64url');
  if (!safeEqual(mac, expected)) throw unauthorized('session_invalid', 'The checkout session token does not verify; mint a new one from your backend.');
  let claims: SessionClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw unauthorized('session_invalid', 'The checkout session token is malformed; mint a new one from your backend.');
  }
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now.getTime()) {
    throw unauthorized('session_expired', 'The checkout session has expired; mint a new one from your backend.');
  }
  return claims;
}
