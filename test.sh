#!/usr/bin/env bash
# Runs every test and ends with one line of counts per suite and in total:
#  - reference: the Python checks that regenerate, with Hugging Face transformers 5.17, every committed
#    checkpoint and reference dump, the image-processor goldens and the chat-template goldens, and
#    compare them (the environment comes from the wheels on this machine: models/reference/setup.sh);
#  - udfs, job, bench, cluster: the Maven suites on Spark 3.5 (ParityTest compares the engine with the
#    transformers dumps; the cluster module runs the job on a standalone Spark cluster of separate JVMs);
#  - spark4: the job's end-to-end tests built for Spark 4 (the spark4 profile);
#  - viewer: the Node and headless-Chromium tests on a real demo run (installs Debian's chromium as
#    root and the viewer's pinned npm packages when they are missing);
#  - launcher: submit.sh's start-up class archive, on the same run.
# Test logs (Spark's, and the stack traces the fault-injection tests cause on purpose) go to
# <module>/target/test-logs/tests.log; the demo's output to job/target/viewer-test-run.log.
set -uo pipefail
cd "$(dirname "$0")"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

# on standard output, so that a CI log that keeps only stdout still shows how far the run went
step() { echo "test.sh: $1 ($(date +%T))"; }

# Debian's Maven 3.8 writes colour resets even in batch mode; they are dropped when not on a terminal.
plain() {
  if [[ -t 1 ]]; then cat; else sed -u 's/\x1b\[[0-9;]*m//g'; fi
}

# passed and failed tests in surefire report folders
maven_counts() {
  local tests=0 bad=0 skipped=0 file t f e s
  for file in "$@"; do
    [[ -f "$file" ]] || continue
    read -r t f e s < <(sed -n 's/.*<testsuite[^>]* tests="\([0-9]*\)"[^>]* errors="\([0-9]*\)"[^>]* skipped="\([0-9]*\)"[^>]* failures="\([0-9]*\)".*/\1 \4 \2 \3/p' "$file" | head -n 1)
    tests=$((tests + ${t:-0})); bad=$((bad + ${f:-0} + ${e:-0})); skipped=$((skipped + ${s:-0}))
  done
  echo "$((tests - bad - skipped)) $bad"
}

failed=0
reference_pass=0
reference_fail=0
check() {
  local name="$1"
  shift
  step "transformers reference: $name"
  if "$@"; then reference_pass=$((reference_pass + 1)); else reference_fail=$((reference_fail + 1)); fi
}

step "transformers reference: environment from the wheels on disk"
if python="$(models/reference/setup.sh)"; then
  export MASK_IMPACT_PYTHON="$python"
  check "checkpoints and dumps regenerate identically" models/reference/check.sh
  check "image processor goldens" "$python" models/reference/imageproc/make_goldens.py --check
  check "chat template goldens" "$python" models/reference/chat/generate.py --check
elif [[ "${CI:-}" == true ]]; then
  echo "test.sh: CI needs the transformers reference environment (see the line above)" >&2
  reference_fail=1
else
  echo "test.sh: SKIPPED the transformers regeneration checks (no wheels for models/reference/setup.sh here);" \
       "the committed dumps are still checked by ParityTest" >&2
fi

step "Spark 3.5 (Scala 2.12): every module's tests"
rm -rf ./*/target/surefire-reports
mvn -B -q --fail-at-end verify 2>&1 | plain || failed=1

step "Spark 4 (Scala 2.13, mvn -Pspark4): the job's end-to-end tests, built into target/spark4"
rm -rf job/target/spark4/surefire-reports
mvn -B -q -Pspark4 -pl job -am verify -Dsurefire.failIfNoSpecifiedTests=false \
  -Dtest='RunEndToEndTest,TinyModelEndToEndTest,JobOutputQueryTest' 2>&1 | plain || failed=1

step "viewer tests on a demo run"
run="$PWD/job/target/viewer-test-run"
rm -rf "$run"
viewer_counts="0 1"
if ./submit.sh demo --out "$run" > job/target/viewer-test-run.log 2>&1; then
  rm -f viewer/test-artifacts/results.tap
  MASK_IMPACT_RUN="$run" bash viewer/ci.sh || failed=1
  if [[ -f viewer/test-artifacts/results.tap ]]; then
    viewer_counts="$(sed -n 's/^# pass \([0-9]*\)$/\1/p' viewer/test-artifacts/results.tap) $(sed -n 's/^# fail \([0-9]*\)$/\1/p' viewer/test-artifacts/results.tap)"
  fi
else
  echo "test.sh: the demo run for the viewer tests failed; see job/target/viewer-test-run.log" >&2
fi

# submit.sh's start-up class archive (docs/BENCHMARKS.md, "analyze on the demo run"): recorded by the
# first short command of a build, usable (-Xshare:on makes the JVM fail rather than start without it),
# and the same results with it as without it.
launcher_log=job/target/launcher-test.log
clusters_sql="SELECT cluster, count(*) AS tokens FROM token_clusters GROUP BY cluster ORDER BY cluster"
analyze_records_the_archive() {
  ./submit.sh analyze --out "$run" >>"$launcher_log" 2>&1 && [[ -s job/target/start-classes.jsa ]]
}
# the class-load log names the archive on top of the JDK's ("shared objects file (top)") for classes read from it
query_with_the_archive_answers_as_without_it() {
  local with without loads=job/target/launcher-test-class-loads.log
  with="$(MASK_IMPACT_JAVA_OPTS="-Xshare:on -Xlog:class+load=info:file=$loads" ./submit.sh query --out "$run" \
    --sql "$clusters_sql" 2>>"$launcher_log")" \
    && grep -q "shared objects file (top)" "$loads" \
    && without="$(MASK_IMPACT_CDS=off ./submit.sh query --out "$run" --sql "$clusters_sql" 2>>"$launcher_log")" \
    && [[ -n "$with" && "$with" == "$without" ]]
}
unknown_cds_setting_exits_2() {
  MASK_IMPACT_CDS=yes ./submit.sh query --out "$run" --sql "SELECT 1" >>"$launcher_log" 2>&1
  [[ $? == 2 ]]
}
step "launcher: the start-up class archive on the demo run"
: > "$launcher_log"
launcher_pass=0
launcher_fail=0
for check in analyze_records_the_archive query_with_the_archive_answers_as_without_it unknown_cds_setting_exits_2; do
  if [[ -f "$run/_manifest.json" ]] && "$check"; then
    launcher_pass=$((launcher_pass + 1))
  else
    launcher_fail=$((launcher_fail + 1))
    echo "test.sh: launcher check failed: $check (see $launcher_log)" >&2
  fi
done

summary="reference $reference_pass passed, $reference_fail failed; "
total_pass=$reference_pass
total_fail=$reference_fail
for suite in udfs job bench cluster spark4 viewer launcher; do
  case "$suite" in
    viewer) counts="$viewer_counts" ;;
    launcher) counts="$launcher_pass $launcher_fail" ;;
    spark4) counts="$(maven_counts job/target/spark4/surefire-reports/TEST-*.xml)" ;;
    *) counts="$(maven_counts "$suite"/target/surefire-reports/TEST-*.xml)" ;;
  esac
  read -r pass fail <<< "$counts"
  total_pass=$((total_pass + pass)); total_fail=$((total_fail + fail))
  summary+="$suite $pass passed, $fail failed; "
done
status=ok
if ((failed != 0 || total_fail != 0)); then status=FAILED; fi
echo "tests $status: ${summary}total $total_pass passed, $total_fail failed (logs: */target/test-logs/tests.log)"
[[ "$status" == ok ]]
