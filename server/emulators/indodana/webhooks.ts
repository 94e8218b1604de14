/**
 * The notifications the emulated Indodana sends (providers.md §2.6) to the checkout's approvedNotificationUrl,
 * authenticated with a Bearer like the merchant's own calls. Indodana's retry policy is undocumented
 * [unconfirmed]: three attempts, each with a fresh Bearer (a new nonce). The body is not signed, which is why Bayar
 * confirms it with a status check.
 */
import { postWebhook } from '../shared/webhook.js';
import type { EmulatorOptions, SimulateResult } from '../types.js';
import { bearerFor } from './signing.js';
import { type IndodanaState, type Transaction, transactionFields } from './state.js';

export class IndodanaWebhooks {
  constructor(
    private readonly opts: EmulatorOptions,
    private readonly state: IndodanaState,
    private readonly creds: { apiKey: string; apiSecret: string },
  ) {}

  private post(url: string, text: string): Promise<number> {
    const headers = () => ({
      'Content-Type': 'application/json',
      Accept: 'application/json',
      Authorization: bearerFor(this.creds.apiKey, this.creds.apiSecret, this.opts.clock.now().getTime()),
    });
    return postWebhook(this.opts.http, { url, body: text, headers, attempts: 3 });
  }

  /** Notifies the transaction's current status. */
  async notify(t: Transaction): Promise<SimulateResult> {
    const url = t.notifyUrl || this.opts.defaultWebhookUrl();
    const text = JSON.stringify(transactionFields(t));
    t.notifications.push({ url, body: text });
    return { webhookStatus: await this.post(url, text) };
  }

  /** The last notification again, unchanged (a retry from Indodana's side). */
  async redeliver(ref: string): Promise<SimulateResult> {
    const last = this.state.find(ref)?.notifications.at(-1);
    if (!last) throw new Error(`indodana emulator: nothing to redeliver for ${ref}`);
    return { webhookStatus: await this.post(last.url, last.body) };
  }
}
