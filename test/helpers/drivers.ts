/**
 * Browsers beyond Chromium for the main journeys: Firefox (Debian's firefox-esr driven over WebDriver BiDi by
 * puppeteer-core) and WebKit, Safari's engine (Debian's webkit2gtk-driver: WebKitWebDriver with MiniBrowser under
 * xvfb-run, spoken to in plain W3C WebDriver over fetch). Both behind one small interface; nothing is downloaded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import puppeteer from 'puppeteer-core';
import { freePort } from './process.js';

export interface Driver {
  readonly name: string;
  goto(url: string): Promise<void>;
  /** Runs `body` (a function body; `return` gives the result) in the page with `args` as `arguments`. */
  run<T = unknown>(body: string, ...args: unknown[]): Promise<T>;
  /** Presses keys one after another as the keyboard would (focus decides where they go). */
  press(...keys: Array<'Tab' | 'ArrowDown' | 'Space' | 'Enter'>): Promise<void>;
  close(): Promise<void>;
}

export const FIREFOX = '/usr/bin/firefox-esr';
export const WEBKIT_DRIVER = '/usr/bin/WebKitWebDriver';
export const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** Why a browser cannot run here, or null. CI installs them (.ci/run); BAYAR_REQUIRE_BROWSERS=1 makes absence a failure. */
export function missing(name: 'firefox' | 'webkit'): string | null {
  if (name === 'firefox') return existsSync(FIREFOX) ? null : `${FIREFOX} is not installed (apt-get install firefox-esr)`;
  if (!existsSync(WEBKIT_DRIVER) || !existsSync(MINIBROWSER)) return `WebKitWebDriver/MiniBrowser are not installed (apt-get install webkit2gtk-driver)`;
  return existsSync('/usr/bin/xvfb-run') ? null : 'xvfb-run is not installed (apt-get install xvfb)';
}

export async function firefox(width = 1280, height = 900): Promise<Driver> {
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, protocolTimeout: 60_000 });
  const page = await browser.newPage();
  await page.setViewport({ width, height });
  const KEYS = { Tab: 'Tab', ArrowDown: 'ArrowDown', Space: ' ', Enter: 'Enter' } as const;
  return {
    name: 'firefox',
    async goto(url) {
      await page.goto(url, { waitUntil: 'load' });
    },
    // A string, not a function: evaluated by the protocol, so the page's CSP (no eval) does not apply to it.
    run: (body, ...args) => page.evaluate(`(function () {${body}}).apply(null, ${JSON.stringify(args)})`) as never,
    async press(...keys) {
      for (const k of keys) await page.keyboard.press(KEYS[k]);
    },
    close: () => browser.close(),
  };
}

/** WebDriver key codes (W3C WebDriver §17.4.2). */
const WD_KEYS = { Tab: '\uE004', ArrowDown: '\uE015', Space: '\uE00D', Enter: '\uE007' } as const;

export async function webkit(width = 1280, height = 900): Promise<Driver> {
  const port = await freePort();
  // Its own process group, so closing kills xvfb-run, Xvfb and the driver together.
  const proc: ChildProcess = spawn('xvfb-run', ['-a', '-s', `-screen 0 ${width + 100}x${height + 200}x24`, WEBKIT_DRIVER, `--port=${port}`], {
    detached: true,
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = (await res.json()) as { value: unknown };
    if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${JSON.stringify(json.value)}`);
    return json.value;
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await call('GET', '/status');
      break;
    } catch {
      if (Date.now() > deadline) throw new Error('WebKitWebDriver did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  // MiniBrowser's --headless hangs the session here: it runs on the virtual display instead (toolchain.md).
  const session = (await call('POST', '/session', {
    capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } } },
  })) as { sessionId: string };
  const s = `/session/${session.sessionId}`;
  await call('POST', `${s}/window/rect`, { width, height }).catch(() => undefined);
  return {
    name: 'webkit',
    async goto(url) {
      await call('POST', `${s}/url`, { url });
    },
    run: (body, ...args) => call('POST', `${s}/execute/sync`, { script: body, args }) as never,
    async press(...keys) {
      const actions = keys.flatMap((k) => [{ type: 'keyDown', value: WD_KEYS[k] }, { type: 'keyUp', value: WD_KEYS[k] }]);
      await call('POST', `${s}/actions`, { actions: [{ type: 'key', id: 'keyboard', actions }] });
    },
    async close() {
      await call('DELETE', s).catch(() => undefined);
      try {
        process.kill(-proc.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}
