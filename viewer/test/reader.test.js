/**
 * The Parquet reading path in Node, checked against plain hyparquet on the run under test
 * (MASK_IMPACT_RUN, else the synthetic fixture): column decoding, page pruning, slabs, the
 * manifest and the Delta log.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { bufferSource, fetchStats, resetFetchStats } from '../src/bytes.js'
import { openParquet } from '../src/parquet-file.js'
import { INT_NULL, readColumnRows } from '../src/column-read.js'
import { initZstd } from '../src/zstd.js'
import { intersect, loadSlab } from '../src/impact.js'
import { manifestFromListing, parseManifest } from '../src/manifest.js'
import { activeFiles, commitName } from '../src/delta.js'
import { FIXTURE, RUN as UNDER_TEST, SPARK_FIXTURE, listFiles, readAll, reference } from './helpers.js'

await initZstd()

// the run under test, and always both committed fixtures: Node-written (data page v2) and
// Spark-written (data page v1, parquet-java page indexes)
for (const RUN of [...new Set([UNDER_TEST, FIXTURE, SPARK_FIXTURE])]) {
const label = RUN === FIXTURE ? 'fixture' : RUN === SPARK_FIXTURE ? 'spark fixture' : 'MASK_IMPACT_RUN'
const manifest = parseManifest(readFileSync(join(RUN, '_manifest.json'), 'utf8'))
const impact = await readAll(RUN, 'impact')

/**
 * @param {string} path
 * @returns {import('../src/bytes.js').ByteSource}
 */
function source(path) {
  const b = readFileSync(join(RUN, path))
  return bufferSource(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength), path)
}

/** A Run over the local folder, as run.js would build it. @type {import('../src/run.js').Run} */
const run = {
  files: {
    label: RUN, listing: undefined, imageUrl: () => undefined,
    text: async () => undefined,
    source: async path => source(path),
  },
  manifest, pairs: [], steps: new Map(), errors: [], effects: new Map(), runId: '', runIds: [],
}

test(`${label}: every impact column decodes as plain hyparquet decodes it (whole file and sub-ranges)`, async () => {
  const files = (manifest.tables.impact.partitions ?? []).flatMap(p => p.files).slice(0, 6)
  assert.ok(files.length, 'the run has impact files')
  for (const f of files) {
    const file = await openParquet(source(f.path))
    const b = readFileSync(join(RUN, f.path))
    const { parquetReadObjects } = await import('hyparquet')
    const { compressors } = await import('hyparquet-compressors')
    const rows = await parquetReadObjects({ file: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength), compressors })
    let groupStart = 0
    for (let g = 0; g < file.metadata.row_groups.length; g++) {
      const n = Number(file.metadata.row_groups[g].num_rows)
      for (const [s, e] of [[0, n], [Math.floor(n / 3), Math.floor(n / 3) + 7], [n - 1, n]]) {
        for (const name of ['pair_id', 'variant', 'layer', 'token_position', 'token_masked', 'token_kind', 'patch_row', 'patch_col', 'l2_distance', 'cosine_distance']) {
          const c = await readColumnRows(file, g, name, s, e)
          for (let r = s; r < e; r++) {
            const want = rows[groupStart + r][name]
            const got = c.kind === 'string' ? (c.codes[r - s] < 0 ? null : c.dict[c.codes[r - s]])
              : c.kind === 'int' ? (c.values[r - s] === INT_NULL ? null : c.values[r - s])
                : (Number.isNaN(c.values[r - s]) ? null : c.values[r - s])
            if (typeof want === 'number' && typeof got === 'number') assert.ok(Math.abs(want - got) <= 1e-6 * Math.max(1, Math.abs(want)), `${f.path} ${name} row ${r}: ${got} != ${want}`)
            else assert.equal(got, want ?? null, `${f.path} ${name} row ${r}`)
          }
        }
      }
      groupStart += n
    }
  }
})

test(`${label}: a slab holds exactly the rows of (pair, step, variant), and reads less than the partition`, async () => {
  const partition = (manifest.tables.impact.partitions ?? [])[0]
  const first = impact.find(r => r.generation_step === partition.generation_step)
  assert.ok(first, 'the first partition has rows')
  const variant = manifest.variants?.includes('Full') ? 'Full' : first.variant
  const ref = reference(impact, first.pair_id, partition.generation_step, variant)
  resetFetchStats()
  const slab = await loadSlab(run, partition.generation_step, first.pair_id, variant)
  assert.equal(slab.rows, ref.rows.length, 'rows in the slab')
  for (const r of ref.rows) {
    const k = r.layer * slab.positions + r.token_position
    assert.ok(Math.abs(slab.l2[k] - r.l2_distance) < 1e-6, `l2 at layer ${r.layer} position ${r.token_position}`)
    if (r.cosine_distance === null) assert.ok(Number.isNaN(slab.cosine[k]))
    else assert.ok(Math.abs(slab.cosine[k] - r.cosine_distance) < 1e-6)
    assert.equal(slab.tokens[r.token_position]?.text, r.token_masked)
    assert.equal(slab.tokens[r.token_position]?.kind, r.token_kind)
    assert.equal(slab.tokens[r.token_position]?.row, r.patch_row ?? -1)
  }
  const partitionBytes = partition.files.reduce((s, f) => s + f.bytes, 0)
  assert.ok(fetchStats.bytes <= partitionBytes, `read ${fetchStats.bytes} bytes of a ${partitionBytes}-byte partition`)
})

