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
 * @property {(buffers: Uint8Array[], start?: number, end?: number) => Column} decode decodes rows
 *   [start, end) (default: all planned rows) from the fetched ranges (same order as refs)
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
  return { refs: wanted, decode: (buffers, start = rowStart, end = rowEnd) => decodePages(buffers, start, end) }

  /**
   * @param {Uint8Array[]} buffers
   * @param {number} start
   * @param {number} end
   * @returns {Column}
   */
  function decodePages(buffers, start, end) {

  /** @type {Column} */
  const out = kind === 'string' ? { kind, codes: new Int32Array(end - start).fill(-1), dict: [] }
    : kind === 'int' ? { kind, values: new Int32Array(end - start).fill(INT_NULL) }
      : { kind, values: new Float32Array(end - start).fill(NaN) }
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
      if (pageFirst >= end || row <= start) continue // not wanted: never decompressed
      const from = Math.max(start, pageFirst)
      const to = Math.min(end, row)
      const target = out.kind === 'string' ? out.codes : out.values
      const encoding = header.data_page_header?.encoding ?? header.data_page_header_v2?.encoding
      const isDict = encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY'
      if (isDict && !dictionary) throw new Error(`parquet column ${name} in ${file.source.name}: dictionary page missing`)
      // the common encodings: decode only the wanted rows; others: the whole page through hyparquet
      if ((isDict || (encoding === 'PLAIN' && kind !== 'string'))
        && readRows(body, header, meta.codec, meta.type, maxDef, isDict ? (kind === 'string' ? null : dictionary) : undefined,
          from - pageFirst, to - pageFirst, target, from - start)) continue
      const { definitionLevels, dataPage } = header.type === 'DATA_PAGE'
        ? readDataPage(decompressPage(body, header.uncompressed_page_size, meta.codec, compressors),
          /** @type {import('hyparquet').DataPageHeader} */ (header.data_page_header), decoder)
        : readDataPageV2(body, header, decoder)
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
      target.set(/** @type {any} */ (rows.subarray(from - pageFirst, to - pageFirst)), from - start)
    }
  }
  return out
  }
}

/**
 * Decodes rows [from, to) of one data page (v1 or v2) of a flat column into `target` from index
 * `at`, for dictionary codes and fixed-width PLAIN numbers. A view needs about a tenth of a
 * 100,000-row page, so levels and values are decoded no further than `to`, and runs before `from`
 * are skipped, not decoded. Nulls are left as they are in `target`.
 *
 * @param {Uint8Array} body the page after its header, as stored
 * @param {PageHeader} header
 * @param {import('hyparquet').CompressionCodec} codec
 * @param {string} type the column's physical type
 * @param {number} maxDef
 * @param {ArrayLike<number> | null | undefined} dictionary numbers of a dictionary page; null:
 *   dictionary codes are the values (strings); undefined: PLAIN values
 * @param {number} from first row, within the page
 * @param {number} to end row, within the page
 * @param {Int32Array | Float32Array} target
 * @param {number} at where row `from` goes in `target`
 * @returns {boolean} false when the page needs the general decoder (repetition levels, codes
 *   wider than 24 bits)
 */
