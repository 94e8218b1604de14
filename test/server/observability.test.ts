/**
 * Operations: the alert rules and the dashboard are checked by promtool (rules valid, alert unit tests, every
 * dashboard expression valid PromQL), every metric they name is exported by a running companion's /metrics (so a
 * renamed metric fails here), every alert has its runbook; the metrics the alerts watch say what happened; and
 * every request is correlated by its request id and payment id in the logs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { ManualClock } from '../../server/lib/clock.js';
import { createLogger } from '../../server/lib/logger.js';
import {
  ALERTS,
  ALERT_TESTS,
  PROMETHEUS_SERIES,
  ROOT,
  alertExprs,
  dashboardExprs,
  dashboardPanels,
  dashboardVariableMetrics,
  exportedNames,
  grafanaToPromql,
  metricNames,
  promtool,
  run,
} from '../helpers/promql.js';
import { api, startTestServer, type TestServer } from '../helpers/server.js';

const tool = promtool();
const skip = 'skip' in tool ? tool.skip : false;

describe('alert rules and dashboard (promtool)', () => {
  it('alerts.yml passes promtool check rules', { skip }, () => {
    const r = run(['check', 'rules', ALERTS]);
    assert.ok(r.ok, r.out);
    assert.match(r.out, /SUCCESS: 13 rules found/);
  });

  it('every alert fires on its firing series and stays quiet on the others (promtool test rules)', { skip }, () => {
    const r = run(['test', 'rules', ALERT_TESTS]);
    assert.ok(r.ok, r.out);
    // Each alert is evaluated at least once expecting it to fire and once expecting silence.
    const tests = readFileSync(ALERT_TESTS, 'utf8');
    for (const { alert } of alertExprs()) {
      const evals = [...tests.matchAll(new RegExp(`alertname: ${alert}\\n\\s+exp_alerts:( \\[\\])?`, 'g'))];
      assert.ok(evals.some((m) => !m[1]), `${alert}: a series that fires it`);
      assert.ok(evals.some((m) => m[1]), `${alert}: an evaluation where it must not fire`);
    }
  });

  it('every dashboard expression is valid PromQL (checked as recording rules)', { skip }, () => {
    const exprs = dashboardExprs();
    assert.ok(exprs.length >= 20, `found ${exprs.length} expressions`);
    const dir = mkdtempSync(join(tmpdir(), 'bayar-dash-'));
    const file = join(dir, 'dashboard-rules.yml');
    const rules = exprs.map((e, i) => `      - record: bayar:dashboard:expr${i}\n        expr: ${JSON.stringify(e.expr)}`).join('\n');
    writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules}\n`);
    const r = run(['check', 'rules', file]);
    assert.ok(r.ok, r.out);
    // The check is real: one broken expression makes it fail.
    writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n      - record: bayar:broken\n        expr: "sum by (provider (rate(x[5m]))"\n`);
    assert.equal(run(['check', 'rules', file]).ok, false);
  });
});

describe('alerts, dashboard and runbooks name what the companion exports', () => {
  let s: TestServer;
  let exposition = '';
  before(async () => {
    s = await startTestServer({}, undefined, { background: false });
    const created = await api(s.url, 'POST', '/api/payments', { orderId: 'OBS-1', amount: 125_000, method: 'va:bca' });
    assert.equal(created.status, 201);
    await api(s.url, 'POST', `/api/sandbox/payments/${created.body.payment.id}/pay`);
    exposition = await (await fetch(`${s.url}/metrics`)).text();
  });
  after(() => s.destroy());

  it('every metric in alerts.yml and bayar.json is exported by /metrics (smart routing’s included)', () => {
    const exported = exportedNames(exposition);
    const used = new Map<string, string>();
    for (const a of alertExprs()) for (const n of metricNames(a.expr)) used.set(n, `alert ${a.alert}`);
    for (const d of dashboardExprs()) for (const n of metricNames(d.expr)) used.set(n, `panel "${d.panel}"`);
    assert.ok(used.size >= 15, `found ${used.size} metric names: ${[...used.keys()]}`);
    for (const v of dashboardVariableMetrics()) used.set(v.metric, `variable $${v.variable}`);
    const missing = [...used].filter(([n]) => !exported.has(n) && !PROMETHEUS_SERIES.includes(n));
    assert.deepEqual(missing, [], 'metrics named in alerts or dashboard that /metrics does not export');
    // And the check would catch a rename.
    assert.ok(!exported.has('bayar_outbox_oldest_age_second'));
    assert.deepEqual(metricNames('max(bayar_outbox_oldest_age_second{job="x"}) > 600'), ['bayar_outbox_oldest_age_second']);
  });

  it('the dashboard is valid JSON whose every panel queries something, each target naming at least one exported metric', () => {
    const panels = dashboardPanels();
    assert.ok(panels.length >= 15, `${panels.length} panels`);
    for (const p of panels) {
      assert.ok(p.title, 'every panel has a title');
      assert.ok((p.targets ?? []).length > 0, `panel "${p.title}" queries nothing`);
      for (const t of p.targets ?? []) assert.ok(metricNames(grafanaToPromql(t.expr)).length > 0, `panel "${p.title}": ${t.expr} names no metric`);
    }
    assert.deepEqual(dashboardVariableMetrics().map((v) => v.metric), ['bayar_http_requests_total']);
  });

  it('every alert has its runbook section in docs/operations.md', () => {
    const doc = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8');
    for (const { alert } of alertExprs()) {
      assert.match(doc, new RegExp(`^### ${alert}$`, 'm'), `runbook heading for ${alert}`);
      assert.match(readFileSync(ALERTS, 'utf8'), new RegExp(`runbook_url: "docs/operations.md#${alert.toLowerCase()}"`));
    }
  });
});

describe('the metrics the alerts watch', () => {
  let s: TestServer;
  const clock = new ManualClock(Date.now());
  const scrape = async () => (await fetch(`${s.url}/metrics`)).text();
  const sample = (text: string, name: string, labels: Record<string, string> = {}) => {
    let total = 0;
    let found = false;
    for (const line of text.split('\n')) {
      const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m || m[1] !== name) continue;
      const ls = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
      if (Object.entries(labels).every(([k, v]) => ls[k] === v)) ((total += Number(m[3])), (found = true));
    }
    return found ? total : undefined;
  };

  before(async () => {
    // A merchant endpoint that refuses everything keeps notifications in the outbox.
    s = await startTestServer({ notifyUrl: 'http://127.0.0.1:9/hook' }, undefined, { clock, background: false });
  });
  after(() => s.destroy());

  it('status changes by family, provider calls by family, ledger writes, pending and last webhook per provider, outbox age', async () => {
    const before = await scrape();
    assert.equal(sample(before, 'bayar_outbox_oldest_age_seconds'), 0);
    assert.equal(sample(before, 'bayar_provider_pending_payments', { provider: 'komerce' }), undefined);
    assert.equal(sample(before, 'bayar_ready'), 1);

    const a = await api(s.url, 'POST', '/api/payments', { orderId: 'OPS-1', amount: 50_000, method: 'va:bca' });
    const b = await api(s.url, 'POST', '/api/payments', { orderId: 'OPS-2', amount: 60_000, method: 'va:bni' });
    assert.equal(a.status, 201);
    assert.equal((await api(s.url, 'POST', `/api/sandbox/payments/${a.body.payment.id}/pay`)).body.payment.status, 'paid');
    clock.advance(120_000); // past the ledger-wide figures' cache, and the notifications are 2 minutes old
    const m = await scrape();
    assert.equal(sample(m, 'bayar_payment_status_changes_total', { family: 'va', provider: 'komerce', status: 'pending' }), 2);
    assert.equal(sample(m, 'bayar_payment_status_changes_total', { family: 'va', provider: 'komerce', status: 'paid' }), 1);
    assert.equal(sample(m, 'bayar_provider_call_duration_seconds_count', { provider: 'komerce', family: 'va', operation: 'create', outcome: 'ok' }), 2);
    assert.ok(sample(m, 'bayar_ledger_write_duration_seconds_count', { operation: 'transition' })! >= 1);
    assert.ok(sample(m, 'bayar_ledger_write_duration_seconds_count', { operation: 'insertPayment' })! >= 2);
    assert.equal(sample(m, 'bayar_provider_pending_payments', { provider: 'komerce' }), 1, `only ${b.body.payment.id} is pending`);
    const lastWebhook = sample(m, 'bayar_provider_last_webhook_timestamp_seconds', { provider: 'komerce' })!;
    assert.ok(Math.abs(lastWebhook - (clock.now().getTime() - 120_000) / 1000) < 5, `last webhook at ${lastWebhook}`);
    const age = sample(m, 'bayar_outbox_oldest_age_seconds')!;
    assert.ok(age >= 120 && age < 130, `oldest undelivered notification is ${age} s old`);
    assert.equal(sample(m, 'bayar_circuit_open', { provider: 'xendit' }), 0);
  });

  it('flags and overdue payments: a new late payment and a payment past its deadline show up', async () => {
    const p = await api(s.url, 'POST', '/api/payments', { orderId: 'OPS-3', amount: 70_000, method: 'va:bri' });
    let m = await scrape();
    assert.equal(sample(m, 'bayar_payments_flagged', { flag: 'late_payment' }), 0, 'watched flags are exported at 0');
    await s.bayar.store.transition({ paymentId: p.body.payment.id, to: null, at: clock.now().toISOString(), reason: 'late_payment', source: 'test', addFlags: ['late_payment'] });
    // Still within the cache: the scrape may not ask the ledger again.
    clock.advance(11_000);
    m = await scrape();
    assert.equal(sample(m, 'bayar_payments_flagged', { flag: 'late_payment' }), 1);
    assert.equal(sample(m, 'bayar_overdue_pending_oldest_age_seconds'), 0, 'no pending payment is past its deadline yet');
    clock.advance(86_400_000 + 3_600_000); // a day (the default TTL) and an hour
    m = await scrape();
    const overdue = sample(m, 'bayar_overdue_pending_oldest_age_seconds')!;
    assert.ok(overdue > 3_000 && overdue < 4_000, `overdue by ${overdue} s`);
  });

  it('the reconciliation statement sets the mismatch gauge', async () => {
    const date = new Date(clock.now().getTime() - 86_400_000 - 3_600_000 + 7 * 3_600_000).toISOString().slice(0, 10);
    const r = await api(s.url, 'GET', `/api/reconciliation?date=${date}&format=json`, undefined, { authorization: `Bearer ${SANDBOX_CREDENTIALS.merchantKey}` });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(r.body.mismatches >= 1, 'the flagged payment is a mismatch');
    const m = await scrape();
    assert.equal(sample(m, 'bayar_reconciliation_mismatches'), r.body.mismatches);
    assert.equal(sample(m, 'bayar_reconciliation_statements_total'), 1);
  });
});

describe('request correlation', () => {
  let s: TestServer;
  const lines: Array<Record<string, unknown>> = [];
  before(async () => {
    const sink = new Writable({
      write(chunk, _enc, cb) {
        for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        cb();
      },
    });
    s = await startTestServer({}, undefined, { background: false, log: createLogger('debug', [], sink) });
  });
  after(() => s.destroy());

  it('accepts an X-Request-Id, returns it, and puts it on every log line of the request, provider calls included', async () => {
    const r = await api(s.url, 'POST', '/api/payments', { orderId: 'RID-1', amount: 50_000, method: 'va:bca', customer: { email: 'siti@example.com' } }, { 'x-request-id': 'shop-req-42' });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('x-request-id'), 'shop-req-42');
    const mine = lines.filter((l) => l.reqId === 'shop-req-42');
    assert.ok(mine.some((l) => l.msg === 'provider call' && l.provider === 'komerce' && l.operation === 'create'), 'the provider call is logged with the request id');
    assert.ok(mine.some((l) => l.msg === 'request' && (l.req as { path: string }).path === '/api/payments'), 'the access line');
    assert.ok(mine.every((l) => l.paymentId === r.body.payment.id || l.paymentId === undefined));
    assert.ok(!JSON.stringify(lines).includes('siti@example.com'), 'no customer data in the logs');
  });

  it('generates an id when none (or a malformed one) is given, and a payment’s logs are found by its id across requests', async () => {
    const created = await api(s.url, 'POST', '/api/payments', { orderId: 'RID-2', amount: 70_000, method: 'va:bni' }, { 'x-request-id': 'bad id with spaces' });
    const id = created.headers.get('x-request-id')!;
    assert.match(id, /^[0-9a-f-]{36}$/);
    const paymentId = created.body.payment.id as string;
    await api(s.url, 'POST', `/api/sandbox/payments/${paymentId}/pay`);
    const byPayment = lines.filter((l) => l.paymentId === paymentId);
    const requests = new Set(byPayment.map((l) => l.reqId));
    // The create, the webhook that paid it (with its provider status confirmation) and the sandbox call.
    assert.ok(requests.size >= 3, `requests found by payment id: ${[...requests]}`);
    assert.ok(byPayment.some((l) => (l.req as { path?: string } | undefined)?.path === '/webhooks/komerce'));
    assert.ok(byPayment.some((l) => l.msg === 'provider call' && l.operation === 'status'));
    // Query strings never reach the logs (they can carry client secrets and sessions).
    await fetch(`${s.url}/api/payments/${paymentId}?client_secret=cs_should_not_be_logged`);
    assert.ok(!JSON.stringify(lines).includes('cs_should_not_be_logged'));
  });
});

describe('a ledger that cannot be reached', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({}, undefined, { background: false });
  });
  after(() => s.destroy());

  it('answers API calls 503 store_unavailable with Retry-After, webhooks a 5xx, /readyz 503 — never 500 internal_error', async () => {
    const ok = await api(s.url, 'POST', '/api/payments', { orderId: 'DOWN-1', amount: 50_000, method: 'va:bca' });
    assert.equal(ok.status, 201);
    // The ledger goes away under the running app (a closed SQLite handle stands for a lost database).
    await s.store.close();
    const create = await api(s.url, 'POST', '/api/payments', { orderId: 'DOWN-2', amount: 50_000, method: 'va:bca' });
    assert.equal(create.status, 503, JSON.stringify(create.body));
    assert.equal(create.body.error.code, 'store_unavailable');
    assert.equal(create.headers.get('retry-after'), '5');
    const read = await api(s.url, 'GET', `/api/payments/${ok.body.payment.id}`, undefined, { authorization: `Bearer ${SANDBOX_CREDENTIALS.merchantKey}` });
    assert.equal(read.status, 503);
    assert.equal(read.body.error.code, 'store_unavailable');
    const webhook = await api(s.url, 'POST', '/webhooks/midtrans', { order_id: 'x', status_code: '200', gross_amount: '1.00', signature_key: 'x'.repeat(128), transaction_status: 'settlement' });
    assert.ok(webhook.status >= 500 || webhook.status === 401, `webhook answered ${webhook.status}`);
    assert.equal((await api(s.url, 'GET', '/readyz')).status, 503);
    const m = await (await fetch(`${s.url}/metrics`)).text();
    assert.match(m, /bayar_store_unavailable_total\{route="\/api\/payments"\} 1/, m.split("\n").filter((l) => l.includes("unavailable")).join("\n"));
    assert.match(m, /^bayar_ready 0$/m);
  });
});
