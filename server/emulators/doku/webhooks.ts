/**
 * The notifications the emulated Doku sends (providers.md §1.6): the Check Status body, signed with a fresh
 * Request-Id to the checkout's override URL or the dashboard URL. Doku retries a failed notification at +30 min,
 * +6 h and +12 h with the same Request-Id: here three attempts at once, each re-signed with a fresh timestamp.
 */
import { randomUUID } from 'node:crypto';
import { postWebhook } from '../shared/webhook.js';
import type { EmulatorOptions, SimulateResult } from '../types.js';
import { type DokuCredentials, notificationHeaders } from './signing.js';
import { type CheckoutSession, type DokuState, statusBody } from './state.js';

export class DokuWebhooks {
  constructor(
    private readonly opts: EmulatorOptions,
    private readonly state: DokuState,
    private readonly creds: DokuCredentials,
  ) {}

  private post(url: string, requestId: string, text: string): Promise<number> {
    const target = new URL(url).pathname;
    const headers = () => notificationHeaders(this.creds, requestId, target, this.opts.clock.now(), text);
    return postWebhook(this.opts.http, { url, body: text, headers, attempts: 3 });
  }

  /** Notifies the session's current status. */
  async notify(s: CheckoutSession): Promise<SimulateResult> {
    const url = s.notifyUrl ?? this.opts.defaultWebhookUrl();
    const requestId = randomUUID();
    const text = JSON.stringify(statusBody(s));
    s.notifications.push({ requestId, body: text, url });
    return { webhookStatus: await this.post(url, requestId, text) };
  }

  /** The last notification of a checkout again, with the SAME Request-Id, as Doku's retries and Back Office resend do. */
  async redeliver(ref: string): Promise<SimulateResult> {
    const last = this.state.find(ref)?.notifications.at(-1);
    if (!last) throw new Error(`doku emulator: nothing to redeliver for ${ref}`);
    return { webhookStatus: await this.post(last.url, last.requestId, last.body) };
  }
}
