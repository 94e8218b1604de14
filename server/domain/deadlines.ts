/**
 * How long a payment stays open, by method family and provider. The operator may set one value for everything
 * (`BAYAR_PAYMENT_TTL_SECONDS`) or per family (`BAYAR_TTL=va=86400;qris=900;…`, which wins); otherwise the defaults
 * below apply. Whatever is asked, the provider's own bounds win (each adapter declares them per family in its
 * capabilities): a deadline is never promised beyond what the provider allows, nor below its minimum.
 */
import { METHOD_FAMILIES, type MethodFamily } from '../api-types.js';
import type { DeadlineBounds } from '../providers/capabilities.js';

/** Defaults by family (seconds): the providers' own defaults (providers.md §5.4: bank transfer 24 h, GoPay and QRIS 15 min). */
export const DEFAULT_TTL: Record<MethodFamily, number> = {
  va: 86_400,
  qris: 900,
  ewallet: 900,
  // Convenience stores: the customer has to get to a store.
  cstore: 86_400,
  // PayLater: the lender's approval can take a while (KYC); Indodana sets no documented window.
  paylater: 86_400,
  // Cards: the customer is on the provider's card form and 3-D Secure page right now; an hour covers a slow OTP.
  card: 3_600,
};

export interface DeadlinePolicy {
  /** BAYAR_PAYMENT_TTL_SECONDS when set. */
  all?: number;
  /** BAYAR_TTL. */
  byFamily?: Partial<Record<MethodFamily, number>>;
}

/** Seconds a new payment of this family stays open at a provider with these bounds. */
export function ttlFor(policy: DeadlinePolicy, family: MethodFamily, bounds: DeadlineBounds = {}): number {
  const wanted = policy.byFamily?.[family] ?? policy.all ?? DEFAULT_TTL[family];
  const b = bounds;
  if (b.fixed) return b.fixed;
  return Math.min(Math.max(wanted, b.min ?? 0), b.max ?? Infinity);
}

/** `BAYAR_TTL` text (`va=86400;qris=900`) → seconds per family, listing every malformed part in `problems`. */
export function parseTtl(text: string, problems: string[]): Partial<Record<MethodFamily, number>> {
  const out: Partial<Record<MethodFamily, number>> = {};
  for (const part of text.split(';').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z]+)=(\d{1,8})$/.exec(part);
    const seconds = m ? Number(m[2]) : NaN;
    if (!m || !METHOD_FAMILIES.includes(m[1] as MethodFamily)) {
      problems.push(`BAYAR_TTL: "${part}" is not <family>=<seconds> with a family among ${METHOD_FAMILIES.join(', ')}`);
    } else if (seconds < 60 || seconds > 30 * 86_400) {
      problems.push(`BAYAR_TTL: ${m[1]}=${seconds} is outside 60 seconds to 30 days`);
    } else out[m[1] as MethodFamily] = seconds;
  }
  return out;
}
