/**
 * The run manifest (`_manifest.json`, specified in viewer/MANIFEST.md): parsing, checking, and
 * building one from a folder listing when a run has none.
 */

/**
 * @typedef {object} FileEntry
 * @property {string} path relative to the run root, '/'-separated
 * @property {number} bytes file size
 */

/**
 * @typedef {object} Partition
 * @property {number} generation_step (the job writes it as `value`; parsing copies it here)
 * @property {FileEntry[]} files
 */

/**
 * @typedef {object} Table
 * @property {string} [format] 'parquet' (default) or 'delta'
 * @property {string} [path] table folder, for delta tables
 * @property {FileEntry[]} [files] files of an unpartitioned table
 * @property {Partition[]} [partitions] files per generation step, for `impact` (and `effects` as the job
 *   writes it; parsing flattens those into `files`, since the viewer reads the effects table whole)
 */

/**
 * @typedef {object} Manifest
 * @property {number} [format_version]
 * @property {string} run_id
 * @property {string} model
 * @property {number} [layers]
 * @property {number} [heads]
 * @property {string[]} [variants]
 * @property {string[]} [sort_order]
 * @property {string} [created_at]
 * @property {string} [format] 'parquet' or 'delta' (all tables)
 * @property {{ run_id: string, model?: string }[]} [runs] every run in the folder, oldest first
 * @property {{ impact: Table, effects?: Table, pairs?: Table, steps?: Table, errors?: Table }} tables
 */

/**
 * Parses and checks a manifest. Unknown keys are kept and ignored.
 *
 * @param {string} text
 * @returns {Manifest}
 */
export function parseManifest(text) {
  /** @type {any} */
  let m
  try {
    m = JSON.parse(text)
  } catch (e) {
    throw new Error(`Cannot open run: _manifest.json is not JSON (${/** @type {Error} */ (e).message})`)
  }
  const fail = (/** @type {string} */ what) => { throw new Error(`Cannot open run: _manifest.json ${what}`) }
  if (!m || typeof m !== 'object') fail('is not an object')
  if (typeof m.run_id !== 'string') fail('has no string run_id')
  if (m.model !== undefined && typeof m.model !== 'string') fail(`has a non-string model (${typeof m.model})`)
  if (m.runs !== undefined && !Array.isArray(m.runs)) fail('has a runs value that is not a list')
  m.model ??= m.runs?.at(-1)?.model
  const impact = m.tables?.impact
  if (!impact) fail('has no tables.impact')
  // a Delta run whose manifest lists the active files is read like a Parquet run
  for (const t of Object.values(m.tables ?? {})) {
    if (t && typeof t === 'object' && m.format === 'delta' && t.format === undefined && !t.files && !t.partitions) t.format = 'delta'
  }
  if (impact.format !== 'delta' || Array.isArray(impact.partitions)) {
    if (impact.format === 'delta') delete impact.format
    if (!Array.isArray(impact.partitions)) fail('has no tables.impact.partitions array')
    for (const p of impact.partitions) {
      p.generation_step ??= p.value
      if (!Number.isInteger(p.generation_step)) fail(`has a partition without an integer generation_step (${JSON.stringify(p.generation_step)})`)
      checkFiles(p.files, `tables.impact.partitions[generation_step=${p.generation_step}].files`, fail)
    }
    impact.partitions.sort((/** @type {Partition} */ a, /** @type {Partition} */ b) => a.generation_step - b.generation_step)
  }
  const effects = m.tables.effects
  if (effects && Array.isArray(effects.partitions)) {
    effects.files = effects.partitions.flatMap((/** @type {Partition} */ p) => p.files)
    delete effects.partitions
  }
  for (const name of ['effects', 'pairs', 'steps', 'errors']) {
    const t = m.tables[name]
    if (t?.format === 'delta' && Array.isArray(t.files)) delete t.format
    if (t && t.format !== 'delta') checkFiles(t.files, `tables.${name}.files`, fail)
  }
  if (m.variants !== undefined && !(Array.isArray(m.variants) && m.variants.every((/** @type {any} */ v) => typeof v === 'string'))) {
    fail('has variants that are not a list of strings')
  }
  if (m.layers !== undefined && !(Number.isInteger(m.layers) && m.layers > 0)) fail(`has a bad layers value (${m.layers}, expected an integer > 0)`)
  m.model ??= ''
  return m
}

/**
 * @param {any} files
 * @param {string} where
 * @param {(what: string) => never} fail
 */
function checkFiles(files, where, fail) {
  if (!Array.isArray(files)) fail(`has no ${where} array`)
  for (const f of files) {
    if (typeof f?.path !== 'string' || !Number.isFinite(f?.bytes) || f.bytes < 0) {
      fail(`has a bad entry in ${where} (${JSON.stringify(f)}; expected {"path": string, "bytes": number})`)
    }
    if (f.path.startsWith('/') || f.path.split('/').includes('..')) fail(`has a path outside the run in ${where} (${f.path})`)
  }
}

/**
 * Builds a manifest from the files of a run folder (chosen from disk) that has no _manifest.json.
 * Delta tables (a `_delta_log` folder) are marked so that their active files come from the log.
 *
 * @param {FileEntry[]} listing every file of the run, paths relative to the run root
 * @returns {Manifest}
 */
export function manifestFromListing(listing) {
  const parquet = listing.filter(f => f.path.endsWith('.parquet'))
  const isDelta = (/** @type {string} */ t) => listing.some(f => f.path.startsWith(`${t}/_delta_log/`))
  /** @type {Map<number, FileEntry[]>} */
  const steps = new Map()
  for (const f of parquet) {
    const m = /^impact\/generation_step=(-?\d+)\//.exec(f.path)
    if (!m) continue
    const s = Number(m[1])
    if (!steps.has(s)) steps.set(s, [])
    steps.get(s)?.push(f)
  }
  /** @param {string} t @returns {Table} */
  const table = t => isDelta(t)
    ? { format: 'delta', path: t }
    : { files: parquet.filter(f => f.path.startsWith(`${t}/`)) }
  const impact = isDelta('impact')
    ? { format: 'delta', path: 'impact' }
    : { partitions: [...steps.entries()].sort((a, b) => a[0] - b[0]).map(([generation_step, files]) => ({ generation_step, files })) }
  if (!impact.partitions?.length && impact.format !== 'delta') {
    throw new Error('Cannot open run: the folder has neither _manifest.json nor impact/generation_step=N/*.parquet files')
  }
  return { run_id: '', model: '', tables: { impact, effects: table('effects'), pairs: table('pairs'), steps: table('steps'), errors: table('errors') } }
}