test(`${label}: a slab of an unknown pair is empty, not an error`, async () => {
  const step = (manifest.tables.impact.partitions ?? [])[0].generation_step
  const slab = await loadSlab(run, step, 'no-such-pair', 'Full')
  assert.equal(slab.rows, 0)
})

test(`${label}: manifest from a folder listing matches the written manifest`, () => {
  const listing = listFiles(RUN).map(path => ({ path, bytes: readFileSync(join(RUN, path)).length }))
  const built = manifestFromListing(listing)
  assert.deepEqual(
    built.tables.impact.partitions?.map(p => [p.generation_step, p.files.map(f => f.path).sort()]),
    manifest.tables.impact.partitions?.map(p => [p.generation_step, p.files.map(f => f.path).sort()]))
})
}

test('encodings the job does not write (plain strings, delta integers, byte-stream-split floats) decode through hyparquet as hyparquet reads them', async () => {
  const { parquetWriteBuffer } = await import('hyparquet-writer')
  const { parquetReadObjects } = await import('hyparquet')
  const n = 500
  const buffer = parquetWriteBuffer({
    codec: 'UNCOMPRESSED',
    columnData: [
      { name: 'token_masked', type: 'STRING', encoding: 'PLAIN', data: Array.from({ length: n }, (_, i) => i % 7 === 0 ? null : `tok ${i % 13}`) },
      { name: 'layer', type: 'INT32', encoding: 'DELTA_BINARY_PACKED', nullable: false, data: Int32Array.from({ length: n }, (_, i) => (i * 37) % 101) },
      { name: 'l2_distance', type: 'FLOAT', encoding: 'BYTE_STREAM_SPLIT', nullable: false, data: Float32Array.from({ length: n }, (_, i) => i / 7) },
    ],
  })
  const file = await openParquet(bufferSource(buffer, 'other-encodings.parquet'))
  const rows = await parquetReadObjects({ file: buffer })
  for (const [s, e] of [[0, n], [123, 130], [n - 1, n]]) {
    for (const name of ['token_masked', 'layer', 'l2_distance']) {
      const c = await readColumnRows(file, 0, name, s, e)
      for (let r = s; r < e; r++) {
        const got = c.kind === 'string' ? (c.codes[r - s] < 0 ? null : c.dict[c.codes[r - s]]) : c.values[r - s]
        const want = rows[r][name]
        if (typeof want === 'number') assert.ok(Math.abs(want - Number(got)) <= 1e-6 * Math.max(1, Math.abs(want)), `${name} row ${r}: ${got} != ${want}`)
        else assert.equal(got, want, `${name} row ${r}`)
      }
    }
  }
})

test('intersect keeps the overlap of sorted ranges', () => {
  assert.deepEqual(intersect([[0, 10], [20, 30]], [[5, 25]]), [[5, 10], [20, 25]])
  assert.deepEqual(intersect([[0, 10]], [[10, 20]]), [])
})

test('manifest: checked, with messages that name the problem', () => {
  assert.throws(() => parseManifest('{'), /not JSON/)
  assert.throws(() => parseManifest('{"run_id": 1}'), /no string run_id/)
  assert.throws(() => parseManifest('{"run_id": "r", "tables": {}}'), /no tables.impact/)
  assert.throws(() => parseManifest('{"run_id": "r", "tables": {"impact": {"partitions": [{"generation_step": 0, "files": [{"path": "../x", "bytes": 1}]}]}}}'), /outside the run/)
  assert.throws(() => parseManifest('{"run_id": "r", "tables": {"impact": {"partitions": [{"generation_step": "a", "files": []}]}}}'), /integer generation_step/)
  const m = parseManifest('{"run_id": "r", "model": "m", "tables": {"impact": {"partitions": [{"generation_step": 1, "files": []}, {"generation_step": 0, "files": []}]}}}')
  assert.deepEqual(m.tables.impact.partitions?.map(p => p.generation_step), [0, 1], 'partitions sorted by step')
})

test('delta log: add then remove leaves the active files', () => {
  const commits = [
    [{ protocol: {} }, { add: { path: 'generation_step=0/a.parquet', size: 10, partitionValues: { generation_step: '0' } } }],
    [{ add: { path: 'generation_step=1/b%20c.parquet', size: 20, partitionValues: { generation_step: '1' } } }, { remove: { path: 'generation_step=0/a.parquet' } }],
  ].map(c => c.map(a => JSON.stringify(a)).join('\n'))
  assert.deepEqual(activeFiles(commits), [{ path: 'generation_step=1/b c.parquet', bytes: 20, partitionValues: { generation_step: '1' } }])
  assert.equal(commitName(3), '00000000000000000003.json')
})

test('attention sinks: the few tokens far above all others, never a hot region', async () => {
  const { findSinks } = await import('../src/view-model.js')
  /** @param {number[]} means one layer, so value = mean */
  const slab = (means) => /** @type {any} */ ({ layers: 1, positions: means.length, tokens: means.map((_, p) => ({ position: p })) })
  const sinks = (/** @type {number[]} */ m) => [...findSinks(slab(m), Float32Array.from(m))].sort()
  assert.deepEqual(sinks([11, 1, 0.9, 0.25, 0.1, 0.1]), [0], 'one sink above a hot region')
  assert.deepEqual(sinks([9, 0.1, 8, 0.1, 0.1, 0.2]), [0, 2], 'two sinks')
  assert.deepEqual(sinks([1, 0.9, 0.8, 0.7, 0.6, 0.5]), [], 'no gap, no sink')
  assert.deepEqual(sinks([5, 5, 5, 5, 5, 5, 0.1]), [], 'more than four tokens above the gap are not sinks')
})
