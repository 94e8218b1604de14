/**
 * A PostgreSQL server for the tests. BAYAR_TEST_PG_URL (a role that may CREATE DATABASE) is used when set; otherwise
 * a throwaway cluster is made with the installed initdb/pg_ctl (Debian: /usr/lib/postgresql/<v>/bin) in a temp dir,
 * on a free port bound to 127.0.0.1, and removed when this process exits. initdb refuses to run as root, so as root
 * the cluster runs as the `postgres` user the Debian package creates. With neither, `postgres()` returns the
 * reason, and the PostgreSQL tests skip with it.
 *
 * `node --import tsx test/helpers/pg.ts --probe` prints whether a server is available (exit 0) or why not (exit 3).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { freePort } from './process.js';

export interface PgServer {
  /** How it was found: the URL given, or the throwaway cluster's binaries. */
  origin: string;
  /** URL of the maintenance database (`postgres`) with the right to create databases. */
  adminUrl: string;
  /** Creates the database when missing; returns its URL. */
  database(name: string): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  /** A fresh, uniquely named database. */
  freshDatabase(prefix?: string): Promise<{ name: string; url: string }>;
  stop(): Promise<void>;
}

export type PgAvailability = { server: PgServer; skip?: undefined } | { server?: undefined; skip: string };

const urlFor = (base: string, db: string) => {
  const u = new URL(base);
  u.pathname = `/${db}`;
  return u.toString();
};

function makeServer(adminUrl: string, origin: string, stopCluster: () => Promise<void>): PgServer {
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>) => {
    const c = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  let n = 0;
  const server: PgServer = {
    origin,
    adminUrl,
    async database(name) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`bad database name ${name}`);
      await admin(async (c) => {
        const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (exists.rowCount === 0) {
          await c.query(`CREATE DATABASE ${name}`).catch((err: { code?: string }) => {
            if (err.code !== '42P04') throw err; // created meanwhile by another process
          });
        }
      });
      return urlFor(adminUrl, name);
    },
    async dropDatabase(name) {
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));
    },
    async freshDatabase(prefix = 'bayar_t') {
      const name = `${prefix}_${process.pid}_${++n}_${Math.floor(Math.random() * 1e6)}`;
      return { name, url: await server.database(name) };
    },
    stop: stopCluster,
  };
  return server;
}

/** Where Debian's (or PATH's) initdb and pg_ctl live; BAYAR_TEST_PG_BIN overrides. */
export function findBinDir(): string | null {
  const explicit = process.env.BAYAR_TEST_PG_BIN;
  if (explicit) return existsSync(join(explicit, 'initdb')) ? explicit : null;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'pg_ctl')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  const onPath = which.status === 0 ? which.stdout.trim() : '';
  if (onPath) {
    const dir = dirname(realpathSync(onPath));
    if (existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  return null;
}

function userIds(name: string): { uid: number; gid: number } | null {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : null;
  } catch {
    return null;
  }
}

export interface Cluster {
  bin: string;
  port: number;
  data: string;
  /** Stops the server and removes its directory; safe to call twice. */
  stop: () => void;
  /** Stops the server but keeps its data (an outage); `resume` starts it again on the same port. */
  pause: () => void;
  resume: () => void;
}

/**
 * Starts a throwaway PostgreSQL cluster on 127.0.0.1 with the installed initdb/pg_ctl (as the postgres user when
 * we are root: initdb refuses root), removed at exit — also when this process is killed outright, through a
 * detached watchdog. `durable: false` turns fsync and friends off (tests); the bench keeps PostgreSQL's defaults.
 */
export async function startCluster(o: { durable: boolean; prefix: string; maxConnections: number; howToFix: string }): Promise<Cluster | { skip: string }> {
  const bin = findBinDir();
  if (!bin) return { skip: `no PostgreSQL server: no initdb/pg_ctl was found under /usr/lib/postgresql/*/bin or on PATH (${o.howToFix})` };
  const root = process.getuid?.() === 0;
  const owner = root ? userIds('postgres') : null;
  if (root && !owner) return { skip: `running as root and there is no "postgres" user to run ${bin}/initdb as (initdb refuses root)` };
  const argv = (cmd: string, args: string[]) => (root ? ['runuser', '-u', 'postgres', '--', join(bin, cmd), ...args] : [join(bin, cmd), ...args]);
  const run = (cmd: string, args: string[]) => {
    const a = argv(cmd, args);
    const r = spawnSync(a[0]!, a.slice(1), { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
  };
  const dir = mkdtempSync(join(tmpdir(), o.prefix));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const port = await freePort();
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    const a = argv('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    spawnSync(a[0]!, a.slice(1), { stdio: 'ignore', timeout: 30_000 });
    rmSync(dir, { recursive: true, force: true });
  };
  const fast = o.durable ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off';
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=${o.maxConnections}${fast}`;
  const startServer = () => run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', opts, '-w', '-t', '60', 'start']);
  try {
    // --no-sync only skips initdb's own final flush of the template files.
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    startServer();
  } catch (err) {
    stop();
    return { skip: `could not start a throwaway PostgreSQL cluster with ${bin}: ${(err as Error).message.slice(0, 500)}` };
  }
  process.once('exit', stop);
  const stopCmd = `${root ? 'runuser -u postgres -- ' : ''}'${join(bin, 'pg_ctl')}' -D '${data}' -m immediate -w stop >/dev/null 2>&1; rm -rf '${dir}'`;
  spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${stopCmd}`], { detached: true, stdio: 'ignore' }).unref();
  return { bin, port, data, stop, pause: () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']), resume: startServer };
}

async function throwawayCluster(): Promise<PgAvailability> {
  // Throwaway data: durability settings off for speed; the tests assert behaviour, not crash recovery of PostgreSQL.
  const c = await startCluster({
    durable: false,
    prefix: 'bayar-pg-',
    maxConnections: 400,
    howToFix: "BAYAR_TEST_PG_URL is not set; install Debian's postgresql — .ci/run does — or point BAYAR_TEST_PG_URL at a server",
  });
  if ('skip' in c) return c;
  const { port, bin } = c;
  const stopSync = c.stop;
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return { server: makeServer(adminUrl, `throwaway cluster (${bin}, port ${port})`, async () => stopSync()) };
}

let shared: Promise<PgAvailability> | null = null;

/** The PostgreSQL server for this test process (found or started once), or why there is none. */
export function postgres(): Promise<PgAvailability> {
  return (shared ??= (async (): Promise<PgAvailability> => {
    const url = process.env.BAYAR_TEST_PG_URL;
    if (url) {
      // Given explicitly: unreachable is a failure, not a reason to skip.
      const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
      await c.connect().catch((err: Error) => {
        throw new Error(`BAYAR_TEST_PG_URL is set but the server cannot be reached: ${err.message}`);
      });
      await c.end();
      return { server: makeServer(url, 'BAYAR_TEST_PG_URL', async () => undefined) };
    }
    return throwawayCluster();
  })());
}

/** A stable database name for a data directory, so a restarted test server finds its ledger again. */
export function databaseNameFor(dir: string): string {
  return `bayar_${createHash('sha256').update(dir).digest('hex').slice(0, 20)}`;
}

if (process.argv[1] && import.meta.url === `file://${realpathSync(process.argv[1])}` && process.argv.includes('--probe')) {
  const r = await postgres();
  if (!r.server) {
    console.log(`PostgreSQL: not available — ${r.skip}`);
    process.exit(3);
  }
  console.log(`PostgreSQL: available — ${r.server.origin}`);
  await r.server.stop();
  process.exit(0);
}
