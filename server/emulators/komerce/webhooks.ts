/**
 * The callbacks the emulated Komerce sends (providers.md §3.4) to the create request's callback_url, with
 * `X-Callback-Api-Key` = hex HMAC-SHA256 of the exact bytes sent, keyed by that request's callback_API_KEY. Body:
 * `{payment_id, order_id, status, amount, paid_at?, payment_method}` ([unconfirmed] field set).
 */
import { postWebhook } from '../shared/webhook.js';
import type { EmulatorOptions, SimulateResult } from '../types.js';
import { signCallback } from './signing.js';
import { type KomPayment, type KomerceState, paymentMethod, wib } from './state.js';

export class KomerceWebhooks {
  constructor(
    private readonly opts: EmulatorOptions,
    private readonly state: KomerceState,
  ) {}

  /** Sends the signed callback for the payment's current status; null when the create carried no callback_url. */
  async notify(p: KomPayment): Promise<SimulateResult> {
    const { callbackUrl, callbackKey } = p.request;
    if (!callbackUrl || !callbackKey) return { webhookStatus: null };
    const body = JSON.stringify({
      payment_id: p.paymentId,
      order_id: p.request.orderId,
      status: p.status,
      amount: p.status === 'PAID' ? (p.paidAmount ?? p.request.amount) : p.request.amount,
      ...(p.paidAt ? { paid_at: wib(p.paidAt) } : {}),
      payment_method: paymentMethod(p),
    });
    p.lastCallbackStatus = p.status;
    const headers = () => ({ 'Content-Type': 'application/json', 'X-Callback-Api-Key': signCallback(body, callbackKey) });
    return { webhookStatus: await postWebhook(this.opts.http, { url: callbackUrl, body, headers }) };
  }

  /** Komerce sends no event id: the same callback again is the payment's current status, signed the same way. */
  redeliver(ref: string): Promise<SimulateResult> {
    const p = this.state.get(ref);
    if (!p?.lastCallbackStatus) throw new Error(`Komerce emulator: no callback sent for ${ref}`);
    return this.notify(p);
  }
}
