/**
 * The one way to get a running companion. `openBayar(config)` opens the ledger and gives back an Express router to
 * mount in an existing app at any path prefix (`app.use('/bayar', bayar.router)`), or listens on its own
 * (`bayar.listen()`: what `npx bayar start` and server/main.ts do). `createBayar(options)` is the same thing for code
 * that configures Bayar with an object instead of environment variables: each option is a variable's name in
 * camelCase without `BAYAR_` (`BAYAR_DB` → `db`, provider credentials under `providers.<id>`), checked by the same
 * schema as the environment (server/config.ts), and a bad config throws one ConfigError listing every problem.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router, type Request } from 'express';
import { PROVIDER_IDS, type MethodFamily, type ProviderId } from './api-types.js';
import { demoRoutes } from '../demo/server.js';
import { createApp, type AppDeps, type BayarApp } from './app.js';
import { acceptsValue, CONFIG_VARIABLES, ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './lib/logger.js';
import { isPostgresUrl } from './store/db-url.js';
import type { PostgresStore } from './store/postgres.js';
import { SqliteStore } from './store/sqlite.js';
import type { Store } from './store/types.js';

type Scalar = string | number | boolean;
/** What an option may hold: a scalar, a list (joined with `,`) or a map (`key=value;…`, as BAYAR_ROUTES is written). */
export type OptionValue = Scalar | readonly Scalar[] | Readonly<Record<string, Scalar | readonly Scalar[]>>;

/** One provider's credentials: its variables without the provider's prefix (`DOKU_CLIENT_ID` → `clientId`). */
export interface ProviderOptions {
  [credential: string]: OptionValue | undefined;
  /** `<PROVIDER>_BASE_URL`: the provider's API (default: its sandbox host in live mode, the built-in emulator in sandbox). */
  baseUrl?: string;
  /** `<PROVIDER>_WEBHOOK_IPS`: accept this provider's webhooks only from these addresses. */
  webhookIps?: readonly string[] | string;
}

/**
 * Options of `createBayar`: contract.md §3's variables in camelCase without `BAYAR_`. Every option is optional;
 * `{}` is the sandbox with the ledger in ./data/bayar.db.
 */
