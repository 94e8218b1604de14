/**
 * The ledger side of shared channel health (domain/health-sync.ts): one row per provider × method in
 * channel_health holding its latest transition. A write never replaces a later transition (changed_at), so
 * instances converge on the most recent decision whatever order their writes land in.
 */
import type pg from 'pg';
import type { HealthShare, SharedTransition } from '../domain/health-sync.js';

interface Row {
  provider: string;
  method: string;
  state: string;
  reason: string;
  changed_at: string | number;
  probe_at: string | number | null;
  signals: string;
  instance: string;
}

export class PgHealthShare implements HealthShare {
  constructor(private readonly pool: pg.Pool) {}

  async publish(t: SharedTransition): Promise<void> {
    await this.pool.query(
      `INSERT INTO channel_health (provider, method, state, reason, changed_at, probe_at, signals, instance)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (provider, method) DO UPDATE SET state = EXCLUDED.state, reason = EXCLUDED.reason, changed_at = EXCLUDED.changed_at,
         probe_at = EXCLUDED.probe_at, signals = EXCLUDED.signals, instance = EXCLUDED.instance
       WHERE channel_health.changed_at < EXCLUDED.changed_at`,
      [t.provider, t.method, t.state, t.reason, t.at, t.probeAt ?? null, JSON.stringify(t.signals), t.instance],
    );
  }

  async all(): Promise<SharedTransition[]> {
    const r = await this.pool.query<Row>('SELECT provider, method, state, reason, changed_at, probe_at, signals, instance FROM channel_health');
    return r.rows.map((row) => ({
      provider: row.provider,
      method: row.method,
      state: row.state === 'degraded' ? 'degraded' : 'healthy',
      reason: row.reason,
      at: Number(row.changed_at),
      ...(row.probe_at !== null ? { probeAt: Number(row.probe_at) } : {}),
      signals: JSON.parse(row.signals),
      instance: row.instance,
    }));
  }
}
