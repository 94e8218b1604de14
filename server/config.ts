/**
 * Configuration is read once, here, through one schema. Invalid or missing variables fail start-up with a
 * list of every problem at once, so an operator fixes them in one go. Nothing else reads process.env.
 */
import { parseConsoleUsers, type ConsoleUser } from './console/users.js';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';
import { METHOD_FAMILIES, PROVIDER_IDS, type MethodFamily, type ProviderId } from './api-types.js';
import { parseFees } from './domain/fees.js';
import { DEFAULT_HEALTH } from './domain/health.js';
import type { RoutingOptions } from './domain/routing.js';
import { parseTtl, type DeadlinePolicy } from './domain/deadlines.js';
import { parseLimits, type LimitOverrides } from './domain/limits.js';

export interface ProviderCredentials {
  doku?: { clientId: string; secretKey: string; baseUrl: string };
  indodana?: { apiKey: string; apiSecret: string; baseUrl: string };
  komerce?: { apiKey: string; callbackKey: string; baseUrl: string };
  xendit?: { secretKey: string; callbackToken: string; baseUrl: string };
  /** `snapBaseUrl`: MIDTRANS_SNAP_BASE_URL; unset, Snap's host follows the Core API's (providers/midtrans/card.ts). */
  midtrans?: { serverKey: string; baseUrl: string; snapBaseUrl?: string };
}

export interface CatalogEntry {
  name: string;
  price: number;
}

export interface Config {
  mode: 'sandbox' | 'live';
  host: string;
  port: number;
  /** Public base URL of this companion (webhook URLs given to providers). Null: derived from the bound address. */
  publicUrl: string | null;
  dbPath: string;
  merchantKey: string;
  notifyUrl: string | null;
  allowedOrigins: string[];
  allowUnsigned: boolean;
  catalog: Record<string, CatalogEntry> | null;
  routes: Record<MethodFamily, ProviderId[]>;
  providers: ProviderCredentials;
  /** Provider base URLs given explicitly (live, or sandbox pointed at another server). */
  providerBaseUrlOverrides: Partial<Record<ProviderId, string>>;
  logLevel: string;
  /**
   * Payment deadlines: BAYAR_PAYMENT_TTL_SECONDS (`all`) and BAYAR_TTL (`byFamily`); unset parts follow the
   * per-family defaults, always within the provider's bounds (server/domain/deadlines.ts).
   */
  deadlines: DeadlinePolicy;
  /** BAYAR_LIMITS: amount limits per family or method id, over the providers' own (server/domain/limits.ts). */
  limits: LimitOverrides;
  /** Per-provider webhook source allowlists (`<ID>_WEBHOOK_IPS`); a provider without one accepts any source. */
  webhookAllowedIps: Partial<Record<ProviderId, string[]>>;
  /** Requests per minute per client IP on /api (webhooks exempt). */
  rateLimitPerMinute: number;
  /** Slow clients are dropped: whole headers within this, whole request within requestTimeoutMs. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** Smart routing: channel health thresholds, fees (BAYAR_FEES), on/off (BAYAR_SMART_ROUTING). */
  routing: RoutingOptions;
  /** The merchant console at /console (BAYAR_CONSOLE, default on) and its extra users (BAYAR_CONSOLE_USERS). */
  console: { enabled: boolean; users: ConsoleUser[] };
  /** Branding of hosted pages (payment links) and receipts. */
  shop: { name: string; logoUrl: string | null; color: string };
  /** Payments started through payment links, per minute: per link and per client address. */
  linkRateLimits: { perLink: number; perAddress: number };
  /** Days after a payment closes before its customer data is erased (BAYAR_PII_RETENTION_DAYS). */
  piiRetentionDays: number;
  /** BAYAR_AUTO_REFUND_DUPLICATES: refund a second payment of an already paid order where the provider can. */
  autoRefundDuplicates: boolean;
  /** Bearer token /metrics requires (BAYAR_METRICS_TOKEN); null: none. */
  metricsToken: string | null;
  /** BAYAR_METRICS_PORT: /metrics served only on this port of 127.0.0.1, not on the public listener. */
  metricsPort: number | null;
  /** Live-status streams one client address may hold (BAYAR_SSE_PER_CLIENT), and all clients together (BAYAR_SSE_MAX). */
  ssePerClient: number;
  sseMax: number;
  /** Express `trust proxy`: false, a hop count, or a list of addresses/CIDRs (BAYAR_TRUST_PROXY). */
  trustProxy: false | number | string[];
}

