/**
 * The alert rules and dashboard as the tests read them: every PromQL expression, the metric names it uses, and
 * promtool (Debian's `prometheus` package) to check them. Without promtool the checks skip and say why, unless
 * BAYAR_REQUIRE_PROMTOOL=1 (set by .ci/run) makes that a failure.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const ALERTS = join(ROOT, 'deploy/prometheus/alerts.yml');
export const ALERT_TESTS = join(ROOT, 'deploy/prometheus/alerts.test.yml');
export const DASHBOARD = join(ROOT, 'deploy/grafana/bayar.json');

/** Series Prometheus makes itself. */
export const PROMETHEUS_SERIES = ['up'];

export function promtool(): { bin: string } | { skip: string } {
  const r = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  if (r.status === 0) return { bin: 'promtool' };
  const why = "promtool not found (apt-get install -y prometheus; .ci/run does)";
  if (process.env.BAYAR_REQUIRE_PROMTOOL === '1') throw new Error(why);
  return { skip: why };
}

export function run(args: string[], cwd = ROOT): { ok: boolean; out: string } {
  const r = spawnSync('promtool', args, { encoding: 'utf8', cwd });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

/** The alerts' expressions, from the YAML (expr: one line, or a `|` block). */
export function alertExprs(): Array<{ alert: string; expr: string }> {
  const lines = readFileSync(ALERTS, 'utf8').split('\n');
  const out: Array<{ alert: string; expr: string }> = [];
  let alert = '';
  for (let i = 0; i < lines.length; i++) {
    const a = /^\s*- alert:\s*(\S+)/.exec(lines[i]!);
    if (a) alert = a[1]!;
    const e = /^(\s*)expr:\s*(.*)$/.exec(lines[i]!);
    if (!e) continue;
    if (e[2]!.trim() === '|') {
      const body: string[] = [];
      const indent = e[1]!.length;
      for (i++; i < lines.length && (lines[i]!.trim() === '' || lines[i]!.search(/\S/) > indent); i++) body.push(lines[i]!);
      i--;
      out.push({ alert, expr: body.join('\n') });
    } else out.push({ alert, expr: e[2]!.replace(/\s+#.*$/, '') });
  }
  return out;
}

interface DashPanel {
  type: string;
  title: string;
  targets?: Array<{ expr: string }>;
  panels?: DashPanel[];
}

/** Every panel of the dashboard, those inside collapsed rows included (Grafana nests them in the row's `panels`). */
export function dashboardPanels(): DashPanel[] {
  const dash = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: DashPanel[] };
  const walk = (ps: DashPanel[]): DashPanel[] => ps.flatMap((p) => [...(p.type === 'row' ? [] : [p]), ...walk(p.panels ?? [])]);
  return walk(dash.panels);
}

/** Every panel target's expression in the dashboard, with Grafana's variables given values PromQL accepts. */
export function dashboardExprs(): Array<{ panel: string; expr: string }> {
  return dashboardPanels().flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: grafanaToPromql(t.expr) })));
}

/** Metric names the dashboard's template variables query (`label_values(metric, label)`). */
export function dashboardVariableMetrics(): Array<{ variable: string; metric: string }> {
  const dash = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { templating?: { list?: Array<{ name: string; type: string; query?: unknown }> } };
  return (dash.templating?.list ?? [])
    .filter((v) => v.type === 'query')
    .map((v) => {
      const q = typeof v.query === 'string' ? v.query : ((v.query as { query?: string } | undefined)?.query ?? '');
      const m = /^label_values\(\s*([a-zA-Z_:][\w:]*)/.exec(q);
      return { variable: v.name, metric: m?.[1] ?? `unparsed: ${q}` };
    });
}

export function grafanaToPromql(expr: string): string {
  return expr.replaceAll('$__rate_interval', '5m').replaceAll('$__interval', '1m').replaceAll('$job', 'bayar');
}

/** Metric names an expression selects: identifiers outside label matchers and strings that are not functions or keywords. */
export function metricNames(expr: string): string[] {
  const code = expr
    .replace(/#.*$/gm, '')
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '$1()');
  const names = new Set<string>();
  for (const m of code.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const id = m[0];
    const before = code[m.index - 1] ?? ' ';
    const after = code.slice(m.index + id.length).trimStart()[0];
    // Numbers (1e3, 5m), function calls and keywords are not metric names.
    if (/[\d.$]/.test(before) || after === '(' || KEYWORDS.has(id)) continue;
    names.add(id);
  }
  return [...names];
}

const KEYWORDS = new Set(['sum', 'min', 'max', 'avg', 'count', 'group', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'inf', 'nan', 'Inf', 'NaN', 'e']);

/** Sample names /metrics can carry, from its `# TYPE` lines (a histogram's _bucket, _sum and _count included). */
export function exportedNames(exposition: string): Set<string> {
  const out = new Set<string>();
  for (const m of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = m as unknown as [string, string, string];
    out.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) out.add(name + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) out.add(name + s);
  }
  return out;
}
