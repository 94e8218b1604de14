/**
 * Doku payment notifications (providers.md §1.6), signed here independently of the adapter, the same way
 * test/server/crash.test.ts does: the bench plays the provider and the companion verifies the signature for real.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';

const { clientId, secretKey } = SANDBOX_CREDENTIALS.doku;

export interface DokuNote {
  headers: Record<string, string>;
  body: string;
}

/** A SUCCESS notification for one payment, with a fresh Request-Id (the event identity Doku deduplicates on). */
export function dokuPaidNote(reference: string, amount: number, requestId: string = randomUUID()): DokuNote {
  const body = JSON.stringify({
    service: { id: 'EMONEY' },
    acquirer: { id: 'DANA' },
    channel: { id: 'EMONEY_DANA' },
    order: { invoice_number: reference, amount },
    transaction: { status: 'SUCCESS', date: new Date().toISOString().slice(0, 19) + 'Z', original_request_id: randomUUID() },
  });
  const ts = new Date().toISOString().slice(0, 19) + 'Z';
  const digest = createHash('sha256').update(body).digest('base64');
  const comp = `Client-Id:${clientId}\nRequest-Id:${requestId}\nRequest-Timestamp:${ts}\nRequest-Target:/webhooks/doku\nDigest:${digest}`;
  const sig = createHmac('sha256', secretKey).update(comp).digest('base64');
  return {
    headers: { 'content-type': 'application/json', 'client-id': clientId, 'request-id': requestId, 'request-timestamp': ts, signature: `HMACSHA256=${sig}` },
    body,
  };
}
