#!/usr/bin/env bash
# Every test, in one command (`npm test`): type-check, build, server and provider tests (node:test), PostgreSQL
# tests, widget tests (web-test-runner in headless Chromium), end-to-end tests (playwright-core against the demo),
# the packed package and its examples.
# Ends with one plain line "N passed, N failed" summing every runner; exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
passed=0
failed=0
status=0

step() { printf '\n=== %s ===\n' "$1"; }

count_tap() { # file → adds its "# pass"/"# fail" totals (a cancelled test, e.g. one that timed out, is a failure)
  local p f c
  p=$(grep -E '^# pass [0-9]+' "$1" | tail -1 | awk '{print $3}')
  f=$(grep -E '^# fail [0-9]+' "$1" | tail -1 | awk '{print $3}')
  c=$(grep -E '^# cancelled [0-9]+' "$1" | tail -1 | awk '{print $3}')
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${c:-0}))
  if [ -z "$p" ]; then failed=$((failed + 1)); echo "no test summary in $1"; fi
}

run_node_tests() { # name, files... (TEST_TIMEOUT_MS: per test file, default 120000)
  local name=$1; shift
  step "$name"
  node --import tsx --test --test-concurrency=1 --test-timeout="${TEST_TIMEOUT_MS:-120000}" \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$out/$name.tap" "$@" || status=1
  count_tap "$out/$name.tap"
}

step typecheck
if npx tsc --noEmit; then passed=$((passed + 1)); echo "tsc: ok"; else failed=$((failed + 1)); status=1; fi

# Alert rules: promtool (Debian's prometheus package; .ci/run installs it) checks them and runs their unit tests.
step alerts
if command -v promtool >/dev/null 2>&1; then
  if promtool check rules deploy/prometheus/alerts.yml && (cd deploy/prometheus && promtool test rules alerts.test.yml); then
    passed=$((passed + 1))
  else failed=$((failed + 1)); status=1; fi
else
  echo "promtool not found: alert rules NOT checked (apt-get install -y prometheus)"
  if [ "${BAYAR_REQUIRE_PROMTOOL:-0}" = 1 ]; then failed=$((failed + 1)); status=1; fi
fi

step build
if npm run build --silent; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi

run_node_tests server test/server/*.test.ts
run_node_tests providers test/providers/*.test.ts

# PostgreSQL: the store, the LISTEN/NOTIFY bus and two instances on one database (test/pg), then the provider
# contract suite and the money-safety findings again with the PostgreSQL ledger. The server is BAYAR_TEST_PG_URL or a throwaway cluster made
# with the installed initdb. Without one the tests skip and say why; BAYAR_REQUIRE_PG=1 (set by .ci/run) makes
# that a failure instead.
step postgres
if pg_probe=$(node --import tsx test/helpers/pg.ts --probe 2>&1); then
  echo "$pg_probe"
  run_node_tests pg test/pg/*.test.ts
  export BAYAR_TEST_STORE=postgres
  run_node_tests providers-on-postgres test/providers/contract.test.ts test/server/money-safety.test.ts
  run_node_tests console-on-postgres test/server/console.test.ts
  run_node_tests links-on-postgres test/server/links.test.ts
  unset BAYAR_TEST_STORE
else
  echo "$pg_probe"
  echo "PostgreSQL tests NOT run (reason above); install Debian's postgresql or set BAYAR_TEST_PG_URL."
  if [ "${BAYAR_REQUIRE_PG:-0}" = 1 ]; then failed=$((failed + 1)); status=1; fi
fi

step widget
if ls test/widget/*.test.ts >/dev/null 2>&1; then
  BAYAR_WTR_SUMMARY="$out/widget.json" npx web-test-runner || status=1
  if [ -f "$out/widget.json" ]; then
    passed=$((passed + $(node -e "console.log(require('$out/widget.json').passed)")))
    failed=$((failed + $(node -e "console.log(require('$out/widget.json').failed)")))
  else
    failed=$((failed + 1)); echo "web-test-runner wrote no summary"
  fi
fi

if ls test/e2e/*.test.ts >/dev/null 2>&1; then
  run_node_tests e2e test/e2e/*.test.ts
fi

# The package as users get it: npm pack, installed from the registry into a scratch folder, the CLI, the mounted
# router, the types, and the examples (HTML, Express, React, Vue, Next.js) built once and driven in one Chromium.
# Installing and building Next.js, Vite and better-sqlite3 takes minutes on a loaded CI machine.
TEST_TIMEOUT_MS=1800000 run_node_tests package test/package/*.test.ts

rm -rf "$out"
echo
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
