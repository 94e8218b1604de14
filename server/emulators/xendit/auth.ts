/**
 * The Xendit emulator's own authentication checks (providers.md §4.1). Deliberately independent of
 * server/providers/xendit: a bug shared by both sides would make them agree on something Xendit rejects.
 */
import { safeEqual } from '../../lib/crypto.js';

/**
 * HTTP Basic with the secret key as the username; Xendit ignores the password (the SDKs send it empty).
 * Returns false for a missing header, another scheme, bad base64 or a different key.
 */
export function basicAuthMatches(header: string | undefined, secretKey: string): boolean {
  if (!header) return false;
  const m = /^Basic +([A-Za-z0-9+/]+={0,2})$/.exec(header.trim());
  if (!m) return false;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  return safeEqual(decoded.slice(0, colon), secretKey);
}
