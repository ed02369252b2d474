/**
 * ZSTD decompression for Parquet pages, via zstddec (WebAssembly).
 *
 * <p>zstddec carries its wasm as base64 and instantiates it from a data: URL, so it also works
 * when the viewer is opened from file://. It decodes 1M float rows in tens of milliseconds, about
 * ten times faster than hyparquet-compressors' pure-JS ZSTD; a whole step reads in half the time
 * (docs/BENCHMARKS.md, "Reader choice").
 */
import { ZSTDDecoder } from 'zstddec'

const decoder = new ZSTDDecoder()
/** @type {Promise<void> | undefined} */
let ready

/**
 * Loads the decoder once; later calls return the same promise.
 *
 * @returns {Promise<void>}
 */
export function initZstd() {
  ready ??= decoder.init()
  return ready
}

/**
 * Compressors in hyparquet's shape: codec name to (input, outputLength) => output.
 * Call {@link initZstd} first.
 *
 * @type {import('hyparquet').Compressors}
 */
export const compressors = {
  ZSTD: (input, outputLength) => decoder.decode(input, outputLength),
}
