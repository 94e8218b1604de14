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
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { onKillAll } from './children.js';
import { startCluster } from '../../test/helpers/pg.js';

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
  // Durable defaults (fsync, synchronous_commit on): a fair match for SQLite, which waits for the disk on every commit.
  const c = await startCluster({
    durable: true,
    prefix: 'bayar-bench-pg-',
    maxConnections: 100,
    howToFix: "BAYAR_BENCH_PG_URL is not set; install Debian's postgresql, or point BAYAR_BENCH_PG_URL at a server",
  });
  if ('skip' in c) return c;
  const { port, bin, data } = c;
  const stopSync = c.stop;
  const forget = onKillAll(stopSync);
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
