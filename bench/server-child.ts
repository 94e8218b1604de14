/**
 * The companion under test, as its own process (own core, own heap to measure): configuration from the
 * environment exactly as server/main.ts reads it, but with the per-IP rate limit lifted, since every benchmark
 * request comes from 127.0.0.1. Talks to bench/run.ts over the IPC channel:
 *   → { type: 'ready', url }                     once listening
 *   ← { id, cmd: 'mem' }                         → heap and RSS after two full GCs, open SSE streams
 *   ← { id, cmd: 'fanout' }                      → how long the last bus publish took to write to every stream
 *                                                  (SQLite only: on PostgreSQL the LISTEN/NOTIFY bus is the real one)
 *   ← { id, cmd: 'stop' }                        → graceful stop, then exit
 * The process exits when the parent goes away, so an interrupted bench leaves nothing running.
 */
import { ConfigError, loadConfig } from '../server/config.js';
import { LocalBus } from '../server/domain/live.js';
import { start } from '../server/main.js';
import { isPostgresUrl } from '../server/store/db-url.js';
import type { HistoryEntry } from '../server/store/types.js';
import { memory } from './lib/memory.js';

interface Fanout {
  seq: number;
  paymentId: string;
  status: string;
  /** Milliseconds the synchronous publish took: every subscribed stream's res.write() handed to the kernel. */
  ms: number;
  streams: number;
}

let lastFanout: Fanout | null = null;
let openStreams = () => 0;

/** The app's own LocalBus, timed: the fan-out itself is unchanged. */
class TimedBus extends LocalBus {
  override publish(entry: HistoryEntry) {
    const t0 = performance.now();
    super.publish(entry);
    lastFanout = { seq: entry.seq, paymentId: entry.paymentId, status: entry.status, ms: performance.now() - t0, streams: openStreams() };
  }
}

const send = (msg: unknown) => process.send?.(msg);

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  // Every benchmark client comes from one address: the per-address stream cap is lifted like the rate limit.
  // On PostgreSQL the companion's own LISTEN/NOTIFY bus, as in production: a LocalBus there would leave
  // instances sharing one ledger deaf to each other's changes (the flash sale's two-instance run depends on it).
  const bus = isPostgresUrl(config.dbPath) ? undefined : new TimedBus();
  const running = await start({ ...config, ssePerClient: 1_000_000, sseMax: 1_000_000 }, { rateLimitPerMinute: 1e9, bus });
  openStreams = () => running.bayar.streams.size;

  process.on('message', async (raw) => {
    const msg = raw as { id: number; cmd: string };
    try {
      if (msg.cmd === 'mem') {
        send({ id: msg.id, result: { ...(await memory()), streams: openStreams() } });
      } else if (msg.cmd === 'fanout') {
        send({ id: msg.id, result: lastFanout });
      } else if (msg.cmd === 'stop') {
        await running.stop();
        process.send?.({ id: msg.id, result: 'stopped' }, () => process.exit(0));
      } else {
        send({ id: msg.id, error: `unknown command ${msg.cmd}` });
      }
    } catch (err) {
      send({ id: msg.id, error: String((err as Error)?.stack ?? err) });
    }
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', url: running.url });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
