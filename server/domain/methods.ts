/**
 * Routing: which provider serves which method. BAYAR_ROUTES lists providers per family in failover order; a
 * method (family + channel) is offered when some enabled provider in its family's route serves the channel for
 * the amount. The first such provider is the primary; the others are failover candidates.
 */
import { METHOD_FAMILIES, type MethodFamily, type PaymentMethod, type ProviderId } from '../api-types.js';
import { badRequest } from '../errors.js';
import type { PaymentProvider, ProviderMethod } from '../providers/types.js';

export interface Router {
  routes: Record<MethodFamily, ProviderId[]>;
  get(id: ProviderId): PaymentProvider | undefined;
}

export function parseMethodId(id: string): { family: MethodFamily; channel: string } | null {
  const m = /^([a-z]+):([a-z0-9_]+)$/.exec(id);
  if (!m || !METHOD_FAMILIES.includes(m[1] as MethodFamily)) return null;
  return { family: m[1] as MethodFamily, channel: m[2]! };
}

const serves = (m: ProviderMethod, family: MethodFamily, channel: string, amount: number | null) =>
  m.family === family && m.channel === channel && (amount === null || (amount >= m.minAmount && amount <= m.maxAmount));

/** Methods usable for the amount (all when amount is null), in family then route order, filtered by `allowed`. */
export function listMethods(r: Router, amount: number | null, allowed?: string[]): PaymentMethod[] {
  const out: PaymentMethod[] = [];
  const seen = new Set<string>();
  for (const family of METHOD_FAMILIES) {
    for (const pid of r.routes[family]) {
      const p = r.get(pid);
      if (!p) continue;
      for (const m of p.methods()) {
        const id = `${m.family}:${m.channel}`;
        if (seen.has(id) || !serves(m, family, m.channel, amount)) continue;
        seen.add(id);
        out.push({ id, family, channel: m.channel, label: m.label, provider: pid, minAmount: m.minAmount, maxAmount: m.maxAmount });
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
  const list = r.routes[parsed.family]
    .map((pid) => r.get(pid))
    .filter((p): p is PaymentProvider => !!p && p.methods().some((m) => serves(m, parsed.family, parsed.channel, amount)));
  if (list.length === 0) {
    throw badRequest('method_unavailable', `${methodId} is not available for Rp${amount}; pick one from GET /api/methods for this amount.`);
  }
  return list;
}
