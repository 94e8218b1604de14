/**
 * The daily statement (GET /api/reconciliation): every payment and refund of one Asia/Jakarta calendar day, the
 * ledger's state beside the provider's current state, mismatches flagged, totals per method and provider.
 * Providers are asked one payment at a time (a few in parallel at most), so their status rate limits hold.
 */
import type { ProviderCapabilities } from '../providers/capabilities.js';
import type { PaymentStatus, ProviderId } from '../api-types.js';
import type { PaymentRecord } from './payment-record.js';
import type { ResilientProvider } from '../providers/resilience.js';
import type { Store } from '../store/types.js';

export interface StatementRow {
  type: 'payment' | 'refund';
  id: string;
  paymentId: string;
  orderId: string;
  method: string;
  provider: ProviderId;
  amount: number;
  ledgerStatus: string;
  providerStatus: PaymentStatus | 'unavailable' | 'not_checked' | null;
  providerDetail: string | null;
  createdAt: string;
  paidAt: string | null;
  mismatch: boolean;
  flags: string[];
  /** Payment rows: the provider fee expected when it was routed (BAYAR_FEES), integer IDR; null when none is configured. */
  expectedFee: number | null;
}

export interface StatementTotal {
  method: string;
  provider: ProviderId;
  payments: number;
  paidCount: number;
  paidAmount: number;
  refundedAmount: number;
  /** Sum of the expected fees of the paid payments, integer IDR; null when none of them has one. */
  expectedFees: number | null;
}

export interface Statement {
  date: string;
  timezone: 'Asia/Jakarta';
  from: string;
  to: string;
  rows: StatementRow[];
  totals: StatementTotal[];
  mismatches: number;
}

/** [start, end) of a calendar day in Jakarta (UTC+7, no DST) as UTC ISO strings. */
export function jakartaDay(date: string): { from: string; to: string } {
  const start = new Date(`${date}T00:00:00+07:00`);
  return { from: start.toISOString(), to: new Date(start.getTime() + 86_400_000).toISOString() };
}

/**
 * Whether the provider's status says the same as the ledger. Providers call any refund, partial or full,
 * "refunded" (Midtrans partial_refund, a partly refunded Xendit charge; an Indodana order cancelled after
 * approval reads "cancelled"), while the ledger keeps a partly refunded payment `paid`: both agree when the
 * ledger has refunds of its own to show for it.
 */
function agrees(p: PaymentRecord, provider: PaymentStatus, caps: ProviderCapabilities): boolean {
  if (provider === p.status) return true;
  const saysRefunded = provider === 'refunded' || (provider === 'cancelled' && caps.cancelledAfterPaidMeansRefunded);
  return saysRefunded && p.refundedAmount > 0 && (p.status === 'paid' || p.status === 'refunded');
}

export async function buildStatement(date: string, store: Store, providers: Map<ProviderId, ResilientProvider>, concurrency = 3): Promise<Statement> {
  const { from, to } = jakartaDay(date);
  const payments = [];
  for (let cursor: string | undefined; ; ) {
    const page = await store.listPayments({ from, to, limit: 500, after: cursor });
    payments.push(...page.payments);
    if (!page.next) break;
    cursor = page.next;
  }
  const rows: StatementRow[] = payments.map((p) => ({
    type: 'payment',
    id: p.id,
    paymentId: p.id,
    orderId: p.orderId,
    method: p.method,
    provider: p.provider,
    amount: p.amount,
    ledgerStatus: p.status,
    providerStatus: p.providerRef ? null : 'not_checked',
    providerDetail: null,
    createdAt: p.createdAt,
    paidAt: p.paidAt,
    mismatch: false,
    flags: p.flags,
    expectedFee: p.expectedFee,
  }));
  const queue = rows.filter((r) => r.providerStatus === null);
  const byId = new Map(payments.map((p) => [p.id, p]));
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let row = queue.shift(); row; row = queue.shift()) {
        const p = byId.get(row.id)!;
        const provider = providers.get(p.provider);
        if (!provider) {
          row.providerStatus = 'unavailable';
          row.providerDetail = 'provider not enabled';
          continue;
        }
        try {
          const s = await provider.status({ providerRef: p.providerRef!, reference: p.reference });
          row.providerStatus = s.status;
          row.providerDetail = s.providerStatus;
          const amountDiffers = s.status === 'paid' && s.amount !== undefined && s.amount !== p.amount;
          row.mismatch = !agrees(p, s.status, provider.capabilities) || amountDiffers;
        } catch (err) {
          row.providerStatus = 'unavailable';
          row.providerDetail = (err as Error).message.slice(0, 200);
        }
      }
    }),
  );
  for (const r of rows) if (r.flags.length) r.mismatch = true;

  const refunds = await store.listRefunds({ from, to });
  for (const f of refunds) {
    const p = byId.get(f.paymentId) ?? (await store.getPayment(f.paymentId));
    if (!p) continue;
    rows.push({
      type: 'refund',
      id: f.id,
      paymentId: f.paymentId,
      orderId: p.orderId,
      method: p.method,
      provider: p.provider,
      amount: f.amount,
      ledgerStatus: f.status,
      providerStatus: null,
      providerDetail: f.providerRef,
      createdAt: f.createdAt,
      paidAt: null,
      mismatch: f.status === 'pending',
      flags: [],
      expectedFee: null,
    });
  }

  const totals = new Map<string, StatementTotal>();
  for (const r of rows) {
    const key = `${r.method}|${r.provider}`;
    const t = totals.get(key) ?? { method: r.method, provider: r.provider, payments: 0, paidCount: 0, paidAmount: 0, refundedAmount: 0, expectedFees: null };
    if (r.type === 'payment') {
      t.payments++;
      if (r.ledgerStatus === 'paid' || r.ledgerStatus === 'refunded') {
        t.paidCount++;
        t.paidAmount += r.amount;
        if (r.expectedFee !== null) t.expectedFees = (t.expectedFees ?? 0) + r.expectedFee;
      }
    } else if (r.ledgerStatus === 'succeeded') t.refundedAmount += r.amount;
    totals.set(key, t);
  }
  return {
    date,
    timezone: 'Asia/Jakarta',
    from,
    to,
    rows,
    totals: [...totals.values()].sort((a, b) => a.method.localeCompare(b.method) || a.provider.localeCompare(b.provider)),
    mismatches: rows.filter((r) => r.mismatch).length,
  };
}

const CSV_COLUMNS = ['type', 'id', 'paymentId', 'orderId', 'method', 'provider', 'amount', 'ledgerStatus', 'providerStatus', 'providerDetail', 'createdAt', 'paidAt', 'mismatch', 'flags', 'expectedFee'] as const;

export const csvCell = (v: unknown) => {
  const s = Array.isArray(v) ? v.join(' ') : v === null || v === undefined ? '' : String(v);
  // Leading = + - @ would be evaluated by spreadsheet software.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function statementCsv(s: Statement): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of s.rows) lines.push(CSV_COLUMNS.map((c) => csvCell(r[c])).join(','));
  lines.push('');
  lines.push('method,provider,payments,paidCount,paidAmount,refundedAmount,expectedFees');
  for (const t of s.totals) lines.push([t.method, t.provider, t.payments, t.paidCount, t.paidAmount, t.refundedAmount, t.expectedFees].map(csvCell).join(','));
  return lines.join('\r\n') + '\r\n';
}
