/**
 * The check every e2e screen goes through: nothing sticks out, axe-core (WCAG 2.1 AA, helpers/browser.ts) finds no
 * violation and really checked contrast inside the widget's shadow roots; then a PNG for a human look.
 */
import assert from 'node:assert/strict';
import { axe, axeViolations, type DemoPage } from './browser.js';

export async function check(d: DemoPage, name: string): Promise<void> {
  assert.deepEqual(await d.overflow(), [], `${name}: overflow`);
  const result = await axe(d.page);
  assert.deepEqual(axeViolations(result), [], `${name}: axe`);
  const contrast = result.passes.find((p) => p.id === 'color-contrast');
  assert.ok(
    contrast?.nodes.some((n) => Array.isArray(n.target) && Array.isArray(n.target[0]) && n.target[0][0] === 'bayar-checkout'),
    `${name}: contrast was checked inside the widget's shadow roots`,
  );
  await d.screenshot(name);
}
