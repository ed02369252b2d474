/**
 * Writes a synthetic mask-impact run that follows the output contract (README.md, "Output", and
 * viewer/MANIFEST.md): hive-partitioned ZSTD Parquet for `impact`, plus `pairs`, `steps`,
 * `errors`, images and `_manifest.json`.
 *
 * <p>It stands in for real job output in tests and benchmarks. The values are made up but shaped
 * like real ones: an attention sink at position 0, a hot image region that drifts with the
 * generation step, question words that matter in late layers, attention-weight variants in [0, 1].
 * Rows in each file are sorted by (pair_id, variant, layer, token_position), the order the viewer
 * asks the job for.
 *
 * <p>Usage: `node test/make-fixture.js` (small fixture) or `node tools/make-bench-run.js` (large).
 */
import { mkdirSync, rmSync, writeFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parquetWriteBuffer } from 'hyparquet-writer'
import * as zstd from '@bokuweb/zstd-wasm'
import { encodePng } from './png.js'

/**
 * @typedef {object} PairSpec
 * @property {string} pairId
 * @property {string} question full question text
 * @property {string[]} questionTokens the question split into tokens (a '*' marks a key word and is dropped)
 * @property {string[]} answerTokens generated tokens, one per step
 * @property {number} gridRows
 * @property {number} gridCols
 * @property {[number, number]} hot the image cell (row, col) that matters most
 * @property {string} [imageRef] image reference written to `pairs.image`; default images/<id>.png
 * @property {boolean} [writeImage] whether to draw the image file (default true)
 * @property {'both' | 'vision' | 'text'} [maskMode] which tokens have rows: all, only image tokens, or all but
 *   image tokens (default both)
 * @property {number} [scale] factor on the distances (default 1), e.g. 1e-5 for values printed with an exponent
 * @property {[number, number]} [imageSize] the image's width and height in pixels (default 24 per grid cell);
 *   with `regions`, the one region's box covers all of it, as a Qwen-VL grid covers the resized image
 */

/**
 * @typedef {object} RunSpec
 * @property {string} dir output folder (emptied first)
 * @property {string} runId
 * @property {string} model
 * @property {number} layers
 * @property {number} heads
 * @property {boolean} attnWeights whether to add AttnWeight_Head_h and AttnWeight_Avg variants
 * @property {number} steps generation steps (0 .. steps-1)
 * @property {PairSpec[]} pairs
 * @property {number} [pairsPerFile] pairs per part file (default 1), as Spark tasks would split them
 * @property {number} [pageSize] target page size in bytes
 * @property {number} [promptPad] extra filler text tokens before the question (to reach ~300 tokens)
 * @property {boolean} [regions] write today's `impact.image_index` and `pairs.regions`; without it the run has
 *   the shape of runs written before those columns
 */

/**
 * Deterministic pseudo-random numbers in [0, 1) from a 32-bit seed (mulberry32).
 *
 * @param {number} seed
 * @returns {() => number}
 */
