/**
 * Doku notifications signed as Doku signs them (providers.md §1.6), written here independently of the adapter so
 * tests can act as Doku: Doku's notifications need no status confirmation, so each one is one durable write.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';

const { clientId, secretKey } = SANDBOX_CREDENTIALS.doku;

export function dokuHeaders(body: string, requestId: string, at = new Date(), target = '/webhooks/doku'): Record<string, string> {
  const ts = at.toISOString().slice(0, 19) + 'Z';
  const digest = createHash('sha256').update(body).digest('base64');
  const comp = `Client-Id:${clientId}\nRequest-Id:${requestId}\nRequest-Timestamp:${ts}\nRequest-Target:${target}\nDigest:${digest}`;
  const sig = createHmac('sha256', secretKey).update(comp).digest('base64');
  return { 'content-type': 'application/json', 'client-id': clientId, 'request-id': requestId, 'request-timestamp': ts, signature: `HMACSHA256=${sig}` };
}

export function dokuNotification(reference: string, amount: number, status: 'SUCCESS' | 'EXPIRED' | 'FAILED' = 'SUCCESS'): string {
  return JSON.stringify({
    service: { id: 'EMONEY' },
    acquirer: { id: 'DANA' },
    channel: { id: 'EMONEY_DANA' },
    order: { invoice_number: reference, amount },
    transaction: { status, date: new Date().toISOString().slice(0, 19) + 'Z', original_request_id: randomUUID() },
  });
}

export async function sendDoku(base: string, body: string, requestId = randomUUID(), at?: Date) {
  return fetch(`${base}/webhooks/doku`, { method: 'POST', headers: dokuHeaders(body, requestId, at), body });
}
