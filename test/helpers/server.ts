/**
 * Test harness: a real companion on 127.0.0.1:0 with a real SQLite ledger in a temp dir, sandbox emulators
 * mounted, and an optional HTTP client wrapper so a test can watch or hold back what goes over the wire.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxConfig, type Config } from '../../server/config.js';
import { createFetchClient, type HttpClient, type HttpRequest, type HttpResponse } from '../../server/lib/http.js';
import { LocalBus, type LiveBus } from '../../server/domain/live.js';
import { start, type Running } from '../../server/main.js';
import type { HistoryEntry } from '../../server/store/types.js';
import { databaseNameFor, postgres } from './pg.js';

export interface TestServer extends Running {
  /** The live-status bus the app publishes on (SQLite runs; under PostgreSQL the app's own LISTEN/NOTIFY bus). */
  bus?: LiveBus;
  dir: string;
  dbPath: string;
  /** Stops the server and deletes its data directory. */
  destroy(): Promise<void>;
}

/**
 * With BAYAR_TEST_STORE=postgres the ledger is a PostgreSQL database named after the data directory (so a
 * restart on the same directory finds it again), and dbPath is its URL.
 */
export async function startTestServer(overrides: Partial<Config> = {}, dir?: string, deps: Parameters<typeof start>[1] = {}): Promise<TestServer> {
  const d = dir ?? mkdtempSync(join(tmpdir(), 'bayar-test-'));
  let dbPath = join(d, 'bayar.db');
  let dropDatabase = async () => {};
  if (process.env.BAYAR_TEST_STORE === 'postgres') {
    const pg = await postgres();
    if (!pg.server) throw new Error(`BAYAR_TEST_STORE=postgres, but ${pg.skip}`);
    const name = databaseNameFor(d);
    dbPath = await pg.server.database(name);
    dropDatabase = () => pg.server.dropDatabase(name);
  }
  // The ledger always lives in this test's own directory, whatever config the test passes.
  const config = sandboxConfig({ port: 0, host: '127.0.0.1', ...overrides, dbPath });
  const bus = deps.bus ?? (process.env.BAYAR_TEST_STORE === 'postgres' ? undefined : new LocalBus());
  const running = await start(config, { ...deps, ...(bus ? { bus } : {}) });
  return {
    ...running,
    ...(bus ? { bus } : {}),
    dir: d,
    dbPath,
    async destroy() {
      await running.stop();
      await dropDatabase();
      rmSync(d, { recursive: true, force: true });
    },
  };
}

/** An HttpClient that lets a test intercept requests (e.g. hold back a webhook to deliver it itself). */
export class TapClient implements HttpClient {
  readonly seen: HttpRequest[] = [];
  private readonly inner = createFetchClient();
  intercept: ((req: HttpRequest) => HttpResponse | undefined) | null = null;
  async request(req: HttpRequest) {
    this.seen.push(req);
    const fake = this.intercept?.(req);
    return fake ?? this.inner.request(req);
  }
}

export interface JsonResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function api<T = any>(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
  const res = await fetch(base + path, {
    method,
    headers: body !== undefined ? { 'content-type': 'application/json', ...headers } : headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

/** Minimal SSE reader over fetch, so tests see exactly what the server sent. */
export function openSse(url: string, headers: Record<string, string> = {}) {
  const messages: SseMessage[] = [];
  const ctrl = new AbortController();
  const waiters: Array<() => void> = [];
  const done = (async () => {
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: ctrl.signal });
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let idx;
      while ((idx = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, idx);
        buf = buf.slice(idx + 2);
        const msg: SseMessage = { data: '' };
        let hasData = false;
        for (const line of block.split('\n')) {
          if (line.startsWith('id: ')) msg.id = line.slice(4);
          else if (line.startsWith('event: ')) msg.event = line.slice(7);
          else if (line.startsWith('data: ')) ((msg.data += line.slice(6)), (hasData = true));
        }
        if (hasData) {
          messages.push(msg);
          waiters.splice(0).forEach((w) => w());
        }
      }
    }
  })().catch(() => undefined);
  return {
    messages,
    /** Resolves once `pred` holds over the messages received so far (polls on each new message). */
    async until(pred: (m: SseMessage[]) => boolean, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!pred(messages)) {
        if (Date.now() > deadline) throw new Error(`SSE condition not met; got ${JSON.stringify(messages)}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
    },
    /**
     * Resolves once the stream has delivered everything published for `paymentId` before this call: a marker is
     * published on the same bus after it, and one bus feeds one socket in order, so when the marker arrives nothing
     * earlier is still on its way. The marker is not kept in `messages`. "Exactly one" assertions wait on this, not
     * on a sleep. The stream forwards nothing after a drain (its last id is the marker's): close it.
     */
    async drain(bus: LiveBus, paymentId: string) {
      const seq = Number.MAX_SAFE_INTEGER - ++markers;
      bus.publish({ paymentId, seq, snapshot: `{"marker":${seq}}` } as unknown as HistoryEntry);
      await this.until((m) => m.some((x) => x.id === String(seq)));
      messages.splice(messages.findIndex((x) => x.id === String(seq)), 1);
    },
    close() {
      ctrl.abort();
      return done;
    },
  };
}

let markers = 0;

export const merchantHeaders = (key: string) => ({ authorization: `Bearer ${key}` });

/** The header that unlocks a payment for its creator (the client secret from POST /api/payments). */
export const secretHeaders = (clientSecret: string) => ({ 'bayar-client-secret': clientSecret });
