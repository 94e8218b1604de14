/**
 * Process entry: config → store → listen → app. SIGTERM/SIGINT: stop accepting, end SSE streams (clients resume
 * with Last-Event-ID), let in-flight requests finish, close the ledger, exit 0.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type AppDeps, type BayarApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './lib/logger.js';
import { PgBus } from './domain/live-pg.js';
import { PgHealthShare } from './store/health-pg.js';
import { PostgresStore, isPostgresUrl, redactDbUrl } from './store/postgres.js';
import { SqliteStore } from './store/sqlite.js';
import type { Store } from './store/types.js';

export interface Running {
  server: Server;
  bayar: BayarApp;
  store: Store;
  url: string;
  stop(): Promise<void>;
}

export async function start(
  config: Config,
  deps: Partial<Omit<AppDeps, 'config' | 'store' | 'publicUrl'>> & { background?: boolean } = {},
): Promise<Running> {
  let store: Store;
  let bus = deps.bus;
  let healthShare = deps.healthShare;
  if (isPostgresUrl(config.dbPath)) {
    // Several instances share one PostgreSQL ledger; live status then travels between them by LISTEN/NOTIFY.
    const log = deps.log ?? createLogger(config.logLevel);
    const pg = new PostgresStore(config.dbPath, { clock: deps.clock, log });
    try {
      await pg.migrate();
      if (!bus) {
        const pgBus = new PgBus({ store: pg, log });
        await pgBus.start();
        bus = pgBus;
      }
    } catch (err) {
      await pg.close().catch(() => undefined);
      throw err;
    }
    store = pg;
    // Channel health is shared between instances through the ledger (domain/health-sync.ts).
    healthShare ??= new PgHealthShare(pg.pool);
  } else {
    store = new SqliteStore(config.dbPath);
    await store.migrate();
  }
  const server = createServer({
    requestTimeout: config.requestTimeoutMs,
    headersTimeout: config.headersTimeoutMs,
    keepAliveTimeout: 5_000,
    // How often Node checks those deadlines; its 30 s default would let a slow client linger well past them.
    connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(config.headersTimeoutMs / 4))),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  const url = config.publicUrl ?? `http://${host}:${port}`;
  const bayar = createApp({ ...deps, config, store, bus, healthShare, publicUrl: url });
  server.on('request', bayar.app);
  if (deps.background !== false) bayar.startBackground();

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      bayar.streams.closeAll();
      server.closeIdleConnections();
      await closed;
      await bayar.close();
      await store.close();
    })());
  return { server, bayar, store, url, stop };
}

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const running = await start(config);
  log.info({ url: running.url, mode: config.mode, db: redactDbUrl(config.dbPath), providers: [...running.bayar.providers.keys()] }, `Bayar companion listening on ${running.url}`);
  if (config.mode === 'sandbox') log.info(`Demo storefront: ${running.url}/`);
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 25_000);
    force.unref();
    running.stop().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
