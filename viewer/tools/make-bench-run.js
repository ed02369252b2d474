/**
 * Writes the benchmark run: the original tool's shape (36 layers, 34 variants = Full, Attn and
 * 32 heads, ~300 tokens of which 256 are image patches, 10 generation steps, one pair), about
 * 3.7M impact rows, through the same synthetic writer as the test fixture. With `--qwen3-vl`, the
 * image is the grid Qwen3-VL makes of a 1024 x 768 photo (24 x 32 merged cells of 32 pixels, 768
 * image tokens), in today's output shape (`image_index`, `pairs.regions`): about 9.9M rows.
 *
 * <p>Usage: `node tools/make-bench-run.js DIR [--qwen3-vl]`. Rewrite it with Spark for Spark-shaped files:
 * `tools/spark-rewrite.sh DIR OUT` (see docs/BENCHMARKS.md, "Viewer").
 */
import { resolve } from 'node:path'
import { writeSyntheticRun } from '../test/synthetic-run.js'

const dir = process.argv[2]
const qwen = process.argv[3] === '--qwen3-vl'
if (!dir || (process.argv[3] && !qwen)) {
  console.error('usage: node tools/make-bench-run.js DIR [--qwen3-vl]')
  process.exit(2)
}
const answer = ['The', ' dog', ' is', ' sitting', ' on', ' a', ' red', ' sofa', '.', '<|im_end|>']
const t0 = Date.now()
const manifest = await writeSyntheticRun({
  dir: resolve(dir),
  runId: qwen ? 'bench-qwen3-vl-9.9M' : 'bench-3.8M',
  model: 'synthetic-qwen3-vl-4b-shape',
  regions: qwen,
  layers: 36,
  heads: 32,
  attnWeights: false,
  steps: answer.length,
  promptPad: 18,
  pageSize: 128 * 1024,
  pairs: [{
    pairId: 'bench-pair-0001',
    question: 'What is the dog sitting on, and what colour is it?',
    questionTokens: ['What', ' is', ' the', ' *dog', ' sitting', ' on', ',', ' and', ' what', ' *colour', ' is', ' it', '?'],
    answerTokens: answer,
    ...(qwen ? { gridRows: 24, gridCols: 32, hot: [9, 20], imageSize: [1024, 768] } : { gridRows: 16, gridCols: 16, hot: [9, 5] }),
  }],
})
const files = manifest.tables.impact.partitions.flatMap((/** @type {any} */ p) => p.files)
console.log(`wrote ${files.length} impact files, ${files.reduce((/** @type {number} */ s, /** @type {any} */ f) => s + f.bytes, 0)} bytes, in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
