#!/usr/bin/env bash
# Writes test/fixtures/tiles-run: a run written by the job's own `run` command and writers on the SmolVLM
# checkpoint written by transformers (models/parity/smolvlm: images resized to a longest edge of 144 and
# split into tiles of 48 pixels, 3 x 3 tokens each, plus the global image). Its image is 240 x 120 pixels,
# which SmolVLM's processor splits into 2 x 3 tiles of 80 x 60 original pixels, each a flat colour, so the
# browser test can check the tile boxes on a screenshot. Needs the job's classes:
#   mvn -B -o -q -pl job -am compile && viewer/tools/make-tiles-run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(realpath ..)
out=test/fixtures/tiles-run
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/input/images"
node --input-type=module -e '
import { writeFileSync } from "node:fs"
import { encodePng } from "./test/png.js"
// six tiles of 80 x 60, each its own flat colour
const colours = [[200, 40, 40], [40, 160, 40], [40, 40, 200], [200, 200, 40], [160, 40, 160], [40, 160, 160]]
writeFileSync(process.argv[1], encodePng(240, 120, (x, y) => colours[Math.floor(y / 60) * 3 + Math.floor(x / 80)]))
' "$work/input/images/tiles.png"
printf 'pair_id,image,question\ntiles-1,images/tiles.png,what colour is the middle tile?\n' > "$work/input/pairs.csv"
tools/write-job-run.sh "$out" "$work" run --manifest "$work/input/pairs.csv" --model "$root/models/parity/smolvlm" \
  --max-new-tokens 2 --out "$work/run" --partitions 1 --master 'local[1]'