function rng(seed) {
  let a = seed >>> 0
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * The variant names of a run, in the order the contract lists them.
 *
 * @param {number} heads
 * @param {boolean} attnWeights
 * @returns {string[]}
 */
export function variantNames(heads, attnWeights) {
  const names = ['Full', 'Attn']
  for (let h = 0; h < heads; h++) names.push(`Head_${h}`)
  if (attnWeights) {
    for (let h = 0; h < heads; h++) names.push(`AttnWeight_Head_${h}`)
    names.push('AttnWeight_Avg')
  }
  return names
}

/**
 * The prompt of one pair as (text, kind, row, col) tokens, chat-template style.
 *
 * @param {PairSpec} pair
 * @param {number} promptPad
 * @returns {{ text: string, kind: string, row: number | null, col: number | null, key: boolean }[]}
 */
function promptTokens(pair, promptPad) {
  /** @type {{ text: string, kind: string, row: number | null, col: number | null, key: boolean }[]} */
  const t = []
  /** @param {string} text @param {string} kind */
  const add = (text, kind) => t.push({ text, kind, row: null, col: null, key: false })
  add('<|im_start|>', 'special')
  add('user', 'text')
  add('\n', 'text')
  for (let i = 0; i < promptPad; i++) add(i % 7 === 6 ? '.' : ` w${i}`, 'text')
  add('<|vision_start|>', 'special')
  for (let r = 0; r < pair.gridRows; r++) {
    for (let c = 0; c < pair.gridCols; c++) t.push({ text: '<|image_pad|>', kind: 'vision', row: r, col: c, key: false })
  }
  add('<|vision_end|>', 'special')
  for (const q of pair.questionTokens) {
    const key = q.includes('*')
    t.push({ text: q.replace('*', ''), kind: 'text', row: null, col: null, key })
  }
  add('<|im_end|>', 'special')
  add('\n', 'text')
  add('<|im_start|>', 'special')
  add('assistant', 'text')
  add('\n', 'text')
  return t
}

/**
 * @param {{ kind: string }} token
 * @param {PairSpec} pair
 * @returns {boolean} whether the pair's mask mode gives the token rows
 */
function masked(token, pair) {
  const mode = pair.maskMode ?? 'both'
  return mode === 'both' || (mode === 'vision') === (token.kind === 'vision')
}

/**
 * Rounds to 4 decimals, as the job may do, then to float32.
 *
 * @param {number} x
 * @returns {number}
 */
function round4(x) {
  return Math.fround(Math.round(x * 1e4) / 1e4)
}

/**
 * Computes the impact rows of one pair at one step, sorted by (variant, layer, token_position).
 *
 * @param {RunSpec} spec
 * @param {PairSpec} pair
 * @param {number} pairIndex
 * @param {number} step
 * @param {string[]} variants variant names sorted as strings
 * @returns {Record<string, any[]>}
 */
function impactRows(spec, pair, pairIndex, step, variants) {
  const prompt = promptTokens(pair, spec.promptPad ?? 0)
  const tokens = prompt.concat(pair.answerTokens.slice(0, step).map(text => ({ text, kind: 'generated', row: null, col: null, key: false })))
  const L = spec.layers
  const rand = rng(1000 * pairIndex + 17 * step + 1)
  // the hot region drifts one column every step, so the step control visibly matters
  const hotRow = pair.hot[0]
  const hotCol = Math.min(pair.gridCols - 1, pair.hot[1] + step * 0.7)
  /** @type {Record<string, any[]>} */
  const cols = {
    run_id: [], pair_id: [], layer: [], token_position: [], token_masked: [], token_kind: [], image_index: [],
    patch_row: [], patch_col: [], variant: [], l2_distance: [], cosine_distance: [],
  }
  for (const variant of variants) {
    const head = /_(\d+)$/.exec(variant)
    const h = head ? Number(head[1]) : -1
    const weights = variant.startsWith('AttnWeight')
    const factor = variant === 'Full' ? 1 : variant === 'Attn' ? 0.7 : 0.25 + 0.5 * ((h * 37) % 11) / 10
    const visionBias = h < 0 ? 1 : h % 3 === 0 ? 1.6 : h % 3 === 1 ? 0.4 : 1
    for (let layer = 0; layer < L; layer++) {
      const mid = Math.exp(-(((layer - 0.55 * L) / (0.22 * L)) ** 2))
      const late = Math.exp(-(((layer - 0.85 * L) / (0.2 * L)) ** 2))
      /** @type {number[]} */
      const raw = []
      for (let p = 0; p < tokens.length; p++) {
        const tok = tokens[p]
        let v = 0.03 + 0.04 * rand()
        if (p === 0) v += 6 + 0.3 * layer // attention sink
        if (tok.kind === 'vision' && tok.row !== null && tok.col !== null) {
          const d2 = (tok.row - hotRow) ** 2 + (tok.col - hotCol) ** 2
          v += 2.5 * visionBias * mid * Math.exp(-d2 / 2.5) + 0.15 * mid * rand()
        }
        if (tok.key) v += 1.8 * late * (2 - visionBias / 1.6)
        if (tok.kind === 'generated') v += 0.4 * late * rand()
        raw.push(v * factor)
      }
      const sum = raw.reduce((a, b) => a + b, 0)
      for (let p = 0; p < tokens.length; p++) {
        const tok = tokens[p]
        if (!masked(tok, pair)) continue
        const l2 = weights ? raw[p] / sum : raw[p] * (pair.scale ?? 1)
        // cosine distance saturates differently from L2, so switching metric changes the picture
        const cos = weights ? null : Math.min(1, (l2 * l2) / (l2 * l2 + 1.5)) * (0.7 + 0.3 * rand())
        cols.run_id.push(spec.runId)
        cols.pair_id.push(pair.pairId)
        cols.layer.push(layer)
        cols.token_position.push(p)
        cols.token_masked.push(tok.text)
        cols.token_kind.push(tok.kind)
        cols.image_index.push(tok.row === null ? null : 0)
        cols.patch_row.push(tok.row)
        cols.patch_col.push(tok.col)
        cols.variant.push(variant)
        cols.l2_distance.push(pair.scale ? Math.fround(l2) : round4(l2))
        cols.cosine_distance.push(cos === null ? null : round4(cos))
      }
    }
  }
  return cols
}

/** @type {Record<string, 'STRING' | 'INT32' | 'INT64' | 'FLOAT' | 'DOUBLE' | 'LIST'>} */
const IMPACT_TYPES = {
  run_id: 'STRING', pair_id: 'STRING', layer: 'INT32', token_position: 'INT32', token_masked: 'STRING',
  token_kind: 'STRING', image_index: 'INT32', patch_row: 'INT32', patch_col: 'INT32', variant: 'STRING',
  l2_distance: 'FLOAT', cosine_distance: 'FLOAT',
}

/**
 * Parquet schema of `pairs.regions` (OutputSchema.REGION_TYPE), a list as Spark writes it.
 *
 * @type {import('hyparquet').SchemaElement[]}
 */
const REGIONS_SCHEMA = [
  { name: 'regions', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'REQUIRED', num_children: 8 },
  { name: 'image_index', type: 'INT32', repetition_type: 'REQUIRED' },
  { name: 'kind', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'grid_rows', type: 'INT32', repetition_type: 'REQUIRED' },
  { name: 'grid_cols', type: 'INT32', repetition_type: 'REQUIRED' },
  { name: 'x', type: 'DOUBLE', repetition_type: 'REQUIRED' },
  { name: 'y', type: 'DOUBLE', repetition_type: 'REQUIRED' },
  { name: 'width', type: 'DOUBLE', repetition_type: 'REQUIRED' },
  { name: 'height', type: 'DOUBLE', repetition_type: 'REQUIRED' },
]

/**
 * @param {PairSpec} pair
 * @returns {[number, number]} the image's width and height
 */
function imageSize(pair) {
  return pair.imageSize ?? [pair.gridCols * 24, pair.gridRows * 24]
}

/**
 * Writes one Parquet file (ZSTD, statistics, column and offset indexes) and returns its size.
 *
 * @param {string} path
 * @param {Record<string, any[] | undefined>} cols columns to write (an undefined one is left out)
 * @param {Record<string, 'STRING' | 'INT32' | 'INT64' | 'FLOAT' | 'DOUBLE' | 'LIST'>} types 'LIST': the regions
 * @param {number} pageSize
 * @returns {number}
 */
function writeParquet(path, cols, types, pageSize) {
  mkdirSync(dirname(path), { recursive: true })
  const names = Object.keys(types).filter(name => cols[name])
  const regions = names.indexOf('regions')
  const buf = parquetWriteBuffer({
    columnData: names.map(name => ({
      name, data: cols[name] ?? [], nullable: true,
      type: regions < 0 ? /** @type {import('hyparquet-writer').BasicType} */ (types[name]) : undefined,
      columnIndex: true, offsetIndex: true,
    })),
    // the nested regions column needs an explicit schema: the flat columns' own, with its group spliced in
    schema: regions < 0 ? undefined : [
      { name: 'root', num_children: names.length },
      ...names.flatMap(name => name === 'regions' ? REGIONS_SCHEMA : [schemaElement(name, types[name])]),
    ],
    codec: 'ZSTD',
    compressors: { ZSTD: bytes => zstd.compress(bytes, 3) },
    pageSize,
    rowGroupSize: 1 << 30,
    statisticsTruncateLength: 64,
    createdBy: 'mask-impact viewer synthetic run',
  })
  writeFileSync(path, new Uint8Array(buf))
  return statSync(path).size
}

/**
 * A flat column's Parquet schema element, as hyparquet-writer derives it from a basic type.
 *
 * @param {string} name
 * @param {string} type
 * @returns {import('hyparquet').SchemaElement}
 */
function schemaElement(name, type) {
  /** @type {Record<string, import('hyparquet').SchemaElement>} */
  const elements = {
    STRING: { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
    INT32: { name, type: 'INT32', repetition_type: 'OPTIONAL' },
    INT64: { name, type: 'INT64', repetition_type: 'OPTIONAL' },
    FLOAT: { name, type: 'FLOAT', repetition_type: 'OPTIONAL' },
    DOUBLE: { name, type: 'DOUBLE', repetition_type: 'OPTIONAL' },
  }
  return elements[type]
}

/**
 * Draws a pair's synthetic image: sky, ground and a red ball at the hot cell.
 *
 * @param {PairSpec} pair
 * @param {string} path
 */
function writeImage(pair, path) {
  const [w, h] = imageSize(pair)
  const cell = Math.min(w / pair.gridCols, h / pair.gridRows)
  const bx = (pair.hot[1] + 0.5) * w / pair.gridCols
  const by = (pair.hot[0] + 0.5) * h / pair.gridRows
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, encodePng(w, h, (x, y) => {
    if ((x - bx) ** 2 + (y - by) ** 2 < (cell * 0.9) ** 2) return [210, 40, 40]
    if (y > h * 0.7) return [70, 140 + ((x * 7) % 20), 60]
    return [120 + Math.round(80 * y / h), 170 + Math.round(50 * y / h), 235]
  }))
}

/**
 * Writes the run described by `spec` into `spec.dir` and returns the manifest it wrote.
 *
 * @param {RunSpec} spec
 * @returns {Promise<any>}
 */
export async function writeSyntheticRun(spec) {
  await zstd.init()
  rmSync(spec.dir, { recursive: true, force: true })
  mkdirSync(spec.dir, { recursive: true })
  const variants = variantNames(spec.heads, spec.attnWeights)
  const sortedVariants = [...variants].sort()
  const pageSize = spec.pageSize ?? 64 * 1024
  const perFile = spec.pairsPerFile ?? 1
  /** @type {{ generation_step: number, files: { path: string, bytes: number }[] }[]} */
  const partitions = []
  for (let step = 0; step < spec.steps; step++) {
    const files = []
    for (let f = 0; f * perFile < spec.pairs.length; f++) {
      const group = spec.pairs.slice(f * perFile, (f + 1) * perFile)
        .filter(p => step < p.answerTokens.length)
      if (!group.length) continue
      /** @type {Record<string, any[]>} */
      const cols = {}
      group.forEach((pair, i) => {
        const rows = impactRows(spec, pair, f * perFile + i, step, sortedVariants)
        for (const k of Object.keys(rows)) cols[k] = cols[k] ? cols[k].concat(rows[k]) : rows[k]
      })
      if (!spec.regions) delete cols.image_index
      const path = `impact/generation_step=${step}/part-${String(f).padStart(5, '0')}-synthetic.c000.zstd.parquet`
      files.push({ path, bytes: writeParquet(join(spec.dir, path), cols, IMPACT_TYPES, pageSize) })
    }
    partitions.push({ generation_step: step, files })
  }

  // pairs: one row per pair (columns as OutputSchema.PAIRS_SCHEMA)
  const prompt = spec.pairs.map(p => promptTokens(p, spec.promptPad ?? 0))
  const variantCount = variants.length
  const impactRowsOf = (/** @type {number} */ i, /** @type {number} */ s) => BigInt(spec.layers * variantCount
    * (prompt[i].filter(t => masked(t, spec.pairs[i])).length + (masked({ kind: 'generated' }, spec.pairs[i]) ? s : 0)))
  const pairsPath = 'pairs/part-00000-synthetic.c000.zstd.parquet'
  const pairsBytes = writeParquet(join(spec.dir, pairsPath), {
    run_id: spec.pairs.map(() => spec.runId),
    pair_id: spec.pairs.map(p => p.pairId),
    image: spec.pairs.map(p => p.imageRef ?? `images/${p.pairId}.png`),
    image_uri: spec.pairs.map(p => `file:///data/vqa/${p.pairId}.png`),
    question: spec.pairs.map(p => p.question),
    answer: spec.pairs.map(p => p.answerTokens.join('')),
    status: spec.pairs.map(() => 'ok'),
    model: spec.pairs.map(() => spec.model),
    mask_mode: spec.pairs.map(p => p.maskMode ?? 'both'),
    max_new_tokens: spec.pairs.map(() => spec.steps),
    grid_rows: spec.pairs.map(p => p.gridRows),
    grid_cols: spec.pairs.map(p => p.gridCols),
    regions: spec.regions ? spec.pairs.map(p => [{
      image_index: 0, kind: 'image', grid_rows: p.gridRows, grid_cols: p.gridCols,
      x: 0, y: 0, width: imageSize(p)[0], height: imageSize(p)[1],
    }]) : undefined,
    token_count: spec.pairs.map((p, i) => prompt[i].length + p.answerTokens.length),
    num_layers: spec.pairs.map(() => spec.layers),
    steps: spec.pairs.map(p => p.answerTokens.length),
    impact_rows: spec.pairs.map((p, i) => p.answerTokens.reduce((n, _, s) => n + impactRowsOf(i, s), 0n)),
    seconds: spec.pairs.map(() => 1.5),
  }, {
    run_id: 'STRING', pair_id: 'STRING', image: 'STRING', image_uri: 'STRING', question: 'STRING', answer: 'STRING',
    status: 'STRING', model: 'STRING', mask_mode: 'STRING', max_new_tokens: 'INT32', grid_rows: 'INT32', grid_cols: 'INT32',
    regions: 'LIST', token_count: 'INT32', num_layers: 'INT32', steps: 'INT32', impact_rows: 'INT64', seconds: 'FLOAT',
  }, pageSize)
  for (const p of spec.pairs) {
    if (p.writeImage !== false) writeImage(p, join(spec.dir, p.imageRef ?? `images/${p.pairId}.png`))
  }

  // steps: one row per pair and step, the token predicted from prompt + `step` tokens
  /** @type {Record<string, any[]>} */
  const steps = { run_id: [], pair_id: [], generation_step: [], generated_token_id: [], generated_token: [], generated_prob: [], sequence_length: [], impact_rows: [] }
  spec.pairs.forEach((p, i) => p.answerTokens.forEach((tok, s) => {
    steps.run_id.push(spec.runId)
    steps.pair_id.push(p.pairId)
    steps.generation_step.push(s)
    steps.generated_token_id.push(1000 + s)
    steps.generated_token.push(tok)
    steps.generated_prob.push(round4(0.95 - 0.2 * s / p.answerTokens.length))
    steps.sequence_length.push(prompt[i].length + s)
    steps.impact_rows.push(impactRowsOf(i, s))
  }))
  const stepsPath = 'steps/part-00000-synthetic.c000.zstd.parquet'
  const stepsBytes = writeParquet(join(spec.dir, stepsPath), steps, {
    run_id: 'STRING', pair_id: 'STRING', generation_step: 'INT32', generated_token_id: 'INT32', generated_token: 'STRING',
    generated_prob: 'FLOAT', sequence_length: 'INT32', impact_rows: 'INT64',
  }, pageSize)

  const errorsPath = 'errors/part-00000-synthetic.c000.zstd.parquet'
  const errorsBytes = writeParquet(join(spec.dir, errorsPath), {
    run_id: [spec.runId], pair_id: ['missing-image'], stage: ['image'], error_class: ['ImageNotFound'],
    message: ['Cannot read image for pair missing-image: file not found (images/none.png)'],
  }, { run_id: 'STRING', pair_id: 'STRING', stage: 'STRING', error_class: 'STRING', message: 'STRING' }, pageSize)

  // the manifest in the job's shape (output/RunManifest.java) plus the keys viewer/MANIFEST.md asks for
  const file = (/** @type {string} */ path, /** @type {number} */ bytes) => ({ path, bytes })
  const table = (/** @type {string} */ name, /** @type {{ path: string, bytes: number }[]} */ files) =>
    ({ path: name, bytes: files.reduce((n, f) => n + f.bytes, 0), codecs: ['ZSTD'], files })
  const manifest = {
    format_version: 1,
    generator: 'mask-impact',
    written_at: '2026-11-01T00:00:00Z',
    run_id: spec.runId,
    format: 'parquet',
    model: spec.model,
    layers: spec.layers,
    heads: spec.heads,
    variants,
    sort_key: { impact: ['pair_id', 'variant', 'layer', 'token_position'] },
    runs: [{ run_id: spec.runId, model: spec.model, started_at: '2026-11-01T00:00:00Z', finished_at: '2026-11-01T00:00:00Z' }],
    tables: {
      impact: {
        path: 'impact', bytes: partitions.reduce((n, p) => n + p.files.reduce((m, f) => m + f.bytes, 0), 0), codecs: ['ZSTD'],
        partition_column: 'generation_step',
        partitions: partitions.map(p => ({ value: p.generation_step, path: `impact/generation_step=${p.generation_step}`, files: p.files })),
      },
      pairs: table('pairs', [file(pairsPath, pairsBytes)]),
      steps: table('steps', [file(stepsPath, stepsBytes)]),
      errors: table('errors', [file(errorsPath, errorsBytes)]),
    },
  }
  writeFileSync(join(spec.dir, '_manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
  return manifest
}
