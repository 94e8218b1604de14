/**
 * The Midtrans emulator's own auth and notification signing (providers.md §5.2, §5.5), independent of
 * server/providers/midtrans so that a bug in one side cannot make both agree. The Basic auth check is shared with
 * Xendit's emulator (../shared/basic-auth.ts).
 */
import { createHash } from 'node:crypto';
import { basicAuthMatches } from '../shared/basic-auth.js';

/** The `Authorization` header of an API call: HTTP Basic with this account's server key as the username. */
export function serverKeyMatches(authorization: string | undefined, serverKey: string): boolean {
  return basicAuthMatches(authorization, serverKey);
}

/** Notification `signature_key`: hex SHA-512 of order_id + status_code + gross_amount (as sent) + server key. */
export function signatureKey(orderId: string, statusCode: string, grossAmount: string, serverKey: string): string {
  return createHash('sha512').update(orderId + statusCode + grossAmount + serverKey, 'utf8').digest('hex');
}