export interface BayarOptions {
  /** `BAYAR_MODE`: `sandbox` (default, built-in emulators) or `live`. */
  mode?: 'sandbox' | 'live';
  /** `BAYAR_DB`: SQLite file (default `./data/bayar.db`) or a `postgres://` URL. */
  db?: string;
  /**
   * `BAYAR_PUBLIC_URL`: the URL providers and customers reach this companion at, prefix included
   * (`https://shop.example/bayar`). Required (https) in live mode. In sandbox it may be left out: the router then
   * takes the address and prefix of the first request it serves.
   */
  publicUrl?: string;
  /** `BAYAR_MERCHANT_KEY`: merchant API secret, session and notification signing key; required in live mode. */
  merchantKey?: string;
  /** `BAYAR_NOTIFY_URL`: your backend's endpoint for signed payment notifications. */
  notifyUrl?: string;
  /** `BAYAR_ALLOWED_ORIGINS`: origins allowed to call the widget API (CORS). */
  allowedOrigins?: readonly string[] | string;
  /** `BAYAR_ALLOW_UNSIGNED`: allow `order-id`/`amount` from the page (default on in sandbox, off in live). */
  allowUnsigned?: boolean;
  /** `BAYAR_CATALOG`: a JSON file path, or the catalog itself `{ SKU: { name, price } }`. */
  catalog?: string | Readonly<Record<string, { name: string; price: number }>>;
  /** `BAYAR_ROUTES`: method family → providers in failover order. */
  routes?: string | Readonly<Partial<Record<MethodFamily, readonly ProviderId[]>>>;
  /** `BAYAR_PAYMENT_TTL_SECONDS`. */
  paymentTtlSeconds?: number;
  /** `BAYAR_RATE_LIMIT_PER_MINUTE`. */
  rateLimitPerMinute?: number;
  /** `LOG_LEVEL`: pino level (`silent` to keep your app's output clean). */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `HOST` and `PORT`: used by `listen()` only; a mounted router listens wherever your app does. */
  host?: string;
  port?: number;
  /** Provider credentials: `providers.xendit = { secretKey, callbackToken }` is `XENDIT_SECRET_KEY`, `XENDIT_CALLBACK_TOKEN`. */
  providers?: Partial<Record<ProviderId, ProviderOptions>>;
  // The other variables of contract.md §3, by the same rule; each is checked by the schema of the version you run.
  /** `BAYAR_TRUST_PROXY`: hop count or CIDR list of trusted proxies. */
  trustProxy?: number | string | readonly string[];
  /** `BAYAR_TTL`: payment deadline, one value or per family (`{ va: 86400, qris: 900 }`). */
  ttl?: number | string | Readonly<Partial<Record<MethodFamily, number>>>;
  /** `BAYAR_SSE_PER_CLIENT`. */
  ssePerClient?: number;
  /** `BAYAR_METRICS_TOKEN`, `BAYAR_METRICS_PORT`. */
  metricsToken?: string;
  metricsPort?: number;
  /** `BAYAR_AUTO_REFUND_DUPLICATES`. */
  autoRefundDuplicates?: boolean;
  /** `BAYAR_CONSOLE`, `BAYAR_CONSOLE_USERS` (`name:role:scrypt-hash`, made by `npx bayar console-user`). */
  console?: boolean;
  consoleUsers?: string | readonly string[];
  /** `BAYAR_SHOP_NAME`, `BAYAR_SHOP_LOGO_URL`, `BAYAR_SHOP_COLOR`. */
  shopName?: string;
  shopLogoUrl?: string;
  shopColor?: string;
  /** `BAYAR_FEES`: provider fees per family, for cost-aware routing. */
  fees?: string | Readonly<Record<string, Scalar | readonly Scalar[]>>;
  /** `BAYAR_SMART_ROUTING` (`on` by default). */
  smartRouting?: boolean;
  /** `BAYAR_HEALTH_*`: channel health thresholds (docs/integration.md, "Routing"). */
  healthConsecutiveFailures?: number;
  healthP95Ms?: number;
  healthLatencyMinCalls?: number;
  healthErrorRatePercent?: number;
  healthErrorRateMinCalls?: number;
  healthWindowSeconds?: number;
  healthProbeSeconds?: number;
  /** `BAYAR_LINK_PAYMENTS_PER_MINUTE`, `BAYAR_LINK_PAYMENTS_PER_ADDRESS_PER_MINUTE`. */
  linkPaymentsPerMinute?: number;
  linkPaymentsPerAddressPerMinute?: number;
  /** `BAYAR_PII_RETENTION_DAYS`. */
  piiRetentionDays?: number;
}

/** Advanced seams (tests, other deployments): injected clock, HTTP client, logger…; `background: false` skips workers. */
export type BayarDeps = Partial<Omit<AppDeps, 'config' | 'store' | 'publicUrl'>> & { background?: boolean };

export interface Bayar {
  /**
   * Mount it: `app.use('/bayar', bayar.router)`. The widget API, SSE, webhooks, return pages, the widget's files and
   * (sandbox) the demo all answer under that prefix. Mount it before any body parser: webhooks are verified on the
   * raw bytes.
   */
  readonly router: Router;
  readonly config: Config;
  readonly store: Store;
  /** The companion's parts (payment service, live streams, providers…) once built: at once when the public URL is known, else on the first request. */
  readonly companion: BayarApp | null;
  /** Listens on `host`/`port` (HOST/PORT) on its own: the standalone server (`npx bayar start`). */
  listen(): Promise<{ server: Server; url: string }>;
  /** Graceful stop: ends live streams (clients resume with Last-Event-ID), stops background work, closes the ledger (and the server `listen()` started). */
  close(): Promise<void>;
}

/** `MERCHANT_KEY` → `merchantKey`. */
const camel = (name: string) => name.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** The option path for each variable of the schema: `BAYAR_DB` → `db`, `XENDIT_SECRET_KEY` → `providers.xendit.secretKey`. */
export function optionName(variable: string): string {
  if (variable.startsWith('BAYAR_')) return camel(variable.slice(6));
  const provider = PROVIDER_IDS.find((id) => variable.startsWith(`${id.toUpperCase()}_`));
  if (provider) return `providers.${provider}.${camel(variable.slice(provider.length + 1))}`;
  return camel(variable);
}

const OPTION_TO_VARIABLE = new Map(CONFIG_VARIABLES.map((v) => [optionName(v), v as string]));

