/**
 * `npm run reconcile -- --date YYYY-MM-DD [--format csv|json] [--url http://127.0.0.1:8787]`
 *
 * Prints one Asia/Jakarta day's statement from a running companion (GET /api/reconciliation): every payment and
 * refund, the ledger's state beside the provider's, mismatches flagged, totals per method and provider. The
 * statement goes to stdout (redirect it to a file); a one-line summary goes to stderr. It authenticates with
 * BAYAR_MERCHANT_KEY, or the public sandbox key when that is unset.
 *
 * Exit codes: 0 printed, 1 the companion refused or could not be reached, 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import { SANDBOX_CREDENTIALS } from '../server/config.js';
import { statementCsv, type Statement } from '../server/domain/reconciliation.js';

const USAGE = 'usage: npm run --silent reconcile -- --date YYYY-MM-DD [--format csv|json] [--url http://127.0.0.1:8787]';

function fail(code: number, message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        date: { type: 'string' },
        format: { type: 'string', default: 'csv' },
        url: { type: 'string', default: 'http://127.0.0.1:8787' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail(2, `${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { date, format, url } = values;
  if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) fail(2, `--date YYYY-MM-DD is required (a calendar day in Asia/Jakarta).\n${USAGE}`);
  if (format !== 'csv' && format !== 'json') fail(2, `--format must be csv or json.\n${USAGE}`);
  const base = url!.replace(/\/+$/, '');
  const key = process.env.BAYAR_MERCHANT_KEY?.trim() || SANDBOX_CREDENTIALS.merchantKey;

  // Always fetched as JSON (the providers are asked once) and printed as the endpoint's own CSV when asked.
  const endpoint = `${base}/api/reconciliation?date=${date}&format=json`;
  let res: Response;
  try {
    res = await fetch(endpoint, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(120_000) });
  } catch (err) {
    fail(1, `Could not reach the companion at ${base} (${(err as Error).cause ?? (err as Error).message}). Is it running? Pass --url.`);
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
    fail(1, `GET ${endpoint} answered ${res.status}: ${detail}${hint}`);
  }
  const statement = JSON.parse(body) as Statement;
  process.stdout.write(format === 'json' ? `${JSON.stringify(statement, null, 2)}\n` : statementCsv(statement));
  const payments = statement.rows.filter((r) => r.type === 'payment').length;
  const refunds = statement.rows.length - payments;
  process.stderr.write(
    `${statement.date} (Asia/Jakarta): ${payments} payment${payments === 1 ? '' : 's'}, ${refunds} refund${refunds === 1 ? '' : 's'}, ` +
      `${statement.mismatches} mismatch${statement.mismatches === 1 ? '' : 'es'}\n`,
  );
}

main().catch((err) => fail(1, String(err?.stack ?? err)));
