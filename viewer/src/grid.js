/**
 * The image grid: vision tokens drawn at (patch_row, patch_col) over the pair's image.
 *
 * <p>Cells are DOM elements on a CSS grid, so they can be hovered, clicked and counted; the box
 * has the grid's aspect ratio (the model saw the image resized to the grid), and the image is
 * stretched to it. Non-square grids work the same way.
 */
import { css } from './colour.js'
import { el, fmt } from './dom.js'

/**
 * @typedef {import('./impact.js').Slab} Slab
 * @typedef {import('./colour.js').Scale} Scale
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
 * @property {number} gridRows from the pairs table (0 if unknown)
 * @property {number} gridCols
 * @property {number | null} selected selected token position
 * @property {string} title
 * @property {number} width box width in CSS pixels
 * @property {(position: number | null) => void} onHover
 * @property {(position: number) => void} onClick
 */

/**
 * The grid shape: the larger of the pairs table's and the tokens' extent.
 *
 * @param {Slab} slab
 * @param {number} gridRows
 * @param {number} gridCols
 * @returns {{ rows: number, cols: number }}
 */
export function gridShape(slab, gridRows, gridCols) {
  let rows = gridRows
  let cols = gridCols
  for (const t of slab.tokens) {
    if (t && t.kind === 'vision' && t.row >= 0 && t.col >= 0) {
      rows = Math.max(rows, t.row + 1)
      cols = Math.max(cols, t.col + 1)
    }
  }
  return { rows, cols }
}

/**
 * Builds one grid panel.
 *
 * @param {GridOptions} o
 * @returns {HTMLElement}
 */
export function renderGrid(o) {
  const { rows, cols } = gridShape(o.slab, o.gridRows, o.gridCols)
  const box = el('div', { class: 'grid-box', 'data-testid': 'grid' })
  const height = rows && cols ? Math.round(o.width * rows / cols) : o.width
  box.style.width = `${o.width}px`
  box.style.height = `${height}px`
  if (o.imageUrl) {
    const img = el('img', { class: 'grid-image', src: o.imageUrl, alt: 'pair image', draggable: 'false' })
    img.addEventListener('error', () => { img.remove(); box.classList.add('no-image') })
    box.append(img)
  } else {
    box.classList.add('no-image')
    box.append(el('div', { class: 'no-image-note' }, 'image not reachable from here'))
  }
  const cells = el('div', { class: 'cells' })
  cells.style.gridTemplateColumns = `repeat(${Math.max(1, cols)}, 1fr)`
  cells.style.gridTemplateRows = `repeat(${Math.max(1, rows)}, 1fr)`
  for (const t of o.slab.tokens) {
    if (!t || t.kind !== 'vision' || t.row < 0 || t.col < 0) continue
    const v = o.values[o.layer * o.slab.positions + t.position]
    const sink = o.sinks.has(t.position)
    const cell = el('div', {
      class: `cell${sink ? ' sink' : ''}${o.selected === t.position ? ' selected' : ''}`,
      'data-pos': t.position,
      'data-row': t.row,
      'data-col': t.col,
      'data-value': Number.isFinite(v) ? v : '',
      title: `patch (${t.row}, ${t.col}) · position ${t.position} · ${fmt(v)}${sink ? ' · attention sink' : ''}`,
    })
    cell.style.gridRow = String(t.row + 1)
    cell.style.gridColumn = String(t.col + 1)
    cell.style.background = Number.isFinite(v) ? css('image', o.scale.norm(v), o.opacity) : 'transparent'
    cells.append(cell)
  }
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
