/**
 * Loads the impact rows one view needs: one pair, one generation step, one variant, all layers
 * and tokens (a "slab"), reading only the pages that can hold them.
 *
 * <p>Pruning, coarse to fine: the manifest names the step's files; row-group statistics of
 * `pair_id` and `variant` drop row groups; the column indexes of those two columns drop pages;
 * what is left is read column by column ({@link readColumnRows}) and filtered row by row.
 * With rows sorted by (pair_id, variant, layer, token_position), one slab is one contiguous run
 * of rows, so the first view reads a few pages per column instead of the partition.
 * Opened files and slabs are cached.
 */
import { fetchStats } from './bytes.js'
import { INT_NULL, fetchMerged, planColumn } from './column-read.js'
import { columnChunk, columnIndex, offsetIndex, openParquet } from './parquet-file.js'
import { OPTIONAL_SLAB_COLUMNS, SLAB_COLUMNS } from './schema.js'

/**
 * @typedef {Pick<import('./run.js').Run, 'files' | 'manifest' | 'runId'>} Run what loading needs of a run
 * @typedef {import('./parquet-file.js').ParquetFile} ParquetFile
 * @typedef {import('./column-read.js').Column} Column
 * @typedef {import('./column-read.js').StringColumn} StringColumn
 */

/**
 * @typedef {object} Token
 * @property {number} position position in the sequence at this step
 * @property {string} text decoded token (untrusted)
 * @property {string} kind text, vision, generated or special
 * @property {number} image image_index of a vision token (0 in runs written before the column), -1 otherwise
 * @property {number} row patch row, -1 for non-vision tokens
 * @property {number} col patch column, -1 for non-vision tokens
 */

/**
 * @typedef {object} Slab
 * @property {number} step
 * @property {string} pairId
 * @property {string} variant
 * @property {number} layers number of layers (largest layer + 1)
 * @property {number} positions number of positions (largest position + 1)
 * @property {(Token | undefined)[]} tokens by position
 * @property {Float32Array} l2 `[layer * positions + position]`, NaN where no row
 * @property {Float32Array} cosine same layout
 * @property {number} rows rows read into the slab
 * @property {{ requests: number, bytes: number }} cost what loading it fetched
 */


// caches are keyed by the run's files, so that loads started before the run is fully open
// (openStep, the speculative first slab) are found again once it is
/** @type {WeakMap<object, Map<string, Promise<ParquetFile>>>} */
const openFiles = new WeakMap()
/** @type {WeakMap<object, Map<string, Promise<Slab>>>} */
const slabs = new WeakMap()

/**
 * Opens (once) a Parquet file of the run.
 *
 * @param {Run} run
 * @param {string} path
 * @param {number} bytes
 * @returns {Promise<ParquetFile>}
 */
export function runFile(run, path, bytes) {
  let cache = openFiles.get(run.files)
  if (!cache) openFiles.set(run.files, cache = new Map())
  let f = cache.get(path)
  if (!f) {
    f = run.files.source(path, bytes).then(openParquet)
    f.catch(() => cache?.delete(path))
    cache.set(path, f)
  }
  return f
}

/**
 * Starts opening (footer and page indexes) every file of a step, so that the first slab does not
 * wait for them; call it as soon as the manifest is known.
 *
 * @param {Run} run
 * @param {number} step
 */
export function openStep(run, step) {
  const partition = run.manifest.tables.impact.partitions?.find(p => p.generation_step === step)
  for (const f of partition?.files ?? []) runFile(run, f.path, f.bytes).catch(() => {})
}

/**
 * The first pair of a step in file order (the smallest pair_id of its first file, from the
 * footer statistics), or undefined when the statistics do not say.
 *
 * @param {Run} run
 * @param {number} step
 * @returns {Promise<string | undefined>}
 */
export async function firstPairOf(run, step) {
  const f = run.manifest.tables.impact.partitions?.find(p => p.generation_step === step)?.files[0]
  if (!f) return undefined
  const file = await runFile(run, f.path, f.bytes)
  if (!file.metadata.row_groups.length) return undefined
  const stats = columnChunk(file, 0, 'pair_id')?.meta_data?.statistics
  const min = /** @type {unknown} */ (stats?.min_value ?? stats?.min)
  return typeof min === 'string' && stats?.is_min_value_exact !== false ? min : undefined
}

/**
 * The slab for (step, pair, variant), loaded once and cached.
 *
 * @param {Run} run
 * @param {number} step
 * @param {string} pairId
 * @param {string} variant
 * @returns {Promise<Slab>}
 */
export function loadSlab(run, step, pairId, variant) {
  let cache = slabs.get(run.files)
  if (!cache) slabs.set(run.files, cache = new Map())
  const key = JSON.stringify([run.runId, step, pairId, variant])
  let s = cache.get(key)
  if (!s) {
    s = readSlab(run, step, pairId, variant)
    s.catch(() => cache?.delete(key))
    cache.set(key, s)
  }
  return s
}

