/**
 * The viewer's column lists (src/schema.js) against the contract's single source,
 * udfs/src/main/java/io/maskimpact/schema/OutputSchema.java (parsed, not compiled).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { VIEWER } from './helpers.js'
import { EFFECTS_COLUMNS, ERRORS_COLUMNS, IMPACT_COLUMNS, IMPACT_SORT_KEY, PAIRS_COLUMNS, REGION_FIELDS, STEPS_COLUMNS } from '../src/schema.js'

const JAVA = join(VIEWER, '..', 'udfs', 'src', 'main', 'java', 'io', 'maskimpact', 'schema', 'OutputSchema.java')

/**
 * Column names of a StructType constant, in order, resolved through the String constants.
 *
 * @param {string} src
 * @param {string} constant e.g. IMPACT_SCHEMA
 * @returns {string[]}
 */
function fields(src, constant) {
  const names = new Map([...src.matchAll(/static final String (\w+) = "([^"]*)"/g)].map(m => [m[1], m[2]]))
  const body = new RegExp(`${constant} = struct\\(([\\s\\S]*?)\\);`).exec(src)?.[1] ?? ''
  return [...body.matchAll(/field\((\w+),/g)].map(m => names.get(m[1]) ?? `?${m[1]}`)
}

test('the viewer mirrors OutputSchema.java', { skip: !existsSync(JAVA) && 'udfs module not next to the viewer' }, () => {
  const src = readFileSync(JAVA, 'utf8')
  assert.deepEqual(IMPACT_COLUMNS, fields(src, 'IMPACT_SCHEMA'))
  assert.deepEqual(EFFECTS_COLUMNS, fields(src, 'EFFECTS_SCHEMA'))
  assert.deepEqual(PAIRS_COLUMNS, fields(src, 'PAIRS_SCHEMA'))
  assert.deepEqual(STEPS_COLUMNS, fields(src, 'STEPS_SCHEMA'))
  assert.deepEqual(ERRORS_COLUMNS, fields(src, 'ERRORS_SCHEMA'))
  assert.deepEqual(REGION_FIELDS, fields(src, 'REGION_TYPE'))
  const names = new Map([...src.matchAll(/static final String (\w+) = "([^"]*)"/g)].map(m => [m[1], m[2]]))
  const key = /IMPACT_SORT_KEY = List\.of\(([^)]*)\)/.exec(src)?.[1].split(',').map(s => names.get(s.trim()))
  assert.deepEqual(IMPACT_SORT_KEY, key)
})
