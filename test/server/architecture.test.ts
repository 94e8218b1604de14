/**
 * The arrows of docs/architecture.md, checked on the import lines themselves: routes → domain → store/providers →
 * lib, the widget takes only types from the server, every provider folder has the same files and names, and every
 * emulator folder has the same files, its own signing code and the one webhook sender.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { PROVIDER_IDS } from '../../server/api-types.js';
import { DEFAULT_TIMEOUTS } from '../../server/app.js';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { systemClock } from '../../server/lib/clock.js';
import { createFetchClient } from '../../server/lib/http.js';
import type { ProviderCapabilities } from '../../server/providers/capabilities.js';
import { providerFactories } from '../../server/providers/index.js';

const root = join(import.meta.dirname, '../..');

function files(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return files(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every import/export-from statement of a file, whole (multi-line ones included), with whether it is type-only. */
function imports(file: string): Array<{ from: string; typeOnly: boolean }> {
  const src = readFileSync(join(root, file), 'utf8');
  const out: Array<{ from: string; typeOnly: boolean }> = [];
  for (const m of src.matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)';/gms)) out.push({ from: m[3]!, typeOnly: m[2] !== undefined });
  for (const m of src.matchAll(/^import\s+'([^']+)';/gm)) out.push({ from: m[1]!, typeOnly: false });
  return out;
}

const resolved = (file: string, spec: string) => (spec.startsWith('.') ? relative(root, join(root, file, '..', spec)) : spec);

