/**
 * What every provider test file needs around an adapter and its emulator: servers on 127.0.0.1 (free ports, all
 * closed at the end), a raw-body webhook endpoint, an HTTP client that records what the adapter sends, raw calls
 * to an emulator's API, and an assertion that a promise fails with one error class.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import express from 'express';
import type { ProviderId } from '../../server/api-types.js';
import type { EmulatorOptions } from '../../server/emulators/types.js';
import { ManualClock, type Clock } from '../../server/lib/clock.js';
import { createFetchClient, type HttpClient, type HttpRequest } from '../../server/lib/http.js';
import type { PaymentProvider, ProviderContext, VerifiedWebhook, WebhookRequest } from '../../server/providers/types.js';

/** The servers one test file starts; `close()` in its after() hook ends them and their kept-alive sockets. */
export function testServers() {
  const open: Server[] = [];
  return {
    /** Listens on a free port of 127.0.0.1 and resolves with the base URL. */
    listen(app: express.Express): Promise<string> {
      return new Promise((resolve) => {
        const server = app.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
        open.push(server);
      });
    },
    /**
     * Starts an emulator on a server of its own, mounted at `mount` (/emulators/<id>) as the companion mounts it,
     * and resolves with it and its base URL. Webhooks of payments that name no URL go to `defaultWebhookUrl()`.
     */
    async emulator<E extends { router: express.Router }>(
      mount: string,
      create: (opts: EmulatorOptions) => E,
      o: { clock: Clock; defaultWebhookUrl: () => string },
    ): Promise<{ emulator: E; base: string }> {
      let base = '';
      const emulator = create({ clock: o.clock, http: createFetchClient(5_000), defaultWebhookUrl: o.defaultWebhookUrl, baseUrl: () => base });
      const app = express();
      app.use(mount, emulator.router);
      base = `${await this.listen(app)}${mount}`;
      return { emulator, base };
    },
    close() {
      for (const s of open) {
        s.closeAllConnections();
        s.close();
      }
    },
  };
}

export function flatHeaders(h: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
}

/** A webhook as it reached the receiver: raw bytes, before any parsing. */
export interface Received {
  path: string;
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
}

/** What the receiver made of a webhook when it verifies with an adapter, as the companion's endpoint would. */
export interface Delivery {
  req: WebhookRequest;
  verified?: VerifiedWebhook;
  error?: Error;
  answered: { status: number; body: unknown };
}

/**
 * A webhook endpoint on every path. Without `verifyWith` it answers 200 and keeps each webhook for one waitFor():
 * tests verify them themselves, and never see each other's. With `verifyWith` it verifies each webhook with that
 * adapter before answering (its ack, or its rejectAck, else the error's status) and records the outcome in
 * `deliveries`, so a webhook has been judged by the time the emulator call that sent it returns.
 */
export function webhookReceiver(clock: Clock, opts: { verifyWith?: () => PaymentProvider } = {}) {
  const queue: Received[] = [];
  const waiters: Array<{ pred: (r: Received) => boolean; resolve: (r: Received) => void }> = [];
  const deliveries: Delivery[] = [];
  const asWebhook = (r: Received): WebhookRequest => ({ headers: r.headers, rawBody: r.rawBody, path: r.path, receivedAt: clock.now() });

  function verify(provider: PaymentProvider, req: WebhookRequest): Delivery {
    try {
      const verified = provider.verifyWebhook(req);
      return { req, verified, answered: verified.ack };
    } catch (err) {
      const error = err as Error & { status?: number };
      const answered = provider.rejectAck?.(error) ?? { status: error.status ?? 500, body: { error: error.message } };
      return { req, error, answered };
    }
  }

  const app = express();
  app.use(express.raw({ type: () => true, limit: '1mb' }));
  app.use((req, res) => {
    const r: Received = { path: req.path, headers: flatHeaders(req.headers), rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0) };
    let answered: Delivery['answered'] = { status: 200, body: { ok: true } };
    if (opts.verifyWith) {
      const d = verify(opts.verifyWith(), asWebhook(r));
      deliveries.push(d);
      answered = d.answered;
    } else {
      const i = waiters.findIndex((w) => w.pred(r));
      if (i >= 0) waiters.splice(i, 1)[0]!.resolve(r);
      else queue.push(r);
    }
    res.status(answered.status).json(answered.body);
  });

  return {
    app,
    deliveries,
    /** The webhook as the adapter gets it, received now. */
    asWebhook,
    /** The first webhook (received or yet to come) that matches, taken so no other waiter gets it. */
    waitFor(pred: (r: Received) => boolean): Promise<Received> {
      const i = queue.findIndex(pred);
      if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0]!);
      return new Promise((resolve) => waiters.push({ pred, resolve }));
    },
    /** The latest verified delivery; fails when none arrived. */
    last(): Delivery {
      const d = deliveries.at(-1);
      assert.ok(d, 'a webhook was delivered');
      return d;
    },
  };
}

