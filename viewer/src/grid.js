/**
 * The image grid: vision tokens drawn at (patch_row, patch_col) of their image region over the pair's image.
 *
 * <p>A region (`pairs.regions`) is a grid of tokens over a box of the original image: the whole image
 * (LLaVA, Qwen-VL: the grid of the resized image the model saw, scaled back onto the original, so
 * non-square grids and cells work the same way), a centre crop, or one tile of an image split into
 * tiles. The picture keeps its own aspect ratio and each region is placed over its box; the global
 * image of a tiled image covers the whole picture again, so it is drawn only when asked for (the
 * `image` of the view state). Runs written before regions have no boxes: their one grid fills a box of
 * the grid's aspect ratio with the image stretched to it, as the model saw it. Cells are DOM elements
 * on a CSS grid per region, so they can be hovered, clicked and counted.
 */
import { css } from './colour.js'
import { el, fmt, visibleToken } from './dom.js'

/**
 * @typedef {import('./impact.js').Slab} Slab
 * @typedef {import('./impact.js').Token} Token
 * @typedef {import('./colour.js').Scale} Scale
 * @typedef {import('./run.js').Region} Region
 * @typedef {import('./run.js').Box} Box
 */

/**
 * @typedef {object} GridOptions
 * @property {Slab} slab
 * @property {Float32Array} values
 * @property {number} layer
 * @property {Scale} scale the image-token scale
 * @property {Set<number>} sinks
 * @property {number} opacity 0..1, of the colour over the image
 * @property {string | undefined} imageUrl
 * @property {Region[]} regions the pair's regions ({@link slabRegions})
 * @property {number | null} image the region to draw alone, or null for every region but the global image
 * @property {number | null} selected selected token position
 * @property {string} title
 * @property {number} width box width in CSS pixels
 * @property {(import('./run.js').EffectUnit | undefined)[]} [units] each position's effects unit, in a run with
 *   effects: a cell whose hiding flips the answer is marked
 * @property {(position: number | null) => void} onHover
 * @property {(position: number) => void} onClick
 */

/**
 * The regions to draw for a pair: its `pairs.regions` with each grid grown to the tokens' extent, or,
 * without a pairs row, one region per image index of the tokens (boxes unknown).
 *
 * @param {Region[]} regions
 * @param {Slab} slab
 * @returns {Region[]}
 */
export function slabRegions(regions, slab) {
  /** @type {Map<number, Region>} */
  const byIndex = new Map(regions.map(r => [r.index, { ...r }]))
  for (const t of slab.tokens) {
    if (!t || t.kind !== 'vision' || t.row < 0 || t.col < 0) continue
    let r = byIndex.get(t.image)
    if (!r) byIndex.set(t.image, r = { index: t.image, kind: 'image', rows: 0, cols: 0, box: null })
    r.rows = Math.max(r.rows, t.row + 1)
    r.cols = Math.max(r.cols, t.col + 1)
  }
  return [...byIndex.values()].sort((a, b) => a.index - b.index)
}

/**
 * Which regions a view draws: the one asked for, else every region except the global image (unless
 * the global image is all there is).
 *
 * @param {Region[]} regions
 * @param {number | null} image
 * @returns {Region[]}
 */
export function drawnRegions(regions, image) {
  const one = image === null ? undefined : regions.find(r => r.index === image)
  if (one) return [one]
  const parts = regions.filter(r => r.kind !== 'global')
  return parts.length ? parts : regions
}

/**
 * A cell's box in the original image's pixels, or null when the region's box is not known.
 *
 * @param {Region} region
 * @param {number} row
 * @param {number} col
 * @returns {Box | null}
 */
export function cellBox(region, row, col) {
  const b = region.box
  if (!b || region.rows < 1 || region.cols < 1) return null
  const width = b.width / region.cols
  const height = b.height / region.rows
  return { x: b.x + col * width, y: b.y + row * height, width, height }
}

/**
 * A cell's bounds as text for the user: "x 80–100, y 0–20 px".
 *
 * @param {Box} b
 * @returns {string}
 */
export function boundsText(b) {
  const n = (/** @type {number} */ v) => String(Math.round(v * 10) / 10)
  return `x ${n(b.x)}–${n(b.x + b.width)}, y ${n(b.y)}–${n(b.y + b.height)} px`
}

/**
 * A region's name for the user: "image", "tile 3", "global image".
 *
 * @param {Region} r
 * @returns {string}
 */
export function regionName(r) {
  return r.kind === 'tile' ? `tile ${r.index}` : r.kind === 'global' ? 'global image' : r.index ? `image ${r.index}` : 'image'
}

/**
 * Builds one grid panel.
 *
 * @param {GridOptions} o
 * @returns {HTMLElement}
 */
