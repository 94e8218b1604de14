/**
 * Amount limits as data. Each provider declares per method the amounts it takes (`ProviderMethod.minAmount` /
 * `maxAmount`, from providers.md where documented); QRIS is capped at Rp 10,000,000 per transaction (the national
 * QRIS cap, also Komerce's documented QRIS maximum, providers.md §3.2); an operator may override any of it with
 * `BAYAR_LIMITS` (e.g. `qris=10000-5000000;va:bca=20000-`), per family or per method id. One place decides what an
 * amount can use, so the method list and the create call can never disagree.
 */
import { METHOD_FAMILIES, type MethodFamily } from '../api-types.js';
import type { ProviderMethod } from '../providers/types.js';

/** Rupiah per QRIS transaction (Bank Indonesia's cap; Komerce's `/methods` sample: QRIS max 10000000). */
export const QRIS_CAP = 10_000_000;

export interface Limits {
  minAmount: number;
  maxAmount: number;
}

/** Per family (`qris`) or per method id (`va:bca`); either bound may be left open (`va=20000-`). */
export type LimitOverrides = Record<string, Partial<Limits>>;

/** `BAYAR_LIMITS` text → overrides, listing every malformed part in `problems`. */
export function parseLimits(text: string, problems: string[]): LimitOverrides {
  const out: LimitOverrides = {};
  for (const part of text.split(';').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z]+)(?::([a-z0-9_]+))?=(\d{0,12})-(\d{0,12})$/.exec(part);
    if (!m || !METHOD_FAMILIES.includes(m[1] as MethodFamily) || (!m[3] && !m[4])) {
      problems.push(`BAYAR_LIMITS: "${part}" is not <family or family:channel>=<min>-<max> in whole rupiah (e.g. qris=10000-5000000, va:bca=20000-)`);
      continue;
    }
    const limits: Partial<Limits> = {};
    if (m[3]) limits.minAmount = Number(m[3]);
    if (m[4]) limits.maxAmount = Number(m[4]);
    if (limits.minAmount !== undefined && limits.maxAmount !== undefined && limits.minAmount > limits.maxAmount) {
      problems.push(`BAYAR_LIMITS: "${part}" has a minimum above its maximum`);
      continue;
    }
    out[m[2] ? `${m[1]}:${m[2]}` : m[1]!] = limits;
  }
  return out;
}

/** The limits that apply to one provider's method: its own, the QRIS cap, then the operator's override. */
export function effectiveLimits(m: ProviderMethod, overrides: LimitOverrides = {}): Limits {
  const base = { minAmount: m.minAmount, maxAmount: m.family === 'qris' ? Math.min(m.maxAmount, QRIS_CAP) : m.maxAmount };
  const o = { ...overrides[m.family], ...overrides[`${m.family}:${m.channel}`] };
  return { minAmount: o.minAmount ?? base.minAmount, maxAmount: o.maxAmount ?? base.maxAmount };
}

export const withinLimits = (l: Limits, amount: number): boolean => amount >= l.minAmount && amount <= l.maxAmount;

/** Why an amount cannot use a method whose providers together take `l`. */
export const limitReason = (l: Limits, amount: number): 'below_minimum' | 'above_maximum' =>
  amount < l.minAmount ? 'below_minimum' : 'above_maximum';

/** Rp 10.000 (the way Indonesian shoppers and shop owners write rupiah), for messages. */
export const rupiah = (n: number): string => `Rp ${n.toLocaleString('id-ID')}`;
