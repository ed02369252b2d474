/**
 * Reads a row range of one flat column into a typed array, fetching only the pages it needs.
 *
 * <p>This is a small decoder on hyparquet's page functions. Unlike hyparquet's `parquetRead` it
 * keeps dictionary-encoded strings as codes into one dictionary (the viewer compares codes, not
 * strings), returns Int32Array/Float32Array instead of arrays of boxed values, and, when the
 * writer left an offset index, fetches only the data pages that overlap the wanted rows plus the
 * dictionary page. Without an offset index it fetches the whole column chunk.
 *
 * <p>Nulls: -1 codes for strings, {@link INT_NULL} for integers, NaN for floats.
 */
import { parquetHeader } from 'hyparquet/src/column.js'
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js'
import { readPlain } from 'hyparquet/src/plain.js'
import { DEFAULT_PARSERS } from 'hyparquet/src/convert.js'
import { getMaxDefinitionLevel } from 'hyparquet/src/schema.js'
import { columnChunk, offsetIndex, readRange } from './parquet-file.js'
import { compressors } from './zstd.js'

/** The integer that stands for null in integer columns. */
export const INT_NULL = -2147483648

/** Requests closer than this are merged into one (fewer round trips beat a few wasted bytes). */
const MERGE_GAP = 16 * 1024

/**
 * @typedef {{ kind: 'string', codes: Int32Array, dict: string[] }} StringColumn
 * @typedef {{ kind: 'int', values: Int32Array }} IntColumn
 * @typedef {{ kind: 'float', values: Float32Array }} FloatColumn
 * @typedef {StringColumn | IntColumn | FloatColumn} Column
 * @typedef {import('./parquet-file.js').ParquetFile} ParquetFile
 * @typedef {import('hyparquet').PageHeader} PageHeader
 */

/**
 * @typedef {object} PageRef one page to decode
 * @property {number} offset file offset of the page header
 * @property {number} size bytes of header and page (upper bound when unknown)
 * @property {number} firstRow row index of the page's first row within the row group (-1: count)
 */

const utf8 = new TextDecoder()

/**
 * Reads rows [rowStart, rowEnd) of column `name` in row group `group`.
 *
 * @param {ParquetFile} file
 * @param {number} group
 * @param {string} name
 * @param {number} rowStart
 * @param {number} rowEnd
 * @returns {Promise<Column>}
 */
export async function readColumnRows(file, group, name, rowStart, rowEnd) {
  const plan = await planColumn(file, group, name, rowStart, rowEnd)
  return plan.decode(await fetchMerged(file, plan.refs))
}

/**
 * @typedef {object} ColumnPlan the pages one column read needs, and how to decode them
 * @property {PageRef[]} refs byte ranges to fetch, sorted by offset
 * @property {(buffers: Uint8Array[]) => Column} decode decodes the fetched ranges (same order as refs)
 */

/**
 * Plans the read of rows [rowStart, rowEnd) of a column: which pages (from the offset index, or
 * the whole chunk without one). Fetching is left to the caller, so that the pages of several
 * columns can share requests.
 *
 * @param {ParquetFile} file
 * @param {number} group
 * @param {string} name
 * @param {number} rowStart
 * @param {number} rowEnd
 * @returns {Promise<ColumnPlan>}
 */