function readRows(body, header, codec, type, maxDef, dictionary, from, to, target, at) {
  const v2 = header.data_page_header_v2
  /** @type {Uint8Array} */
  let levels
  /** @type {Uint8Array} */
  let data
  let levelsStart = 0
  let levelsEnd = 0
  if (v2) {
    if (v2.repetition_levels_byte_length) return false
    levelsEnd = v2.definition_levels_byte_length
    levels = body
    const rest = body.subarray(levelsEnd)
    data = v2.is_compressed === false ? rest : decompressPage(rest, header.uncompressed_page_size - levelsEnd, codec, compressors)
  } else {
    data = decompressPage(body, header.uncompressed_page_size, codec, compressors)
    levels = data
    if (maxDef) {
      levelsStart = 4
      levelsEnd = 4 + (data[0] | data[1] << 8 | data[2] << 16 | data[3] << 24)
    }
  }
  const valuesStart = v2 ? 0 : levelsEnd
  // which wanted rows have a value, and how many values come before the first wanted row
  let skip = from
  let n = to - from
  /** @type {Uint8Array | undefined} */
  let defined
  if (maxDef) {
    defined = new Uint8Array(to - from)
    skip = readHybrid(levels, levelsStart, levelsEnd, 32 - Math.clz32(maxDef), from, defined, maxDef)
    n = 0
    for (let r = 0; r < defined.length; r++) if (defined[r] === maxDef) n++
    if (n === defined.length) defined = undefined
  }
  /** @type {ArrayLike<number>} */
  let values
  if (dictionary !== undefined) {
    const width = data[valuesStart]
    if (width > 24) return false
    const codes = new Int32Array(n)
    readHybrid(data, valuesStart + 1, data.length, width, skip, codes, -1)
    if (dictionary) {
      const mapped = new Float64Array(n)
      for (let k = 0; k < n; k++) mapped[k] = dictionary[codes[k]]
      values = mapped
    } else {
      values = codes
    }
  } else {
    const size = type === 'DOUBLE' ? 8 : 4
    const start = data.byteOffset + valuesStart + skip * size
    const bytes = data.buffer.slice(start, start + n * size) // aligned copy
    values = type === 'DOUBLE' ? new Float64Array(bytes) : type === 'FLOAT' ? new Float32Array(bytes) : new Int32Array(bytes)
  }
  if (!defined) {
    target.set(values, at)
  } else {
    let k = 0
    for (let r = 0; r < defined.length; r++) if (defined[r] === maxDef) target[at + r] = values[k++]
  }
  return true
}

/**
 * Decodes values [skip, skip + out.length) of an RLE/bit-packed hybrid stream in
 * bytes[pos, end) into `out`, and counts the values before `skip` that equal `match`; runs
 * before `skip` are stepped over, and only decoded when a bit-packed one must be counted.
 *
 * @param {Uint8Array} bytes
 * @param {number} pos
 * @param {number} end
 * @param {number} width bits per value, at most 24
 * @param {number} skip
 * @param {Uint8Array | Int32Array} out
 * @param {number} match -1 to count nothing
 * @returns {number} how many of the first `skip` values equal `match`
 */
function readHybrid(bytes, pos, end, width, skip, out, match) {
  const want = skip + out.length
  const mask = (1 << width) - 1
  let seen = 0
  let matched = 0
  while (seen < want && pos < end) {
    let header = 0
    let shift = 0
    let b
    do {
      b = bytes[pos++]
      header |= (b & 0x7f) << shift
      shift += 7
    } while (b & 0x80)
    if (header & 1) {
      // bit-packed: groups of 8 values in `width` bytes
      const count = (header >>> 1) * 8
      const before = match < 0 ? seen : Math.min(seen + count, skip)
      for (let i = seen; i < before; i++) if (bitPacked(bytes, pos, (i - seen) * width, mask) === match) matched++
      const last = Math.min(seen + count, want)
      for (let i = Math.max(seen, skip); i < last; i++) out[i - skip] = bitPacked(bytes, pos, (i - seen) * width, mask)
      pos += (header >>> 1) * width
      seen += count
    } else {
      const count = header >>> 1
      let value = 0
      for (let k = 0; k < (width + 7 >> 3); k++) value |= bytes[pos++] << (k * 8)
      if (value === match) matched += Math.max(0, Math.min(seen + count, skip) - seen)
      const first = Math.max(seen, skip)
      const last = Math.min(seen + count, want)
      if (first < last) out.fill(value, first - skip, last - skip)
      seen += count
    }
  }
  return matched
}

/**
 * The value at `bit` of a bit-packed run starting at `pos` (widths up to 24 bits).
 *
 * @param {Uint8Array} bytes
 * @param {number} pos
 * @param {number} bit
 * @param {number} mask
 * @returns {number}
 */
function bitPacked(bytes, pos, bit, mask) {
  const p = pos + (bit >> 3)
  return (bytes[p] | bytes[p + 1] << 8 | bytes[p + 2] << 16 | bytes[p + 3] << 24) >>> (bit & 7) & mask
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
