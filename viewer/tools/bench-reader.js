/**
 * Reader choice benchmark (Node): decode one generation-step partition of a run, the columns the
 * viewer needs, with (a) hyparquet + hyparquet-compressors (pure-JS ZSTD), (b) hyparquet +
 * zstddec (wasm ZSTD), (c) the viewer's column reader on whole column chunks, and (d) the
 * viewer's slab read (one pair and variant, pages chosen from the page index). Also prints the
 * gzipped bundle size of each option. Best of N after one warm-up.
 *
 * <p>Usage: `node tools/bench-reader.js RUN [N]`.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { parquetReadObjects } from 'hyparquet'
import { compressors as jsCompressors } from 'hyparquet-compressors'
import { bufferSource } from '../src/bytes.js'
import { compressors, initZstd } from '../src/zstd.js'
import { openParquet } from '../src/parquet-file.js'
import { readColumnRows } from '../src/column-read.js'
import { loadSlab } from '../src/impact.js'
import { parseManifest } from '../src/manifest.js'

const run = process.argv[2]
const n = Number(process.argv[3] ?? 5)
if (!run) {
  console.error('usage: node tools/bench-reader.js RUN [N]')
  process.exit(2)
}
await initZstd()
const manifest = parseManifest(readFileSync(join(run, '_manifest.json'), 'utf8'))
const part = /** @type {import('../src/manifest.js').Partition[]} */ (manifest.tables.impact.partitions)[0]
const columns = ['pair_id', 'variant', 'layer', 'token_position', 'token_masked', 'token_kind', 'patch_row', 'patch_col', 'l2_distance', 'cosine_distance']
const buffers = part.files.map(f => {
  const b = readFileSync(join(run, f.path))
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)
})

/**
 * @param {string} name
 * @param {() => Promise<number>} fn returns rows decoded
 */
async function time(name, fn) {
  await fn()
  let best = Infinity
  let count = 0
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    count = await fn()
    best = Math.min(best, performance.now() - t0)
  }
  console.log(`${name.padEnd(52)} ${best.toFixed(0).padStart(5)} ms  ${String(count).padStart(8)} rows`)
}

console.log(`partition generation_step=${part.generation_step}: ${part.files.length} file(s), ${part.files.reduce((s, f) => s + f.bytes, 0)} bytes`)
await time('(a) hyparquet + hyparquet-compressors, whole step', async () => {
  let c = 0
  for (const file of buffers) c += (await parquetReadObjects({ file, columns, compressors: jsCompressors })).length
  return c
})
await time('(b) hyparquet + zstddec, whole step', async () => {
  let c = 0
  for (const file of buffers) c += (await parquetReadObjects({ file, columns, compressors })).length
  return c
})
await time('(c) viewer column reader, whole step', async () => {
  let c = 0
  for (let i = 0; i < buffers.length; i++) {
    const f = await openParquet(bufferSource(buffers[i], part.files[i].path))
    for (let g = 0; g < f.metadata.row_groups.length; g++) {
      const nr = Number(f.metadata.row_groups[g].num_rows)
      for (const col of columns) await readColumnRows(f, g, col, 0, nr)
      c += nr
    }
  }
  return c
})
const pairId = (await parquetReadObjects({ file: buffers[0], columns: ['pair_id'], rowEnd: 1, compressors }))[0].pair_id
await time('(d) viewer slab: one pair + variant, page index', async () => {
  const r = { files: { label: run, listing: undefined, imageUrl: () => undefined, text: async () => undefined, source: async (/** @type {string} */ p) => bufferSource(buffers[part.files.findIndex(f => f.path === p)], p) }, manifest, pairs: [], steps: new Map(), errors: [], runId: '', runIds: [] }
  return (await loadSlab(r, part.generation_step, pairId, 'Full')).rows
})

/**
 * @param {string} code entry module source
 * @returns {Promise<number>} gzipped bytes of the minified bundle
 */
async function bundle(code) {
  const r = await build({ stdin: { contents: code, resolveDir: process.cwd() }, bundle: true, minify: true, format: 'iife', write: false, logLevel: 'silent' })
  return gzipSync(r.outputFiles[0].contents).length
}
console.log(`bundle, gzipped: (a) ${await bundle("import { parquetReadObjects } from 'hyparquet'; import { compressors } from 'hyparquet-compressors'; window.x = [parquetReadObjects, compressors]")} B` +
  `, (b) ${await bundle("import { parquetReadObjects } from 'hyparquet'; import { ZSTDDecoder } from 'zstddec'; window.x = [parquetReadObjects, ZSTDDecoder]")} B` +
  `, (c/d) whole viewer ${gzipSync(readFileSync('app/viewer.js')).length} B`)
