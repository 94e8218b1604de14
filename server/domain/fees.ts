/**
 * Provider fees as data (BAYAR_FEES), for cost-aware routing and the expected fee kept on each payment.
 *
 * Text form: `xendit:va=4000,qris=0.7%,ewallet=1.5%,min=1000;midtrans:va=4000`: a provider, then `family=fee`
 * pairs. A fee is flat rupiah (`4000`), a percentage of the amount (`0.7%`, up to four decimals) or both
 * (`2000+0.5%`). `min=N` right after a family sets that family's minimum fee in rupiah. The JSON file form holds
 * the same: `{ "xendit": { "va": 4000, "qris": "0.7%", "ewallet": { "fee": "1.5%", "min": 1000 } } }`.
 *
 * Money stays integer: a percentage is kept in parts per million and applied with BigInt; the result is rounded
 * UP to whole rupiah, so an estimate never promises the shop less cost than the provider will charge.
 */
import { readFileSync } from 'node:fs';
import { METHOD_FAMILIES, PROVIDER_IDS, type MethodFamily, type ProviderId } from '../api-types.js';

export interface Fee {
  /** Integer IDR per payment. */
  flat: number;
  /** Percentage of the amount in parts per million (0.7 % = 7 000). */
  ppm: number;
  /** Integer IDR: the fee is never below this. */
  min: number;
}

export type FeeTable = Partial<Record<ProviderId, Partial<Record<MethodFamily, Fee>>>>;

const MAX_FLAT = 100_000_000;

/** `4000`, `0.7%`, `2000+0.5%` → Fee (min 0), or a message saying what is wrong. */
export function parseFee(text: string): Fee | string {
  const m = /^(?:(\d{1,9})(?:\+(\d{1,3}(?:\.\d{1,4})?)%)?|(\d{1,3}(?:\.\d{1,4})?)%)$/.exec(text.trim());
  if (!m) return `"${text}" is not a fee: write flat rupiah (4000), a percentage (0.7%) or both (2000+0.5%)`;
  const flat = m[1] !== undefined ? Number(m[1]) : 0;
  const pct = m[2] ?? m[3];
  const ppm = pct === undefined ? 0 : percentToPpm(pct);
  if (flat > MAX_FLAT) return `"${text}": a flat fee above Rp${MAX_FLAT} is surely a typo`;
  if (ppm > 1_000_000) return `"${text}": a percentage above 100% is not a fee`;
  return { flat, ppm, min: 0 };
}

/** "0.7" → 7000 ppm without floating point. */
function percentToPpm(pct: string): number {
  const [whole, frac = ''] = pct.split('.');
  return Number(whole) * 10_000 + Number(frac.padEnd(4, '0'));
}

/** The fee for an amount: flat + ⌈amount × percentage⌉, at least `min`. Integer IDR. */
export function feeFor(fee: Fee, amount: number): number {
  const pct = fee.ppm === 0 ? 0 : Number((BigInt(amount) * BigInt(fee.ppm) + 999_999n) / 1_000_000n);
  return Math.max(fee.min, fee.flat + pct);
}

/** The expected fee of a provider for a family and amount, or null when BAYAR_FEES says nothing about it. */
export function expectedFee(table: FeeTable | null, provider: ProviderId, family: MethodFamily, amount: number): number | null {
  const fee = table?.[provider]?.[family];
  return fee ? feeFor(fee, amount) : null;
}

/** A fee in the form BAYAR_FEES takes, for explanations and docs: `2000+0.5% (min 1000)`. */
export function describeFee(fee: Fee): string {
  const pct = fee.ppm ? `${(fee.ppm / 10_000).toString()}%` : '';
  const base = fee.flat && pct ? `${fee.flat}+${pct}` : pct || String(fee.flat);
  return fee.min ? `${base} (min ${fee.min})` : base;
}

const isProvider = (p: string): p is ProviderId => (PROVIDER_IDS as readonly string[]).includes(p);
const isFamily = (f: string): f is MethodFamily => (METHOD_FAMILIES as readonly string[]).includes(f);

/**
 * BAYAR_FEES → table. `value` is the text form, or a path to a JSON file (anything ending in `.json`, or
 * starting with `/`, `./` or `../`). Every problem is pushed to `problems`, prefixed with the variable's name.
 */
export function parseFees(value: string, problems: string[]): FeeTable {
  const before = problems.length;
  const table = /^(\.{0,2}\/|[A-Za-z]:\\)|\.json$/i.test(value.trim()) ? parseFeeFile(value.trim(), problems) : parseFeeText(value, problems);
  return problems.length > before ? {} : table;
}

