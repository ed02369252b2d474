/**
 * One Parquet file opened for selective reads: its footer, its page indexes, and byte ranges.
 *
 * <p>Opening reads the last 16 KiB once (or the whole file when smaller). That tail holds the
 * footer and, in files written by parquet-java (Spark) or hyparquet-writer, the column and offset
 * indexes too, so choosing pages usually costs no further request. Reads that fall inside the
 * tail are served from it.
 */
import { parquetMetadata, readColumnIndex, readOffsetIndex } from 'hyparquet'
import { getSchemaPath } from 'hyparquet/src/schema.js'

/** Bytes read from the end of a file when opening it: footer and page indexes of a one-row-group file (8 KiB in the benchmark run) fit. */
export const TAIL_BYTES = 16 * 1024

/**
 * @typedef {import('hyparquet').FileMetaData} FileMetaData
 * @typedef {import('hyparquet').ColumnChunk} ColumnChunk
 * @typedef {import('hyparquet').ColumnIndex} ColumnIndex
 * @typedef {import('hyparquet').OffsetIndex} OffsetIndex
 * @typedef {import('hyparquet').SchemaTree} SchemaTree
 * @typedef {import('./bytes.js').ByteSource} ByteSource
 */

/**
 * @typedef {object} ParquetFile
 * @property {ByteSource} source
 * @property {FileMetaData} metadata
 * @property {number} tailStart file offset of the cached tail
 * @property {ArrayBuffer} tail the last bytes of the file
 * @property {Map<string, number>} columnIndexByName column name to its index in a row group
 * @property {(name: string) => SchemaTree[]} schemaPath
 */

/**
 * Opens a file: reads the tail and parses the footer.
 *
 * @param {ByteSource} source
 * @returns {Promise<ParquetFile>}
 */
export async function openParquet(source) {
  const size = source.byteLength
  if (size < 12) throw new Error(`parquet file ${source.name} is too short (${size} bytes)`)
  let tailStart = Math.max(0, size - TAIL_BYTES)
  let tail = await source.slice(tailStart, size)
  const view = new DataView(tail)
  if (view.getUint32(tail.byteLength - 4, true) !== 0x31524150) {
    throw new Error(`parquet file ${source.name} has no PAR1 magic at its end`)
  }
  const footerLength = view.getUint32(tail.byteLength - 8, true)
  if (footerLength + 8 > tail.byteLength) {
    // a very wide footer: read it whole (rare: thousands of columns or row groups)
    tailStart = Math.max(0, size - footerLength - 8)
    tail = await source.slice(tailStart, size)
  }
  const metadata = parquetMetadata(tail.slice(tail.byteLength - footerLength - 8))
  /** @type {Map<string, number>} */
  const columnIndexByName = new Map()
  metadata.row_groups[0]?.columns.forEach((c, i) => {
    const name = c.meta_data?.path_in_schema.join('.')
    if (name) columnIndexByName.set(name, i)
  })
  /** @type {Map<string, SchemaTree[]>} */
  const paths = new Map()
  return {
    source, metadata, tailStart, tail, columnIndexByName,
    schemaPath(name) {
      let path = paths.get(name)
      if (!path) paths.set(name, path = getSchemaPath(metadata.schema, [name]))
      return path
    },
  }
}

/**
 * Reads [start, end) of the file, from the cached tail when it is there.
 *
 * @param {ParquetFile} file
 * @param {number} start
 * @param {number} end
 * @returns {Promise<ArrayBuffer>}
 */
export async function readRange(file, start, end) {
  if (start >= file.tailStart) return file.tail.slice(start - file.tailStart, end - file.tailStart)
  if (end <= file.tailStart) return file.source.slice(start, end)
  // straddles the tail: fetch only the part before it
  const head = new Uint8Array(await file.source.slice(start, file.tailStart))
  const out = new Uint8Array(end - start)
  out.set(head, 0)
  out.set(new Uint8Array(file.tail, 0, end - file.tailStart), head.length)
  return out.buffer
}

/**
 * The column chunk of `name` in row group `group`, or undefined when the file lacks the column.
 *
 * @param {ParquetFile} file
 * @param {number} group
 * @param {string} name
 * @returns {ColumnChunk | undefined}
 */
export function columnChunk(file, group, name) {
  const i = file.columnIndexByName.get(name)
  return i === undefined ? undefined : file.metadata.row_groups[group].columns[i]
}

/**
 * Reads a chunk's offset index (page locations), or undefined when the writer wrote none.
 *
 * @param {ParquetFile} file
 * @param {ColumnChunk} chunk
 * @returns {Promise<OffsetIndex | undefined>}
 */
export async function offsetIndex(file, chunk) {
  if (chunk.offset_index_offset === undefined || !chunk.offset_index_length) return undefined
  const start = Number(chunk.offset_index_offset)
  const bytes = await readRange(file, start, start + chunk.offset_index_length)
  return readOffsetIndex({ view: new DataView(bytes), offset: 0 })
}

/**
 * Reads a chunk's column index (per-page min/max), or undefined when the writer wrote none.
 *
 * @param {ParquetFile} file
 * @param {ColumnChunk} chunk
 * @param {string} name
 * @returns {Promise<ColumnIndex | undefined>}
 */
export async function columnIndex(file, chunk, name) {
  if (chunk.column_index_offset === undefined || !chunk.column_index_length) return undefined
  const start = Number(chunk.column_index_offset)
  const bytes = await readRange(file, start, start + chunk.column_index_length)
  const element = file.schemaPath(name).at(-1)?.element
  if (!element) throw new Error(`parquet file ${file.source.name} has no column ${name}`)
  return readColumnIndex({ view: new DataView(bytes), offset: 0 }, element)
}