/** Documented sandbox hosts (providers.md §1.1, §2.1, §3.1, §4.1, §5.1), the live-mode defaults. */
export const PROVIDER_SANDBOX_URLS: Record<ProviderId, string> = {
  doku: 'https://api-sandbox.doku.com',
  indodana: 'https://sandbox01-api.indodana.com/chermes/merchant',
  komerce: 'https://api-sandbox.collaborator.komerce.id/user',
  xendit: 'https://api.xendit.co',
  midtrans: 'https://api.sandbox.midtrans.com',
};

/**
 * Credentials the built-in emulators accept. Public on purpose: they unlock nothing but the local emulators,
 * and they are never used in live mode.
 */
export const SANDBOX_CREDENTIALS = {
  merchantKey: 'sandbox-merchant-key-not-secret',
  doku: { clientId: 'MCH-0001-10791114622547', secretKey: 'SK-sandbox-doku-secret' },
  indodana: { apiKey: 'sandbox-indodana-key', apiSecret: 'sandbox-indodana-secret' },
  komerce: { apiKey: 'sandbox-komerce-key', callbackKey: 'sandbox-komerce-callback-key' },
  xendit: { secretKey: 'xnd_development_SANDBOXKEY', callbackToken: 'sandbox-xendit-callback-token' },
  midtrans: { serverKey: 'SB-Mid-server-SANDBOXKEY' },
} as const;

export const DEFAULT_SANDBOX_ROUTES: Record<MethodFamily, ProviderId[]> = {
  va: ['komerce', 'xendit', 'midtrans'],
  qris: ['xendit', 'komerce', 'midtrans'],
  ewallet: ['doku', 'xendit', 'midtrans'],
  cstore: ['midtrans', 'doku'],
  paylater: ['indodana'],
  // Cards go through a hosted 3-D Secure page: Midtrans Snap, then Doku Checkout (docs/providers-live.md#cards).
  card: ['midtrans', 'doku'],
};

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const url = (name: string) =>
  optionalString.refine((v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v), { message: `${name} must be an http(s) URL` });

