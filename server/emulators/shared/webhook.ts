/**
 * The one way an emulator sends a webhook to the companion: a POST over real HTTP with one timeout, retried at once
 * on a 5xx or a transport failure where the provider documents retries (the real ones retry later; an emulator has
 * no clock to wait on). Headers are made per attempt, so providers that sign a timestamp (Doku, Indodana) sign each
 * attempt afresh, as a real sender would.
 */
import type { HttpClient } from '../../lib/http.js';
import type { SimulateResult } from '../types.js';

/** How long an emulator waits for the companion to answer one webhook. */
export const WEBHOOK_TIMEOUT_MS = 15_000;

export interface WebhookPost {
  url: string;
  body: string;
  headers: () => Record<string, string>;
  /** Attempts in all (default 1). */
  attempts?: number;
}

/** The HTTP status of the last attempt, or 0 when nothing answered. Never throws. */
export async function postWebhook(http: HttpClient, w: WebhookPost): Promise<number> {
  const attempts = w.attempts ?? 1;
  let status = 0;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      status = (await http.request({ method: 'POST', url: w.url, headers: w.headers(), body: w.body, timeoutMs: WEBHOOK_TIMEOUT_MS })).status;
      if (status < 500) return status;
    } catch {
      status = 0;
    }
  }
  return status;
}

/**
 * Sends again the last delivery that names `ref` (every Xendit callback and Midtrans notification carries the id
 * of the object it is about as a JSON string), unchanged: the same bytes and identity.
 */
export async function redeliverLast<D extends { body: string }>(
  deliveries: readonly D[],
  ref: string,
  send: (d: D) => Promise<number>,
  who: string,
): Promise<SimulateResult> {
  const d = deliveries.findLast((x) => x.body.includes(JSON.stringify(ref)));
  if (!d) throw new Error(`${who} emulator: no webhook sent for ${ref}`);
  return { webhookStatus: await send(d) };
}