export function renderGrid(o) {
  const regions = drawnRegions(o.regions, o.image)
  const boxed = regions.length > 0 && regions.every(r => r.box)
  // the picture's size in its pixels: the boxes' union until the image itself says (a crop's box is
  // smaller than the image); without boxes, the grid's own shape
  let extent = boxed ? union(o.regions.flatMap(r => r.box ? [r.box] : []))
    : { x: 0, y: 0, width: Math.max(1, ...regions.map(r => r.cols)), height: Math.max(1, ...regions.map(r => r.rows)) }
  const box = el('div', { class: 'grid-box', 'data-testid': 'grid' })
  box.style.width = `${o.width}px`
  if (o.imageUrl) {
    const img = el('img', { class: 'grid-image', src: o.imageUrl, alt: 'pair image', draggable: 'false' })
    img.addEventListener('error', () => { img.remove(); box.classList.add('no-image') })
    if (boxed) {
      img.addEventListener('load', () => {
        if (img.naturalWidth && img.naturalHeight) layout({ x: 0, y: 0, width: img.naturalWidth, height: img.naturalHeight })
      })
    }
    box.append(img)
  } else {
    box.classList.add('no-image')
    box.append(el('div', { class: 'no-image-note' }, 'image not reachable from here'))
  }
  const cells = el('div', { class: 'cells' })
  /** @type {{ region: Region, node: HTMLElement }[]} */
  const placed = []
  for (const r of regions) {
    const node = el('div', { class: `region kind-${r.kind}`, 'data-image': r.index, 'data-kind': r.kind, title: regionName(r) })
    node.style.gridTemplateColumns = `repeat(${Math.max(1, r.cols)}, 1fr)`
    node.style.gridTemplateRows = `repeat(${Math.max(1, r.rows)}, 1fr)`
    for (const t of o.slab.tokens) {
      if (t && t.kind === 'vision' && t.row >= 0 && t.col >= 0 && t.image === r.index) node.append(cell(o, r, t))
    }
    placed.push({ region: r, node })
    cells.append(node)
  }
  /** @param {Box} picture */
  function layout(picture) {
    extent = picture
    box.style.height = `${Math.round(o.width * extent.height / extent.width)}px`
    for (const { region, node } of placed) {
      const b = region.box ?? extent
      node.style.left = `${(b.x - extent.x) / extent.width * 100}%`
      node.style.top = `${(b.y - extent.y) / extent.height * 100}%`
      node.style.width = `${b.width / extent.width * 100}%`
      node.style.height = `${b.height / extent.height * 100}%`
    }
  }
  layout(extent)
  // one listener per grid, not per cell
  const position = (/** @type {Event} */ e) => {
    const pos = /** @type {HTMLElement} */ (e.target).dataset?.pos
    return pos === undefined ? null : Number(pos)
  }
  cells.addEventListener('mouseover', e => o.onHover(position(e)))
  cells.addEventListener('mouseleave', () => o.onHover(null))
  cells.addEventListener('click', e => {
    const p = position(e)
    if (p !== null) o.onClick(p)
  })
  box.append(cells)
  return el('figure', { class: 'grid-panel' }, el('figcaption', {}, o.title), box)
}

/**
 * One vision token's cell.
 *
 * @param {GridOptions} o
 * @param {Region} r
 * @param {Token} t
 * @returns {HTMLElement}
 */
function cell(o, r, t) {
  const v = o.values[o.layer * o.slab.positions + t.position]
  const sink = o.sinks.has(t.position)
  const b = cellBox(r, t.row, t.col)
  const unit = o.units?.[t.position]
  const c = el('div', {
    class: `cell${sink ? ' sink' : ''}${unit?.flip ? ' flipped' : ''}${o.selected === t.position ? ' selected' : ''}`,
    'data-pos': t.position,
    'data-image': r.index,
    'data-row': t.row,
    'data-col': t.col,
    'data-value': Number.isFinite(v) ? v : '',
    'data-bounds': b ? [b.x, b.y, b.width, b.height].join(',') : '',
    title: `patch (${t.row}, ${t.col}) of ${regionName(r)}${b ? ` · ${boundsText(b)}` : ''} · position ${t.position} · ${fmt(v)}${sink ? ' · attention sink' : ''}${flipText(unit)}`,
  })
  c.style.gridRow = String(t.row + 1)
  c.style.gridColumn = String(t.col + 1)
  c.style.background = Number.isFinite(v) ? css('image', o.scale.norm(v), o.opacity) : 'transparent'
  return c
}

/**
 * A tooltip's note on a unit whose hiding flips the answer, naming what the model says instead.
 *
 * @param {import('./run.js').EffectUnit | undefined} unit
 * @returns {string}
 */
export function flipText(unit) {
  return unit?.flip ? ` · hiding it flips the answer to “${visibleToken(unit.top1)}”` : ''
}

/**
 * @param {Box[]} boxes at least one
 * @returns {Box}
 */
function union(boxes) {
  const x = Math.min(0, ...boxes.map(b => b.x))
  const y = Math.min(0, ...boxes.map(b => b.y))
  const right = Math.max(...boxes.map(b => b.x + b.width))
  const bottom = Math.max(...boxes.map(b => b.y + b.height))
  return { x, y, width: right - x, height: bottom - y }
}