const envSchema = z.object({
  BAYAR_MODE: z.enum(['sandbox', 'live']).default('sandbox'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  BAYAR_PUBLIC_URL: url('BAYAR_PUBLIC_URL'),
  BAYAR_DB: z.string().default('./data/bayar.db'),
  BAYAR_MERCHANT_KEY: optionalString.refine((v) => v === undefined || v.length >= 16, {
    message: 'BAYAR_MERCHANT_KEY must be at least 16 characters',
  }),
  BAYAR_NOTIFY_URL: url('BAYAR_NOTIFY_URL'),
  BAYAR_ALLOWED_ORIGINS: optionalString,
  BAYAR_ALLOW_UNSIGNED: z.enum(['0', '1', '']).optional(),
  BAYAR_CATALOG: optionalString,
  BAYAR_ROUTES: optionalString,
  BAYAR_PAYMENT_TTL_SECONDS: z.coerce.number().int().min(60).max(30 * 86400).optional(),
  BAYAR_TTL: optionalString,
  BAYAR_LIMITS: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BAYAR_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  BAYAR_PII_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(365),
  DOKU_WEBHOOK_IPS: optionalString,
  INDODANA_WEBHOOK_IPS: optionalString,
  KOMERCE_WEBHOOK_IPS: optionalString,
  XENDIT_WEBHOOK_IPS: optionalString,
  MIDTRANS_WEBHOOK_IPS: optionalString,
  DOKU_CLIENT_ID: optionalString,
  DOKU_SECRET_KEY: optionalString,
  DOKU_BASE_URL: url('DOKU_BASE_URL'),
  INDODANA_API_KEY: optionalString,
  INDODANA_API_SECRET: optionalString,
  INDODANA_BASE_URL: url('INDODANA_BASE_URL'),
  KOMERCE_API_KEY: optionalString,
  KOMERCE_CALLBACK_KEY: optionalString,
  KOMERCE_BASE_URL: url('KOMERCE_BASE_URL'),
  XENDIT_SECRET_KEY: optionalString,
  XENDIT_CALLBACK_TOKEN: optionalString,
  XENDIT_BASE_URL: url('XENDIT_BASE_URL'),
  MIDTRANS_SERVER_KEY: optionalString,
  MIDTRANS_BASE_URL: url('MIDTRANS_BASE_URL'),
  MIDTRANS_SNAP_BASE_URL: url('MIDTRANS_SNAP_BASE_URL'),
  BAYAR_FEES: optionalString,
  BAYAR_SMART_ROUTING: z.enum(['on', 'off']).default('on'),
  // Channel health thresholds (docs/integration.md "Routing"); defaults in domain/health.ts.
  BAYAR_HEALTH_CONSECUTIVE_FAILURES: z.coerce.number().int().min(1).max(1000).default(DEFAULT_HEALTH.consecutiveFailures),
  BAYAR_HEALTH_P95_MS: z.coerce.number().int().min(10).max(120_000).default(DEFAULT_HEALTH.p95Ms),
  BAYAR_HEALTH_LATENCY_MIN_CALLS: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_HEALTH.latencyMinCalls),
  BAYAR_HEALTH_ERROR_RATE_PERCENT: z.coerce.number().min(0.1).max(100).default(DEFAULT_HEALTH.errorRatePercent),
  BAYAR_HEALTH_ERROR_RATE_MIN_CALLS: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_HEALTH.errorRateMinCalls),
  BAYAR_HEALTH_WINDOW_SECONDS: z.coerce.number().int().min(10).max(86_400).default(DEFAULT_HEALTH.windowMs / 1000),
  BAYAR_HEALTH_PROBE_SECONDS: z.coerce.number().int().min(1).max(3_600).default(DEFAULT_HEALTH.probeAfterMs / 1000),
  BAYAR_CONSOLE: z.enum(['on', 'off', '1', '0', 'true', 'false', '']).optional(),
  BAYAR_CONSOLE_USERS: optionalString,
  BAYAR_SHOP_NAME: optionalString.refine((v) => v === undefined || v.length <= 80, { message: 'BAYAR_SHOP_NAME must be at most 80 characters' }),
  BAYAR_SHOP_LOGO_URL: url('BAYAR_SHOP_LOGO_URL'),
  BAYAR_SHOP_COLOR: optionalString.refine((v) => v === undefined || /^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(v), {
    message: 'BAYAR_SHOP_COLOR must be a hex colour such as #0f766e',
  }),
  BAYAR_LINK_PAYMENTS_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  BAYAR_LINK_PAYMENTS_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  BAYAR_AUTO_REFUND_DUPLICATES: z.enum(['true', 'false', '1', '0', '']).optional(),
  BAYAR_METRICS_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, { message: 'BAYAR_METRICS_TOKEN must be at least 16 characters' }),
  BAYAR_METRICS_PORT: optionalString.refine((v) => v === undefined || (/^\d{1,5}$/.test(v) && Number(v) >= 1 && Number(v) <= 65535), { message: 'BAYAR_METRICS_PORT must be a port number (1–65535)' }).transform((v) => (v === undefined ? undefined : Number(v))),
  BAYAR_SSE_PER_CLIENT: z.coerce.number().int().min(1).max(10_000).default(20),
  BAYAR_SSE_MAX: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  BAYAR_TRUST_PROXY: optionalString,
});

/**
 * Every variable the schema reads. `createBayar(options)` (server/bayar.ts) maps its camelCase options onto these
 * names and validates them through this same schema, so a variable added here is an option there too.
 */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape) as ReadonlyArray<keyof typeof envSchema.shape>;

/** Whether `value` is a form the schema accepts for `name` (createBayar picks `1`/`true`/… for booleans by this). */
export const acceptsValue = (name: string, value: string): boolean =>
  (envSchema.shape as Record<string, z.ZodType>)[name]?.safeParse(value).success ?? false;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** `va=komerce,xendit;qris=xendit` → routes, listing every unknown family or provider. */
