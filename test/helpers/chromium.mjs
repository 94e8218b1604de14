// The one list of Chromium launch flags, shared by the e2e helpers (test/helpers/browser.ts), the widget runner
// (web-test-runner.config.mjs), the benches (bench/lib/tti.ts) and the docs' screenshot tools. Plain JavaScript so
// the .mjs configs can import it as they are. Without these flags Chromium stalls on this offline machine
// (network, component updates, sync) and, running as root, refuses to start (--no-sandbox).
export const CHROMIUM_PATH = process.env.CHROME_PATH || '/usr/bin/chromium';

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
