/**
 * The standalone companion: config → store → listen → app. SIGTERM/SIGINT: stop accepting, end SSE streams (clients
 * resume with Last-Event-ID), let in-flight requests finish, close the ledger, exit 0. Used by `npx bayar start`
 * (server/cli) and by `node server/main.ts`.
 */
import { createServer, type Server } from 'node:http';
import express from 'express';
import type { BayarApp } from './app.js';
import { openBayar, type BayarDeps } from './bayar.js';
import { loadConfig, type Config } from './config.js';
import { createLogger } from './lib/logger.js';
import { redactDbUrl } from './store/db-url.js';
import type { Store } from './store/types.js';

export interface Running {
  server: Server;
  /** The loopback /metrics listener (BAYAR_METRICS_PORT), if any. */
  metricsServer: Server | null;
  bayar: BayarApp;
  store: Store;
  url: string;
  stop(): Promise<void>;
}

/** The standalone companion for `config`: the same factory as createBayar (server/bayar.ts), listening on HOST:PORT. */
export async function start(config: Config, deps: BayarDeps = {}): Promise<Running> {
  const bayar = await openBayar(config, deps);
  const { server, url } = await bayar.listen().catch(async (err: unknown) => {
    await bayar.close();
    throw err;
  });
  const metricsServer = config.metricsPort === null ? null : await listenMetrics(bayar.companion!, config.metricsPort).catch(async (err: unknown) => {
    await bayar.close();
    throw err;
  });
  const stop = async () => {
    metricsServer?.close();
    await bayar.close();
  };
  return { server, metricsServer, bayar: bayar.companion!, store: bayar.store, url, stop };
}

/**
 * BAYAR_METRICS_PORT: /metrics on its own listener, bound to loopback only (a scraper on the same host, or a
 * sidecar), never on the public one.
 */
async function listenMetrics(companion: BayarApp, port: number): Promise<Server> {
  const only = express();
  only.disable('x-powered-by');
  only.get('/metrics', companion.metricsHandler);
  only.use((_req, res) => res.status(404).json({ error: { code: 'not_found', message: 'Only /metrics is served on this port.' } }));
  const server = createServer(only);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

/**
 * The process: configuration from `env` (a bad one throws ConfigError listing every problem), listen, log where,
 * and stop gracefully on SIGTERM/SIGINT. `npx bayar start` and `node server/main.ts` both come here.
 */
export async function serve(env: NodeJS.ProcessEnv = process.env): Promise<Running> {
  const config = loadConfig(env);
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
  return running;
}
