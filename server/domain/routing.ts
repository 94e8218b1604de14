/**
 * Smart routing: which of the providers that serve a method (BAYAR_ROUTES, filtered by what each serves for the
 * amount) is tried first, and why. Healthy channels come before degraded ones (channel health, health.ts); among
 * each group the cheapest expected fee for the amount comes first when BAYAR_FEES is set (fees.ts), ties in
 * BAYAR_ROUTES order. Degraded candidates are kept at the end: a degraded provider beats no payment.
 *
 * Every decision is written down (RoutingExplanation) and counted in `bayar_route_decisions_total`; channel
 * health is exported as `bayar_channel_degraded`.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { MethodFamily, ProviderId, RouteCandidate, RoutingExplanation } from '../api-types.js';
import type { Clock } from '../lib/clock.js';
import { expectedFee, type FeeTable } from './fees.js';
import { HealthBoard, type ChannelView, type HealthThresholds, type HealthTransition } from './health.js';

export interface RoutingOptions {
  /** Off: BAYAR_ROUTES order only, no health (what Bayar did before; kept for comparison and as an escape hatch). */
  smart: boolean;
  fees: FeeTable | null;
  health: HealthThresholds;
}

export interface RoutingDeps extends RoutingOptions {
  clock: Clock;
  /** Where the two routing metrics are registered. */
  registry?: Registry;
  /** Every provider × channel that routing can use, for the degraded gauge (zeros included, so alerts see them). */
  channels?: () => Array<{ provider: ProviderId; family: MethodFamily; channel: string }>;
  /** Told about each local health change (to share it with other instances). */
  onTransition?: (t: HealthTransition) => void;
}

export interface RoutePlan {
  /** Providers in the order to try them. */
  order: ProviderId[];
  explanation: RoutingExplanation;
  /** The probe slot this plan took (given back with release() when the plan is not used). */
  probe: ProviderId | null;
}

const HEALTHY: ChannelView = { state: 'healthy', signals: { calls: 0, failures: 0, consecutiveFailures: 0, errorRate: null, p50Ms: null, p95Ms: null, p99Ms: null } };

export class Routing {
  readonly board: HealthBoard | null;
  private readonly decisions: Counter<'family' | 'provider' | 'reason'> | null = null;

  constructor(private readonly d: RoutingDeps) {
    this.board = d.smart ? new HealthBoard(d.health, d.clock, d.onTransition) : null;
    if (d.registry) {
      this.decisions = new Counter({
        name: 'bayar_route_decisions_total',
        help: 'Payments routed, by method family, the provider that issued the code (none: every candidate failed) and the reason for the pick',
        labelNames: ['family', 'provider', 'reason'] as const,
        registers: [d.registry],
      });
      const board = this.board;
      const channels = d.channels ?? (() => []);
      new Gauge({
        name: 'bayar_channel_degraded',
        help: 'Whether a provider × channel is degraded (1) and skipped while a healthy alternative exists',
        labelNames: ['provider', 'family', 'channel'] as const,
        registers: [d.registry],
        collect() {
          this.reset();
          for (const c of channels()) this.set({ provider: c.provider, family: c.family, channel: c.channel }, board?.isDegraded(c.provider, `${c.family}:${c.channel}`) ? 1 : 0);
        },
      });
    }
  }

  fee(provider: ProviderId, family: MethodFamily, amount: number): number | null {
    return expectedFee(this.d.fees, provider, family, amount);
  }

