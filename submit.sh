#!/usr/bin/env bash
# mask-impact launcher. Passes every argument through to the mask-impact command line.
#
#   ./submit.sh demo                                   the shipped tiny model on bundled toy pairs
#   ./submit.sh run --manifest pairs.csv --out out/x    the job (./submit.sh run --help)
#   ./submit.sh bench engine                           a benchmark (./submit.sh bench --help)
#   ./submit.sh --help                                 every command
#
# Two ways to run:
#  - Embedded local Spark (the default): no Spark installation needed. Runs on local[*] (or the
#    local[N] given with --master) from the Maven-built jars, building them first when they are
#    missing or older than the sources. Spark settings come from conf/spark-local.conf (or the file
#    named by MASK_IMPACT_SPARK_CONF), passed as -D system properties.
#  - spark-submit: when --master names a cluster (spark://, yarn, k8s://, local-cluster) or
#    SPARK_HOME is set. SPARK_HOME is a Spark distribution (its bin/spark-submit is used) or any
#    folder whose jars/ holds Spark's jars (Spark's launcher is then called as bin/spark-class
#    would). Submits the cluster jar built for SPARK_HOME's Spark line (job/target/*-spark.jar for
#    Spark 3.5, job/target/spark4/*-spark.jar from `mvn -Pspark4` for Spark 4) with the CPU libtorch
#    jar (MASK_IMPACT_TORCH_JAR names another, e.g. a CUDA flavour) and MASK_IMPACT_EXTRA_JARS (more
#    jars, comma-separated). MASK_IMPACT_SPARK_CONF is passed as --properties-file (e.g.
#    conf/spark-gpu.conf); SPARK_SUBMIT_ARGS adds more spark-submit flags (no spaces inside a flag).
#
# Environment: JAVA_HOME (Java 17), MASK_IMPACT_MEMORY (local JVM heap, default 4g),
# MASK_IMPACT_JAVA_OPTS (more JVM options for local mode, after the script's own), MASK_IMPACT_CDS
# (on, the default, or off: the start-up class archive of the short commands, use_start_archive below),
# MASK_IMPACT_TORCH_THREADS (libtorch threads per process in local mode, default 1: local[*] runs
# one task per core side by side, which beats fewer tasks with more threads), DJL_CACHE_DIR (where
# DJL extracts libtorch, default ~/.djl.ai), SPARK_LOCAL_IP (default 127.0.0.1).
set -euo pipefail

HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
JOB="$HOME_DIR/job"
BENCH="$HOME_DIR/bench"
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

# Builds a module and the modules it uses (into $PROFILE's build folder) when its jar or classpath.txt is
# missing or older than any of their sources or build files. $1: the module; $2: its build folder; $3: its
# newest jar, if any; the rest: the modules it uses.
ensure_built() {
  local module="$1" build="$2" jar="$3" m
  local inputs=("$HOME_DIR/pom.xml" "$HOME_DIR/$module/src/main" "$HOME_DIR/$module/pom.xml")
  for m in "${@:4}"; do
    inputs+=("$HOME_DIR/$m/src/main" "$HOME_DIR/$m/pom.xml")
  done
  if [[ -n "$jar" && -f "$build/classpath.txt" ]] \
      && [[ -z "$(find "${inputs[@]}" -newer "$jar" -print -quit 2>/dev/null)" ]]; then
    return
  fi
  command -v mvn >/dev/null || die "Maven (mvn) is needed to build the $module once; install it or build elsewhere"
  echo "submit.sh: building the $module jars with Maven${PROFILE:+ ($PROFILE)} (once; about a minute)..." >&2
  # Debian's Maven 3.8 writes colour resets even in batch mode: dropped when stderr is not a terminal
  if [[ -t 2 ]]; then
    (cd "$HOME_DIR" && mvn -q -B ${PROFILE:+"-P$PROFILE"} -Dmaven.test.skip=true -pl "$module" -am package) >&2
  else
    (cd "$HOME_DIR" && mvn -q -B ${PROFILE:+"-P$PROFILE"} -Dmaven.test.skip=true -pl "$module" -am package) 2>&1 \
      | sed 's/\x1b\[[0-9;]*m//g' >&2
  fi
}

