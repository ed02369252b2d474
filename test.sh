#!/usr/bin/env bash
# Runs every test: the Java and Spark suites (Maven: udfs, job, and the job on a standalone Spark
# cluster of separate JVMs), the same suites built for Spark 4 (the spark4 profile), then the
# viewer's Node and headless-Chromium tests against a real demo run. The viewer step installs
# Debian's chromium (as root) and the viewer's pinned npm packages when they are missing.
set -euo pipefail
cd "$(dirname "$0")"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

step() { echo "test.sh: $1 ($(date +%T))" >&2; }

step "Spark 3.5 (Scala 2.12): every module's tests"
mvn -B verify

step "Spark 4 (Scala 2.13, mvn -Pspark4): every module's tests, built into target/spark4"
mvn -B -Pspark4 verify

step "viewer tests on a demo run"
run="$PWD/job/target/viewer-test-run"
rm -rf "$run"
./submit.sh demo --out "$run"
MASK_IMPACT_RUN="$run" bash viewer/ci.sh
step "done"
