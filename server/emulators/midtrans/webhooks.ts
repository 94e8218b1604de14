/**
 * The notifications the emulated Midtrans sends (providers.md §5.5): the transaction's status view with a
 * notification status_code and a correct signature_key, to every notification URL of the transaction. Each is kept
 * so it can be sent again byte for byte (Midtrans retries on a non-2xx answer).
 */
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { postWebhook, redeliverLast } from '../shared/webhook.js';
import type { EmulatorOptions, SimulateResult } from '../types.js';
import { signatureKey } from './signing.js';
import { type Body, type MidtransState, NOTIFY_CODE, type Txn, money } from './state.js';

export interface MidtransDelivery {
  id: string;
  url: string;
  body: string;
  statuses: number[];
}

export class MidtransWebhooks {
  readonly deliveries: MidtransDelivery[] = [];

  constructor(
    private readonly opts: EmulatorOptions,
    private readonly state: MidtransState,
    private readonly serverKey: string,
  ) {}

  private async send(d: MidtransDelivery): Promise<number> {
    const headers = () => ({ 'Content-Type': 'application/json', Accept: 'application/json', 'User-Agent': 'Veritrans' });
    const status = await postWebhook(this.opts.http, { url: d.url, body: d.body, headers });
    d.statuses.push(status);
    return status;
  }

  private notification(t: Txn): Body {
    const statusCode = NOTIFY_CODE[t.status];
    const body: Body = { ...this.state.view(t), status_code: statusCode, status_message: 'midtrans payment notification' };
    body.signature_key = signatureKey(t.orderId, statusCode, money(t.amount), this.serverKey);
    return body;
  }

  /** Notifies every URL of the transaction; resolves with the first URL's answer. */
  async notify(t: Txn): Promise<number> {
    const body = JSON.stringify(this.notification(t));
    const results = await Promise.all(
      t.notifyUrls.map((url) => {
        const d: MidtransDelivery = { id: randomUUID(), url, body, statuses: [] };
        this.deliveries.push(d);
        return this.send(d);
      }),
    );
    return results[0] ?? 0;
  }

  /** Notifications Midtrans sends on its own after answering an API call: after the answer, never before. */
  notifyAfter(res: Response, t: Txn) {
    const go = () => void this.notify(t);
    res.on('finish', go);
    res.on('close', () => {
      if (!res.writableFinished) go();
    });
  }

  /** The last notification about `ref`, again, byte for byte. */
  redeliver(ref: string): Promise<SimulateResult> {
    return redeliverLast(this.deliveries, ref, (d) => this.send(d), 'Midtrans');
  }
}
