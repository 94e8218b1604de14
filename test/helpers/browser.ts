/**
 * End-to-end harness: headless Chromium (playwright-core driving /usr/bin/chromium, nothing downloaded) against a
 * real companion started in-process, on the demo storefront it serves at `/`. The demo page reports its
 * Content-Security-Policy violations, uncaught errors and console errors, so a test can assert there were none.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import type { Payment } from '../../server/api-types.js';
import { after, before } from 'node:test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';
import { startTestServer, type TestServer } from './server.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'e2e');

export { CHROMIUM_ARGS, CHROMIUM_PATH };

/** Upper bound for any single wait on the page: generous for a loaded CI machine, small enough to fail fast. */
export const WAIT_MS = 10_000;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS], timeout: 30_000 });
}

export interface DemoOptions {
  /** Viewport width in CSS pixels (default 1280: the demo's three-column desktop layout). */
  width?: number;
  height?: number;
  /** Query string for `/`, e.g. `lang=en`. */
  query?: string;
  /** A device profile (playwright-core's `devices['iPhone 13']`): its viewport, touch and user agent win. */
  device?: BrowserContextOptions;
}

/**
 * Runs in every document of the context before its own scripts. Listeners added here are not page scripts,
 * so the page's CSP does not apply to them; what they record is read back with `problems()`.
 */
function recordProblems() {
  const w = window as unknown as { __bayarProblems: string[] };
  w.__bayarProblems = [];
  window.addEventListener(
    'securitypolicyviolation',
    (e) => w.__bayarProblems.push(`CSP ${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`),
    true,
  );
}

export class DemoPage {
  /** Console errors and uncaught exceptions of the demo page (providers' pages opened from it are theirs to judge). */
  readonly errors: string[] = [];