function envValue(variable: string, value: unknown, path: string, problems: string[]): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : (problems.push(`${path}: must be a finite number`), undefined);
  if (typeof value === 'boolean') {
    // Spell it the way this variable's schema accepts (`1`, `true`, `on`…): the schema stays the one judge.
    const spellings = value ? ['1', 'true', 'on', 'yes'] : ['0', 'false', 'off', 'no'];
    return spellings.find((s) => acceptsValue(variable, s)) ?? (problems.push(`${path}: is not a yes/no setting`), undefined);
  }
  const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  if (Array.isArray(value)) {
    if (!value.every(scalar)) return (problems.push(`${path}: a list must hold strings or numbers`), undefined);
    return value.join(',');
  }
  if (typeof value === 'object') {
    if (variable === 'BAYAR_CATALOG') return JSON.stringify(value);
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      if (scalar(v)) parts.push(`${k}=${v}`);
      else if (Array.isArray(v) && v.every(scalar)) parts.push(`${k}=${v.join(',')}`);
      else problems.push(`${path}.${k}: must be a string, a number or a list`);
    }
    return parts.join(';');
  }
  problems.push(`${path}: unsupported value of type ${typeof value}`);
  return undefined;
}

/**
 * Options → the variables the schema reads, then the schema. Problems with the options themselves (unknown names,
 * wrong shapes) and the schema's own are thrown together, named by option (`merchantKey (BAYAR_MERCHANT_KEY): …`).
 */
export function configFromOptions(options: BayarOptions = {}): Config {
  const problems: string[] = [];
  const env: Record<string, string> = {};
  const put = (path: string, value: unknown) => {
    const variable = OPTION_TO_VARIABLE.get(path);
    if (!variable) {
      const scope = path.includes('.') ? `${path.slice(0, path.lastIndexOf('.'))}.` : '';
      const known = [...OPTION_TO_VARIABLE.keys()].filter((o) => (scope ? o.startsWith(scope) : !o.startsWith('providers.'))).map((o) => o.slice(scope.length));
      problems.push(`${path}: unknown option (known${scope ? ` for ${scope.slice(0, -1)}` : ''}: ${known.join(', ')})`);
      return;
    }
    const v = envValue(variable, value, path, problems);
    if (v !== undefined) env[variable] = v;
  };
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new ConfigError(['options must be an object']);
  for (const [key, value] of Object.entries(options)) {
    if (key !== 'providers') {
      put(key, value);
      continue;
    }
    if (value === undefined) continue;
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`providers: must be an object keyed by provider id (${PROVIDER_IDS.join(', ')})`);
      continue;
    }
    for (const [id, creds] of Object.entries(value)) {
      if (!PROVIDER_IDS.includes(id as ProviderId)) {
        problems.push(`providers.${id}: unknown provider (expected one of ${PROVIDER_IDS.join(', ')})`);
      } else if (creds !== undefined && (!creds || typeof creds !== 'object' || Array.isArray(creds))) {
        problems.push(`providers.${id}: must be an object of credentials`);
      } else {
        for (const [name, v] of Object.entries(creds ?? {})) put(`providers.${id}.${name}`, v);
      }
    }
  }
  const rename = (p: string) => p.replace(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b|\b(?:HOST|PORT)\b/g, (v) => (OPTION_TO_VARIABLE.get(optionName(v)) === v ? `${optionName(v)} (${v})` : v));
  try {
    const config = loadConfig(env);
    if (problems.length) throw new ConfigError(problems);
    return config;
  } catch (err) {
    if (err instanceof ConfigError && err.problems !== problems) throw new ConfigError([...problems, ...err.problems.map(rename)]);
    throw err;
  }
}

/** The companion for `options` (see BayarOptions): `await createBayar({ mode: 'sandbox', db: './x.db' })` is a working sandbox. */
export async function createBayar(options: BayarOptions = {}, deps: BayarDeps = {}): Promise<Bayar> {
  return openBayar(configFromOptions(options), deps);
}

/**
 * Where this router was reached, from the socket (never from Host or X-Forwarded-* headers, which the client writes)
 * plus the mount prefix: in sandbox without BAYAR_PUBLIC_URL, the built-in emulators call back here.
 */
