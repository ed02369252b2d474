#!/usr/bin/env bash
# Runs every test: the Java and Spark suites (Maven), then the viewer's Node and headless-Chromium
# tests against a real demo run. The viewer step installs Debian's chromium (as root) and the
# viewer's pinned npm packages when they are missing.
set -euo pipefail
cd "$(dirname "$0")"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

mvn -B verify

run="$PWD/job/target/viewer-test-run"
rm -rf "$run"
./submit.sh demo --out "$run"
MASK_IMPACT_RUN="$run" bash viewer/ci.sh