/**
 * Whether the slab is already loaded (or loading).
 *
 * @param {Run} run
 * @param {number} step
 * @param {string} pairId
 * @param {string} variant
 * @returns {boolean}
 */
export function hasSlab(run, step, pairId, variant) {
  return !!slabs.get(run.files)?.has(JSON.stringify([run.runId, step, pairId, variant]))
}

/**
 * @param {Run} run
 * @param {number} step
 * @param {string} pairId
 * @param {string} variant
 * @returns {Promise<Slab>}
 */
async function readSlab(run, step, pairId, variant) {
  const before = { requests: fetchStats.requests, bytes: fetchStats.bytes }
  const partition = run.manifest.tables.impact.partitions?.find(p => p.generation_step === step)
  if (!partition) throw new Error(`Cannot load step ${step}: the run has no impact partition generation_step=${step}`)
  const parts = await Promise.all(partition.files.map(async f => {
    const file = await runFile(run, f.path, f.bytes)
    const groups = await Promise.all(file.metadata.row_groups.map((_, g) => readGroup(file, g, pairId, variant, run.runId)))
    return groups.flat()
  }))
  const chunks = parts.flat()
  let layers = 0
  let positions = 0
  for (const c of chunks) {
    for (let i = 0; i < c.hit.length; i++) {
      if (!c.hit[i]) continue
      if (c.layer[i] + 1 > layers) layers = c.layer[i] + 1
      if (c.position[i] + 1 > positions) positions = c.position[i] + 1
    }
  }
  const l2 = new Float32Array(layers * positions).fill(NaN)
  const cosine = new Float32Array(layers * positions).fill(NaN)
  /** @type {(Token | undefined)[]} */
  const tokens = new Array(positions)
  let rows = 0
  for (const c of chunks) {
    for (let i = 0; i < c.hit.length; i++) {
      if (!c.hit[i]) continue
      const p = c.position[i]
      const k = c.layer[i] * positions + p
      l2[k] = c.l2[i]
      cosine[k] = c.cosine[i]
      if (!tokens[p]) {
        tokens[p] = {
          position: p,
          text: c.text.codes[i] < 0 ? '' : c.text.dict[c.text.codes[i]],
          kind: c.kind.codes[i] < 0 ? '' : c.kind.dict[c.kind.codes[i]],
          image: c.row[i] === INT_NULL ? -1 : c.image && c.image[i] !== INT_NULL ? c.image[i] : 0,
          row: c.row[i] === INT_NULL ? -1 : c.row[i],
          col: c.col[i] === INT_NULL ? -1 : c.col[i],
        }
      }
      rows++
    }
  }
  return {
    step, pairId, variant, layers, positions, tokens, l2, cosine, rows,
    cost: { requests: fetchStats.requests - before.requests, bytes: fetchStats.bytes - before.bytes },
  }
}

/**
 * @typedef {object} SlabChunk the rows of one row range from its first to its last match
 * @property {Uint8Array} hit 1 where the row is one of the slab's (matches, layer and position set)
 * @property {Int32Array} layer
 * @property {Int32Array} position
 * @property {StringColumn} text
 * @property {StringColumn} kind
 * @property {Int32Array | undefined} image image_index, undefined when the file predates the column
 * @property {Int32Array} row
 * @property {Int32Array} col
 * @property {Int32Array | Float32Array} l2
 * @property {Int32Array | Float32Array} cosine
 */

/**
 * Reads the rows of one row group that belong to (pairId, variant).
 *
 * @param {ParquetFile} file
 * @param {number} group
 * @param {string} pairId
 * @param {string} variant
 * @param {string} runId keep only this run's rows ('' keeps all)
 * @returns {Promise<SlabChunk[]>}
 */
