/**
 * `bayar reconcile --date YYYY-MM-DD [--format csv|json] [--url http://127.0.0.1:8787]` (also `npm run reconcile --`)
 *
 * Prints one Asia/Jakarta day's statement from a running companion (GET /api/reconciliation): every payment and
 * refund, the ledger's state beside the provider's, mismatches flagged, totals per method and provider. The
 * statement goes to stdout (redirect it to a file); a one-line summary goes to stderr. It authenticates with
 * BAYAR_MERCHANT_KEY, or the public sandbox key when that is unset.
 */
import { SANDBOX_CREDENTIALS } from '../config.js';
import { statementCsv, type Statement } from '../domain/daily-statement.js';
import { CliError, type Command } from './command.js';

export const reconcile: Command = {
  summary: "print one day's reconciliation statement from a running companion",
  usage: 'reconcile --date YYYY-MM-DD [--format csv|json] [--url http://127.0.0.1:8787]',
  options: {
    date: { type: 'string' },
    format: { type: 'string', default: 'csv' },
    url: { type: 'string', default: 'http://127.0.0.1:8787' },
  },
  async run({ values, env, out, err }) {
    const { date, format, url } = values as { date?: string; format: string; url: string };
    if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new CliError(2, '--date YYYY-MM-DD is required (a calendar day in Asia/Jakarta).');
    if (format !== 'csv' && format !== 'json') throw new CliError(2, '--format must be csv or json.');
    const base = url.replace(/\/+$/, '');
    const key = env.BAYAR_MERCHANT_KEY?.trim() || SANDBOX_CREDENTIALS.merchantKey;

    // Always fetched as JSON (the providers are asked once) and printed as the endpoint's own CSV when asked.
    const endpoint = `${base}/api/reconciliation?date=${date}&format=json`;
    let res: Response;
    try {
      res = await fetch(endpoint, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(120_000) });
    } catch (e) {
      throw new CliError(1, `Could not reach the companion at ${base} (${(e as Error).cause ?? (e as Error).message}). Is it running? Pass --url.`);
    }
    const body = await res.text();
    if (!res.ok) {
      let detail = body;
      try {
        detail = JSON.parse(body).error.message;
      } catch {
        /* not a Bayar error body */
      }
      const hint = res.status === 401 ? ' Set BAYAR_MERCHANT_KEY to the companion’s merchant key.' : '';
      throw new CliError(1, `GET ${endpoint} answered ${res.status}: ${detail}${hint}`);
    }
    const statement = JSON.parse(body) as Statement;
    out.write(format === 'json' ? `${JSON.stringify(statement, null, 2)}\n` : statementCsv(statement));
    const payments = statement.rows.filter((r) => r.type === 'payment').length;
    const refunds = statement.rows.length - payments;
    err.write(
      `${statement.date} (Asia/Jakarta): ${payments} payment${payments === 1 ? '' : 's'}, ${refunds} refund${refunds === 1 ? '' : 's'}, ` +
        `${statement.mismatches} mismatch${statement.mismatches === 1 ? '' : 'es'}\n`,
    );
    return 0;
  },
};
