/**
 * Writes the benchmark run: the original tool's shape (36 layers, 34 variants = Full, Attn and
 * 32 heads, ~300 tokens of which 256 are image patches, 10 generation steps, one pair), about
 * 3.7M impact rows, through the same synthetic writer as the test fixture.
 *
 * <p>Usage: `node tools/make-bench-run.js DIR`. Rewrite it with Spark for Spark-shaped files:
 * `tools/spark-rewrite.sh DIR OUT` (see docs/BENCHMARKS.md, "Viewer").
 */
import { resolve } from 'node:path'
import { writeSyntheticRun } from '../test/synthetic-run.js'

const dir = process.argv[2]
if (!dir) {
  console.error('usage: node tools/make-bench-run.js DIR')
  process.exit(2)
}
const answer = ['The', ' dog', ' is', ' sitting', ' on', ' a', ' red', ' sofa', '.', '<|im_end|>']
const t0 = Date.now()
const manifest = await writeSyntheticRun({
  dir: resolve(dir),
  runId: 'bench-3.8M',
  model: 'synthetic-qwen3-vl-4b-shape',
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
    gridRows: 16, gridCols: 16, hot: [9, 5],
  }],
})
const files = manifest.tables.impact.partitions.flatMap((/** @type {any} */ p) => p.files)
console.log(`wrote ${files.length} impact files, ${files.reduce((/** @type {number} */ s, /** @type {any} */ f) => s + f.bytes, 0)} bytes, in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
