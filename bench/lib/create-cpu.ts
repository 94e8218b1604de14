/**
 * What one POST /api/payments costs the companion's CPU when the provider is elsewhere, as in production: the
 * companion under test talks to the Komerce emulator of a second companion process over HTTP (KOMERCE_BASE_URL),
 * so the emulator's work is not in the figure. Every request is a new order (autocannon's [<id>] replacement), so
 * each is a real create: validation, routing, two durable SQLite transactions, the provider call, the answer.
 * CPU is read from /proc around the measured window; creates/s per core = 1 / CPU per create.
 *
 * Beside it, in alternating windows, the floor: bare node:http doing the same create's I/O through the same code
 * (bench/bare-child.ts with BARE_LEDGER: validation, the Komerce adapter's HTTP call to the same emulator, the
 * ledger's two durable transactions) and nothing else. Its CPU per create is what no amount of trimming the
 * companion's own layers can go below.
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
  /** The bare node:http floor doing the same create I/O (same windows, alternating). */
  ceiling: { creates: number; cpuMsPerCreate: number | null; createsPerCore: number | null; rps: number; non2xx: number } | null;
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
  const komerce = {
    KOMERCE_BASE_URL: `${emulator.url}/emulators/komerce`,
    KOMERCE_API_KEY: 'sandbox-komerce-key',
    KOMERCE_CALLBACK_KEY: 'sandbox-komerce-callback-key',
  };
  const started: Array<{ stop(): Promise<void> }> = [emulator];
  try {
    const companion = await spawnServer({ script: 'bench/server-child.ts', cpu: o.cpu, env: { BAYAR_DB: join(o.dir, 'create-cpu.db'), ...komerce } });
    started.push(companion);
    const bare = await spawnServer({ script: 'bench/bare-child.ts', cpu: o.cpu, env: { BARE_LEDGER: join(o.dir, 'create-bare.db'), ...komerce } });
    started.push(bare);
    const run = (url: string, duration: number) =>
      autocannon({
        url: `${url}/api/payments`,
        connections: 10,
        duration,
        idReplacement: true,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ orderId: 'FLASH-[<id>]', amount: 150_000, method: 'va:bca' }),
      });
    await run(companion.url, 1);
    await run(bare.url, 1);
    // Two alternating windows each, so load from elsewhere on the machine falls on both alike.
    const acc = { companion: { ok: 0, cpu: 0, emu: 0, non2xx: 0, rps: 0, p50: [] as number[], p99: [] as number[] }, bare: { ok: 0, cpu: 0, emu: 0, non2xx: 0, rps: 0, p50: [] as number[], p99: [] as number[] } };
    let readable = true;
    for (let round = 0; round < 2; round++) {
      for (const [k, child] of [['companion', companion], ['bare', bare]] as const) {
        const c0 = processCpu(child.pid);
        const e0 = processCpu(emulator.pid);
        const r = await run(child.url, o.seconds / 2);
        const c1 = processCpu(child.pid);
        const e1 = processCpu(emulator.pid);
        if (c0 === null || c1 === null || e0 === null || e1 === null) readable = false;
        const a = acc[k];
        a.ok += r.requests.total - r.non2xx;
        a.non2xx += r.non2xx;
        a.cpu += (c1 ?? 0) - (c0 ?? 0);
        a.emu += (e1 ?? 0) - (e0 ?? 0);
        a.rps += r.requests.average / 2;
        a.p50.push(r.latency.p50);
        a.p99.push(r.latency.p99);
      }
    }
    const perCreate = (a: { ok: number; cpu: number }) => (!readable || !a.ok ? null : (a.cpu * 1000) / a.ok);
    const c = acc.companion;
    const cpuMs = perCreate(c);
    const floorMs = perCreate(acc.bare);
    o.log(`    ${c.ok} creates, companion ${cpuMs?.toFixed(2)} ms CPU each; bare floor ${floorMs?.toFixed(2)} ms`);
    return {
      creates: c.ok,
      seconds: o.seconds,
      cpuMsPerCreate: cpuMs,
      emulatorCpuMsPerCreate: !readable || !c.ok ? null : (c.emu * 1000) / c.ok,
      createsPerCore: cpuMs ? 1000 / cpuMs : null,
      rps: c.rps,
      p50: Math.max(...c.p50),
      p99: Math.max(...c.p99),
      non2xx: c.non2xx,
      commitCpuMs,
      ceiling: { creates: acc.bare.ok, cpuMsPerCreate: floorMs, createsPerCore: floorMs ? 1000 / floorMs : null, rps: acc.bare.rps, non2xx: acc.bare.non2xx },
    };
  } finally {
    for (const s of started.reverse()) await s.stop();
  }
}