/** The fetch client, recording every request an adapter sends and every answer it gets. */
export function recordingHttp(inner: HttpClient = createFetchClient(5_000)) {
  const sent: HttpRequest[] = [];
  const answers: Array<{ url: string; status: number; body: string }> = [];
  const client: HttpClient = {
    async request(req) {
      sent.push(req);
      const res = await inner.request(req);
      answers.push({ url: req.url, status: res.status, body: res.body });
      return res;
    },
  };
  return { client, sent, answers };
}

/**
 * A raw call to an emulator's API, as any client would make it. A body that is not a string is sent as JSON;
 * a string is sent as it is (for bodies that are not JSON). `json` is null when the answer is not JSON.
 */
export async function fetchJson(url: string, init: { method: string; headers?: Record<string, string>; body?: unknown }) {
  const body = init.body === undefined || typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  const headers = { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...init.headers };
  const res = await fetch(url, { method: init.method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Asserts that `p` (or calling it) fails with `type`, and returns the error for further checks. */
export async function rejects<E extends Error>(p: Promise<unknown> | (() => unknown), type: new (...a: any[]) => E): Promise<E> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    assert.ok(err instanceof type, `expected ${type.name}, got ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`);
    return err as E;
  }
  assert.fail(`expected ${type.name}, but nothing was thrown`);
}

/** What providerHarness() has started, once its before() hook ran. */
export interface ProviderRig<E> {
  emulator: E;
  provider: PaymentProvider;
  /** The emulator's base URL (what the adapter is configured with). */
  emuBase: string;
  /** Where webhooks are received: `${hookBase}/webhooks/<id>` is the default webhook URL. */
  hookBase: string;
}

/**
 * One provider test file's rig: a manual clock at 2026-03-02T03:00Z, the provider's emulator on a free port of
 * 127.0.0.1 (mounted at /emulators/<id>, as the companion mounts it), a webhook receiver that verifies each
 * webhook with the adapter as the companion's endpoint does (or, with `verify: false`, keeps each for waitFor()),
 * and the adapter pointed at the emulator. Started in before(), closed in after(); `ready` gets the started pieces.
 */
export function providerHarness<E extends { router: express.Router }>(
  id: ProviderId,
  o: {
    emulator: (opts: EmulatorOptions) => E;
    adapter: (baseUrl: string, ctx: ProviderContext) => PaymentProvider;
    http?: HttpClient;
    timeouts?: ProviderContext['timeouts'];
    verify?: boolean;
    ready: (rig: ProviderRig<E>) => void;
  },
) {
  const clock = new ManualClock(new Date('2026-03-02T03:00:00Z').getTime());
  const servers = testServers();
  let provider: PaymentProvider | undefined;
  const hooks = webhookReceiver(clock, o.verify === false ? {} : { verifyWith: () => provider! });
  const ctx: ProviderContext = { http: o.http ?? createFetchClient(5_000), clock, timeouts: o.timeouts ?? { create: 3_000, status: 3_000, cancel: 3_000, refund: 3_000 } };
  before(async () => {
    const hookBase = await servers.listen(hooks.app);
    const { emulator, base } = await servers.emulator(`/emulators/${id}`, o.emulator, { clock, defaultWebhookUrl: () => `${hookBase}/webhooks/${id}` });
    provider = o.adapter(base, ctx);
    o.ready({ emulator, provider, emuBase: base, hookBase });
  });
  after(() => servers.close());
  return { clock, servers, hooks, ctx };
}
