/**
 * The rules under smart routing, without a server: fee parsing and arithmetic (BAYAR_FEES), channel health over
 * a sliding window with half-open probes (injected clock), the order routing picks, and start-up validation of
 * every routing variable.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ConfigError, loadConfig } from '../../server/config.js';
import { describeFee, expectedFee, feeFor, parseFee, parseFees } from '../../server/domain/fees.js';
import { DEFAULT_HEALTH, HealthBoard, type HealthTransition } from '../../server/domain/health.js';
import { Routing } from '../../server/domain/routing.js';
import { ManualClock } from '../../server/lib/clock.js';

const configProblems = (env: Record<string, string>) => {
  try {
    loadConfig({ BAYAR_MODE: 'sandbox', LOG_LEVEL: 'silent', ...env });
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail('the configuration was accepted');
};

describe('fees (BAYAR_FEES)', () => {
  it('flat, percentage and both; a percentage is rounded up to whole rupiah, with integer arithmetic', () => {
    assert.deepEqual(parseFee('4000'), { flat: 4000, ppm: 0, min: 0 });
    assert.deepEqual(parseFee('0.7%'), { flat: 0, ppm: 7000, min: 0 });
    assert.deepEqual(parseFee('2000+0.5%'), { flat: 2000, ppm: 5000, min: 0 });
    assert.equal(feeFor({ flat: 0, ppm: 7000, min: 0 }, 100_000), 700);
    // 0.7 % of 10 001 is 70.007: the estimate is 71, never less than the provider will charge.
    assert.equal(feeFor({ flat: 0, ppm: 7000, min: 0 }, 10_001), 71);
    assert.equal(feeFor({ flat: 2000, ppm: 5000, min: 0 }, 1_000_000), 7000);
    assert.equal(feeFor({ flat: 0, ppm: 15_000, min: 1000 }, 10_000), 1000, 'the minimum applies');
    // No floating point anywhere: 0.0001 % of a trillion rupiah is exact.
    assert.equal(feeFor({ flat: 0, ppm: 1, min: 0 }, 1_000_000_000_000), 1_000_000);
    assert.equal(describeFee({ flat: 2000, ppm: 5000, min: 2500 }), '2000+0.5% (min 2500)');
  });

  it('reads the text form, with min= after the family it applies to', () => {
    const problems: string[] = [];
    const t = parseFees('xendit:va=4000,qris=0.7%,ewallet=1.5%,min=1000;midtrans:va=2000+0.5%', problems);
    assert.deepEqual(problems, []);
    assert.deepEqual(t.xendit?.ewallet, { flat: 0, ppm: 15_000, min: 1000 });
    assert.deepEqual(t.xendit?.va, { flat: 4000, ppm: 0, min: 0 });
    assert.equal(expectedFee(t, 'midtrans', 'va', 1_000_000), 7000);
    assert.equal(expectedFee(t, 'komerce', 'va', 1_000_000), null, 'not configured: unknown, not free');
  });

  it('reads a JSON file with the same content', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bayar-fees-'));
    try {
      const path = join(dir, 'fees.json');
      writeFileSync(path, JSON.stringify({ xendit: { va: 4000, qris: '0.7%', ewallet: { fee: '1.5%', min: 1000 } }, midtrans: { va: '2000+0.5%' } }));
      const problems: string[] = [];
      const t = parseFees(path, problems);
      assert.deepEqual(problems, []);
      assert.deepEqual(t, parseFees('xendit:va=4000,qris=0.7%,ewallet=1.5%,min=1000;midtrans:va=2000+0.5%', []));
      writeFileSync(path, JSON.stringify({ xendit: { va: -1, qris: { fee: '1%', min: 'x' } }, nope: {} }));
      const bad: string[] = [];
      parseFees(path, bad);
      assert.equal(bad.length, 3, bad.join('\n'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad entries stop start-up with every problem listed', () => {
    const problems = configProblems({ BAYAR_FEES: 'xendit:va=4000,va=3000,qris=0.7,crypto=1%;paypal:va=1;midtrans:min=5,ewallet=150%,cstore=abc;doku' });
    const text = problems.join('\n');
    for (const want of [
      /xendit: va is listed twice/,
      /xendit qris: "0\.7" is not a fee/,
      /xendit: unknown method family "crypto"/,
      /unknown provider "paypal"/,
      /midtrans: "min=5" must follow the family/,
      /midtrans ewallet: "150%": a percentage above 100% is not a fee/,
      /midtrans cstore: "abc" is not a fee/,
      /"doku" needs a provider first/,
    ]) {
      assert.match(text, want);
    }
    assert.ok(problems.every((p) => p.startsWith('BAYAR_FEES')), text);
    assert.match(configProblems({ BAYAR_FEES: './missing-fees.json' }).join('\n'), /BAYAR_FEES: cannot read JSON from \.\/missing-fees\.json/);
  });
});

describe('channel health', () => {
  const make = (over: Partial<typeof DEFAULT_HEALTH> = {}) => {
    const clock = new ManualClock();
    const seen: HealthTransition[] = [];
    const board = new HealthBoard({ ...DEFAULT_HEALTH, ...over }, clock, (t) => seen.push(t));
    return { clock, seen, board };
  };

  it('consecutive failures degrade one channel only; a success in between resets the count', () => {
    const { board, seen } = make();
    for (let i = 0; i < 4; i++) board.record('xendit', 'va:bca', false, 100);
    board.record('xendit', 'va:bca', true, 100);
    for (let i = 0; i < 4; i++) board.record('xendit', 'va:bca', false, 100);
    assert.equal(board.view('xendit', 'va:bca').state, 'healthy');
    board.record('xendit', 'va:bca', false, 100);
    const v = board.view('xendit', 'va:bca');
    assert.equal(v.state, 'degraded');
    assert.equal(v.reason, 'consecutive_failures');
    assert.equal(v.signals.consecutiveFailures, 5);
    assert.equal(board.view('xendit', 'va:bni').state, 'healthy');
    assert.equal(board.view('komerce', 'va:bca').state, 'healthy');
    assert.deepEqual(seen.map((t) => [t.provider, t.method, t.state, t.reason]), [['xendit', 'va:bca', 'degraded', 'consecutive_failures']]);
  });

  it('error rate over 20 % degrades only with at least 20 calls in the window', () => {
    const { board } = make();
    // 19 calls, every fourth a failure (5 of 19 = 26 %): too few calls to judge.
    for (let i = 0; i < 19; i++) board.record('xendit', 'va:bri', i % 4 !== 0, 100);
    assert.equal(board.view('xendit', 'va:bri').state, 'healthy');
    board.record('xendit', 'va:bri', true, 100);
    const v = board.view('xendit', 'va:bri');
    assert.equal(v.signals.calls, 20);
    assert.equal(v.signals.errorRate, 25);
    assert.equal(v.state, 'degraded');
    assert.equal(v.reason, 'error_rate');
  });

  it('the window slides: failures older than it no longer count', () => {
    const { board, clock } = make();
    for (let i = 0; i < 19; i++) board.record('xendit', 'va:bri', i % 4 !== 0, 100);
    clock.advance(DEFAULT_HEALTH.windowMs + 1);
    assert.equal(board.view('xendit', 'va:bri').signals.calls, 0);
    for (let i = 0; i < 19; i++) board.record('xendit', 'va:bri', true, 100);
    board.record('xendit', 'va:bri', false, 100);
    assert.equal(board.view('xendit', 'va:bri').state, 'healthy', '1 failure in 20 calls is 5 %');
  });

  it('p95 latency over 800 ms degrades; one probe at a time after the wait; a slow probe keeps it degraded, a fast one brings it back with a fresh window', () => {
    const { board, clock, seen } = make();
    for (let i = 0; i < 4; i++) board.record('midtrans', 'va:bca', true, 900);
    assert.equal(board.view('midtrans', 'va:bca').state, 'healthy', 'fewer calls than latencyMinCalls');
    board.record('midtrans', 'va:bca', true, 900);
    assert.equal(board.view('midtrans', 'va:bca').reason, 'p95_latency');
    assert.equal(board.claimProbe('midtrans', 'va:bca'), false, 'not due yet');
    clock.advance(DEFAULT_HEALTH.probeAfterMs);
    assert.equal(board.view('midtrans', 'va:bca').state, 'probing');
    assert.equal(board.claimProbe('midtrans', 'va:bca'), true);
    assert.equal(board.claimProbe('midtrans', 'va:bca'), false, 'one probe at a time');
    assert.equal(board.view('midtrans', 'va:bca').state, 'degraded');
    board.record('midtrans', 'va:bca', true, 1500);
    assert.equal(board.view('midtrans', 'va:bca').state, 'degraded', 'a slow success is not a recovery');
    clock.advance(DEFAULT_HEALTH.probeAfterMs);
    assert.equal(board.claimProbe('midtrans', 'va:bca'), true);
    board.record('midtrans', 'va:bca', true, 120);
    const v = board.view('midtrans', 'va:bca');
    assert.equal(v.state, 'healthy');
    assert.equal(v.signals.calls, 0, 'the slow samples are gone');
    assert.deepEqual(seen.map((t) => t.state), ['degraded', 'healthy']);
  });

  it('window signals (calls, failures, error rate, nearest-rank p95) equal a plain recount, whatever the sequence', () => {
    const seed = Date.now();
    fc.assert(
      fc.property(fc.array(fc.record({ gapMs: fc.integer({ min: 0, max: 120_000 }), ok: fc.boolean(), ms: fc.integer({ min: 0, max: 3_000 }) }), { maxLength: 200 }), (calls) => {
        // Thresholds out of reach: this is about the arithmetic, not the state.
        const { board, clock } = make({ consecutiveFailures: 1e6, latencyMinCalls: 1e6, errorRateMinCalls: 1e6 });
        const seen: Array<{ at: number; ok: boolean; ms: number }> = [];
        for (const c of calls) {
          clock.advance(c.gapMs);
          board.record('xendit', 'va:bca', c.ok, c.ms);
          seen.push({ at: clock.now().getTime(), ok: c.ok, ms: c.ms });
        }
        const from = clock.now().getTime() - DEFAULT_HEALTH.windowMs;
        const win = seen.filter((x) => x.at >= from);
        const sorted = win.map((x) => x.ms).sort((a, b) => a - b);
        const failures = win.filter((x) => !x.ok).length;
        const got = board.view('xendit', 'va:bca').signals;
        assert.equal(got.calls, win.length);
        assert.equal(got.failures, failures);
        assert.equal(got.errorRate, win.length ? Math.round((failures / win.length) * 1000) / 10 : null);
        for (const [q, key] of [[0.5, 'p50Ms'], [0.95, 'p95Ms'], [0.99, 'p99Ms']] as const) assert.equal(got[key], win.length ? sorted[Math.ceil(q * win.length) - 1] : null, key);
      }),
      { numRuns: 300, seed },
    );
  });

  it('adopts a transition from another instance unless it knows a later one', () => {
    const a = make();
    const b = make();
    for (let i = 0; i < 5; i++) a.board.record('xendit', 'va:bca', false, 10);
    assert.equal(b.board.adopt(a.seen[0]!), true);
    assert.equal(b.board.view('xendit', 'va:bca').state, 'degraded');
    assert.equal(b.board.adopt(a.seen[0]!), false, 'the same transition twice changes nothing');
    assert.equal(b.board.adopt({ ...a.seen[0]!, state: 'healthy', at: a.seen[0]!.at - 1 }), false, 'an older one is ignored');
    assert.equal(b.board.adopt({ ...a.seen[0]!, state: 'healthy', reason: 'probe_succeeded', at: a.seen[0]!.at + 1 }), true);
    assert.equal(b.board.view('xendit', 'va:bca').state, 'healthy');
  });

  it('thresholds are configurable, and bad values stop start-up naming them', () => {
    const c = loadConfig({ BAYAR_MODE: 'sandbox', BAYAR_HEALTH_CONSECUTIVE_FAILURES: '3', BAYAR_HEALTH_P95_MS: '1500', BAYAR_HEALTH_WINDOW_SECONDS: '900', BAYAR_HEALTH_PROBE_SECONDS: '10' });
    assert.deepEqual(c.routing.health, { ...DEFAULT_HEALTH, consecutiveFailures: 3, p95Ms: 1500, windowMs: 900_000, probeAfterMs: 10_000 });
    const { board } = make({ consecutiveFailures: 3 });
    for (let i = 0; i < 3; i++) board.record('xendit', 'va:bca', false, 10);
    assert.equal(board.view('xendit', 'va:bca').state, 'degraded');
    const problems = configProblems({
      BAYAR_HEALTH_CONSECUTIVE_FAILURES: '0',
      BAYAR_HEALTH_P95_MS: 'fast',
      BAYAR_HEALTH_ERROR_RATE_PERCENT: '150',
      BAYAR_HEALTH_WINDOW_SECONDS: '-5',
      BAYAR_SMART_ROUTING: 'maybe',
    }).join('\n');
    for (const name of ['BAYAR_HEALTH_CONSECUTIVE_FAILURES', 'BAYAR_HEALTH_P95_MS', 'BAYAR_HEALTH_ERROR_RATE_PERCENT', 'BAYAR_HEALTH_WINDOW_SECONDS', 'BAYAR_SMART_ROUTING']) {
      assert.match(problems, new RegExp(`^${name}: `, 'm'));
    }
  });
});

describe('routing order', () => {
  const fees = parseFees('komerce:va=4000;xendit:va=4000;midtrans:va=1.5%', []);
  const routing = (clock = new ManualClock()) => new Routing({ smart: true, fees, health: DEFAULT_HEALTH, clock });

  it('cheapest first for the amount; ties keep BAYAR_ROUTES order', () => {
    const r = routing();
    const small = r.plan('va', 'bca', 100_000, ['komerce', 'xendit', 'midtrans']);
    assert.deepEqual(small.order, ['midtrans', 'komerce', 'xendit']);
    assert.equal(small.explanation.reason, 'cheapest');
    assert.deepEqual(small.explanation.candidates.map((c) => c.fee), [1500, 4000, 4000]);
    const large = r.plan('va', 'bca', 1_000_000, ['xendit', 'komerce', 'midtrans']);
    assert.deepEqual(large.order, ['xendit', 'komerce', 'midtrans'], 'the tie follows the route: xendit before komerce here');
  });

  it('a provider without a configured fee goes after those with one', () => {
    const r = routing();
    assert.deepEqual(r.plan('va', 'bca', 100_000, ['doku' as never, 'xendit', 'midtrans']).order, ['midtrans', 'xendit', 'doku']);
  });

  it('degraded go last (skipped while a healthy one exists); all degraded → the best of them is still first', () => {
    const r = routing();
    for (let i = 0; i < 5; i++) r.board!.record('midtrans', 'va:bca', false, 10);
    const p = r.plan('va', 'bca', 100_000, ['komerce', 'xendit', 'midtrans']);
    assert.deepEqual(p.order, ['komerce', 'xendit', 'midtrans']);
    assert.equal(p.explanation.reason, 'degraded_skipped');
    assert.deepEqual(p.explanation.candidates.map((c) => c.health), ['healthy', 'healthy', 'degraded']);
    for (const id of ['komerce', 'xendit']) for (let i = 0; i < 5; i++) r.board!.record(id, 'va:bca', false, 10);
    const all = r.plan('va', 'bca', 100_000, ['komerce', 'xendit', 'midtrans']);
    assert.deepEqual(all.order, ['midtrans', 'komerce', 'xendit']);
    assert.equal(all.explanation.reason, 'all_degraded');
  });

  it('smart routing off: BAYAR_ROUTES order whatever fees and health say', () => {
    const r = new Routing({ smart: false, fees, health: DEFAULT_HEALTH, clock: new ManualClock() });
    const p = r.plan('va', 'bca', 100_000, ['komerce', 'xendit', 'midtrans']);
    assert.deepEqual(p.order, ['komerce', 'xendit', 'midtrans']);
    assert.equal(p.explanation.strategy, 'route_order');
    assert.deepEqual(p.explanation.candidates.map((c) => c.fee), [4000, 4000, 1500], 'fees are still recorded');
  });
});