export async function planColumn(file, group, name, rowStart, rowEnd) {
  const chunk = columnChunk(file, group, name)
  const chunkMeta = chunk?.meta_data
  if (!chunk || !chunkMeta) throw new Error(`parquet file ${file.source.name} has no column ${name}`)
  const meta = chunkMeta
  const schemaPath = file.schemaPath(name)
  const element = schemaPath[schemaPath.length - 1].element
  const kindOrNone = meta.type === 'BYTE_ARRAY' ? 'string'
    : meta.type === 'INT32' ? 'int'
      : meta.type === 'FLOAT' || meta.type === 'DOUBLE' ? 'float'
        : undefined
  if (!kindOrNone) throw new Error(`parquet column ${name} in ${file.source.name} has unsupported type ${meta.type}`)
  const kind = kindOrNone
  const decoder = {
    pathInSchema: meta.path_in_schema, type: meta.type, element, schemaPath, codec: meta.codec,
    parsers: DEFAULT_PARSERS, compressors,
  }
  const maxDef = getMaxDefinitionLevel(schemaPath)
  const dataStart = Number(meta.data_page_offset)
  const dictOffset = meta.dictionary_page_offset === undefined ? undefined : Number(meta.dictionary_page_offset)
  const hasDict = dictOffset !== undefined && dictOffset < dataStart
  const chunkStart = hasDict ? /** @type {number} */ (dictOffset) : dataStart
  const chunkEnd = chunkStart + Number(meta.total_compressed_size)

  // which pages, and which byte ranges hold them
  /** @type {PageRef[]} */
  let pages
  /** @type {PageRef | undefined} */
  let dictPage
  const index = await offsetIndex(file, chunk)
  if (index && index.page_locations.length) {
    const locs = index.page_locations
    pages = []
    for (let i = 0; i < locs.length; i++) {
      const first = Number(locs[i].first_row_index)
      const next = i + 1 < locs.length ? Number(locs[i + 1].first_row_index) : Infinity
      if (next > rowStart && first < rowEnd) {
        pages.push({ offset: Number(locs[i].offset), size: locs[i].compressed_page_size, firstRow: first })
      }
    }
    if (hasDict) dictPage = { offset: chunkStart, size: Number(locs[0].offset) - chunkStart, firstRow: -1 }
  } else {
    pages = [{ offset: chunkStart, size: chunkEnd - chunkStart, firstRow: -1 }]
  }
  const wanted = dictPage ? [dictPage, ...pages] : pages
  return { refs: wanted, decode: buffers => decodePages(buffers) }

  /**
   * @param {Uint8Array[]} buffers
   * @returns {Column}
   */
  function decodePages(buffers) {

  /** @type {Column} */
  const out = kind === 'string' ? { kind, codes: new Int32Array(rowEnd - rowStart).fill(-1), dict: [] }
    : kind === 'int' ? { kind, values: new Int32Array(rowEnd - rowStart).fill(INT_NULL) }
      : { kind, values: new Float32Array(rowEnd - rowStart).fill(NaN) }
  /** @type {ArrayLike<any> | undefined} */
  let dictionary
  /** @type {Map<string, number> | undefined} */
  let interned

  for (let i = 0; i < wanted.length; i++) {
    const buf = buffers[i]
    const reader = { view: new DataView(buf.buffer, buf.byteOffset, buf.byteLength), offset: 0 }
    let row = wanted[i].firstRow
    // a whole chunk holds many pages, a page ref from the offset index exactly one
    while (reader.offset < buf.byteLength && (wanted[i].firstRow < 0 || reader.offset === 0)) {
      const header = parquetHeader(reader)
      const body = buf.subarray(reader.offset, reader.offset + header.compressed_page_size)
      reader.offset += header.compressed_page_size
      if (header.type === 'DICTIONARY_PAGE') {
        const page = decompressPage(body, header.uncompressed_page_size, meta.codec, compressors)
        const n = header.dictionary_page_header?.num_values ?? 0
        const plain = readPlain({ view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 }, meta.type, n, element.type_length)
        dictionary = kind === 'string' ? Array.from(/** @type {Uint8Array[]} */ (plain), b => utf8.decode(b)) : plain
        if (out.kind === 'string') out.dict = /** @type {string[]} */ (dictionary).slice()
        continue
      }
      if (header.type !== 'DATA_PAGE' && header.type !== 'DATA_PAGE_V2') continue
      if (row < 0) row = 0
      const numRows = header.data_page_header?.num_values ?? header.data_page_header_v2?.num_rows ?? 0
      const pageFirst = row
      row += numRows
      if (pageFirst >= rowEnd || row <= rowStart) continue // not wanted: never decompressed
      const { definitionLevels, dataPage } = header.type === 'DATA_PAGE'
        ? readDataPage(decompressPage(body, header.uncompressed_page_size, meta.codec, compressors),
          /** @type {import('hyparquet').DataPageHeader} */ (header.data_page_header), decoder)
        : readDataPageV2(body, header, decoder)
      const encoding = header.data_page_header?.encoding ?? header.data_page_header_v2?.encoding
      const isDict = encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY'
      if (isDict && !dictionary) throw new Error(`parquet column ${name} in ${file.source.name}: dictionary page missing`)
      // values of this page in row order, nulls already in place
      const rows = kind === 'string' ? new Int32Array(numRows).fill(-1)
        : kind === 'int' ? new Int32Array(numRows).fill(INT_NULL) : new Float32Array(numRows).fill(NaN)
      /** @type {(v: any) => number} */
      let map
      if (kind === 'string') {
        if (isDict) map = v => v
        else {
          const o = /** @type {StringColumn} */ (out)
          const seen = interned ??= new Map(o.dict.map((s, k) => [s, k]))
          map = v => {
            const s = typeof v === 'string' ? v : utf8.decode(v)
            let code = seen.get(s)
            if (code === undefined) { code = o.dict.length; o.dict.push(s); seen.set(s, code) }
            return code
          }
        }
      } else if (isDict) {
        const d = /** @type {ArrayLike<number>} */ (dictionary)
        map = v => d[v]
      } else {
        map = v => Number(v)
      }
      if (definitionLevels && definitionLevels.length && maxDef > 0) {
        let k = 0
        for (let r = 0; r < numRows; r++) {
          if (definitionLevels[r] === maxDef) rows[r] = map(dataPage[k++])
        }
      } else {
        for (let r = 0; r < numRows; r++) rows[r] = map(dataPage[r])
      }
      const from = Math.max(rowStart, pageFirst)
      const to = Math.min(rowEnd, row)
      const target = out.kind === 'string' ? out.codes : out.values
      target.set(/** @type {any} */ (rows.subarray(from - pageFirst, to - pageFirst)), from - rowStart)
    }
  }
  return out
  }
}

/**
 * Fetches the byte ranges of `refs`, merging neighbours into one request, and returns one view
 * per ref, in order.
 *
 * @param {ParquetFile} file
 * @param {PageRef[]} refs any order
 * @returns {Promise<Uint8Array[]>}
 */
export async function fetchMerged(file, refs) {
  /** @type {{ start: number, end: number, refs: number[] }[]} */
  const groups = []
  const order = refs.map((_, i) => i).sort((a, b) => refs[a].offset - refs[b].offset)
  order.forEach(i => {
    const ref = refs[i]
    const last = groups[groups.length - 1]
    if (last && ref.offset - last.end <= MERGE_GAP) {
      last.end = Math.max(last.end, ref.offset + ref.size)
      last.refs.push(i)
    } else {
      groups.push({ start: ref.offset, end: ref.offset + ref.size, refs: [i] })
    }
  })
  /** @type {Uint8Array[]} */
  const out = new Array(refs.length)
  await Promise.all(groups.map(async g => {
    const bytes = new Uint8Array(await readRange(file, g.start, g.end))
    for (const i of g.refs) out[i] = bytes.subarray(refs[i].offset - g.start, refs[i].offset - g.start + refs[i].size)
  }))
  return out
}
