/**
 * Shared test helpers: which run to test, reading it independently with hyparquet, launching
 * Debian's Chromium through playwright-core, and serving a run with the viewer next to it.
 */
import { mkdirSync, readFileSync, readdirSync, statSync, existsSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { chromium } from 'playwright-core'
import { serve } from '../tools/serve.js'

export const VIEWER = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const FIXTURE = join(VIEWER, 'test', 'fixtures', 'run')
export const SPARK_FIXTURE = join(VIEWER, 'test', 'fixtures', 'spark-run')
export const ARTIFACTS = join(VIEWER, 'test-artifacts')

/** The run under test: MASK_IMPACT_RUN (real job output) or the synthetic fixture. */
export const RUN = process.env.MASK_IMPACT_RUN ? resolve(process.env.MASK_IMPACT_RUN) : FIXTURE

/** Chromium flags for this closed network (see the machine notes). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

/**
 * Launches Debian's Chromium with a fresh profile.
 *
 * @returns {Promise<import('playwright-core').BrowserContext>}
 */
export async function launch() {
  mkdirSync(ARTIFACTS, { recursive: true })
  const profile = join(ARTIFACTS, `profile-${process.pid}-${Date.now()}`)
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    acceptDownloads: true,
  })
}

/**
 * Serves a run with the viewer at /viewer/, as the job lays it out.
 *
 * @param {string} run
 * @returns {Promise<{ server: import('node:http').Server, url: string }>}
 */
export function serveRun(run) {
  return serve({ '/': run, '/viewer/': join(VIEWER, 'app') })
}

/**
 * Every file below `dir`, relative to it.
 *
 * @param {string} dir
 * @returns {string[]}
 */
export function listFiles(dir) {
  /** @type {string[]} */
  const out = []
  const walk = (/** @type {string} */ d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else out.push(relative(dir, p).split('\\').join('/'))
    }
  }
  walk(dir)
  return out.sort()
}

/**
 * Reads every row of the Parquet files under `dir/sub` with plain hyparquet (the reference).
 *
 * @param {string} dir
 * @param {string} sub
 * @returns {Promise<Record<string, any>[]>}
 */
export async function readAll(dir, sub) {
  if (!existsSync(join(dir, sub))) return []
  const files = listFiles(join(dir, sub)).filter(f => f.endsWith('.parquet'))
  const rows = []
  for (const f of files) {
    const b = readFileSync(join(dir, sub, f))
    const step = /generation_step=(\d+)/.exec(f)
    const part = await parquetReadObjects({ file: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength), compressors })
    for (const r of part) rows.push(step ? { ...r, generation_step: Number(step[1]) } : r)
  }
  return rows
}

/**
 * The reference view of one (pair, step, variant): tokens by position from hyparquet rows.
 *
 * @param {Record<string, any>[]} impact
 * @param {string} pairId
 * @param {number} step
 * @param {string} variant
 * @returns {{ tokens: Map<number, { text: string, kind: string, row: number | null, col: number | null }>, rows: Record<string, any>[] }}
 */
export function reference(impact, pairId, step, variant) {
  const rows = impact.filter(r => r.pair_id === pairId && r.generation_step === step && r.variant === variant)
  const tokens = new Map()
  for (const r of rows) tokens.set(r.token_position, { text: r.token_masked, kind: r.token_kind, row: r.patch_row, col: r.patch_col })
  return { tokens, rows }
}

/**
 * The viewer's display form of a token (mirror of src/dom.js visibleToken).
 *
 * @param {string} text
 * @returns {string}
 */
export { visibleToken } from '../src/dom.js'
