/**
 * End-to-end harness: headless Chromium (playwright-core driving /usr/bin/chromium, nothing downloaded) against a
 * real companion started in-process, on the demo storefront it serves at `/`. Every page of a context reports its
 * Content-Security-Policy violations, uncaught errors and console errors, so a test can assert there were none.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { Payment } from '../../server/api-types.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'e2e');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Upper bound for any single wait on the page: generous for a loaded CI machine, small enough to fail fast. */
export const WAIT_MS = 10_000;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROME_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 30_000 });
}

export interface DemoOptions {
  /** Viewport width in CSS pixels (default 1280: the demo's three-column desktop layout). */
  width?: number;
  height?: number;
  /** Query string for `/`, e.g. `lang=en`. */
  query?: string;
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
  /** Console errors and uncaught exceptions of every page in this context, with the page's URL. */
  readonly errors: string[] = [];

  constructor(
    readonly base: string,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    const watch = (p: Page) => {
      p.on('console', (m) => {
        if (m.type() === 'error') this.errors.push(`console.error on ${p.url()}: ${m.text()}`);
      });
      p.on('pageerror', (e) => this.errors.push(`uncaught on ${p.url()}: ${e.message}`));
    };
    watch(page);
    context.on('page', watch);
  }

  static async open(browser: Browser, base: string, o: DemoOptions = {}): Promise<DemoPage> {
    const context = await browser.newContext({
      viewport: { width: o.width ?? 1280, height: o.height ?? 900 },
      // Deadlines and payment times read as a shopper in Jakarta sees them.
      locale: 'id-ID',
      timezoneId: 'Asia/Jakarta',
    });
    context.setDefaultTimeout(WAIT_MS);
    await context.addInitScript(recordProblems);
    const page = await context.newPage();
    const demo = new DemoPage(base, context, page);
    await demo.goto(o.query);
    return demo;
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

  /** CSP violations seen by every open page of this context, plus console errors and uncaught exceptions. */
  async problems(): Promise<string[]> {
    const csp: string[] = [];
    for (const p of this.context.pages()) {
      if (p.isClosed()) continue;
      csp.push(...(await p.evaluate(() => (window as unknown as { __bayarProblems?: string[] }).__bayarProblems ?? []).catch(() => [])));
    }
    return [...csp, ...this.errors];
  }

  /** Saves a PNG of the whole page to test-results/e2e/<name>.png. */
  async screenshot(name: string, page: Page = this.page): Promise<string> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const path = join(SCREENSHOT_DIR, `${name}.png`);
    await page.screenshot({ path, fullPage: true, animations: 'disabled' });
    return path;
  }

  close(): Promise<void> {
    return this.context.close();
  }
}
