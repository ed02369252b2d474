#!/usr/bin/env bash
# mask-impact launcher. Passes every argument through to the mask-impact command line.
#
#   ./submit.sh demo                                   the shipped tiny model on bundled toy pairs
#   ./submit.sh run --manifest pairs.csv --out out/x    the job (./submit.sh run --help)
#   ./submit.sh --help                                 every command
#
# Two ways to run:
#  - Embedded local Spark (the default): no Spark installation needed. Runs on local[*] (or the
#    local[N] given with --master) from the Maven-built jars, building them first when they are
#    missing or older than the sources. Spark settings come from conf/spark-local.conf (or the file
#    named by MASK_IMPACT_SPARK_CONF), passed as -D system properties.
#  - spark-submit: when --master names a cluster (spark://, yarn, k8s://, local-cluster) or
#    SPARK_HOME is set. Submits the cluster jar (job/target/*-spark.jar) with the CPU libtorch jar
#    (MASK_IMPACT_TORCH_JAR names another, e.g. a CUDA flavour). MASK_IMPACT_SPARK_CONF is passed
#    as --properties-file (e.g. conf/spark-gpu.conf); SPARK_SUBMIT_ARGS adds more spark-submit flags.
#
# Environment: JAVA_HOME (Java 17), MASK_IMPACT_MEMORY (local JVM heap, default 4g),
# MASK_IMPACT_JAVA_OPTS (more JVM options for local mode, after the script's own),
# MASK_IMPACT_TORCH_THREADS (libtorch threads per process in local mode, default 1: local[*] runs
# one task per core side by side, which beats fewer tasks with more threads), DJL_CACHE_DIR (where
# DJL extracts libtorch, default ~/.djl.ai), SPARK_LOCAL_IP (default 127.0.0.1).
set -euo pipefail

HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
JOB="$HOME_DIR/job"
MAIN=io.maskimpact.cli.MaskImpact
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# The --add-opens set of Spark's JavaModuleOptions (Spark 3.5 on Java 17).
OPENS=(
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false
)

die() { echo "submit.sh: $*" >&2; exit 2; }

# --master's value, if given (both "--master X" and "--master=X").
master=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --master) master="${args[i + 1]:-}" ;;
    --master=*) master="${args[i]#--master=}" ;;
  esac
done

export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$HOME/.djl.ai}"
LOG_CONF="$HOME_DIR/conf/log4j2.properties"
JVM_PROPS=(-Dmaskimpact.home="$HOME_DIR" -Dai.djl.offline=true -DDJL_CACHE_DIR="$DJL_CACHE_DIR"
  -Dlog4j2.configurationFile="$LOG_CONF")

# Builds the jars when they are missing or older than any source or build file.
ensure_built() {
  local jar
  jar="$(ls "$JOB"/target/mask-impact-job-*-spark.jar 2>/dev/null | head -n 1 || true)"
  if [[ -n "$jar" && -f "$JOB/target/classpath.txt" ]] \
      && [[ -z "$(find "$HOME_DIR/job/src/main" "$HOME_DIR/udfs/src/main" "$HOME_DIR/pom.xml" "$JOB/pom.xml" \
                  "$HOME_DIR/udfs/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]]; then
    return
  fi
  command -v mvn >/dev/null || die "Maven (mvn) is needed to build the job once; install it or build elsewhere"
  echo "submit.sh: building the job jars with Maven (once; about a minute)..." >&2
  # Debian's Maven 3.8 writes colour resets even in batch mode: dropped when stderr is not a terminal
  if [[ -t 2 ]]; then
    (cd "$HOME_DIR" && mvn -q -B -Dmaven.test.skip=true -pl job -am package) >&2
  else
    (cd "$HOME_DIR" && mvn -q -B -Dmaven.test.skip=true -pl job -am package) 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2
  fi
}

cluster=false
case "$master" in
  "" | local | local\[*) ;;
  *) cluster=true ;;
esac
[[ -n "${SPARK_HOME:-}" ]] && cluster=true

ensure_built
THIN_JAR="$(ls "$JOB"/target/mask-impact-job-*.jar | grep -v -- '-spark\.jar$' | head -n 1)"
SPARK_JAR="$(ls "$JOB"/target/mask-impact-job-*-spark.jar | head -n 1)"

if [[ "$cluster" == false ]]; then
  # Embedded local Spark: spark-defaults style settings become -D properties (SparkConf reads spark.*).
  spark_props=()
  conf_file="${MASK_IMPACT_SPARK_CONF:-$HOME_DIR/conf/spark-local.conf}"
  if [[ -f "$conf_file" ]]; then
    while IFS= read -r line || [[ -n "$line" ]]; do
      line="${line#"${line%%[![:space:]]*}"}"
      [[ -z "$line" || "$line" == \#* ]] && continue
      key="${line%%[[:space:]=]*}"
      value="${line#"$key"}"
      value="${value#"${value%%[![:space:]=]*}"}"
      value="${value%"${value##*[![:space:]]}"}"
      spark_props+=("-D$key=$value")
    done < "$conf_file"
  fi
  # query, analyze, serve, toy-data and help end before the JIT's optimising compiler pays for
  # itself: compiling with C1 only halves their CPU time, and the serial collector halves the
  # memory they take (docs/BENCHMARKS.md, "analyze"). run, demo, bench and the sql shell keep C2.
  jvm_short=()
  case "${1:-}" in
    query | analyze | serve | toy-data | help | -h | --help | -V | --version | "")
      jvm_short=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC) ;;
  esac
  # shellcheck disable=SC2206 # word splitting of extra options is intended
  extra_opts=(${MASK_IMPACT_JAVA_OPTS:-})
  exec "$JAVA" "${OPENS[@]}" -Xmx"${MASK_IMPACT_MEMORY:-4g}" "${jvm_short[@]}" "${extra_opts[@]}" "${JVM_PROPS[@]}" "${spark_props[@]}" \
    -Dai.djl.pytorch.num_threads="${MASK_IMPACT_TORCH_THREADS:-1}" \
    -cp "$THIN_JAR:$(cat "$JOB/target/classpath.txt")" "$MAIN" "$@"
fi

# spark-submit on a cluster (or on SPARK_HOME's own master).
[[ -n "${SPARK_HOME:-}" && -x "$SPARK_HOME/bin/spark-submit" ]] \
  || die "--master $master needs SPARK_HOME: a Spark 3.5 installation with bin/spark-submit (or use --master local[*])"
TORCH_JAR="${MASK_IMPACT_TORCH_JAR:-$(ls "$JOB"/target/native/pytorch-native-*.jar | head -n 1)}"
submit=("$SPARK_HOME/bin/spark-submit" --class "$MAIN" --name mask-impact --jars "$TORCH_JAR"
  --driver-java-options "${JVM_PROPS[*]}")
[[ -n "$master" ]] && submit+=(--master "$master")
[[ -n "${MASK_IMPACT_SPARK_CONF:-}" ]] && submit+=(--properties-file "$MASK_IMPACT_SPARK_CONF")
# shellcheck disable=SC2206 # word splitting of extra flags is intended
[[ -n "${SPARK_SUBMIT_ARGS:-}" ]] && submit+=(${SPARK_SUBMIT_ARGS})
exec "${submit[@]}" "$SPARK_JAR" "$@"