export function parseRoutes(text: string, problems: string[]): Record<MethodFamily, ProviderId[]> {
  const routes = Object.fromEntries(METHOD_FAMILIES.map((f) => [f, [] as ProviderId[]])) as Record<MethodFamily, ProviderId[]>;
  for (const part of text.split(';').map((s) => s.trim()).filter(Boolean)) {
    const [family, list] = part.split('=').map((s) => s?.trim());
    if (!METHOD_FAMILIES.includes(family as MethodFamily)) {
      problems.push(`BAYAR_ROUTES: unknown method family "${family}" (expected one of ${METHOD_FAMILIES.join(', ')})`);
      continue;
    }
    for (const p of (list ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
      if (!PROVIDER_IDS.includes(p as ProviderId)) {
        problems.push(`BAYAR_ROUTES: unknown provider "${p}" for ${family} (expected one of ${PROVIDER_IDS.join(', ')})`);
      } else routes[family as MethodFamily].push(p as ProviderId);
    }
  }
  return routes;
}

/** BAYAR_CATALOG: a JSON file, or the JSON itself (starts with `{`; createBayar passes an object this way). */
function loadCatalog(path: string, problems: string[]): Record<string, CatalogEntry> | null {
  let raw: unknown;
  try {
    raw = JSON.parse(path.startsWith('{') ? path : readFileSync(path, 'utf8'));
  } catch (err) {
    problems.push(`BAYAR_CATALOG: cannot read JSON from ${path.startsWith('{') ? 'the inline value' : path}: ${(err as Error).message}`);
    return null;
  }
  const schema = z.record(
    z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
    z.object({ name: z.string().min(1).max(200), price: z.number().int().positive().max(1_000_000_000_000) }),
  );
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    for (const i of parsed.error.issues) problems.push(`BAYAR_CATALOG ${i.path.join('.')}: ${i.message}`);
    return null;
  }
  return parsed.data;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const live = e.BAYAR_MODE === 'live';

  const providers: ProviderCredentials = {};
  const overrides: Partial<Record<ProviderId, string>> = {};
  const pair = <T>(id: ProviderId, vars: Record<string, string | undefined>, build: () => T): T | undefined => {
    const set = Object.entries(vars).filter(([, v]) => v !== undefined);
    if (set.length === 0) return undefined;
    if (set.length !== Object.keys(vars).length) {
      const missing = Object.entries(vars).filter(([, v]) => v === undefined).map(([k]) => k);
      problems.push(`${id}: set ${missing.join(' and ')} too (a provider needs all its credentials)`);
      return undefined;
    }
    return build();
  };
  const base = (id: ProviderId, v: string | undefined) => {
    if (v) overrides[id] = v.replace(/\/+$/, '');
    return overrides[id] ?? PROVIDER_SANDBOX_URLS[id];
  };
  const S = SANDBOX_CREDENTIALS;
  const dokuVars = { DOKU_CLIENT_ID: e.DOKU_CLIENT_ID, DOKU_SECRET_KEY: e.DOKU_SECRET_KEY };
  const indVars = { INDODANA_API_KEY: e.INDODANA_API_KEY, INDODANA_API_SECRET: e.INDODANA_API_SECRET };
  const komVars = { KOMERCE_API_KEY: e.KOMERCE_API_KEY, KOMERCE_CALLBACK_KEY: e.KOMERCE_CALLBACK_KEY };
  const xenVars = { XENDIT_SECRET_KEY: e.XENDIT_SECRET_KEY, XENDIT_CALLBACK_TOKEN: e.XENDIT_CALLBACK_TOKEN };
  const midVars = { MIDTRANS_SERVER_KEY: e.MIDTRANS_SERVER_KEY };
  providers.doku = pair('doku', dokuVars, () => ({ clientId: e.DOKU_CLIENT_ID!, secretKey: e.DOKU_SECRET_KEY!, baseUrl: base('doku', e.DOKU_BASE_URL) }));
  providers.indodana = pair('indodana', indVars, () => ({ apiKey: e.INDODANA_API_KEY!, apiSecret: e.INDODANA_API_SECRET!, baseUrl: base('indodana', e.INDODANA_BASE_URL) }));
  providers.komerce = pair('komerce', komVars, () => ({ apiKey: e.KOMERCE_API_KEY!, callbackKey: e.KOMERCE_CALLBACK_KEY!, baseUrl: base('komerce', e.KOMERCE_BASE_URL) }));
  providers.xendit = pair('xendit', xenVars, () => ({ secretKey: e.XENDIT_SECRET_KEY!, callbackToken: e.XENDIT_CALLBACK_TOKEN!, baseUrl: base('xendit', e.XENDIT_BASE_URL) }));
  providers.midtrans = pair('midtrans', midVars, () => ({
    serverKey: e.MIDTRANS_SERVER_KEY!,
    baseUrl: base('midtrans', e.MIDTRANS_BASE_URL),
    ...(e.MIDTRANS_SNAP_BASE_URL ? { snapBaseUrl: e.MIDTRANS_SNAP_BASE_URL } : {}),
  }));

  if (!live) {
    // Sandbox: every provider not configured explicitly runs against its built-in emulator. The base URL is
    // filled in by the app once it knows its own address (empty string = "the built-in emulator").
    providers.doku ??= { ...S.doku, baseUrl: e.DOKU_BASE_URL ? base('doku', e.DOKU_BASE_URL) : '' };
    providers.indodana ??= { ...S.indodana, baseUrl: e.INDODANA_BASE_URL ? base('indodana', e.INDODANA_BASE_URL) : '' };
    providers.komerce ??= { ...S.komerce, baseUrl: e.KOMERCE_BASE_URL ? base('komerce', e.KOMERCE_BASE_URL) : '' };
    providers.xendit ??= { ...S.xendit, baseUrl: e.XENDIT_BASE_URL ? base('xendit', e.XENDIT_BASE_URL) : '' };
    providers.midtrans ??= { ...S.midtrans, baseUrl: e.MIDTRANS_BASE_URL ? base('midtrans', e.MIDTRANS_BASE_URL) : '' };
  }

  if (live && !e.BAYAR_MERCHANT_KEY) problems.push('BAYAR_MERCHANT_KEY is required in live mode (sessions and merchant API are signed with it)');
  if (live && e.BAYAR_SHOP_LOGO_URL?.startsWith('http:')) problems.push('BAYAR_SHOP_LOGO_URL must be https in live mode (the hosted page is https and would not load it)');
  const enabled = PROVIDER_IDS.filter((p) => providers[p]);
  if (live && enabled.length === 0) {
    problems.push(
      'live mode needs at least one provider: set DOKU_CLIENT_ID+DOKU_SECRET_KEY, INDODANA_API_KEY+INDODANA_API_SECRET, ' +
        'KOMERCE_API_KEY+KOMERCE_CALLBACK_KEY, XENDIT_SECRET_KEY+XENDIT_CALLBACK_TOKEN or MIDTRANS_SERVER_KEY',
    );
  }

  let routes = DEFAULT_SANDBOX_ROUTES;
  if (e.BAYAR_ROUTES) routes = parseRoutes(e.BAYAR_ROUTES, problems);
  for (const family of METHOD_FAMILIES) {
    for (const p of routes[family]) {
      if (e.BAYAR_ROUTES && !providers[p]) problems.push(`BAYAR_ROUTES routes ${family} to ${p}, which has no credentials`);
    }
  }
  // Without explicit routes, only enabled providers stay in the default order.
  if (!e.BAYAR_ROUTES) {
    routes = Object.fromEntries(METHOD_FAMILIES.map((f) => [f, DEFAULT_SANDBOX_ROUTES[f].filter((p) => providers[p])])) as typeof routes;
  }

  const catalog = e.BAYAR_CATALOG ? loadCatalog(e.BAYAR_CATALOG, problems) : null;
  const fees = e.BAYAR_FEES ? parseFees(e.BAYAR_FEES, problems) : null;
  const webhookAllowedIps: Partial<Record<ProviderId, string[]>> = {};
  for (const id of PROVIDER_IDS) {
    const raw = e[`${id.toUpperCase()}_WEBHOOK_IPS` as 'DOKU_WEBHOOK_IPS'];
    if (!raw) continue;
    const ips = raw.split(',').map((x) => x.trim()).filter(Boolean);
    const bad = ips.filter((ip) => isIP(ip) === 0);
    if (bad.length) problems.push(`${id.toUpperCase()}_WEBHOOK_IPS: not IP addresses: ${bad.join(', ')}`);
    else webhookAllowedIps[id] = ips;
  }
  const consoleUsers = e.BAYAR_CONSOLE_USERS ? parseConsoleUsers(e.BAYAR_CONSOLE_USERS, problems) : [];
  const ttlByFamily = e.BAYAR_TTL ? parseTtl(e.BAYAR_TTL, problems) : {};
  const limits = e.BAYAR_LIMITS ? parseLimits(e.BAYAR_LIMITS, problems) : {};
  if (live && !(e.BAYAR_PUBLIC_URL ?? '').startsWith('https://')) {
    problems.push('BAYAR_PUBLIC_URL must be set to the https:// URL providers and customers reach this companion at (live mode); webhook URLs are built from it');
  }
  if (live && !e.BAYAR_METRICS_TOKEN && !e.BAYAR_METRICS_PORT) {
    problems.push('live mode needs BAYAR_METRICS_TOKEN (a bearer token for /metrics) or BAYAR_METRICS_PORT (a separate port on 127.0.0.1): /metrics tells the shop\'s volume');
  }
  const trustProxy = parseTrustProxy(e.BAYAR_TRUST_PROXY, problems);
  if (problems.length) throw new ConfigError(problems);

  return {
    mode: e.BAYAR_MODE,
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.BAYAR_PUBLIC_URL?.replace(/\/+$/, '') ?? null,
    dbPath: e.BAYAR_DB,
    merchantKey: e.BAYAR_MERCHANT_KEY ?? S.merchantKey,
    notifyUrl: e.BAYAR_NOTIFY_URL ?? null,
    allowedOrigins: (e.BAYAR_ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    allowUnsigned: e.BAYAR_ALLOW_UNSIGNED ? e.BAYAR_ALLOW_UNSIGNED === '1' : !live,
    catalog,
    routes,
    providers,
    providerBaseUrlOverrides: overrides,
    logLevel: e.LOG_LEVEL,
    deadlines: { all: e.BAYAR_PAYMENT_TTL_SECONDS, byFamily: ttlByFamily },
    limits,
    webhookAllowedIps,
    rateLimitPerMinute: e.BAYAR_RATE_LIMIT_PER_MINUTE,
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    routing: {
      smart: e.BAYAR_SMART_ROUTING === 'on',
      fees,
      health: {
        consecutiveFailures: e.BAYAR_HEALTH_CONSECUTIVE_FAILURES,
        p95Ms: e.BAYAR_HEALTH_P95_MS,
        latencyMinCalls: e.BAYAR_HEALTH_LATENCY_MIN_CALLS,
        errorRatePercent: e.BAYAR_HEALTH_ERROR_RATE_PERCENT,
        errorRateMinCalls: e.BAYAR_HEALTH_ERROR_RATE_MIN_CALLS,
        windowMs: e.BAYAR_HEALTH_WINDOW_SECONDS * 1000,
        probeAfterMs: e.BAYAR_HEALTH_PROBE_SECONDS * 1000,
      },
    },
    console: { enabled: !['off', '0', 'false'].includes(e.BAYAR_CONSOLE ?? 'on'), users: consoleUsers },
    shop: { name: e.BAYAR_SHOP_NAME ?? 'Bayar', logoUrl: e.BAYAR_SHOP_LOGO_URL ?? null, color: e.BAYAR_SHOP_COLOR ?? '#0f766e' },
    linkRateLimits: { perLink: e.BAYAR_LINK_PAYMENTS_PER_MINUTE, perAddress: e.BAYAR_LINK_PAYMENTS_PER_ADDRESS_PER_MINUTE },
    piiRetentionDays: e.BAYAR_PII_RETENTION_DAYS,
    autoRefundDuplicates: e.BAYAR_AUTO_REFUND_DUPLICATES === 'true' || e.BAYAR_AUTO_REFUND_DUPLICATES === '1',
    metricsToken: e.BAYAR_METRICS_TOKEN ?? null,
    metricsPort: e.BAYAR_METRICS_PORT ?? null,
    ssePerClient: e.BAYAR_SSE_PER_CLIENT,
    sseMax: e.BAYAR_SSE_MAX,
    trustProxy,
  };
}

/**
 * BAYAR_TRUST_PROXY, with Express's `trust proxy` meaning: a hop count (`1`: one load balancer in front), or a
 * comma-separated list of addresses and CIDRs of the proxies (`10.0.0.0/8,192.168.1.7`). Unset: no proxy is
 * trusted, and X-Forwarded-For is ignored (anyone can send it).
 */
export function parseTrustProxy(raw: string | undefined, problems: string[]): false | number | string[] {
  if (raw === undefined || raw === '0' || raw === 'false') return false;
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  const list = raw.split(',').map((x) => x.trim()).filter(Boolean);
  const bad = list.filter((x) => {
    const [addr, bits, extra] = x.split('/');
    if (extra !== undefined || !addr || isIP(addr) === 0) return true;
    if (bits === undefined) return false;
    const max = isIP(addr) === 4 ? 32 : 128;
    return !/^\d{1,3}$/.test(bits) || Number(bits) > max;
  });
  if (bad.length || list.length === 0) {
    problems.push(`BAYAR_TRUST_PROXY: expected a hop count (e.g. 1) or addresses/CIDRs of your proxies (e.g. 10.0.0.0/8); not valid: ${bad.join(', ') || raw}`);
    return false;
  }
  return list;
}

/** A sandbox config for tests: in-memory-free defaults, overridable. */
export function sandboxConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({ BAYAR_MODE: 'sandbox', LOG_LEVEL: 'silent' }), ...overrides };
}