describe('arrows point down', () => {
  test('the widget takes only types from server/ (the QRIS reader is the one shared pure module)', () => {
    const offenders: string[] = [];
    let seen = 0;
    for (const f of files('widget')) {
      for (const i of imports(f)) {
        const target = resolved(f, i.from);
        if (!target.startsWith('server/')) continue;
        seen++;
        if (!i.typeOnly && target !== 'server/lib/qris.js') offenders.push(`${f} → ${target}`);
      }
    }
    assert.ok(seen > 5, 'the check saw the widget import the shared API types');
    assert.deepEqual(offenders, []);
  });

  test('the app does not import the demo; lib does not import the store or the domain; the store speaks no HTTP', () => {
    const offenders: string[] = [];
    for (const f of files('server')) {
      for (const i of imports(f)) {
        const target = resolved(f, i.from);
        if (f === 'server/app.ts' && target.startsWith('demo/')) offenders.push(`${f} → ${target}`);
        if (f.startsWith('server/lib/') && /^server\/(store|domain|routes|providers)\//.test(target)) offenders.push(`${f} → ${target}`);
        if (f.startsWith('server/domain/') && (target === 'pg' || target === 'express' || target.startsWith('server/routes/'))) offenders.push(`${f} → ${target}`);
        if (f.startsWith('server/providers/') && /^server\/(store|domain|routes)\//.test(target)) offenders.push(`${f} → ${target}`);
      }
      if (f.startsWith('server/store/') && /\b(badRequest|notFound|conflict|unprocessable|AppError)\b/.test(readFileSync(join(root, f), 'utf8'))) {
        offenders.push(`${f} uses an HTTP error`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  test('the payment jobs sit under one facade: each builds on payment-ledger.ts, none imports the facade, only the facade imports them', () => {
    const jobs = ['payment-create', 'payment-cancel', 'payment-events', 'payment-reconcile', 'payment-refund'].map((j) => `server/domain/${j}.ts`);
    const all = files('server');
    for (const j of jobs) assert.ok(all.includes(j), `${j} exists`);
    const offenders: string[] = [];
    for (const f of all) {
      for (const i of imports(f)) {
        const target = resolved(f, i.from).replace(/\.js$/, '.ts');
        const isJob = jobs.includes(target) || target === 'server/domain/payment-ledger.ts';
        if (jobs.includes(f) && target === 'server/domain/payment-service.ts') offenders.push(`${f} → ${target}`);
        if (isJob && !f.startsWith('server/domain/payment-')) offenders.push(`${f} → ${target}`);
      }
    }
    for (const j of jobs) assert.ok(imports(j).some((i) => i.from === './payment-ledger.js'), `${j} builds on the shared ledger steps`);
    assert.deepEqual(offenders, []);
  });
});

describe('every provider has the same shape', () => {
  for (const id of PROVIDER_IDS) {
    test(`${id}: index, signing, mapping, wire; the shared vocabulary and its capabilities in mapping.ts`, async () => {
      const dir = join(root, 'server/providers', id);
      for (const f of ['index.ts', 'signing.ts', 'mapping.ts', 'wire.ts']) assert.ok(statSync(join(dir, f)).isFile(), `${id}/${f}`);
      const mapping = (await import(`../../server/providers/${id}/mapping.js`)) as Record<string, unknown>;
      for (const name of ['CAPABILITIES', 'STATUS_TABLE', 'mapStatus', 'toWireAmount', 'fromWireAmount', 'fromWebhook']) {
        assert.ok(name in mapping, `${id}/mapping.ts exports ${name}`);
      }
      // One reading of amounts for all: absent is undefined, a fraction is NaN (a mismatch), never null or rounded.
      const from = mapping.fromWireAmount as (v: unknown) => number | undefined;
      assert.equal(from('150000.00'), 150_000);
      assert.equal(from(undefined), undefined);
      assert.ok(Number.isNaN(from('149999.50')));
      // Capabilities cover every family the adapter offers, and say why wherever it cannot refund.
      const caps = mapping.CAPABILITIES as ProviderCapabilities;
      const provider = providerFactories[id]({ ...SANDBOX_CREDENTIALS[id], baseUrl: "http://127.0.0.1:9" } as never, { http: createFetchClient(), clock: systemClock, timeouts: DEFAULT_TIMEOUTS });
      assert.equal(provider.capabilities, caps);
      for (const m of provider.methods()) {
        const f = caps.families[m.family];
        assert.ok(f, `${id} declares what it can do for ${m.family}`);
        if (f.refund === 'none') assert.ok(f.refundBlocker, `${id} says why ${m.family} cannot be refunded`);
      }
      assert.ok(caps.checkIntervalMs >= caps.statusMinIntervalMs);
      const src = readFileSync(join(dir, 'mapping.ts'), 'utf8');
      assert.doesNotMatch(src, /class WireShapeError/, 'the wire readers are shared (providers/wire-read.ts)');
    });
  }
});

describe('every emulator has the same shape', () => {
  for (const id of PROVIDER_IDS) {
    test(`${id}: index, state, signing, validation, pages, webhooks; its own signing code; the one webhook sender`, () => {
      const dir = `server/emulators/${id}`;
      for (const f of ['index.ts', 'state.ts', 'signing.ts', 'validation.ts', 'pages.ts', 'webhooks.ts']) {
        assert.ok(statSync(join(root, dir, f)).isFile(), `${id}/${f}`);
      }
      const offenders: string[] = [];
      for (const f of files(dir)) {
        for (const i of imports(f)) {
          // A shared bug must not make the adapter and its emulator agree (style.md, habit 12).
          if (resolved(f, i.from).startsWith('server/providers/')) offenders.push(`${f} → ${i.from}`);
        }
        // Webhooks leave through emulators/shared/webhook.ts only (one timeout, one retry rule), from webhooks.ts.
        const src = readFileSync(join(root, f), 'utf8');
        if (/\.request\(/.test(src)) offenders.push(`${f} sends HTTP itself`);
        if (/postWebhook\(/.test(src) && !f.endsWith('/webhooks.ts')) offenders.push(`${f} sends a webhook outside webhooks.ts`);
      }
      assert.deepEqual(offenders, []);
      assert.ok(
        imports(`${dir}/webhooks.ts`).some((i) => resolved(`${dir}/webhooks.ts`, i.from) === 'server/emulators/shared/webhook.js'),
        `${id}/webhooks.ts sends through the shared sender`,
      );
    });
  }
});
