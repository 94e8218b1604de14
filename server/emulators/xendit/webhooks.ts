/**
 * The callbacks the emulated Xendit sends: to the dashboard URL (opts.defaultWebhookUrl) or, for v1 QR codes, to the
 * request's callback_url; each kept with its `webhook-id` so a redelivery sends the same bytes and identity.
 */
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { postWebhook, redeliverLast } from '../shared/webhook.js';
import type { EmulatorOptions, SimulateResult } from '../types.js';
import { callbackHeaders } from './signing.js';
import { BUSINESS_ID, type ChargeState, type QrState, iso } from './state.js';
import type { Body } from './validation.js';

/** One callback the emulator sent, kept so tests (and operators) can inspect and redeliver it. */
export interface XenditDelivery {
  webhookId: string;
  url: string;
  body: string;
  /** HTTP status of each attempt; 0 = no HTTP answer. */
  statuses: number[];
}

export class XenditWebhooks {
  readonly deliveries: XenditDelivery[] = [];

  constructor(
    private readonly opts: EmulatorOptions,
    private readonly callbackToken: string,
  ) {}

  private async send(d: XenditDelivery): Promise<number> {
    const status = await postWebhook(this.opts.http, { url: d.url, body: d.body, headers: () => callbackHeaders(this.callbackToken, d.webhookId) });
    d.statuses.push(status);
    return status;
  }

  /** Sends a new callback, with a new webhook-id. */
  deliver(url: string, payload: unknown): Promise<number> {
    const d: XenditDelivery = { webhookId: `wh_${randomUUID()}`, url, body: JSON.stringify(payload), statuses: [] };
    this.deliveries.push(d);
    return this.send(d);
  }

  /** Callbacks Xendit sends on its own after answering an API call: after the answer, never before. */
  deliverAfter(res: Response, url: string, payload: unknown) {
    res.on('finish', () => void this.deliver(url, payload));
    res.on('close', () => {
      if (!res.writableFinished) void this.deliver(url, payload);
    });
  }

  /** The last callback about `ref`, again, byte for byte with its webhook-id. */
  redeliver(ref: string): Promise<SimulateResult> {
    return redeliverLast(this.deliveries, ref, (d) => this.send(d), 'Xendit');
  }

  /** Where a QR payment's callback goes and what it says: v1 flat to the request's callback_url, v2 enveloped. */
  qrCallback(q: QrState, payment: Body): { url: string; payload: unknown } {
    if (q.version === 'v1') return { url: q.callbackUrl ?? this.opts.defaultWebhookUrl(), payload: { event: 'qr.payment', ...payment } };
    return { url: this.opts.defaultWebhookUrl(), payload: { event: 'qr.payment', business_id: BUSINESS_ID, created: payment.created, data: payment } };
  }

  chargeCallback(c: ChargeState, event: string, now: Date): unknown {
    return { event, business_id: BUSINESS_ID, created: iso(now), data: c.obj };
  }
}
