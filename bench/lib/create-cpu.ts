/**
 * What one POST /api/payments costs the companion's CPU when the provider is elsewhere, as in production: the
 * companion under test talks to the Komerce emulator of a second companion process over HTTP (KOMERCE_BASE_URL),
 * so the emulator's work is not in the figure. Every request is a new order (autocannon's [<id>] replacement), so
 * each is a real create: validation, routing, two durable SQLite transactions, the provider call, the answer.
 * CPU is read from /proc around the measured window; creates/s per core = 1 / CPU per create.
 */
import autocannon from 'autocannon';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { spawnServer, type CpuPlan } from './children.js';
import { processCpu } from './cpu.js';
import { createLedger } from './seed.js';

export interface CreateCpuResult {
  creates: number;
  seconds: number;
  /** Companion CPU ms per acknowledged create (user + system). */
  cpuMsPerCreate: number | null;
  /** The emulator process's CPU ms per create, for scale (not part of the companion's figure). */
  emulatorCpuMsPerCreate: number | null;
  createsPerCore: number | null;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  /** One durable SQLite commit's CPU here (a create makes two): the floor under the figure. */
  commitCpuMs: number;
}

/** CPU (user + system) of one durable commit (WAL, synchronous=FULL, 400-byte row) in this process. */
export function commitCpu(dir: string): number {
  const db = new Database(join(dir, 'commit-cpu.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const ins = db.prepare('INSERT INTO t (body) VALUES (?)');
    const n = 300;
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) db.transaction(() => ins.run('x'.repeat(400))).immediate();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000 / n;
  } finally {
    db.close();
  }
}

export async function runCreateCpu(o: { dir: string; cpu: CpuPlan; seconds: number; log: (s: string) => void }): Promise<CreateCpuResult> {
  const commitCpuMs = commitCpu(o.dir);
  await createLedger(join(o.dir, 'create-emulator.db'));
  await createLedger(join(o.dir, 'create-cpu.db'));
  const emulator = await spawnServer({ script: 'bench/server-child.ts', cpu: o.cpu, env: { BAYAR_DB: join(o.dir, 'create-emulator.db') } });
  try {
    const companion = await spawnServer({
      script: 'bench/server-child.ts',
      cpu: o.cpu,
      env: {
        BAYAR_DB: join(o.dir, 'create-cpu.db'),
        KOMERCE_BASE_URL: `${emulator.url}/emulators/komerce`,
        KOMERCE_API_KEY: 'sandbox-komerce-key',
        KOMERCE_CALLBACK_KEY: 'sandbox-komerce-callback-key',
      },
    });
    try {
      const run = (duration: number) =>
        autocannon({
          url: `${companion.url}/api/payments`,
          connections: 10,
          duration,
          idReplacement: true,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ orderId: 'FLASH-[<id>]', amount: 150_000, method: 'va:bca' }),
        });
      await run(1);
      const c0 = processCpu(companion.pid);
      const e0 = processCpu(emulator.pid);
      const r = await run(o.seconds);
      const c1 = processCpu(companion.pid);
      const e1 = processCpu(emulator.pid);
      const ok = r.requests.total - r.non2xx;
      const cpuMs = c0 === null || c1 === null || !ok ? null : ((c1 - c0) * 1000) / ok;
      o.log(`    ${ok} creates, companion ${cpuMs?.toFixed(2)} ms CPU each`);
      return {
        creates: ok,
        seconds: o.seconds,
        cpuMsPerCreate: cpuMs,
        emulatorCpuMsPerCreate: e0 === null || e1 === null || !ok ? null : ((e1 - e0) * 1000) / ok,
        createsPerCore: cpuMs ? 1000 / cpuMs : null,
        rps: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        non2xx: r.non2xx,
        commitCpuMs,
      };
    } finally {
      await companion.stop();
    }
  } finally {
    await emulator.stop();
  }
}
