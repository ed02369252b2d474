#!/usr/bin/env bash
# Writes test/fixtures/tiles-run: a run written by the job's own `run` command and writers, with the
# job's fake model family (job/src/test/.../testing/FakeBackend) splitting each image into 2 x 3 tiles of
# 2 x 4 tokens (cells of 20 x 30 pixels) plus the global image. Its image is 240 x 120 pixels, each tile a
# flat colour, so the browser test can check the tile boxes on a screenshot. Needs the job's test classes:
#   mvn -B -o -q -pl job -am test-compile && viewer/tools/make-tiles-run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(realpath ..)
out=test/fixtures/tiles-run
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mvn -B -q -o -f "$root/job/pom.xml" dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$work/cp" >/dev/null
mkdir -p "$work/fake-tiles" "$work/input/images"
cat > "$work/fake-tiles/config.json" <<'JSON'
{ "model_type": "fake-vlm", "layers": 2, "heads": 2, "grid_rows": 2, "grid_cols": 4, "tiles": [2, 3] }
JSON
node --input-type=module -e '
import { writeFileSync } from "node:fs"
import { encodePng } from "./test/png.js"
// six tiles of 80 x 60, each its own flat colour
const colours = [[200, 40, 40], [40, 160, 40], [40, 40, 200], [200, 200, 40], [160, 40, 160], [40, 160, 160]]
writeFileSync(process.argv[1], encodePng(240, 120, (x, y) => colours[Math.floor(y / 60) * 3 + Math.floor(x / 80)]))
' "$work/input/images/tiles.png"
printf 'pair_id,image,question\ntiles-1,images/tiles.png,what colour is the middle tile?\n' > "$work/input/pairs.csv"
java -Xmx2g $(sed -n 's:.*<spark.java17.opens>\(.*\)</spark.java17.opens>.*:\1:p' "$root/pom.xml") \
  -cp "$root/job/target/test-classes:$root/job/target/classes:$root/udfs/target/classes:$(cat "$work/cp")" \
  io.maskimpact.cli.MaskImpact run --manifest "$work/input/pairs.csv" --out "$work/run" --model "$work/fake-tiles" \
  --max-new-tokens 2 --partitions 1 --master 'local[1]' 2>&1 | grep -v -E '^(WARNING|SLF4J)' || true
rm -rf "$out"
mkdir -p "$out"
for part in _manifest.json images impact pairs steps errors; do cp -r "$work/run/$part" "$out/"; done
find "$out" -name '.*.crc' -delete -o -name '_SUCCESS' -delete
echo "wrote $out: $(find "$out" -type f | wc -l) files"
