/**
 * A run folder, opened from a URL or from disk, and its small tables (pairs, steps, errors).
 *
 * <p>{@link RunFiles} hides where the run lives: over HTTP it resolves paths against the run's
 * base URL; from disk it looks them up among the files the user chose or dropped. Everything
 * above this file only asks for a path's text, bytes or image URL.
 */
import { parquetReadObjects } from 'hyparquet'
import { blobSource, urlSource } from './bytes.js'
import { manifestFromListing, parseManifest } from './manifest.js'
import { readDeltaTable } from './delta.js'
import { compressors, initZstd } from './zstd.js'

/**
 * @typedef {import('./manifest.js').Manifest} Manifest
 * @typedef {import('./manifest.js').FileEntry} FileEntry
 * @typedef {import('./bytes.js').ByteSource} ByteSource
 */

/**
 * @typedef {object} RunFiles
 * @property {string} label where the run is, for the header
 * @property {(path: string) => Promise<string | undefined>} text a file's text, undefined when missing
 * @property {(path: string, bytes: number | undefined) => Promise<ByteSource>} source
 * @property {(ref: string) => string | undefined} imageUrl URL to show an image ref, if reachable
 * @property {FileEntry[] | undefined} listing every file, when known (disk)
 */

/**
 * @typedef {object} Box a rectangle of the original image, in its pixels (origin top-left)
 * @property {number} x
 * @property {number} y
 * @property {number} width
 * @property {number} height
 */

/**
 * @typedef {object} Region one image region of a pair (`pairs.regions`): a grid of vision tokens over a box
 * @property {number} index its image_index
 * @property {string} kind image, tile or global
 * @property {number} rows grid rows
 * @property {number} cols grid columns
 * @property {Box | null} box the part of the original image the grid covers; null when the run predates regions
 */

/**
 * @typedef {object} PairRow
 * @property {string} pair_id
 * @property {string} image
 * @property {string} question
 * @property {string} answer
 * @property {number} grid_rows
 * @property {number} grid_cols
 * @property {Region[]} regions by image index; a run written before regions gets one image region without a box
 * @property {number} token_count
 * @property {string} model
 * @property {string} status
 * @property {string} run_id
 */

/**
 * @typedef {object} StepRow
 * @property {string} pair_id
 * @property {number} generation_step
 * @property {string} token generated at this step
 * @property {number} probability
 */

/**
 * @typedef {object} EffectUnit one row of `effects`: a unit hidden at the run's effect layers, and what it did to the output
 * @property {number} position its first token position
 * @property {number} size tokens hidden (a block of vision cells with `--effect-block`)
 * @property {number} image image_index of a vision unit, -1 otherwise
 * @property {number} row the unit's top-left cell, -1 unless vision
 * @property {number} col
 * @property {string} layers the layers it was hidden at: `all` or `A-B`
 * @property {number} kl KL(baseline ‖ masked), nats
 * @property {number} drop the generated token's probability drop
 * @property {boolean} flip whether hiding it changes the top-1 token
 * @property {string} top1 the masked top-1 token (untrusted text)
 */

/**
 * @typedef {object} Run
 * @property {RunFiles} files
 * @property {Manifest} manifest
 * @property {PairRow[]} pairs
 * @property {Map<string, StepRow[]>} steps by pair, ordered by step
 * @property {Record<string, any>[]} errors
 * @property {Map<string, EffectUnit[]>} effects by {@link effectKey}; empty for a run without `--effects`
 * @property {string} runId the run shown ('' when the data has no run ids to tell runs apart)
 * @property {string[]} runIds every run in the folder, oldest first
 */

/**
 * Files of a run served over HTTP at `base` (a folder URL).
 *
 * @param {string} base
 * @returns {RunFiles}
 */
