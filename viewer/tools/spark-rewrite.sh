#!/usr/bin/env bash
# Rewrites a synthetic run with Spark 3.5 (Spark-written ZSTD Parquet, sorted as MANIFEST.md asks),
# copies its images and writes its _manifest.json.  Usage: tools/spark-rewrite.sh IN OUT
set -euo pipefail
cd "$(dirname "$0")/.."
in=$(realpath "$1"); out=$(realpath -m "$2")
cp=$(mktemp)
mvn -q -f tools/spark/pom.xml dependency:build-classpath -Dmdep.outputFile="$cp" >/dev/null
rm -rf "$out"
java -Xmx4g \
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED \
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED \
  -cp "$(cat "$cp")" tools/spark/SparkRewrite.java "$in" "$out" 2>&1 | grep -v -E '^(WARNING|SLF4J)' || true
rm -f "$cp"
[ -d "$in/images" ] && cp -r "$in/images" "$out/images"
node tools/write-manifest.js "$out" "$in"