# SPARK_HOME's Spark, from the name of its spark-core jar, e.g. "2.12 3.5.9" (Scala, Spark).
spark_home_version() {
  local core
  core="$(cd "$SPARK_HOME/jars" 2>/dev/null && ls spark-core_*.jar 2>/dev/null | head -n 1 || true)"
  [[ "$core" =~ ^spark-core_([0-9.]+)-([0-9][^-]*)(-.*)?\.jar$ ]] \
    || die "SPARK_HOME=$SPARK_HOME has no jars/spark-core_<scala>-<version>.jar: point it at a Spark distribution or at a folder whose jars/ holds Spark's jars"
  echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
}

# Runs SparkSubmit with a SPARK_HOME that has jars/ but no bin/: like bin/spark-class, asks Spark's
# launcher for the driver's command line (classpath, memory, Java options from the arguments and the
# properties file), which it prints after a NUL, each argument NUL-terminated; then runs it.
spark_class_submit() {
  local launch=() messages item
  {
    IFS= read -r -d '' messages || true
    [[ -n "$messages" ]] && printf '%s' "$messages" >&2
    while IFS= read -r -d '' item; do launch+=("$item"); done
  } < <("$JAVA" -Xmx128m -cp "$SPARK_HOME/jars/*" org.apache.spark.launcher.Main org.apache.spark.deploy.SparkSubmit "$@")
  ((${#launch[@]})) || die "Spark's launcher (org.apache.spark.launcher.Main in $SPARK_HOME/jars) gave no command; see above"
  launch[0]="${launch[0]#$'\n'}"
  exec "${launch[@]}"
}

# Class-data sharing for the commands that start, do a little and end (query, analyze, serve,
# toy-data, sql): a JVM archive of the classes that analysing a run loads, already parsed and
# verified, cuts 3-4 s from each start (docs/BENCHMARKS.md, "analyze on the demo run"). It is
# recorded once per build, by analysing a copy of the viewer's fixture run (a real run of the tiny
# model) in a JVM started like the command's, which dumps its classes at exit (about 30 s). A
# build without the fixture, or a JVM that cannot dump, starts without it; its log says why.
use_start_archive() {
  local archive="$BUILD/start-classes.jsa" log="$BUILD/start-classes.log" fixture tmp
  fixture="$HOME_DIR/viewer/test/fixtures/effects-run"
  if ! written_since_build "$log" && [[ -f "$fixture/_manifest.json" && -w "$BUILD" ]]; then
    # one recording at a time; another command meanwhile starts without the archive
    exec 9>"$BUILD/start-classes.lock"
    if ! command -v flock >/dev/null || flock -n 9; then
      echo "submit.sh: recording the start-up class archive for this build (once; about 30 s; MASK_IMPACT_CDS=off skips it)..." >&2
      tmp="$(mktemp -d)"
      cp -R "$fixture" "$tmp/run"
      rm -f "$archive"
      if "${local_java[@]}" -XX:ArchiveClassesAtExit="$tmp/start-classes.jsa" "$MAIN" analyze --out "$tmp/run" \
          >"$log" 2>&1 && [[ -s "$tmp/start-classes.jsa" ]]; then
        mv "$tmp/start-classes.jsa" "$archive"
      else
        echo "submit.sh: could not record it (see $log); starting without it" >&2
        touch "$log"
      fi
      rm -rf "$tmp"
    fi
    exec 9>&-
  fi
  if written_since_build "$archive"; then
    local_java+=(-XX:SharedArchiveFile="$archive")
  fi
}

# Whether a file exists and is newer than the local build's jar and classpath (which the JVM checks too).
written_since_build() {
  [[ "$1" -nt "$THIN_JAR" && "$1" -nt "$BUILD/classpath.txt" ]]
}

cluster=false
case "$master" in
  "" | local | local\[*) ;;
  *) cluster=true ;;
esac
[[ -n "${SPARK_HOME:-}" ]] && cluster=true

# The build for the Spark line that runs the job: the default (Spark 3.5, Scala 2.12), or the
# spark4 profile's when SPARK_HOME holds Spark 4 (Scala 2.13).
BUILD="$JOB/target"
PROFILE=""
if [[ "$cluster" == true && -n "${SPARK_HOME:-}" ]]; then
  read -r scala_version spark_version <<< "$(spark_home_version)"
  case "$spark_version" in
    3.5.*) ;;
    4.*) BUILD="$JOB/target/spark4"; PROFILE=spark4 ;;
    *) die "SPARK_HOME=$SPARK_HOME holds Spark $spark_version; the job runs on Spark 3.5 (Scala 2.12) or 4 (Scala 2.13)" ;;
  esac
  # Spark's launcher needs it; a distribution's bin/load-spark-env.sh sets it, a jars-only folder has none
  export SPARK_SCALA_VERSION="${SPARK_SCALA_VERSION:-$scala_version}"
