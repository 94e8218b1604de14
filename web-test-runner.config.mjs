// Browser unit tests of the widget (test/widget/*.test.ts) in headless Chromium. See shared toolchain notes:
// esbuild needs the tsconfig for the legacy decorators; Chromium runs as root, so --no-sandbox.
import { writeFileSync } from 'node:fs';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './test/helpers/chromium.mjs';

/** Counts tests for scripts/test.sh's closing "N passed, N failed" line (wtr's own summary is not in that form). */
function summaryReporter() {
  return {
    onTestRunFinished({ sessions }) {
      let passed = 0;
      let failed = 0;
      const walk = (suite) => {
        for (const t of suite.tests ?? []) {
          if (t.skipped) continue;
          if (t.passed) passed++;
          else failed++;
        }
        for (const s of suite.suites ?? []) walk(s);
      };
      for (const session of sessions) {
        if (session.testResults) walk(session.testResults);
        // A test file that failed to load or threw outside a test counts as one failure.
        if (session.errors?.length) failed++;
      }
      if (process.env.BAYAR_WTR_SUMMARY) writeFileSync(process.env.BAYAR_WTR_SUMMARY, JSON.stringify({ passed, failed }));
    },
  };
}

export default {
  files: 'test/widget/**/*.test.ts',
  reporters: [defaultReporter(), summaryReporter()],
  nodeResolve: true,
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' })],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: [...CHROMIUM_ARGS],
      },
    }),
  ],
  // One test page at a time: pages share the origin's localStorage, which the resume tests rely on.
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 60000,
  testsStartTimeout: 60000,
  testsFinishTimeout: 180000,
  testFramework: { config: { timeout: 10000 } },
};
