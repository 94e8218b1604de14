/**
 * HTTP Basic with the API key as the username and the password ignored: how Midtrans (providers.md §5.2) and
 * Xendit (§4.1) authenticate every API call; their SDKs send an empty password. The emulators' own check,
 * deliberately independent of server/providers: a bug shared by both sides would make them agree on something
 * the provider rejects.
 */
import { safeEqual } from '../../lib/crypto.js';

/** False for a missing header, another scheme, bad base64, no colon or a different key. */
export function basicAuthMatches(header: string | undefined, key: string): boolean {
  if (!header) return false;
  const m = /^Basic +([A-Za-z0-9+/]+={0,2})$/.exec(header.trim());
  if (!m) return false;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  return safeEqual(decoded.slice(0, colon), key);
}