fi

if [[ "${1:-}" == bench ]]; then
  # The benchmarks (docs/BENCHMARKS.md) are their own module, outside the job's jars: built only when
  # asked for, and always run here on embedded local Spark (they start their own sessions and time
  # this machine).
  shift
  PROFILE=""
  ensure_built bench "$BENCH/target" "$(ls "$BENCH"/target/mask-impact-bench-*.jar 2>/dev/null | head -n 1 || true)" udfs job
  MAIN=io.maskimpact.bench.cli.BenchCommand
  LOCAL_CP="$(ls "$BENCH"/target/mask-impact-bench-*.jar | head -n 1):$(cat "$BENCH/target/classpath.txt")"
  cluster=false
else
  ensure_built job "$BUILD" "$(ls "$BUILD"/mask-impact-job-*-spark.jar 2>/dev/null | head -n 1 || true)" udfs
  THIN_JAR="$(ls "$BUILD"/mask-impact-job-*.jar | grep -v -- '-\(spark\|tests\)\.jar$' | head -n 1)"
  SPARK_JAR="$(ls "$BUILD"/mask-impact-job-*-spark.jar | head -n 1)"
  LOCAL_CP="$THIN_JAR:$(cat "$BUILD/classpath.txt")"
fi

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
  # The short commands and sql also start from the class archive (use_start_archive).
  c1_and_serial_gc=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
  jvm_short=()
  start_archive=false
  case "${1:-}" in
    query | analyze | serve | toy-data) jvm_short=("${c1_and_serial_gc[@]}"); start_archive=true ;;
    help | -h | --help | -V | --version | "") jvm_short=("${c1_and_serial_gc[@]}") ;;
    sql) start_archive=true ;;
  esac
  # shellcheck disable=SC2206 # word splitting of extra options is intended
  extra_opts=(${MASK_IMPACT_JAVA_OPTS:-})
  # JVM warnings go to stderr, where they cannot mix with query's results on stdout.
  local_java=("$JAVA" "${OPENS[@]}" -Xmx"${MASK_IMPACT_MEMORY:-4g}" "${jvm_short[@]}" -Xlog:disable
    -Xlog:all=warning:stderr "${JVM_PROPS[@]}" "${spark_props[@]}"
    -Dai.djl.pytorch.num_threads="${MASK_IMPACT_TORCH_THREADS:-1}" -cp "$LOCAL_CP")
  case "${MASK_IMPACT_CDS:-on}" in
    on) [[ "$start_archive" == false ]] || use_start_archive ;;
    off) ;;
    *) die "MASK_IMPACT_CDS=$MASK_IMPACT_CDS: expected on (the default) or off" ;;
  esac
  exec "${local_java[@]}" "${extra_opts[@]}" "$MAIN" "$@"
fi

# spark-submit on a cluster (or on SPARK_HOME's own master).
[[ -n "${SPARK_HOME:-}" ]] \
  || die "--master $master needs SPARK_HOME: a Spark 3.5 or 4 distribution, or a folder whose jars/ holds Spark's jars (or use --master local[*])"
TORCH_JAR="${MASK_IMPACT_TORCH_JAR:-$(ls "$BUILD"/native/pytorch-native-*.jar | head -n 1)}"
submit=(--class "$MAIN" --name mask-impact --jars "$TORCH_JAR${MASK_IMPACT_EXTRA_JARS:+,$MASK_IMPACT_EXTRA_JARS}"
  --driver-java-options "${JVM_PROPS[*]}")
[[ -n "$master" ]] && submit+=(--master "$master")
[[ -n "${MASK_IMPACT_SPARK_CONF:-}" ]] && submit+=(--properties-file "$MASK_IMPACT_SPARK_CONF")
# shellcheck disable=SC2206 # word splitting of extra flags is intended
[[ -n "${SPARK_SUBMIT_ARGS:-}" ]] && submit+=(${SPARK_SUBMIT_ARGS})
if [[ -x "$SPARK_HOME/bin/spark-submit" ]]; then
  exec "$SPARK_HOME/bin/spark-submit" "${submit[@]}" "$SPARK_JAR" "$@"
fi
spark_class_submit "${submit[@]}" "$SPARK_JAR" "$@"
