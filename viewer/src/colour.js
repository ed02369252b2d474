/**
 * Colour maps and the mapping from values to [0, 1] (linear, sqrt, percentile).
 *
 * <p>Image and text tokens get different maps (inferno and viridis-like) and separate domains,
 * so a strong text token does not wash out the image and the two are never confused.
 */

/** @typedef {'linear' | 'sqrt' | 'percentile'} Scaling */
/** @typedef {'image' | 'text'} Palette */

/** Control points of the maps, evenly spaced over [0, 1]. */
const MAPS = {
  image: [[0, 0, 4], [40, 11, 84], [101, 21, 110], [159, 42, 99], [212, 72, 66], [245, 125, 21], [250, 193, 39], [252, 255, 164]],
  text: [[68, 1, 84], [70, 50, 127], [54, 92, 141], [39, 127, 142], [31, 161, 135], [74, 194, 109], [159, 218, 58], [253, 231, 37]],
}

/** @type {Record<Palette, Uint8ClampedArray>} */
const LUT = { image: lut(MAPS.image), text: lut(MAPS.text) }

/**
 * @param {number[][]} stops
 * @returns {Uint8ClampedArray} 256 RGB triples
 */
function lut(stops) {
  const out = new Uint8ClampedArray(256 * 3)
  for (let i = 0; i < 256; i++) {
    const x = (i / 255) * (stops.length - 1)
    const k = Math.min(stops.length - 2, Math.floor(x))
    const f = x - k
    for (let c = 0; c < 3; c++) out[i * 3 + c] = stops[k][c] + f * (stops[k + 1][c] - stops[k][c])
  }
  return out
}

/**
 * The RGB colour of t in [0, 1] on a palette.
 *
 * @param {Palette} palette
 * @param {number} t
 * @returns {[number, number, number]}
 */
export function rgb(palette, t) {
  const i = Math.max(0, Math.min(255, Math.round((Number.isFinite(t) ? t : 0) * 255))) * 3
  const l = LUT[palette]
  return [l[i], l[i + 1], l[i + 2]]
}

/**
 * CSS colour of t in [0, 1], with alpha.
 *
 * @param {Palette} palette
 * @param {number} t
 * @param {number} [alpha]
 * @returns {string}
 */
export function css(palette, t, alpha = 1) {
  const [r, g, b] = rgb(palette, t)
  return alpha >= 1 ? `rgb(${r},${g},${b})` : `rgba(${r},${g},${b},${alpha})`
}

/**
 * Black or white, whichever reads better on colour t.
 *
 * @param {Palette} palette
 * @param {number} t
 * @returns {string}
 */
export function ink(palette, t) {
  const [r, g, b] = rgb(palette, t)
  return 0.299 * r + 0.587 * g + 0.114 * b > 140 ? '#111' : '#fff'
}

/**
 * @typedef {object} Scale
 * @property {(v: number) => number} norm value to [0, 1] (clamped)
 * @property {number} min smallest value in the domain
 * @property {number} max largest value in the domain
 * @property {Scaling} scaling
 */

/**
 * Builds a scale over `values` (NaNs ignored).
 *
 * @param {ArrayLike<number>} values the domain
 * @param {Scaling} scaling
 * @returns {Scale}
 */
export function makeScale(values, scaling) {
  const v = Float64Array.from(Array.prototype.filter.call(values, (/** @type {number} */ x) => Number.isFinite(x)))
  v.sort()
  const min = v.length ? v[0] : 0
  const max = v.length ? v[v.length - 1] : 1
  const lo = Math.min(0, min)
  const span = max - lo || 1
  /** @type {(x: number) => number} */
  let norm
  if (scaling === 'sqrt') norm = x => Math.sqrt(clamp((x - lo) / span))
  else if (scaling === 'percentile') {
    norm = x => {
      if (!v.length) return 0
      // fraction of domain values <= x (binary search)
      let a = 0
      let b = v.length
      while (a < b) {
        const m = (a + b) >> 1
        if (v[m] <= x) a = m + 1
        else b = m
      }
      return clamp((a - 1) / Math.max(1, v.length - 1))
    }
  } else norm = x => clamp((x - lo) / span)
  return { norm, min, max, scaling }
}

/**
 * @param {number} x
 * @returns {number}
 */
function clamp(x) {
  return x < 0 ? 0 : x > 1 ? 1 : Number.isFinite(x) ? x : 0
}

/**
 * Draws a horizontal colour bar for a palette into a canvas.
 *
 * @param {HTMLCanvasElement} canvas
 * @param {Palette} palette
 */
export function drawBar(canvas, palette) {
  const ctx = canvas.getContext('2d')
  if (!ctx) return
  for (let x = 0; x < canvas.width; x++) {
    ctx.fillStyle = css(palette, x / Math.max(1, canvas.width - 1))
    ctx.fillRect(x, 0, 1, canvas.height)
  }
}
