/**
 * Doku non-SNAP request signatures (providers.md §1.3), pure functions.
 *
 *   Client-Id:<v>\nRequest-Id:<v>\nRequest-Timestamp:<v>\nRequest-Target:<path>[\nDigest:<base64 sha256(body)>]
 *
 * HMAC-SHA256 over that string keyed by the Secret Key, base64 (not hex), prefixed `HMACSHA256=`. GETs have no
 * Digest line; there is no trailing newline. Notifications from Doku use the same scheme with Request-Target =
 * the path of OUR notification endpoint. Pinned by vectors V-DOKU-1..3.
 */
import { hmacSha256, safeEqual, sha256 } from '../../lib/crypto.js';

export interface DokuSignatureInput {
  clientId: string;
  requestId: string;
  /** `yyyy-MM-ddTHH:mm:ssZ` (UTC, second precision). */
  timestamp: string;
  /** Path only, no host: `/checkout/v1/payment`, `/orders/v1/status/INV-1`, `/webhooks/doku`. */
  target: string;
  /** base64 SHA-256 of the exact body bytes; omitted for GET. */
  digest?: string;
}

export const SIGNATURE_PREFIX = 'HMACSHA256=';

/** base64(SHA-256(body)) over the exact bytes sent or received. */
export function dokuDigest(body: string | Buffer): string {
  return sha256(body).toString('base64');
}

export function dokuComponentString(p: DokuSignatureInput): string {
  const lines = [
    `Client-Id:${p.clientId}`,
    `Request-Id:${p.requestId}`,
    `Request-Timestamp:${p.timestamp}`,
    `Request-Target:${p.target}`,
  ];
  if (p.digest !== undefined) lines.push(`Digest:${p.digest}`);
  return lines.join('\n');
}

/** The full `Signature` header value, `HMACSHA256=<base64>`. */
export function dokuSignature(secretKey: string, p: DokuSignatureInput): string {
  return SIGNATURE_PREFIX + hmacSha256(secretKey, dokuComponentString(p)).toString('base64');
}

/** Doku's Request-Timestamp: ISO 8601 UTC, second precision, trailing Z (the plugin cuts to 19 chars + Z). */
export function dokuTimestamp(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** Parses a Request-Timestamp strictly; null when it is not `yyyy-MM-ddTHH:mm:ssZ` (milliseconds tolerated). */
export function parseDokuTimestamp(s: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(s)) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Headers for an outbound call. `body` is the exact string that will be sent (POST), absent for GET. */
export function dokuRequestHeaders(
  creds: { clientId: string; secretKey: string },
  p: { requestId: string; timestamp: string; target: string; body?: string },
): Record<string, string> {
  const digest = p.body === undefined ? undefined : dokuDigest(p.body);
  const signature = dokuSignature(creds.secretKey, {
    clientId: creds.clientId,
    requestId: p.requestId,
    timestamp: p.timestamp,
    target: p.target,
    digest,
  });
  const headers: Record<string, string> = {
    'Client-Id': creds.clientId,
    'Request-Id': p.requestId,
    'Request-Timestamp': p.timestamp,
    Signature: signature,
    Accept: 'application/json',
  };
  if (p.body !== undefined) headers['Content-Type'] = 'application/json';
  return headers;
}

/** Recomputes the signature over the received bytes and compares in constant time. */
export function verifyDokuSignature(secretKey: string, p: DokuSignatureInput, signatureHeader: string): boolean {
  return safeEqual(dokuSignature(secretKey, p), signatureHeader.trim());
}