export function urlRunFiles(base) {
  const root = new URL(base.endsWith('/') ? base : `${base}/`, location.href)
  const url = (/** @type {string} */ path) => new URL(path.split('/').map(encodeURIComponent).join('/'), root).href
  /** @type {Map<string, Promise<string | undefined>>} */
  const texts = new Map()
  return {
    label: root.href,
    listing: undefined,
    text(path) {
      let t = texts.get(path)
      if (!t) {
        t = fetch(url(path), { cache: 'no-cache' }).then(res => {
          if (res.status === 404) return undefined
          if (!res.ok) throw new Error(`Cannot read ${path}: HTTP ${res.status}`)
          return res.text()
        })
        texts.set(path, t)
      }
      return t
    },
    async source(path, bytes) {
      if (bytes === undefined) {
        const head = await fetch(url(path), { method: 'HEAD' })
        if (!head.ok) throw new Error(`Cannot read ${path}: HTTP ${head.status}`)
        bytes = Number(head.headers.get('content-length'))
      }
      return urlSource(url(path), path, bytes)
    },
    imageUrl(ref) {
      if (/^https?:\/\//i.test(ref) || ref.startsWith('data:image/')) return ref
      if (/^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith('/')) return undefined // other schemes, absolute paths: not reachable
      return url(ref)
    },
  }
}

/**
 * Files of a run chosen from disk (`<input webkitdirectory>` or a dropped folder). Paths are
 * taken relative to the folder that holds `_manifest.json` or `impact/`.
 *
 * @param {{ path: string, file: Blob }[]} entries relative paths as the browser gives them
 * @returns {RunFiles}
 */
export function diskRunFiles(entries) {
  const marker = entries.map(e => e.path).find(p => /(^|\/)(_manifest\.json|impact\/)/.test(p)) ?? ''
  const m = /^(.*?)(_manifest\.json|impact\/)/.exec(marker)
  const prefix = m ? m[1] : ''
  /** @type {Map<string, Blob>} */
  const byPath = new Map()
  for (const e of entries) if (e.path.startsWith(prefix)) byPath.set(e.path.slice(prefix.length), e.file)
  /** @type {Map<string, string>} */
  const objectUrls = new Map()
  return {
    label: prefix.replace(/\/$/, '') || 'folder from disk',
    listing: [...byPath.entries()].map(([path, f]) => ({ path, bytes: f.size })),
    async text(path) {
      const f = byPath.get(path)
      return f ? f.text() : undefined
    },
    async source(path) {
      const f = byPath.get(path)
      if (!f) throw new Error(`Cannot read ${path}: not in the chosen folder`)
      return blobSource(f, path)
    },
    imageUrl(ref) {
      if (/^https?:\/\//i.test(ref) || ref.startsWith('data:image/')) return ref
      const f = byPath.get(ref.replace(/^\.\//, ''))
      if (!f) return undefined
      let u = objectUrls.get(ref)
      if (!u) objectUrls.set(ref, u = URL.createObjectURL(f))
      return u
    },
  }
}

/**
 * Opens a run: reads (or builds) the manifest, resolves Delta tables, and reads the small tables.
 *
 * @param {RunFiles} files
 * @param {(manifest: Manifest) => void} [onManifest] called as soon as the manifest is known
 * @param {string | null} [wantedRunId] the run to show when the folder holds several (default: newest)
 * @returns {Promise<Run>}
 */
export async function openRun(files, onManifest, wantedRunId) {
  const zstd = initZstd() // compiles while the manifest and the footers load; only page reads need it
  const text = await files.text('_manifest.json')
  /** @type {Manifest} */
  let manifest
  if (text !== undefined) manifest = parseManifest(text)
  else if (files.listing) manifest = manifestFromListing(files.listing)
  else if (await files.text('impact/_delta_log/00000000000000000000.json') !== undefined) {
    manifest = { run_id: '', model: '', tables: { impact: { format: 'delta', path: 'impact' }, pairs: { format: 'delta', path: 'pairs' }, steps: { format: 'delta', path: 'steps' }, errors: { format: 'delta', path: 'errors' }, effects: { format: 'delta', path: 'effects' } } }
  } else {
    throw new Error(`Cannot open run at ${files.label}: no _manifest.json there`)
  }
  performance.mark('manifest')
  await resolveDelta(manifest, files)
  onManifest?.(manifest)
  await zstd
  const [pairs, steps, errors, effects] = await Promise.all([
    readTable(files, manifest.tables.pairs?.files),
    readTable(files, manifest.tables.steps?.files),
    readTable(files, manifest.tables.errors?.files),
    // the effects are an extra: a run folder copied without them (or an unreadable file) still opens
    readTable(files, manifest.tables.effects?.files, true).catch(e => {
      console.warn(`Output effects not shown: ${/** @type {Error} */ (e).message}`)
      return []
    }),
  ])
  // a folder can hold several runs (append mode): show the newest, let the user pick another
  const runIds = manifest.runs?.map(r => String(r.run_id)) ?? (manifest.run_id ? [manifest.run_id] : [])
  const newest = wantedRunId && runIds.includes(wantedRunId) ? wantedRunId : manifest.run_id
  const runId = newest && (runIds.length > 1 || pairs.some(p => p.run_id != null && p.run_id !== newest)) ? newest : ''
  /** @type {Map<string, StepRow[]>} */
  const stepsByPair = new Map()
  for (const s of steps) {
    if (runId && s.run_id != null && s.run_id !== runId) continue
    const row = {
      pair_id: String(s.pair_id),
      generation_step: Number(s.generation_step),
      token: String(s.generated_token ?? s.token ?? ''),
      probability: Number(s.generated_prob ?? s.probability ?? NaN),
    }
    if (!stepsByPair.has(row.pair_id)) stepsByPair.set(row.pair_id, [])
    stepsByPair.get(row.pair_id)?.push(row)
  }
  for (const list of stepsByPair.values()) list.sort((a, b) => a.generation_step - b.generation_step)
  /** @type {Map<string, EffectUnit[]>} */
  const effectsByStep = new Map()
  for (const e of effects) {
    if (runId && e.run_id != null && e.run_id !== runId) continue
    const key = effectKey(String(e.pair_id), Number(e.generation_step))
    if (!effectsByStep.has(key)) effectsByStep.set(key, [])
    effectsByStep.get(key)?.push({
      position: Number(e.token_position),
      size: Number(e.unit_size),
      image: e.patch_row == null ? -1 : Number(e.image_index ?? 0),
      row: e.patch_row == null ? -1 : Number(e.patch_row),
      col: e.patch_col == null ? -1 : Number(e.patch_col),
      layers: String(e.layers),
      kl: Number(e.kl_divergence),
      drop: Number(e.prob_drop),
      flip: Boolean(e.top1_flip),
      top1: String(e.masked_top1_token ?? ''),
    })
  }
  performance.mark('small-tables')
  return {
    files,
    manifest,
    runId,
    runIds,
    pairs: pairs.filter(p => !runId || p.run_id == null || p.run_id === runId).map(p => ({
      run_id: p.run_id == null ? '' : String(p.run_id),
      pair_id: String(p.pair_id),
      image: String(p.image ?? p.image_uri ?? ''),
      question: p.question == null ? '' : String(p.question),
      answer: p.answer == null ? '' : String(p.answer),
      grid_rows: Number(p.grid_rows ?? 0),
      grid_cols: Number(p.grid_cols ?? 0),
      regions: pairRegions(p),
      token_count: Number(p.token_count ?? 0),
      model: p.model == null ? manifest.model : String(p.model),
      status: p.status == null ? '' : String(p.status),
    })),
    steps: stepsByPair,
    errors,
    effects: effectsByStep,
  }
}

/**
 * The key of a (pair, step) in {@link Run}'s effects.
 *
 * @param {string} pairId
 * @param {number} step
 * @returns {string}
 */
export function effectKey(pairId, step) {
  return `${step}\u0000${pairId}`
}

/**
 * A pairs row's regions, ordered by image index; for a row written before `regions`, one image region of
 * the row's grid, whose box is not known.
 *
 * @param {Record<string, any>} p
 * @returns {Region[]}
 */
function pairRegions(p) {
  if (Array.isArray(p.regions)) {
    return p.regions.map((/** @type {Record<string, any>} */ r) => ({
      index: Number(r.image_index),
      kind: String(r.kind),
      rows: Number(r.grid_rows),
      cols: Number(r.grid_cols),
      box: { x: Number(r.x), y: Number(r.y), width: Number(r.width), height: Number(r.height) },
    })).sort((a, b) => a.index - b.index)
  }
  const rows = Number(p.grid_rows ?? 0)
  const cols = Number(p.grid_cols ?? 0)
  return rows > 0 && cols > 0 ? [{ index: 0, kind: 'image', rows, cols, box: null }] : []
}

/**
 * Replaces Delta tables in the manifest by their active files.
 *
 * @param {Manifest} manifest
 * @param {RunFiles} files
 */
async function resolveDelta(manifest, files) {
  const t = manifest.tables
  for (const name of /** @type {const} */ (['impact', 'effects', 'pairs', 'steps', 'errors'])) {
    const table = t[name]
    if (table?.format !== 'delta') continue
    const dir = table.path ?? name
    let active
    try {
      active = await readDeltaTable(dir, files.text)
    } catch (e) {
      if (name === 'impact') throw e
      t[name] = { files: [] } // a run without errors may have no errors table at all
      continue
    }
    const entries = active.map(f => ({ path: `${dir}/${f.path}`, bytes: f.bytes, step: f.partitionValues.generation_step }))
    if (name === 'impact') {
      /** @type {Map<number, FileEntry[]>} */
      const steps = new Map()
      for (const e of entries) {
        const s = Number(e.step ?? /generation_step=(-?\d+)/.exec(e.path)?.[1])
        if (!steps.has(s)) steps.set(s, [])
        steps.get(s)?.push({ path: e.path, bytes: e.bytes })
      }
      t.impact = { partitions: [...steps.entries()].sort((a, b) => a[0] - b[0]).map(([generation_step, f]) => ({ generation_step, files: f })) }
    } else {
      t[name] = { files: entries.map(e => ({ path: e.path, bytes: e.bytes })) }
    }
  }
}

/**
 * Reads every row of a small table (pairs, steps, errors, effects) with hyparquet.
 *
 * @param {RunFiles} files
 * @param {FileEntry[] | undefined} entries
 * @param {boolean} [byStep] the table is partitioned by step: each row gets the `generation_step` of its file's path
 * @returns {Promise<Record<string, any>[]>}
 */
async function readTable(files, entries, byStep) {
  if (!entries?.length) return []
  const parts = await Promise.all(entries.map(async e => {
    const src = await files.source(e.path, e.bytes)
    const buf = await src.slice(0, src.byteLength)
    const rows = await parquetReadObjects({ file: buf, compressors })
    if (!byStep) return rows
    const step = /(?:^|\/)generation_step=(-?\d+)\//.exec(e.path)
    if (!step) throw new Error(`Cannot read ${e.path}: a partition file outside a generation_step=N folder`)
    return rows.map(r => ({ ...r, generation_step: Number(step[1]) }))
  }))
  return parts.flat()
}
