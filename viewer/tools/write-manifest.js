/**
 * Writes `_manifest.json` for a run folder from its files (the job does this itself; this tool is
 * for runs rewritten by tools/spark-rewrite.sh). Run metadata (run_id, model, layers, variants)
 * is copied from a template manifest.
 *
 * <p>Usage: `node tools/write-manifest.js RUN TEMPLATE_RUN`.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { manifestFromListing } from '../src/manifest.js'
import { listFiles } from '../test/helpers.js'

const [run, template] = process.argv.slice(2)
if (!run || !template) {
  console.error('usage: node tools/write-manifest.js RUN TEMPLATE_RUN')
  process.exit(2)
}
const listing = listFiles(run).map(path => ({ path, bytes: statSync(join(run, path)).size }))
const built = manifestFromListing(listing)
const meta = JSON.parse(readFileSync(join(template, '_manifest.json'), 'utf8'))
const manifest = { ...meta, tables: { ...built.tables, impact: { format: 'parquet', partition_by: ['generation_step'], ...built.tables.impact } } }
writeFileSync(join(run, '_manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
console.log(`wrote ${join(run, '_manifest.json')}`)
