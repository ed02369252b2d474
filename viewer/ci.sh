#!/usr/bin/env bash
# Viewer CI: installs Debian's Chromium and the pinned npm dependencies, then checks that the
# committed bundle is fresh, type-checks, and runs the Node and browser tests (results also in
# test-artifacts/results.tap).
# Usage: viewer/ci.sh   (MASK_IMPACT_RUN=DIR tests against real job output instead of the fixture)
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "viewer/ci.sh: chromium missing; install Debian's chromium package" >&2
    exit 1
  fi
fi
npm ci --no-audit --no-fund --loglevel=error
node tools/build.js --check
npm run --silent typecheck
# each test's name and result on the console; the TAP stream (with the counts test.sh sums up) in a file
mkdir -p test-artifacts
node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination=test-artifacts/results.tap test/*.test.js
