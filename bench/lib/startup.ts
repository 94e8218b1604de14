/**
 * Cold start to the first `/healthz` answer, the compiled package (`node lib/server/bin.js start`, what `npx bayar
 * start` runs) beside the sources through tsx (`node --import tsx server/main.ts`, how the server started before it
 * was compiled). Runs alternate between the two so that load on the machine falls on both alike; each run is a new
 * process on a new ledger, timed from spawn to the first 200.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../test/helpers/process.js';
import { ROOT } from './children.js';
import { median, percentile, sleep } from './stats.js';

export interface StartupRow {
  how: string;
  command: string;
  runs: number;
  p50: number;
  p90: number;
  min: number;
}
export interface StartupResult {
  rows: StartupRow[];
  /** tsx p50 ÷ compiled p50. */
  speedup: number;
}

const WAYS = [
  { how: 'compiled (npx bayar start)', command: 'node lib/server/bin.js start', args: ['lib/server/bin.js', 'start'] },
  { how: 'tsx (before)', command: 'node --import tsx server/main.ts', args: ['--import', 'tsx', 'server/main.ts'] },
];

async function once(args: string[], dir: string, n: number): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', BAYAR_DB: join(dir, `startup-${n}.db`), LOG_LEVEL: 'silent' },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
      if (ok) return performance.now() - t0;
      if (performance.now() - t0 > 60_000) throw new Error(`${args.join(' ')}: no /healthz within 60 s`);
      await sleep(5);
    }
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
  }
}

export async function runStartup(opts: { dir: string; runs: number; log: (s: string) => void }): Promise<StartupResult> {
  if (!existsSync(join(ROOT, 'lib', 'server', 'bin.js'))) throw new Error('lib/server/bin.js is missing: npm run build');
  const times: number[][] = WAYS.map(() => []);
  // One unmeasured start of each warms the OS file cache for both alike.
  for (const [i, w] of WAYS.entries()) await once(w.args, opts.dir, 1000 + i);
  for (let r = 0; r < opts.runs; r++) {
    for (const [i, w] of WAYS.entries()) times[i]!.push(await once(w.args, opts.dir, r * WAYS.length + i));
  }
  const rows = WAYS.map((w, i) => ({ how: w.how, command: w.command, runs: opts.runs, p50: median(times[i]!), p90: percentile(times[i]!, 90), min: Math.min(...times[i]!) }));
  opts.log(`  ${rows.map((x) => `${x.how} p50 ${x.p50.toFixed(0)} ms`).join(', ')}`);
  return { rows, speedup: rows[1]!.p50 / rows[0]!.p50 };
}
