#!/usr/bin/env bash
# Runs every test: the Java and Spark suites (Maven), then the viewer's Node and headless-Chromium
# tests against a real demo run, and ends with one line of counts per suite and in total. The
# viewer step installs Debian's chromium (as root) and the viewer's pinned npm packages when they
# are missing. Test logs (Spark's, and the stack traces the fault-injection tests cause on purpose)
# go to <module>/target/test-logs/tests.log; the demo's output to job/target/viewer-test-run.log.
set -uo pipefail
cd "$(dirname "$0")"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

# Debian's Maven 3.8 writes colour resets even in batch mode; they are dropped when not on a terminal.
plain() {
  if [[ -t 1 ]]; then cat; else sed -u 's/\x1b\[[0-9;]*m//g'; fi
}

# passed and failed tests of a Maven module, from its surefire reports
maven_counts() {
  local tests=0 bad=0 skipped=0 file t f e s
  for file in "$1"/target/surefire-reports/TEST-*.xml; do
    [[ -f "$file" ]] || continue
    read -r t f e s < <(sed -n 's/.*<testsuite[^>]* tests="\([0-9]*\)"[^>]* errors="\([0-9]*\)"[^>]* skipped="\([0-9]*\)"[^>]* failures="\([0-9]*\)".*/\1 \4 \2 \3/p' "$file" | head -n 1)
    tests=$((tests + ${t:-0})); bad=$((bad + ${f:-0} + ${e:-0})); skipped=$((skipped + ${s:-0}))
  done
  echo "$((tests - bad - skipped)) $bad"
}

rm -rf udfs/target/surefire-reports job/target/surefire-reports
mvn -B -q --fail-at-end verify 2>&1 | plain
maven=$?

run="$PWD/job/target/viewer-test-run"
rm -rf "$run"
viewer=0
viewer_counts="0 0"
if ./submit.sh demo --out "$run" > job/target/viewer-test-run.log 2>&1; then
  rm -f viewer/test-artifacts/results.tap
  MASK_IMPACT_RUN="$run" bash viewer/ci.sh
  viewer=$?
  [[ -f viewer/test-artifacts/results.tap ]] && viewer_counts="$(sed -n 's/^# pass \([0-9]*\)$/\1/p' viewer/test-artifacts/results.tap) $(sed -n 's/^# fail \([0-9]*\)$/\1/p' viewer/test-artifacts/results.tap)"
else
  viewer=1
  echo "test.sh: the demo run for the viewer tests failed; see job/target/viewer-test-run.log" >&2
fi

summary=""
total_pass=0
total_fail=0
for suite in udfs job viewer; do
  if [[ "$suite" == viewer ]]; then counts="$viewer_counts"; else counts="$(maven_counts "$suite")"; fi
  read -r pass fail <<< "$counts"
  total_pass=$((total_pass + pass)); total_fail=$((total_fail + fail))
  summary+="$suite $pass passed, $fail failed; "
done
status=ok
if ((maven != 0 || viewer != 0 || total_fail != 0)); then status=FAILED; fi
echo "tests $status: ${summary}total $total_pass passed, $total_fail failed (logs: */target/test-logs/tests.log)"
[[ "$status" == ok ]]
