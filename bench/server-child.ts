/**
 * The companion under test, as its own process (own core, own heap to measure): configuration from the
 * environment exactly as server/main.ts reads it, but with the per-IP rate limit lifted, since every benchmark
 * request comes from 127.0.0.1. Talks to bench/run.ts over the IPC channel:
 *   → { type: 'ready', url }                     once listening
 *   ← { id, cmd: 'mem' }                         → heap and RSS after two full GCs, open SSE streams
 *   ← { id, cmd: 'fanout' }                      → how long the last change took from its publish to its write to the
 *                                                  last stream (the app's own LiveStreams.lastFanout)
 *   ← { id, cmd: 'stop' }                        → graceful stop, then exit
 * The process exits when the parent goes away, so an interrupted bench leaves nothing running.
 */
import { ConfigError, loadConfig } from '../server/config.js';
import { start } from '../server/main.js';
import { memory } from './lib/memory.js';

let openStreams = () => 0;

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
  // The app's own bus, as in production: LocalBus, or on PostgreSQL LISTEN/NOTIFY (a LocalBus there would leave
  // instances sharing one ledger deaf to each other's changes; the flash sale's two-instance run depends on it).
  const running = await start({ ...config, ssePerClient: 1_000_000, sseMax: 1_000_000 }, { rateLimitPerMinute: 1e9 });
  openStreams = () => running.bayar.streams.size;

  process.on('message', async (raw) => {
    const msg = raw as { id: number; cmd: string };
    try {
      if (msg.cmd === 'mem') {
        send({ id: msg.id, result: { ...(await memory()), streams: openStreams() } });
      } else if (msg.cmd === 'fanout') {
        send({ id: msg.id, result: running.bayar.streams.lastFanout });
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