async function readGroup(file, group, pairId, variant, runId) {
  const rg = file.metadata.row_groups[group]
  const numRows = Number(rg.num_rows)
  for (const [name, value] of [['pair_id', pairId], ['variant', variant]]) {
    const stats = columnChunk(file, group, name)?.meta_data?.statistics
    const min = stats?.min_value ?? stats?.min
    const max = stats?.max_value ?? stats?.max
    if (typeof min === 'string' && value < min) return []
    if (typeof max === 'string' && value > max) return []
  }
  let ranges = [[0, numRows]]
  for (const [name, value] of [['pair_id', pairId], ['variant', variant]]) {
    ranges = intersect(ranges, await pageRanges(file, group, name, value, numRows))
  }
  // plan every column of every range first, then fetch all their pages in as few requests as
  // possible (neighbouring pages of different columns share one request)
  const columns = SLAB_COLUMNS.filter(name => !OPTIONAL_SLAB_COLUMNS.includes(name)
    || (file.columnIndexByName.has(name) && (name !== 'run_id' || runId)))
  const plans = await Promise.all(ranges.map(([start, end]) => Promise.all(columns.map(name => planColumn(file, group, name, start, end)))))
  const refs = plans.flat().flatMap(p => p.refs)
  const buffers = await fetchMerged(file, refs)
  let next = 0
  const fetched = plans.map(cols => cols.map(p => buffers.slice(next, next += p.refs.length)))
  return ranges.flatMap(([start, end], r) => {
    /** @type {(name: string, from?: number, to?: number) => Column} */
    const read = (name, from, to) => plans[r][columns.indexOf(name)].decode(fetched[r][columns.indexOf(name)], from, to)
    const runCol = /** @type {StringColumn | undefined} */ (columns.includes('run_id') ? read('run_id') : undefined)
    const runCode = runCol ? runCol.dict.indexOf(runId) : -1
    const pair = /** @type {StringColumn} */ (read('pair_id'))
    const vari = /** @type {StringColumn} */ (read('variant'))
    const pairCode = pair.dict.indexOf(pairId)
    const variantCode = vari.dict.indexOf(variant)
    if (pairCode < 0 || variantCode < 0) return []
    // the range spans whole pages, the slab about a tenth of one (rows are sorted by pair and
    // variant): decode the other columns only from the first to the last matching row
    const hit = new Uint8Array(end - start)
    let first = -1
    let last = -1
    for (let i = 0; i < hit.length; i++) {
      if (pair.codes[i] !== pairCode || vari.codes[i] !== variantCode || (runCol && runCol.codes[i] !== runCode)) continue
      hit[i] = 1
      if (first < 0) first = i
      last = i + 1
    }
    if (first < 0) return []
    const layer = /** @type {Int32Array} */ (values(read('layer', start + first, start + last)))
    const position = /** @type {Int32Array} */ (values(read('token_position', start + first, start + last)))
    const chunk = {
      hit: hit.subarray(first, last), layer, position,
      text: /** @type {StringColumn} */ (read('token_masked', start + first, start + last)),
      kind: /** @type {StringColumn} */ (read('token_kind', start + first, start + last)),
      image: columns.includes('image_index')
        ? /** @type {Int32Array} */ (values(read('image_index', start + first, start + last))) : undefined,
      row: /** @type {Int32Array} */ (values(read('patch_row', start + first, start + last))),
      col: /** @type {Int32Array} */ (values(read('patch_col', start + first, start + last))),
      l2: values(read('l2_distance', start + first, start + last)),
      cosine: values(read('cosine_distance', start + first, start + last)),
    }
    for (let i = 0; i < chunk.hit.length; i++) if (layer[i] === INT_NULL || position[i] === INT_NULL) chunk.hit[i] = 0
    return [chunk]
  })
}

/**
 * @param {Column} c
 * @returns {Int32Array | Float32Array}
 */
function values(c) {
  if (c.kind === 'string') throw new Error('parquet column has strings where numbers were expected')
  return c.values
}

/**
 * Row ranges of the pages of column `name` whose [min, max] can hold `value`; the whole group
 * when the file has no page index for the column.
 *
 * @param {ParquetFile} file
 * @param {number} group
 * @param {string} name
 * @param {string} value
 * @param {number} numRows
 * @returns {Promise<number[][]>}
 */
async function pageRanges(file, group, name, value, numRows) {
  const chunk = columnChunk(file, group, name)
  if (!chunk) throw new Error(`parquet file ${file.source.name} has no column ${name}`)
  const [ci, oi] = await Promise.all([columnIndex(file, chunk, name), offsetIndex(file, chunk)])
  if (!ci || !oi || ci.min_values.length !== oi.page_locations.length) return [[0, numRows]]
  /** @type {number[][]} */
  const ranges = []
  const locs = oi.page_locations
  for (let i = 0; i < locs.length; i++) {
    if (ci.null_pages[i]) continue
    const min = /** @type {unknown} */ (ci.min_values[i])
    const max = /** @type {unknown} */ (ci.max_values[i])
    if (typeof min === 'string' && value < min) continue
    // maxima may be truncated (parquet-java: 64 bytes, rounded up), so only compare a prefix
    if (typeof max === 'string' && value.slice(0, max.length) > max) continue
    const start = Number(locs[i].first_row_index)
    const end = i + 1 < locs.length ? Number(locs[i + 1].first_row_index) : numRows
    const last = ranges[ranges.length - 1]
    if (last && last[1] === start) last[1] = end
    else ranges.push([start, end])
  }
  return ranges
}

/**
 * Intersection of two sorted lists of disjoint [start, end) ranges.
 *
 * @param {number[][]} a
 * @param {number[][]} b
 * @returns {number[][]}
 */
export function intersect(a, b) {
  /** @type {number[][]} */
  const out = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const s = Math.max(a[i][0], b[j][0])
    const e = Math.min(a[i][1], b[j][1])
    if (s < e) out.push([s, e])
    if (a[i][1] < b[j][1]) i++
    else j++
  }
  return out
}
