/**
 * scripts/short-private-names.ts (a build step of dist/): which class members get short names in the bundle. Only
 * what the type checker resolves to a `private` member is renamed, everywhere it is used (a constructor's parameter
 * property both as `this.host` and as `host`); a public member of the same name elsewhere keeps its name, and so does
 * a private one spelled in a string, destructured, or read through something the checker cannot resolve.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { privateNameEdits } from '../../scripts/short-private-names.js';
import { applyTextKeyEdits, widgetProgram } from '../../scripts/short-text-keys.js';

const root = mkdtempSync(join(tmpdir(), 'bayar-private-names-')) + '/';
after(() => rmSync(root, { recursive: true, force: true }));

const SOURCE = `export class Counter {
  private count = 0;
  private byString = 1;
  private destructured = 2;
  constructor(private readonly host: { step: number }) {
    this.count = host.step;
  }
  private bump(): number {
    return (this.count += this.host.step);
  }
  read(changed: Set<string>): number {
    const { destructured } = this;
    return changed.has('byString') ? this.byString + destructured : this.bump();
  }
}

export class Shown {
  count = 5;
}

export const countOf = (s: Shown): number => s.count;
export const loose = (x: any): number => x.unresolved;

class Other {
  private unresolved = 3;
  get value(): number {
    return this.unresolved;
  }
}
export const other = new Other();
`;

function build() {
  mkdirSync(join(root, 'widget'), { recursive: true });
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'es2022', module: 'esnext', moduleResolution: 'bundler', strict: true } }));
  writeFileSync(join(root, 'widget/counter.ts'), SOURCE);
  const result = privateNameEdits(root, widgetProgram(root, ['widget/counter.ts']));
  const entry = result.edits.get(join(root, 'widget/counter.ts'))!;
  return { renamed: result.renamed, out: applyTextKeyEdits(SOURCE, entry)! };
}

describe('short private names', () => {
  it('renames a private field, method and parameter property at every use, with $-names nothing else spells', () => {
    const { renamed, out } = build();
    assert.deepEqual([...renamed.keys()].sort(), ['bump', 'count', 'host']);
    for (const short of renamed.values()) assert.match(short, /^\$[a-zA-Z]{1,2}$/);
    const [count, host, bump] = [renamed.get('count')!, renamed.get('host')!, renamed.get('bump')!];
    assert.ok(out.includes(`private ${count} = 0;`));
    assert.ok(out.includes(`constructor(private readonly ${host}: { step: number })`));
    assert.ok(out.includes(`this.${count} = ${host}.step;`), 'the parameter read as a variable too');
    assert.ok(out.includes(`return (this.${count} += this.${host}.step);`));
    assert.ok(out.includes(`private ${bump}(): number`) && out.includes(`: this.${bump}();`));
  });

  it('leaves a public member of the same name, and private members spelled in a string, destructured or read untyped', () => {
    const { out } = build();
    assert.ok(out.includes('export class Shown {\n  count = 5;'));
    assert.ok(out.includes('(s: Shown): number => s.count;'));
    assert.ok(out.includes("changed.has('byString') ? this.byString"));
    assert.ok(out.includes('private destructured = 2;') && out.includes('const { destructured } = this;'));
    assert.ok(out.includes('private unresolved = 3;') && out.includes('return this.unresolved;'));
  });
});
