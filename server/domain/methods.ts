/**
 * Routing: which provider serves which method. BAYAR_ROUTES lists providers per family in failover order; a
 * method (family + channel) is offered when some enabled provider in its family's route serves the channel for
 * the amount. The first such provider is the primary; the others are failover candidates.
 */
import { METHOD_FAMILIES, type MethodFamily, type PaymentMethod, type ProviderId } from '../api-types.js';
import { AppError, badRequest } from '../errors.js';
import type { PaymentProvider } from '../providers/types.js';
import { effectiveLimits, limitReason, rupiah, withinLimits, type LimitOverrides, type Limits } from './limits.js';

export interface Router {
  routes: Record<MethodFamily, ProviderId[]>;
  get(id: ProviderId): PaymentProvider | undefined;
  /** BAYAR_LIMITS (server/domain/limits.ts). */
  limits?: LimitOverrides;
}

export function parseMethodId(id: string): { family: MethodFamily; channel: string } | null {
  const m = /^([a-z]+):([a-z0-9_]+)$/.exec(id);
  if (!m || !METHOD_FAMILIES.includes(m[1] as MethodFamily)) return null;
  return { family: m[1] as MethodFamily, channel: m[2]! };
}

/** Every provider in the family's route that serves the channel, in route order, with its limits. */
function servers(r: Router, family: MethodFamily, channel: string) {
  const out: Array<{ provider: PaymentProvider; label: string; limits: Limits }> = [];
  for (const pid of r.routes[family]) {
    const p = r.get(pid);
    const m = p?.methods().find((x) => x.family === family && x.channel === channel);
    if (p && m) out.push({ provider: p, label: m.label, limits: effectiveLimits(m, r.limits) });
  }
  return out;
}

/** The amounts a method takes through any of its providers (a failover provider may take what the first cannot). */
const span = (list: Array<{ limits: Limits }>): Limits => ({
  minAmount: Math.min(...list.map((s) => s.limits.minAmount)),
  maxAmount: Math.max(...list.map((s) => s.limits.maxAmount)),
});

/**
 * Every routed method in family then route order, filtered by `allowed`. For an amount, a method no provider can
 * take is listed with `available: false` and the reason, so the picker can show it greyed with its limits (or hide
 * it); its provider is then the first in its route.
 */
export function listMethods(r: Router, amount: number | null, allowed?: string[]): PaymentMethod[] {
  const out: PaymentMethod[] = [];
  const seen = new Set<string>();
  for (const family of METHOD_FAMILIES) {
    for (const pid of r.routes[family]) {
      for (const m of r.get(pid)?.methods() ?? []) {
        const id = `${m.family}:${m.channel}`;
        if (m.family !== family || seen.has(id)) continue;
        seen.add(id);
        const all = servers(r, family, m.channel);
        const usable = amount === null ? all : all.filter((s) => withinLimits(s.limits, amount));
        const primary = usable[0] ?? all[0]!;
        const limits = usable.length ? span(usable) : span(all);
        const method: PaymentMethod = { id, family, channel: m.channel, label: primary.label, provider: primary.provider.id, ...limits, available: usable.length > 0 };
        if (!usable.length && amount !== null) method.unavailableReason = limitReason(limits, amount);
        out.push(method);
      }
    }
  }
  return allowed?.length ? out.filter((m) => allowed.includes(m.family) || allowed.includes(m.id)) : out;
}

/** Providers that can serve this method for this amount, in failover order. */
export function candidatesFor(r: Router, methodId: string, amount: number, allowed?: string[]): PaymentProvider[] {
  const parsed = parseMethodId(methodId);
  if (!parsed) throw badRequest('invalid_method', `"${methodId}" is not a method id; use one from GET /api/methods, e.g. "va:bca".`);
  if (allowed?.length && !allowed.includes(parsed.family) && !allowed.includes(methodId)) {
    throw badRequest('method_not_allowed', `This checkout session does not allow ${methodId}.`);
  }
  const all = servers(r, parsed.family, parsed.channel);
  if (all.length === 0) {
    throw badRequest('method_unavailable', `${methodId} is not offered by this server; pick one from GET /api/methods.`);
  }
  const list = all.filter((s) => withinLimits(s.limits, amount));
  if (list.length === 0) {
    const l = span(all);
    const reason = limitReason(l, amount);
    const label = all[0]!.label;
    throw new AppError(
      422,
      reason === 'below_minimum' ? 'amount_below_minimum' : 'amount_above_maximum',
      `${label} (${methodId}) takes ${rupiah(l.minAmount)} to ${rupiah(l.maxAmount)}; this order is ${rupiah(amount)}. Pick another method from GET /api/methods.`,
      { method: methodId, amount, minAmount: l.minAmount, maxAmount: l.maxAmount },
    );
  }
  return list.map((s) => s.provider);
}
