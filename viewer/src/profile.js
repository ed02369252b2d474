/**
 * A token's profile: its value at every layer, one line per loaded generation step (the current
 * step bold), so one sees where in depth and when in the answer the token matters.
 */
import { fmt } from './dom.js'

/**
 * @typedef {object} ProfileLine
 * @property {number} step
 * @property {Float32Array} values one per layer (NaN where absent)
 */

/**
 * @typedef {object} ProfileOptions
 * @property {ProfileLine[]} lines
 * @property {number} currentStep
 * @property {number} layer current layer (vertical marker)
 * @property {number} width CSS pixels
 * @property {string} yLabel
 */

/**
 * Draws the profile chart.
 *
 * @param {HTMLCanvasElement} canvas
 * @param {ProfileOptions} o
 */
export function drawProfile(canvas, o) {
  const width = o.width
  const height = 190
  const m = { left: 46, right: 90, top: 12, bottom: 26 }
  const dpr = window.devicePixelRatio || 1
  canvas.width = Math.round(width * dpr)
  canvas.height = Math.round(height * dpr)
  canvas.style.width = `${width}px`
  canvas.style.height = `${height}px`
  const ctx = canvas.getContext('2d')
  if (!ctx) return
  ctx.scale(dpr, dpr)
  ctx.fillStyle = '#fff'
  ctx.fillRect(0, 0, width, height)
  const layers = Math.max(1, ...o.lines.map(l => l.values.length))
  let max = 0
  for (const l of o.lines) for (const v of l.values) if (Number.isFinite(v) && v > max) max = v
  max = max || 1
  ctx.font = '10px system-ui, sans-serif'
  const top = fmt(max)
  // the tick labels sit between the rotated axis title (x 5..15) and the axis, whatever their width
  m.left = Math.max(m.left, Math.ceil(ctx.measureText(top).width) + 24)
  const x = (/** @type {number} */ l) => m.left + (layers <= 1 ? 0 : l / (layers - 1)) * (width - m.left - m.right)
  const y = (/** @type {number} */ v) => height - m.bottom - (v / max) * (height - m.top - m.bottom)
  // axes
  ctx.strokeStyle = '#bbb'
  ctx.lineWidth = 1
  ctx.beginPath()
  ctx.moveTo(m.left, m.top)
  ctx.lineTo(m.left, height - m.bottom)
  ctx.lineTo(width - m.right, height - m.bottom)
  ctx.stroke()
  ctx.fillStyle = '#444'
  ctx.textAlign = 'right'
  ctx.textBaseline = 'middle'
  ctx.fillText(top, m.left - 4, m.top)
  ctx.fillText('0', m.left - 4, height - m.bottom)
  ctx.textAlign = 'center'
  ctx.textBaseline = 'top'
  const every = Math.ceil(layers / 12)
  for (let l = 0; l < layers; l += every) ctx.fillText(String(l), x(l), height - m.bottom + 4)
  ctx.fillText('layer', (m.left + width - m.right) / 2, height - 11)
  // current layer marker
  ctx.strokeStyle = '#00a0ff'
  ctx.setLineDash([3, 3])
  ctx.beginPath()
  ctx.moveTo(x(o.layer), m.top)
  ctx.lineTo(x(o.layer), height - m.bottom)
  ctx.stroke()
  ctx.setLineDash([])
  // lines: other steps faint, current step bold
  const sorted = [...o.lines].sort((a, b) => (a.step === o.currentStep ? 1 : 0) - (b.step === o.currentStep ? 1 : 0))
  sorted.forEach(line => {
    const current = line.step === o.currentStep
    const hue = (line.step * 67) % 360
    ctx.strokeStyle = current ? '#111' : `hsla(${hue}, 60%, 50%, 0.55)`
    ctx.lineWidth = current ? 2.2 : 1.2
    ctx.beginPath()
    let pen = false
    line.values.forEach((v, l) => {
      if (!Number.isFinite(v)) { pen = false; return }
      if (pen) ctx.lineTo(x(l), y(v))
      else ctx.moveTo(x(l), y(v))
      pen = true
    })
    ctx.stroke()
  })
  // legend
  ctx.textAlign = 'left'
  ctx.textBaseline = 'middle'
  o.lines.slice(0, 12).forEach((line, i) => {
    const current = line.step === o.currentStep
    ctx.fillStyle = current ? '#111' : `hsl(${(line.step * 67) % 360}, 60%, 45%)`
    ctx.fillRect(width - m.right + 10, m.top + 4 + i * 13, 12, current ? 3 : 2)
    ctx.fillText(`step ${line.step}`, width - m.right + 26, m.top + 5 + i * 13)
  })
  ctx.save()
  ctx.translate(10, (m.top + height - m.bottom) / 2)
  ctx.rotate(-Math.PI / 2)
  ctx.textAlign = 'center'
  ctx.fillStyle = '#666'
  ctx.fillText(o.yLabel, 0, 0)
  ctx.restore()
}