  constructor(
    readonly base: string,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('console', (m) => {
      if (m.type() === 'error') this.errors.push(`console.error on ${page.url()}: ${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => this.errors.push(`uncaught on ${page.url()}: ${e.message}`));
  }

  static async open(browser: Browser, base: string, o: DemoOptions = {}): Promise<DemoPage> {
    const demo = await DemoPage.blank(browser, base, o);
    await demo.goto(o.query);
    return demo;
  }

  /**
   * The same recording context on no page yet, for pages other than the demo (the hosted payment-link page):
   * the caller navigates. `javaScript: false` opens it as a browser with scripts off.
   */
  static async blank(browser: Browser, base: string, o: DemoOptions & { javaScript?: boolean; locale?: string } = {}): Promise<DemoPage> {
    const context = await browser.newContext({
      viewport: { width: o.width ?? 1280, height: o.height ?? 900 },
      ...o.device,
      // Deadlines and payment times read as a shopper in Jakarta sees them; the locale also sets Accept-Language.
      locale: o.locale ?? 'id-ID',
      timezoneId: 'Asia/Jakarta',
      javaScriptEnabled: o.javaScript ?? true,
    });
    context.setDefaultTimeout(WAIT_MS);
    await context.addInitScript(recordProblems);
    return new DemoPage(base, context, await context.newPage());
  }

  /** Loads the demo (a new session for the visitor's order) and waits for the method list. */
  async goto(query?: string): Promise<void> {
    await this.page.goto(`${this.base}/${query ? `?${query}` : ''}`);
    await this.methodRadio().first().waitFor();
  }

  get checkout(): Locator {
    return this.page.locator('bayar-checkout');
  }

  /** Radios of the method picker (locators pierce the open shadow roots). */
  methodRadio(id?: string): Locator {
    return this.page.locator(id ? `bayar-checkout [role="radio"][data-id="${id}"]` : 'bayar-checkout [role="radio"]');
  }

  get payButton(): Locator {
    return this.page.locator('bayar-checkout button.pay');
  }

  /** The outcome panel, optionally for one status. */
  status(status?: Payment['status']): Locator {
    return this.page.locator(status ? `bayar-checkout [part="status"][data-status="${status}"]` : 'bayar-checkout [part="status"]');
  }

  /** Picks a method with the mouse and presses the pay button; resolves once a payment is on screen. */
  async pay(methodId: string): Promise<Payment> {
    await this.methodRadio(methodId).click();
    await this.payButton.click();
    await this.page.locator('bayar-checkout .view').waitFor();
    return this.waitForPayment({ method: methodId });
  }

  /** The element's `payment` property. */
  payment(): Promise<Payment | null> {
    return this.checkout.evaluate((el) => (el as HTMLElement & { payment: Payment | null }).payment);
  }

  /**
   * Waits until the element's `payment` has every given field (and, with `notId`, is not that payment). Plain data,
   * not a predicate function: the page's CSP forbids eval, so nothing is compiled in the page.
   */
  async waitForPayment(match: Partial<Pick<Payment, 'id' | 'method' | 'status'>> & { notId?: string }): Promise<Payment> {
    const handle = await this.page.waitForFunction((m) => {
      const p = (document.querySelector('bayar-checkout') as (HTMLElement & { payment: Payment | null }) | null)?.payment;
      if (!p || (m.notId && p.id === m.notId)) return null;
      return (['id', 'method', 'status'] as const).every((k) => m[k] === undefined || p[k] === m[k]) ? p : null;
    }, match);
    return (await handle.jsonValue()) as Payment;
  }

  /**
   * All text of the widget, shadow roots included (innerText stops at a shadow host), whitespace collapsed. Includes
   * screen-reader-only text and closed <details>, as a screen reader could reach them.
   */
  widgetText(): Promise<string> {
    return this.page.evaluate(() => {
      const parts: string[] = [];
      const stack: Node[] = [document.querySelector('bayar-checkout')!.shadowRoot!];
      while (stack.length) {
        const node = stack.pop()!;
        if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent ?? '');
        if (node instanceof HTMLStyleElement) continue;
        const children = [...((node as Element).shadowRoot ?? node).childNodes];
        if (node.nodeType === Node.ELEMENT_NODE) parts.push(' ');
        for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
      }
      return parts.join('').replace(/\s+/g, ' ').trim();
    });
  }

  /** Event types written to the demo's event log, oldest first (the log shows newest first). */
  async loggedEvents(): Promise<string[]> {
    const types = await this.page.locator('#event-log li[data-event]').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.event!));
    return types.reverse();
  }

  /** Presses the sandbox panel's button: the provider emulator pays or expires the current payment. */
  async sandbox(action: 'pay' | 'expire'): Promise<void> {
    const button = this.page.locator(action === 'pay' ? '#sim-pay' : '#sim-expire');
    const done = this.page.waitForResponse((r) => r.url().includes('/api/sandbox/payments/') && r.url().endsWith(`/${action}`));
    await button.click();
    const res = await done;
    if (!res.ok()) throw new Error(`sandbox ${action} answered ${res.status()}: ${await res.text()}`);
  }

  /** CSP violations seen by the demo page, plus its console errors and uncaught exceptions. */
  async problems(): Promise<string[]> {
    const csp = await this.page.evaluate(() => (window as unknown as { __bayarProblems?: string[] }).__bayarProblems ?? []);
    return [...csp, ...this.errors];
  }

  /** Saves a PNG of the whole page to test-results/e2e/<name>.png. */
  async screenshot(name: string, page: Page = this.page): Promise<string> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const path = join(SCREENSHOT_DIR, `${name}.png`);
    await page.screenshot({ path, fullPage: true, animations: 'disabled' });
    return path;
  }

  /**
   * The focused element, looked up through open shadow roots: `tag`, its `role`, `data-id`, class and text. (No
   * named inner functions in page callbacks: tsx would wrap them in a helper the page does not have.)
   */
  focused(): Promise<{ tag: string; role: string | null; id: string | null; className: string; text: string } | null> {
    return this.page.evaluate(() => {
      let a: Element | null = document.activeElement;
      while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
      if (!a || a === document.body) return null;
      return {
        tag: a.tagName.toLowerCase(),
        role: a.getAttribute('role'),
        id: (a as HTMLElement).dataset.id ?? null,
        className: typeof a.className === 'string' ? a.className : '',
        text: (a.textContent ?? '').replace(/\s+/g, ' ').trim(),
      };
    });
  }

  /** Waits until focus is on a heading (a new view took it) and returns the heading's text. */
  async focusedHeading(): Promise<string> {
    await this.page.waitForFunction(() => {
      let a: Element | null = document.activeElement;
      while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
      return a?.tagName === 'H2';
    });
    return (await this.focused())!.text;
  }

  /**
   * Layout defects at the current viewport: the page scrolling sideways, and any element inside the widget (shadow
   * roots included) that sticks out past the widget's own box. Screen-reader-only text (1 px, clipped) is ignored.
   */
  overflow(): Promise<string[]> {
    return this.page.evaluate(() => {
      const out: string[] = [];
      const doc = document.documentElement;
      if (doc.scrollWidth > doc.clientWidth) out.push(`page scrolls sideways: ${doc.scrollWidth} > ${doc.clientWidth}`);
      const host = document.querySelector('bayar-checkout');
      if (!host) return ['no <bayar-checkout>'];
      const box = host.getBoundingClientRect();
      if (box.right > doc.clientWidth + 0.5) out.push(`<bayar-checkout> ends at ${box.right} beyond ${doc.clientWidth}`);
      const roots: Array<Element | ShadowRoot> = [host.shadowRoot!];
      while (roots.length) {
        const root = roots.pop()!;
        for (const el of root.querySelectorAll('*')) {
          if (el.shadowRoot) roots.push(el.shadowRoot);
          const r = el.getBoundingClientRect();
          if (r.width <= 1 || getComputedStyle(el).position === 'absolute') continue;
          if (r.left < box.left - 0.5 || r.right > box.right + 0.5) {
            out.push(`<${el.tagName.toLowerCase()} class="${el.getAttribute('class') ?? ''}"> spans ${Math.round(r.left)}–${Math.round(r.right)} outside ${Math.round(box.left)}–${Math.round(box.right)}`);
          }
        }
      }
      return out;
    });
  }

  close(): Promise<void> {
    return this.context.close();
  }
}

/** Polls `pred` in Node until it holds: for server-side state (the ledger, open streams), never a fixed sleep. */
export async function until(pred: () => boolean | Promise<boolean>, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Fails early, with the fix, when the widget was not built (the companion serves dist/ at its root). */
export function assertBuilt(): void {
  if (!existsSync(join(ROOT, 'dist', 'bayar.mjs')) || !existsSync(join(ROOT, 'dist', 'bayar.js'))) {
    throw new Error('dist/bayar.mjs is missing: run `npm run build` first (scripts/test.sh builds before the e2e tests).');
  }
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeResult {
  violations: Array<{ id: string; nodes: Array<{ target: unknown; failureSummary?: string }> }>;
  passes: Array<{ id: string; nodes: Array<{ target: unknown }> }>;
}

/** axe-core (WCAG 2.1 A and AA) in the page. Evaluated through the DevTools protocol, so the page's CSP is not loosened for it. */
export async function axe(page: Page): Promise<AxeResult> {
  await page.evaluate(axeSource);
  return page.evaluate(() =>
    (window as unknown as { axe: { run(ctx: Document, o: object): Promise<AxeResult> } }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations', 'passes'],
    }),
  );
}

/** An axe result's violations as readable lines (empty when there are none). */
export const axeViolations = (r: AxeResult) => r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join(' | ')}`);

/**
 * One e2e file's fixture: checks the widget is built, starts a companion (`startTestServer`'s arguments) and one
 * Chromium before the file's tests and stops both after them. Tests read `e2e.s` and `e2e.browser`.
 */
export function useE2E(...args: Parameters<typeof startTestServer>): { s: TestServer; browser: Browser } {
  const e2e = {} as { s: TestServer; browser: Browser };
  before(async () => {
    assertBuilt();
    [e2e.s, e2e.browser] = await Promise.all([startTestServer(...args), launchBrowser()]);
  });
  after(async () => {
    await e2e.browser?.close();
    await e2e.s?.destroy();
  });
  return e2e;
}
