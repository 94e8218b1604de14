/**
 * Provider emulators: strict fakes of each provider's documented API, mounted under /emulators/<id> in sandbox
 * mode. They keep their own state, verify auth and signatures with their OWN code (never importing an adapter's
 * signing module: a shared bug must not make both sides agree), and deliver webhooks signed as the real
 * provider signs them, over real HTTP.
 */
import type { Router } from 'express';
import type { Clock } from '../lib/clock.js';
import type { HttpClient } from '../lib/http.js';

/** Fault switches for tests: how the emulator misbehaves on its next API calls until cleared. */
export type FaultMode =
  | 'error500'
  | 'error503'
  | 'hang'
  /** Processes the request (state committed) then destroys the socket before answering. */
  | 'reset-after-commit'
  | 'malformed-json'
  /** Answers normally, after FaultScope.delayMs of the emulator's clock (default 1 s). */
  | 'slow';

/** Narrows a fault: to creates for one channel (Bayar's channel id, e.g. `bca`), and the delay of 'slow'. */
export interface FaultScope {
  channel?: string;
  delayMs?: number;
}

export interface EmulatorOptions {
  clock: Clock;
  /** For delivering webhooks. */
  http: HttpClient;
  /**
   * Where webhooks go when the create request carried no callback URL (the provider's dashboard setting).
   * A function because the server's port is only known after listen.
   */
  defaultWebhookUrl: () => string;
  /** Public base URL of this emulator (for hosted pages such as approval or checkout pages). */
  baseUrl: () => string;
}

export interface SimulateResult {
  /** HTTP status our webhook endpoint answered, or null when the emulator sends none for this action. */
  webhookStatus: number | null;
}

export interface Emulator {
  readonly id: string;
  readonly router: Router;
  /** Acts as the customer paying (or the clock expiring) the payment, then sends the provider's signed webhook. */
  simulate(action: 'pay' | 'expire', providerRef: string, opts?: { amount?: number }): Promise<SimulateResult>;
  /** Sends the last webhook sent for this payment again, unchanged where the provider keeps its identity. */
  redeliver(providerRef: string): Promise<SimulateResult>;
  /**
   * Applies a fault to the next `count` API calls (default: until cleared with null); with a channel in
   * `scope`, only to creates for that channel (emulators that name their channels: Komerce, Xendit, Midtrans).
   */
  setFault(mode: FaultMode | null, count?: number, scope?: FaultScope): void;
}