function parseFeeText(text: string, problems: string[]): FeeTable {
  const table: FeeTable = {};
  const bad = (msg: string) => problems.push(`BAYAR_FEES: ${msg}`);
  for (const part of text.split(';').map((s) => s.trim()).filter(Boolean)) {
    const colon = part.indexOf(':');
    if (colon < 0) {
      bad(`"${part}" needs a provider first, e.g. "xendit:va=4000,qris=0.7%"`);
      continue;
    }
    const provider = part.slice(0, colon).trim();
    if (!isProvider(provider)) {
      bad(`unknown provider "${provider}" (expected one of ${PROVIDER_IDS.join(', ')})`);
      continue;
    }
    if (table[provider]) bad(`${provider} is listed twice`);
    const fees: Partial<Record<MethodFamily, Fee>> = (table[provider] ??= {});
    let last: MethodFamily | null = null;
    for (const pair of part.slice(colon + 1).split(',').map((s) => s.trim()).filter(Boolean)) {
      const eq = pair.indexOf('=');
      const key = (eq < 0 ? pair : pair.slice(0, eq)).trim();
      const val = eq < 0 ? '' : pair.slice(eq + 1).trim();
      if (eq < 0 || val === '') {
        bad(`${provider}: "${pair}" must be family=fee`);
        continue;
      }
      if (key === 'min') {
        if (!last) bad(`${provider}: "min=${val}" must follow the family it applies to, e.g. "qris=0.7%,min=500"`);
        else if (!/^\d{1,9}$/.test(val)) bad(`${provider}: min for ${last} must be whole rupiah, not "${val}"`);
        else fees[last]!.min = Number(val);
        last = null;
        continue;
      }
      if (!isFamily(key)) {
        bad(`${provider}: unknown method family "${key}" (expected one of ${METHOD_FAMILIES.join(', ')}, or min)`);
        last = null;
        continue;
      }
      if (fees[key]) bad(`${provider}: ${key} is listed twice`);
      const fee = parseFee(val);
      if (typeof fee === 'string') {
        bad(`${provider} ${key}: ${fee}`);
        last = null;
        continue;
      }
      fees[key] = fee;
      last = key;
    }
  }
  return table;
}

function parseFeeFile(path: string, problems: string[]): FeeTable {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    problems.push(`BAYAR_FEES: cannot read JSON from ${path}: ${(err as Error).message}`);
    return {};
  }
  const bad = (msg: string) => problems.push(`BAYAR_FEES (${path}): ${msg}`);
  const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!obj(raw)) {
    bad('must be an object of providers, e.g. { "xendit": { "va": 4000, "qris": "0.7%" } }');
    return {};
  }
  const table: FeeTable = {};
  for (const [provider, families] of Object.entries(raw)) {
    if (!isProvider(provider)) {
      bad(`unknown provider "${provider}" (expected one of ${PROVIDER_IDS.join(', ')})`);
      continue;
    }
    if (!obj(families)) {
      bad(`${provider} must be an object of family → fee`);
      continue;
    }
    const fees: Partial<Record<MethodFamily, Fee>> = (table[provider] = {});
    for (const [family, v] of Object.entries(families)) {
      if (!isFamily(family)) {
        bad(`${provider}: unknown method family "${family}" (expected one of ${METHOD_FAMILIES.join(', ')})`);
        continue;
      }
      const spec = obj(v) ? v.fee : v;
      const min = obj(v) ? v.min : undefined;
      if (obj(v) && Object.keys(v).some((k) => k !== 'fee' && k !== 'min')) bad(`${provider} ${family}: only "fee" and "min" are allowed`);
      const fee = typeof spec === 'number' && Number.isInteger(spec) && spec >= 0 ? parseFee(String(spec)) : typeof spec === 'string' ? parseFee(spec) : `${JSON.stringify(spec)} is not a fee`;
      if (typeof fee === 'string') {
        bad(`${provider} ${family}: ${fee}`);
        continue;
      }
      if (min !== undefined && !(typeof min === 'number' && Number.isInteger(min) && min >= 0 && min <= MAX_FLAT)) {
        bad(`${provider} ${family}: min must be whole rupiah, not ${JSON.stringify(min)}`);
        continue;
      }
      fees[family] = { ...fee, min: (min as number | undefined) ?? 0 };
    }
  }
  return table;
}
