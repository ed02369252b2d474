/**
 * The layer x token heatmap of one step and variant: a row per layer, a column per token
 * position; image tokens on the image scale, the others on the text scale (both over all layers).
 * The current layer is outlined, the compared layer dashed, the selected token boxed.
 */
import { rgb } from './colour.js'

/**
 * @typedef {import('./impact.js').Slab} Slab
 * @typedef {import('./colour.js').Scale} Scale
 */

/**
 * @typedef {object} HeatmapOptions
 * @property {Slab} slab
 * @property {Float32Array} values
 * @property {{ image: Scale, text: Scale }} scales over all layers
 * @property {number} layer
 * @property {number | null} compareLayer
 * @property {number | null} selected
 * @property {Set<number>} sinks
 * @property {number} width CSS pixels available
 */

/** Left margin (layer labels) and bottom margin (kind band, labels), CSS pixels. */
export const MARGIN = { left: 34, top: 6, bottom: 22 }

/** Colours of the kind band under the heatmap. */
const KIND_COLOURS = /** @type {Record<string, string>} */ ({ vision: '#e07b39', text: '#3b8bba', special: '#999', generated: '#6a51a3' })

/**
 * Geometry of the heatmap for given options.
 *
 * @param {HeatmapOptions} o
 * @returns {{ cw: number, ch: number, width: number, height: number }}
 */
export function heatmapGeometry(o) {
  const cw = Math.max(1, (o.width - MARGIN.left - 4) / Math.max(1, o.slab.positions))
  const ch = Math.max(6, Math.min(14, Math.floor(380 / Math.max(1, o.slab.layers))))
  return { cw, ch, width: o.width, height: MARGIN.top + ch * o.slab.layers + MARGIN.bottom }
}

/**
 * Draws the heatmap.
 *
 * @param {HTMLCanvasElement} canvas
 * @param {HeatmapOptions} o
 */
export function drawHeatmap(canvas, o) {
  const { slab, values } = o
  const g = heatmapGeometry(o)
  const dpr = window.devicePixelRatio || 1
  canvas.width = Math.round(g.width * dpr)
  canvas.height = Math.round(g.height * dpr)
  canvas.style.width = `${g.width}px`
  canvas.style.height = `${g.height}px`
  const ctx = canvas.getContext('2d')
  if (!ctx) return
  ctx.scale(dpr, dpr)
  ctx.fillStyle = '#fff'
  ctx.fillRect(0, 0, g.width, g.height)
  ctx.font = '10px system-ui, sans-serif'
  ctx.textBaseline = 'middle'
  ctx.textAlign = 'right'
  const labelEvery = Math.ceil(11 / g.ch)
  ctx.fillStyle = '#444'
  for (let l = 0; l < slab.layers; l += labelEvery) ctx.fillText(String(l), MARGIN.left - 4, MARGIN.top + l * g.ch + g.ch / 2)
  // one pixel per cell, scaled up without smoothing: fast for 36 layers x 1000 tokens
  const img = new ImageData(Math.max(1, slab.positions), Math.max(1, slab.layers))
  for (let p = 0; p < slab.positions; p++) {
    const t = slab.tokens[p]
    if (!t) continue
    const pal = t.kind === 'vision' ? 'image' : 'text'
    const scale = o.scales[pal]
    for (let l = 0; l < slab.layers; l++) {
      const v = values[l * slab.positions + p]
      if (!Number.isFinite(v)) continue
      const [r, gr, b] = rgb(pal, scale.norm(v))
      const k = (l * slab.positions + p) * 4
      img.data[k] = r; img.data[k + 1] = gr; img.data[k + 2] = b; img.data[k + 3] = 255
    }
  }
  const cells = document.createElement('canvas')
  cells.width = img.width
  cells.height = img.height
  cells.getContext('2d')?.putImageData(img, 0, 0)
  ctx.imageSmoothingEnabled = false
  ctx.drawImage(cells, MARGIN.left, MARGIN.top, slab.positions * g.cw, slab.layers * g.ch)
  // kind band
  const bandY = MARGIN.top + slab.layers * g.ch + 2
  for (let p = 0; p < slab.positions; p++) {
    const t = slab.tokens[p]
    if (!t) continue
    ctx.fillStyle = KIND_COLOURS[t.kind] ?? '#ccc'
    ctx.fillRect(MARGIN.left + p * g.cw, bandY, Math.ceil(g.cw), 5)
    if (o.sinks.has(p)) {
      ctx.fillStyle = '#d00'
      ctx.fillRect(MARGIN.left + p * g.cw, bandY + 6, Math.max(2, Math.ceil(g.cw)), 3)
    }
  }
  ctx.textAlign = 'left'
  ctx.fillStyle = '#666'
  ctx.fillText('layer', 0, bandY + 12)
  // current layer, compared layer, selected token
  ctx.lineWidth = 2
  ctx.strokeStyle = '#00a0ff'
  ctx.strokeRect(MARGIN.left - 1, MARGIN.top + o.layer * g.ch - 1, slab.positions * g.cw + 2, g.ch + 2)
  if (o.compareLayer !== null) {
    ctx.setLineDash([4, 3])
    ctx.strokeStyle = '#19c37d'
    ctx.strokeRect(MARGIN.left - 1, MARGIN.top + o.compareLayer * g.ch - 1, slab.positions * g.cw + 2, g.ch + 2)
    ctx.setLineDash([])
  }
  if (o.selected !== null) {
    ctx.strokeStyle = '#111'
    ctx.lineWidth = 1.5
    ctx.strokeRect(MARGIN.left + o.selected * g.cw - 1, MARGIN.top - 1, Math.max(3, g.cw) + 2, slab.layers * g.ch + 2)
  }
}

/**
 * The (layer, position) under a point of the heatmap, or null.
 *
 * @param {HeatmapOptions} o
 * @param {number} x CSS pixels from the canvas' left
 * @param {number} y CSS pixels from the canvas' top
 * @returns {{ layer: number, position: number } | null}
 */
export function heatmapHit(o, x, y) {
  const g = heatmapGeometry(o)
  const position = Math.floor((x - MARGIN.left) / g.cw)
  const layer = Math.floor((y - MARGIN.top) / g.ch)
  if (position < 0 || position >= o.slab.positions || layer < 0 || layer >= o.slab.layers) return null
  return { layer, position }
}
