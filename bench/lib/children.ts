/**
 * Child processes for the servers under test. Each gets its own core when the machine has two or more (pinned
 * with taskset, the bench and its load generators on the others), so "server on one core" is literal, and its
 * own heap, so its memory can be read without the load generator's in it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { within } from './stats.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CpuPlan {
  cpus: number;
  /** Core the servers under test are pinned to, or null when not pinned. */
  serverCpu: number | null;
  /** Cores the bench process (load generators, SSE clients, Chromium) is pinned to. */
  clientCpus: string | null;
  taskset: boolean;
  note: string;
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Pins this process to every core but the last, leaving the last one to the server under test. */
export function planCpus(): CpuPlan {
  const n = cpus().length;
  const taskset = hasTaskset();
  if (n < 2 || !taskset) {
    return {
      cpus: n,
      serverCpu: null,
      clientCpus: null,
      taskset,
      note: n < 2 ? 'one core: server and load generator share it' : 'taskset not found: processes not pinned',
    };
  }
  const serverCpu = n - 1;
  const clientCpus = n === 2 ? '0' : `0-${n - 2}`;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', clientCpus, String(process.pid)], { stdio: 'ignore' });
  } catch {
    return { cpus: n, serverCpu: null, clientCpus: null, taskset, note: 'taskset could not pin the bench process' };
  }
  return { cpus: n, serverCpu, clientCpus, taskset, note: `server pinned to core ${serverCpu}; bench, load generator and Chromium to ${clientCpus}` };
}

/**
 * Cores for `instances` companions side by side, one core each from the last down, the bench (and what it
 * starts meanwhile, e.g. PostgreSQL) keeping the rest; null when the machine has too few cores for that, in which
 * case the instances share the server core. `restore` gives the bench back its usual cores.
 */
export function spreadCpus(plan: CpuPlan, instances: number): { cores: number[]; clientCpus: string; restore(): void } | null {
  if (plan.serverCpu === null || plan.cpus < instances + 1) return null;
  const cores = Array.from({ length: instances }, (_, i) => plan.cpus - 1 - i);
  const last = plan.cpus - 1 - instances;
  const clientCpus = last === 0 ? '0' : `0-${last}`;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', clientCpus, String(process.pid)], { stdio: 'ignore' });
  } catch {
    return null;
  }
  return {
    cores,
    clientCpus,
    restore: () => {
      try {
        execFileSync('taskset', ['-a', '-p', '-c', plan.clientCpus!, String(process.pid)], { stdio: 'ignore' });
      } catch {
        // The bench keeps the narrower set: later phases still run, only with fewer client cores.
      }
    },
  };
}

/** The soft and hard open-file limits a child spawned from here starts with. */
export function fdLimits(): { soft: number; hard: number } {
  const read = (flag: string) => {
    const out = execFileSync('sh', ['-c', `ulimit ${flag}`], { encoding: 'utf8' }).trim();
    return out === 'unlimited' ? Number.POSITIVE_INFINITY : Number(out);
  };
  return { soft: read('-Sn'), hard: read('-Hn') };
}

export interface ChildServer {
  proc: ChildProcess;
  pid: number;
  url: string;
  output(): string;
  request<T = unknown>(cmd: string, arg?: unknown, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
/** Synchronous stops for what is not a child of this process (a daemonised PostgreSQL server). */
const stoppers = new Set<() => void>();

/** Registers a synchronous stop for killAll; returns its removal. */
export function onKillAll(stop: () => void): () => void {
  stoppers.add(stop);
  return () => stoppers.delete(stop);
}

/** Kills every child still running (the bench's watchdog and exit path). */
export function killAll() {
  for (const p of live) {
    if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  }
  live.clear();
  for (const stop of stoppers) {
    try {
      stop();
    } catch {
      // Best effort on the way out: the next stop must still run.
    }
  }
  stoppers.clear();
}

export interface SpawnOptions {
  script: 'bench/server-child.ts' | 'bench/bare-child.ts' | 'bench/pg-floor-child.ts';
  env?: Record<string, string>;
  cpu: CpuPlan;
  /** Raise the child's soft open-file limit to this (needs a hard limit at least as high). */
  nofile?: number;
  /** Extra Node flags, e.g. ['--cpu-prof'] to profile a server under load. */
  nodeArgs?: string[];
}

export async function spawnServer(o: SpawnOptions): Promise<ChildServer> {
  const node = [process.execPath, '--expose-gc', ...(o.nodeArgs ?? []), '--import', 'tsx', o.script];
  let cmd = node;
  if (o.cpu.serverCpu !== null) cmd = ['taskset', '-c', String(o.cpu.serverCpu), ...cmd];
  // exec keeps the pid, the IPC descriptor and the pipes: the shell only raises the limit.
  if (o.nofile) cmd = ['sh', '-c', `ulimit -n ${o.nofile} && exec "$@"`, 'sh', ...cmd];
  const proc = spawn(cmd[0]!, cmd.slice(1), {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...o.env, HOST: '127.0.0.1', PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  let out = '';
  proc.stdout!.on('data', (d) => (out = (out + d).slice(-20_000)));
  proc.stderr!.on('data', (d) => (out = (out + d).slice(-20_000)));

  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const ready = new Promise<string>((resolve, reject) => {
    proc.on('message', (raw) => {
      const m = raw as { type?: string; url?: string; id?: number; result?: unknown; error?: string };
      if (m.type === 'ready' && m.url) return resolve(m.url);
      const w = m.id !== undefined ? pending.get(m.id) : undefined;
      if (!w) return;
      pending.delete(m.id!);
      if (m.error) w.reject(new Error(m.error));
      else w.resolve(m.result);
    });
    proc.once('exit', (code, signal) => {
      const err = new Error(`${o.script} exited (code ${code}, signal ${signal}):\n${out}`);
      reject(err);
      for (const w of pending.values()) w.reject(err);
      pending.clear();
    });
  });
  const url = await within(`${o.script} start`, 30_000, ready);
  const request = <T>(cmd: string, arg?: unknown, timeoutMs = 30_000) =>
    within(
      `${o.script} ${cmd}`,
      timeoutMs,
      new Promise<T>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        proc.send({ id, cmd, arg });
      }),
    );
  return {
    proc,
    pid: proc.pid!,
    url,
    output: () => out,
    request,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      try {
        await request('stop', undefined, 15_000);
      } catch {
        proc.kill('SIGKILL');
      }
      await within(`${o.script} exit`, 15_000, exited).catch(() => proc.kill('SIGKILL'));
    },
  };
}