function localUrl(req: Request): string {
  const socket = req.socket as Request['socket'] & { encrypted?: boolean };
  const address = (socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const host = address.includes(':') ? `[${address}]` : address;
  return `${socket.encrypted ? 'https' : 'http'}://${host}:${socket.localPort}${req.baseUrl}`;
}

/** Opens the ledger named by BAYAR_DB and brings its schema up to date (`npx bayar migrate` stops here). */
export async function openStore(config: Config, deps: Pick<BayarDeps, 'clock' | 'log'> = {}): Promise<Store> {
  // The pg driver loads only for a PostgreSQL ledger: it is a good part of start-up time a SQLite companion never needs.
  const store: Store = isPostgresUrl(config.dbPath)
    ? new (await import('./store/postgres.js')).PostgresStore(config.dbPath, { clock: deps.clock, log: deps.log ?? createLogger(config.logLevel) })
    : new SqliteStore(config.dbPath);
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  return store;
}

/** Opens the ledger (running migrations) and returns the companion for `config`: the factory behind createBayar and main.ts. */
export async function openBayar(config: Config, deps: BayarDeps = {}): Promise<Bayar> {
  const store = await openStore(config, deps);
  let bus = deps.bus;
  let healthShare = deps.healthShare;
  if (isPostgresUrl(config.dbPath)) {
    const [{ PgBus }, { PgHealthShare }] = await Promise.all([import('./store/live-pg.js'), import('./store/health-pg.js')]);
    const pgStore = store as PostgresStore;
    if (!bus) {
      // Several instances share one PostgreSQL ledger; live status then travels between them by LISTEN/NOTIFY.
      const pgBus = new PgBus({ store: pgStore, log: deps.log ?? createLogger(config.logLevel) });
      try {
        await pgBus.start();
      } catch (err) {
        await store.close().catch(() => undefined);
        throw err;
      }
      bus = pgBus;
    }
    // Channel health is shared between instances through the ledger (domain/health-sync.ts).
    healthShare ??= new PgHealthShare(pgStore.pool);
  }

  let companion: BayarApp | null = null;
  let server: Server | null = null;
  let closing: Promise<void> | null = null;
  const bind = (publicUrl: string): BayarApp => {
    if (companion) return companion;
    if (closing) throw new Error('bayar: closed');
    companion = createApp({ sandboxRoutes: demoRoutes, ...deps, config, store, bus, healthShare, publicUrl });
    if (deps.background !== false) companion.startBackground();
    return companion;
  };
  if (config.publicUrl) bind(config.publicUrl);

  const router = Router();
  router.use((req, res, next) => {
    // A body parser mounted before Bayar has consumed the stream: webhooks could then never be verified.
    // Answered here in Bayar's error format: the host app's error handler would answer in its own.
    if (req.body !== undefined) {
      const message = 'Mount bayar.router before any body parser (express.json(), …): Bayar verifies webhooks on the raw bytes.';
      res.status(500).json({ error: { code: 'body_already_parsed', message } });
      return;
    }
    let app: BayarApp;
    try {
      app = bind(localUrl(req));
    } catch {
      res.status(503).json({ error: { code: 'shutting_down', message: 'Bayar is shutting down; retry shortly.' } });
      return;
    }
    app.app(req, res, next);
  });

  return {
    router,
    config,
    store,
    get companion() {
      return companion;
    },
    async listen() {
      if (server) throw new Error('bayar: listen() was already called');
      const s = (server = createServer({
        requestTimeout: config.requestTimeoutMs,
        headersTimeout: config.headersTimeoutMs,
        keepAliveTimeout: 5_000,
        // How often Node checks those deadlines; its 30 s default would let a slow client linger well past them.
        connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(config.headersTimeoutMs / 4))),
      }));
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        // A flash sale opens thousands of connections (one per live-status stream) while the process is busy:
        // Node's default accept queue of 511 overflows after a few seconds' stall, and the kernel then resets the
        // connections it could not queue. The kernel caps this at net.core.somaxconn (4096 on current Linux).
        s.listen({ port: config.port, host: config.host, backlog: 4_096 }, () => resolve());
      });
      const { port } = s.address() as AddressInfo;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
      const url = config.publicUrl ?? `http://${host}:${port}`;
      s.on('request', bind(url).app);
      return { server: s, url };
    },
    close() {
      return (closing ??= (async () => {
        const closed = server ? new Promise<void>((resolve) => server!.close(() => resolve())) : Promise.resolve();
        companion?.streams.closeAll();
        server?.closeIdleConnections();
        await closed;
        await companion?.close();
        await store.close();
      })());
    },
  };
}