  /** Orders `providers` (BAYAR_ROUTES order, each able to serve the method and amount) and says why. */
  plan(family: MethodFamily, channel: string, amount: number, providers: ProviderId[]): RoutePlan {
    const method = `${family}:${channel}`;
    const fees = !!this.d.fees && providers.some((p) => this.fee(p, family, amount) !== null);
    const rows = providers.map((provider, index) => ({
      provider,
      index,
      view: this.board?.view(provider, method) ?? HEALTHY,
      fee: this.fee(provider, family, amount),
    }));
    // Unknown fees go after known ones: routing cannot call a provider cheap without being told so.
    const byCost = (a: (typeof rows)[number], b: (typeof rows)[number]) =>
      (fees ? Number(a.fee === null) - Number(b.fee === null) || (a.fee ?? 0) - (b.fee ?? 0) : 0) || a.index - b.index;
    const now = this.d.clock.now().toISOString();
    if (!this.board) {
      const explanation = { strategy: 'route_order' as const, reason: providers.length === 1 ? 'only_candidate' : 'route_order', amount, decidedAt: now, candidates: rows.map(candidate) };
      return { order: providers, explanation, probe: null };
    }
    const usable = rows.filter((r) => r.view.state !== 'degraded').sort(byCost);
    const rest = rows.filter((r) => r.view.state === 'degraded');
    // Half-open: one trial call at a time, and only when the channel would be tried first.
    let probe: ProviderId | null = null;
    while (usable[0]?.view.state === 'probing') {
      if (this.board.claimProbe(usable[0].provider, method)) {
        probe = usable[0].provider;
        break;
      }
      const r = usable.shift()!;
      rest.push({ ...r, view: { ...r.view, state: 'degraded' } });
    }
    rest.sort(byCost);
    const ordered = [...usable, ...rest];
    const ideal = [...rows].sort(byCost)[0]!;
    const reason =
      rows.length === 1
        ? 'only_candidate'
        : usable.length === 0
          ? 'all_degraded'
          : ordered[0]!.provider !== ideal.provider
            ? 'degraded_skipped'
            : fees
              ? 'cheapest'
              : 'primary';
    return {
      order: ordered.map((r) => r.provider),
      explanation: { strategy: fees ? 'cheapest_healthy' : 'healthy_first', reason, amount, decidedAt: now, candidates: ordered.map(candidate) },
      probe,
    };
  }

  /** Gives back a plan's probe slot when the plan was not used (the order already had a payment). */
  release(plan: RoutePlan, method: string): void {
    if (plan.probe) this.board?.releaseProbe(plan.probe, method);
  }

  /**
   * The order for continuing an unfinished create: the order it was first routed in, whatever the health is
   * now, so each provider is asked again with the same deterministic reference and hands back any code it
   * already issued instead of a second one.
   */
  resumeOrder(stored: RoutingExplanation | null, providers: ProviderId[]): ProviderId[] {
    if (!stored) return providers;
    const first = stored.candidates.map((c) => c.provider).filter((p) => providers.includes(p));
    return [...first, ...providers.filter((p) => !first.includes(p))];
  }

  /** Runs one create against a provider, recording its outcome and duration (injected clock) as channel health. */
  async observe<T>(provider: ProviderId, family: MethodFamily, channel: string, isFailure: (err: unknown) => boolean, fn: () => Promise<T>): Promise<T> {
    if (!this.board) return fn();
    const t0 = this.d.clock.now().getTime();
    const method = `${family}:${channel}`;
    try {
      const r = await fn();
      this.board.record(provider, method, true, this.d.clock.now().getTime() - t0);
      return r;
    } catch (err) {
      // A refusal (bad input, a declined customer) shows the channel answering: only transient errors count.
      this.board.record(provider, method, !isFailure(err), this.d.clock.now().getTime() - t0);
      throw err;
    }
  }

  decided(family: MethodFamily, provider: ProviderId | 'none', reason: string): void {
    this.decisions?.inc({ family, provider, reason });
  }
}

function candidate(r: { provider: ProviderId; view: ChannelView; fee: number | null }): RouteCandidate {
  const c: RouteCandidate = { provider: r.provider, health: r.view.state, signals: { ...r.view.signals }, fee: r.fee };
  if (r.view.reason) c.healthReason = r.view.reason;
  return c;
}

/** A routing explanation as timeline entries (console): the decision with its candidates, then each failover. */
export function routingTimeline(r: RoutingExplanation): Array<{ at: string; title: string; source: string; detail: string; ok: boolean }> {
  const rupiah = (n: number | null) => (n === null ? 'fee not configured' : `Rp ${n.toLocaleString('id-ID')}`);
  const decision = {
    at: r.decidedAt,
    title: r.reason,
    source: `routing:${r.strategy}`,
    detail: r.candidates.map((c) => `${c.provider} (${c.health}${c.healthReason ? `: ${c.healthReason}` : ''}, ${rupiah(c.fee)})`).join(' → '),
    ok: r.reason !== 'all_degraded',
  };
  return [decision, ...(r.attempts ?? []).map((a) => ({ at: a.at, title: 'failover', source: `provider:${a.provider}`, detail: a.outcome, ok: false }))];
}
