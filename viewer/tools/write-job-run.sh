#!/usr/bin/env bash
# Runs the job's own classes (`MaskImpact ARGS...`, e.g. `run --manifest ... --out WORK/run ...`), then, unless
# FIXTURE is -, copies the run in WORK/run (its tables and images) into FIXTURE, a test fixture folder that it
# replaces. Used by make-tiles-run.sh and make-effects-run.sh; needs the job's classes:
#   mvn -B -o -q -pl job -am compile
#   tools/write-job-run.sh FIXTURE|- WORK ARGS...   (WORK: a scratch folder the caller owns)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(realpath ..)
out=$1
work=$2
shift 2
[ -f "$work/cp" ] || mvn -B -q -o -f "$root/job/pom.xml" dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile="$work/cp" >/dev/null
java -Xmx2g $(sed -n 's:.*<spark.java17.opens>\(.*\)</spark.java17.opens>.*:\1:p' "$root/pom.xml") \
  -cp "$root/job/target/classes:$root/udfs/target/classes:$(cat "$work/cp")" \
  io.maskimpact.cli.MaskImpact "$@" 2>&1 | grep -v -E '^(WARNING|SLF4J)' || true
[ "$out" = - ] && exit 0
rm -rf "$out"
mkdir -p "$out"
for part in _manifest.json images impact effects pairs steps errors; do
  if [ -e "$work/run/$part" ]; then cp -r "$work/run/$part" "$out/"; fi
done
find "$out" -name '.*.crc' -delete -o -name '_SUCCESS' -delete
echo "wrote $out: $(find "$out" -type f | wc -l) files"
