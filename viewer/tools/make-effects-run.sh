#!/usr/bin/env bash
# Writes test/fixtures/effects-run: a run written by the job's own `run --effects` on the demo model
# (models/tiny-qwen3-vl, trained on the toy data) over two of its toy pairs (`toy-data`), so the browser test
# sees real effects: at the step that generates the colour word, hiding a cell of the target shape flips
# the answer. Needs the job's classes:
#   mvn -B -o -q -pl job -am compile && viewer/tools/make-effects-run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(realpath ..)
out=test/fixtures/effects-run
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
model="$root/models/tiny-qwen3-vl"
tools/write-job-run.sh - "$work" toy-data --seed 7 --n 2 --model "$model" --out "$work/input"
tools/write-job-run.sh "$out" "$work" run --manifest "$work/input/manifest.jsonl" --model "$model" --effects \
  --max-new-tokens 4 --out "$work/run" --partitions 1 --master 'local[1]'
