/**
 * Export the current view as one PNG: title, image grid(s), token strip, heatmap and legends,
 * redrawn onto a canvas from what is on screen.
 */

/**
 * Paints the view onto a new canvas.
 *
 * @param {string} title
 * @param {HTMLElement} grids container of the grid panels
 * @param {HTMLElement} strip container of the token chips
 * @param {HTMLCanvasElement} heatmap
 * @param {HTMLElement} side the side panels (legends are taken from there)
 * @returns {HTMLCanvasElement}
 */
export function composeView(title, grids, strip, heatmap, side) {
  const legends = [...side.querySelectorAll('.legend')]
  const pad = 16
  const panels = [...grids.querySelectorAll('.grid-panel')]
  const boxes = panels.map(p => /** @type {HTMLElement} */ (p.querySelector('.grid-box')))
  const gridW = boxes.reduce((w, b) => w + b.offsetWidth + pad, 0)
  const gridH = Math.max(0, ...boxes.map(b => b.offsetHeight)) + 20
  const width = Math.max(gridW + pad + 200, heatmap.clientWidth + 2 * pad, 640)
  const chips = [...strip.querySelectorAll('.tok')].map(c => /** @type {HTMLElement} */ (c))
  const canvas = document.createElement('canvas')
  const measure = canvas.getContext('2d')
  if (!measure) throw new Error('no 2d canvas')
  measure.font = '12px system-ui, sans-serif'
  // lay out chips in lines
  let x = pad
  let lines = 1
  const placed = chips.map(c => {
    const text = c.textContent ?? ''
    const w = Math.ceil(measure.measureText(text).width) + 8
    if (x + w > width - pad) { x = pad; lines++ }
    const at = { text, w, x, line: lines - 1, bg: c.style.background, fg: c.style.color }
    x += w + 3
    return at
  })
  const stripH = lines * 20 + 8
  const heatH = heatmap.clientHeight
  canvas.width = width
  canvas.height = 30 + gridH + stripH + heatH + 2 * pad
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new Error('no 2d canvas')
  ctx.fillStyle = '#fff'
  ctx.fillRect(0, 0, canvas.width, canvas.height)
  ctx.fillStyle = '#111'
  ctx.font = 'bold 14px system-ui, sans-serif'
  ctx.textBaseline = 'top'
  ctx.fillText(title, pad, 10)
  // grids
  let gx = pad
  const gy = 34
  panels.forEach((panel, i) => {
    const box = boxes[i]
    const w = box.offsetWidth
    const h = box.offsetHeight
    ctx.font = '12px system-ui, sans-serif'
    ctx.fillStyle = '#333'
    ctx.fillText(panel.querySelector('figcaption')?.textContent ?? '', gx, gy)
    const img = /** @type {HTMLImageElement | null} */ (box.querySelector('img'))
    if (img && img.complete && img.naturalWidth) {
      // the image and the cells fill the box inside its border
      try { ctx.drawImage(img, gx + box.clientLeft, gy + 18 + box.clientTop, box.clientWidth, box.clientHeight) } catch { /* cross-origin image: export without it */ }
    } else {
      ctx.fillStyle = '#ddd'
      ctx.fillRect(gx, gy + 18, w, h)
    }
    // each image region's grid at its place over the image (grid.js lays them out)
    for (const r of box.querySelectorAll('.region')) {
      const region = /** @type {HTMLElement} */ (r)
      const rx = gx + box.clientLeft + region.offsetLeft
      const ry = gy + 18 + box.clientTop + region.offsetTop
      const cols = region.style.gridTemplateColumns.match(/repeat\((\d+)/)?.[1]
      const rows = region.style.gridTemplateRows.match(/repeat\((\d+)/)?.[1]
      const cw = region.offsetWidth / Number(cols ?? 1)
      const ch = region.offsetHeight / Number(rows ?? 1)
      for (const c of region.querySelectorAll('.cell')) {
        const cell = /** @type {HTMLElement} */ (c)
        // integer edges so neighbouring translucent cells neither overlap nor leave gaps
        const x0 = Math.round(rx + Number(cell.dataset.col) * cw)
        const y0 = Math.round(ry + Number(cell.dataset.row) * ch)
        const x1 = Math.round(rx + (Number(cell.dataset.col) + 1) * cw)
        const y1 = Math.round(ry + (Number(cell.dataset.row) + 1) * ch)
        ctx.fillStyle = cell.style.background || 'transparent'
        ctx.fillRect(x0, y0, x1 - x0, y1 - y0)
      }
      if (region.dataset.kind === 'tile' || region.dataset.kind === 'global') {
        ctx.strokeStyle = region.dataset.kind === 'tile' ? 'rgb(0, 255, 255)' : 'rgb(255, 0, 255)'
        ctx.lineWidth = 2
        ctx.strokeRect(rx + 1, ry + 1, region.offsetWidth - 2, region.offsetHeight - 2)
      }
    }
    gx += w + pad
  })
  // legends, right of the grids
  let ly = gy + 18
  for (const legend of legends) {
    const bar = /** @type {HTMLCanvasElement | null} */ (legend.querySelector('canvas'))
    ctx.fillStyle = '#555'
    ctx.font = '11px system-ui, sans-serif'
    ctx.fillText(legend.querySelector('.legend-title')?.textContent ?? '', gx, ly)
    if (bar) ctx.drawImage(bar, gx, ly + 15, 180, 10)
    ctx.fillText(legend.querySelector('.legend-min')?.textContent ?? '', gx, ly + 28)
    const max = legend.querySelector('.legend-max')?.textContent ?? ''
    ctx.fillText(max, gx + 180 - ctx.measureText(max).width, ly + 28)
    ly += 50
  }
  // strip
  const sy = gy + gridH + 8
  ctx.font = '12px system-ui, sans-serif'
  for (const p of placed) {
    ctx.fillStyle = p.bg || '#eee'
    ctx.fillRect(p.x, sy + p.line * 20, p.w, 17)
    ctx.fillStyle = p.fg || '#111'
    ctx.fillText(p.text, p.x + 4, sy + p.line * 20 + 3)
  }
  // heatmap
  ctx.drawImage(heatmap, pad, sy + stripH, heatmap.clientWidth, heatH)
  return canvas
}

/**
 * Saves a canvas as a PNG download.
 *
 * @param {HTMLCanvasElement} canvas
 * @param {string} filename
 */
export function downloadPng(canvas, filename) {
  canvas.toBlob(blob => {
    if (!blob) return
    const a = document.createElement('a')
    a.href = URL.createObjectURL(blob)
    a.download = filename
    document.body.append(a)
    a.click()
    a.remove()
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000)
  }, 'image/png')
}
