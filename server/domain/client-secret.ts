/**
 * Client secrets (like Stripe's `client_secret`): possession, not knowledge of a payment id, lets a browser read,
 * stream or cancel a payment. The secret is an HMAC of the payment id under a key derived from the merchant key,
 * so it needs no storage, every instance checks it, and only the companion can make one. It is handed to whoever
 * created the payment (or holds the merchant's session for its order) and never appears in a payment object,
 * a notification or a log.
 */
import { hkdfSync } from 'node:crypto';
import { hmacSha256, safeEqual } from '../lib/crypto.js';

const PREFIX = 'pcs_';
const keys = new Map<string, Buffer>();

function secretKey(merchantKey: string): Buffer {
  let k = keys.get(merchantKey);
  if (!k) {
    k = Buffer.from(hkdfSync('sha256', merchantKey, 'bayar', 'bayar.client-secret.v1', 32));
    if (keys.size > 16) keys.clear();
    keys.set(merchantKey, k);
  }
  return k;
}

export function clientSecretFor(paymentId: string, merchantKey: string): string {
  return PREFIX + hmacSha256(secretKey(merchantKey), paymentId).subarray(0, 24).toString('base64url');
}

export function checkClientSecret(paymentId: string, secret: string, merchantKey: string): boolean {
  return typeof secret === 'string' && safeEqual(secret, clientSecretFor(paymentId, merchantKey));
}
