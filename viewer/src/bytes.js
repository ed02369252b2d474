/**
 * Byte sources: the one way the viewer reads a file, whether it sits behind HTTP or on disk.
 *
 * <p>A source reads `[start, end)` of one file. Over HTTP that is a `Range` request; a server
 * that ignores `Range` (Python's http.server does) answers 200 with the whole file, which is then
 * kept and sliced, so such a server costs one full download per file but still works. From disk it
 * is `File.slice`, which also works when the page itself was opened from file://.
 * Every read is counted in {@link fetchStats} so the benchmark and the tests can tell how many
 * bytes a view cost.
 */

/**
 * @typedef {object} ByteSource
 * @property {string} name path relative to the run root, for messages
 * @property {number} byteLength file size in bytes
 * @property {(start: number, end: number) => Promise<ArrayBuffer>} slice reads [start, end)
 */

/** Bytes and requests read so far, by all sources. */
export const fetchStats = { requests: 0, bytes: 0 }

/** Resets {@link fetchStats} (the benchmark measures one view at a time). */
export function resetFetchStats() {
  fetchStats.requests = 0
  fetchStats.bytes = 0
}

/**
 * A source for a file behind a URL.
 *
 * <p>`byteLength` should come from the manifest: asking the server (HEAD) costs a round trip, and
 * suffix ranges (`bytes=-N`) would trigger a CORS preflight for cross-origin runs.
 *
 * @param {string} url
 * @param {string} name
 * @param {number} byteLength
 * @returns {ByteSource}
 */
export function urlSource(url, name, byteLength) {
  /** @type {Promise<ArrayBuffer> | undefined} */
  let whole
  return {
    name,
    byteLength,
    async slice(start, end) {
      if (whole) return (await whole).slice(start, end)
      if (start === 0 && end >= byteLength) {
        whole = fetchAll(url, name)
        return whole
      }
      const res = await fetch(url, { headers: { Range: `bytes=${start}-${end - 1}` } })
      if (res.status === 200) {
        // the server ignored Range: keep the whole body and slice it from now on
        whole = res.arrayBuffer().then(buf => count(buf))
        return (await whole).slice(start, end)
      }
      if (res.status !== 206) throw new Error(`Cannot read ${name}: HTTP ${res.status} for bytes ${start}-${end - 1}`)
      return count(await res.arrayBuffer())
    },
  }
}

/**
 * Fetches a whole file (JSON, images' neighbours, small tables).
 *
 * @param {string} url
 * @param {string} name
 * @returns {Promise<ArrayBuffer>}
 */
export async function fetchAll(url, name) {
  const res = await fetch(url)
  if (!res.ok) throw new Error(`Cannot read ${name}: HTTP ${res.status}`)
  return count(await res.arrayBuffer())
}

/**
 * A source for a file chosen from disk (folder picker or drop).
 *
 * @param {Blob} file
 * @param {string} name
 * @returns {ByteSource}
 */
export function blobSource(file, name) {
  return {
    name,
    byteLength: file.size,
    async slice(start, end) {
      return count(await file.slice(start, end).arrayBuffer())
    },
  }
}

/**
 * A source over bytes already in memory (tests, Node tools).
 *
 * @param {ArrayBuffer} buffer
 * @param {string} name
 * @returns {ByteSource}
 */
export function bufferSource(buffer, name) {
  return {
    name,
    byteLength: buffer.byteLength,
    async slice(start, end) {
      return count(buffer.slice(start, end))
    },
  }
}

/**
 * @param {ArrayBuffer} buf
 * @returns {ArrayBuffer}
 */
function count(buf) {
  fetchStats.requests++
  fetchStats.bytes += buf.byteLength
  return buf
}
