/**
 * The Midtrans emulator's own notification signing (providers.md §5.5), independent of server/providers/midtrans
 * so that a bug in one side cannot make both agree. Its Basic auth check is shared with Xendit's emulator
 * (../shared/basic-auth.ts).
 */
import { createHash } from 'node:crypto';

/** Notification `signature_key`: hex SHA-512 of order_id + status_code + gross_amount (as sent) + server key. */
export function signatureKey(orderId: string, statusCode: string, grossAmount: string, serverKey: string): string {
  return createHash('sha512').update(orderId + statusCode + grossAmount + serverKey, 'utf8').digest('hex');
}
