/**
 * A PostgreSQL server for the bench. BAYAR_BENCH_PG_URL (a role that may CREATE DATABASE) is used as found;
 * otherwise a throwaway cluster is made with the installed initdb/pg_ctl in a temp dir, on a free port bound to
 * 127.0.0.1, and removed when the bench ends. Unlike the tests' cluster (test/helpers/pg.ts, fsync off for
 * speed) this one keeps PostgreSQL's durable defaults — fsync, synchronous_commit, full_page_writes on — because
 * it is compared with a SQLite ledger that waits for fsync on every commit. initdb refuses to run as root, so as
 * root the cluster runs as the `postgres` user the Debian package creates.
 *
 * The server inherits this process's CPU affinity (bench/lib/children.ts pins the bench to the client cores), so
 * it never takes the core the companions under test are pinned to.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { onKillAll } from './children.js';
import { findBinDir, userIds } from '../../test/helpers/pg.js';
import { freePort } from '../../test/helpers/process.js';

export interface BenchPg {
  /** How it was found: the URL given, or the throwaway cluster's binaries and port. */
  origin: string;
  /** The settings that decide what a commit costs, as the server reports them. */
  settings: Record<string, string>;
  /** The postmaster's pid when it runs on this machine (its backends are its children), else null. */
  pid: number | null;
  /** A new empty database; returns its URL. */
  database(name: string): Promise<string>;
  stop(): Promise<void>;
}

export type BenchPgAvailability = { server: BenchPg; skip?: undefined } | { server?: undefined; skip: string };

const DURABILITY = ['fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'max_connections', 'shared_buffers', 'server_version'];

const urlFor = (base: string, db: string) => {
  const u = new URL(base);
  u.pathname = `/${db}`;
  return u.toString();
};

async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** `given`: a server we were pointed at, where only our databases are ours to drop. */
async function makeServer(adminUrl: string, origin: string, given: boolean, pid: number | null, stop: () => Promise<void>): Promise<BenchPg> {
  const settings: Record<string, string> = {};
  await admin(adminUrl, async (c) => {
    for (const name of DURABILITY) settings[name] = String((await c.query(`SHOW ${name}`)).rows[0]?.[name] ?? '?');
  });
  const made: string[] = [];
  return {
    origin,
    settings,
    pid,
    async database(name) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`bad database name ${name}`);
      await admin(adminUrl, async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.query(`CREATE DATABASE ${name}`);
      });
      made.push(name);
      return urlFor(adminUrl, name);
    },
    async stop() {
      // On a server we were given, leave nothing behind; a throwaway cluster goes whole.
      if (given) {
        await admin(adminUrl, async (c) => {
          for (const name of made) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        }).catch(() => undefined);
      }
      await stop();
    },
  };
}

function postmasterPid(data: string): number | null {
  try {
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}


async function throwawayCluster(): Promise<BenchPgAvailability> {
  const bin = findBinDir();
  if (!bin) {
    return {
      skip:
        'no PostgreSQL server: BAYAR_BENCH_PG_URL is not set and no initdb/pg_ctl was found under /usr/lib/postgresql/*/bin or on PATH ' +
        "(install Debian's postgresql, or point BAYAR_BENCH_PG_URL at a server)",
    };
  }
  const root = process.getuid?.() === 0;
  const owner = root ? userIds('postgres') : null;
  if (root && !owner) return { skip: `running as root and there is no "postgres" user to run ${bin}/initdb as (initdb refuses root)` };
  const argv = (cmd: string, args: string[]) => (root ? ['runuser', '-u', 'postgres', '--', join(bin, cmd), ...args] : [join(bin, cmd), ...args]);
  const run = (cmd: string, args: string[]) => {
    const a = argv(cmd, args);
    const r = spawnSync(a[0]!, a.slice(1), { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
  };
  const dir = mkdtempSync(join(tmpdir(), 'bayar-bench-pg-'));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const port = await freePort();
  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    const a = argv('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    spawnSync(a[0]!, a.slice(1), { stdio: 'ignore', timeout: 30_000 });
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // --no-sync only skips initdb's own final flush of the template files; the server below runs durable.
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100`;
    run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', opts, '-w', '-t', '60', 'start']);
  } catch (err) {
    stopSync();
    return { skip: `could not start a throwaway PostgreSQL cluster with ${bin}: ${(err as Error).message.slice(0, 500)}` };
  }
  const forget = onKillAll(stopSync);
  process.once('exit', stopSync);
  // A bench killed outright runs no exit handler: a detached watchdog stops the cluster once it is gone.
  const stopCmd = `${root ? 'runuser -u postgres -- ' : ''}'${join(bin, 'pg_ctl')}' -D '${data}' -m immediate -w stop >/dev/null 2>&1; rm -rf '${dir}'`;
  spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${stopCmd}`], { detached: true, stdio: 'ignore' }).unref();
  const version = spawnSync(join(bin, 'postgres'), ['--version'], { encoding: 'utf8' }).stdout.trim();
  try {
    return {
      server: await makeServer(`postgres://postgres@127.0.0.1:${port}/postgres`, `throwaway cluster (${version || bin}, port ${port}, durable defaults)`, false, postmasterPid(data), async () => {
        forget();
        stopSync();
      }),
    };
  } catch (err) {
    forget();
    stopSync();
    return { skip: `the throwaway PostgreSQL cluster started but could not be queried: ${(err as Error).message}` };
  }
}

/** The PostgreSQL server for this run (given or started), or why there is none. */
export async function benchPostgres(): Promise<BenchPgAvailability> {
  const url = process.env.BAYAR_BENCH_PG_URL;
  if (url) {
    try {
      return { server: await makeServer(url, 'BAYAR_BENCH_PG_URL (settings as found)', true, null, async () => undefined) };
    } catch (err) {
      return { skip: `BAYAR_BENCH_PG_URL is set but the server cannot be reached: ${(err as Error).message}` };
    }
  }
  return throwawayCluster();
}
