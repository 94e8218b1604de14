/**
 * Checkout sessions: the merchant backend states the order and its amount; the page only carries the token.
 *
 * The token is opaque to everyone but the companion: AES-256-GCM over the JSON claims, keyed by a key derived
 * from the merchant key (HKDF-SHA256), so whoever sees it (a proxy's access log, a browser extension, the page)
 * learns nothing about the order or the customer, and cannot change a byte without the tag failing. Stateless,
 * so any companion instance opens it. Token = "v2." base64url(12-byte nonce ‖ ciphertext ‖ 16-byte tag).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { SessionClaims } from '../api-types.js';
import { unauthorized } from '../errors.js';

const PREFIX = 'v2.';
const AAD = Buffer.from('bayar.session.v2');
const keys = new Map<string, Buffer>();

/** The session key for a merchant key; derived once per merchant key (HKDF is cheap, but not free per request). */
function sessionKey(merchantKey: string): Buffer {
  let k = keys.get(merchantKey);
  if (!k) {
    k = Buffer.from(hkdfSync('sha256', merchantKey, 'bayar', 'bayar.session.v2 aes-256-gcm', 32));
    if (keys.size > 16) keys.clear();
    keys.set(merchantKey, k);
  }
  return k;
}

export function signSession(claims: SessionClaims, key: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sessionKey(key), iv);
  cipher.setAAD(AAD);
  const body = Buffer.concat([cipher.update(JSON.stringify(claims), 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

const malformed = () => unauthorized('session_invalid', 'The checkout session token is malformed; mint a new one from your backend.');

export function verifySession(token: string, key: string, now: Date): SessionClaims {
  if (typeof token !== 'string' || !token.startsWith(PREFIX) || !/^[A-Za-z0-9_-]+$/.test(token.slice(PREFIX.length))) throw malformed();
  const raw = Buffer.from(token.slice(PREFIX.length), 'base64url');
  if (raw.length < 12 + 16 + 2) throw malformed();
  let claims: SessionClaims;
  try {
    const decipher = createDecipheriv('aes-256-gcm', sessionKey(key), raw.subarray(0, 12));
    decipher.setAAD(AAD);
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    const plain = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
    claims = JSON.parse(plain.toString('utf8'));
  } catch {
    throw unauthorized('session_invalid', 'The checkout session token does not verify; mint a new one from your backend.');
  }
  if (!claims || typeof claims.exp !== 'number' || claims.exp * 1000 <= now.getTime()) {
    throw unauthorized('session_expired', 'The checkout session has expired; mint a new one from your backend.');
  }
  return claims;
}
