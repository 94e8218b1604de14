/**
 * How the emulated Xendit proves who is talking (providers.md §4.1, §4.6), with the emulator's own code: API calls
 * carry HTTP Basic with the secret key as the username (the check is shared with Midtrans's emulator,
 * ../shared/basic-auth.ts); callbacks carry no signature, only the dashboard's verification token.
 */
import { basicAuthMatches } from '../shared/basic-auth.js';

/** The `Authorization` header of an API call names this account's secret key. */
export function apiKeyMatches(authorization: string | undefined, secretKey: string): boolean {
  return basicAuthMatches(authorization, secretKey);
}

/**
 * A callback's headers: `x-callback-token` (the merchant compares it with its dashboard token) and `webhook-id`,
 * which a redelivery repeats unchanged so the merchant can tell a retry from a new event.
 */
export function callbackHeaders(callbackToken: string, webhookId: string): Record<string, string> {
  return { 'Content-Type': 'application/json', 'x-callback-token': callbackToken, 'webhook-id': webhookId };
}
