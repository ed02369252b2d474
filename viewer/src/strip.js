/**
 * The token strip: every non-image token as a chip with its text, coloured on the text scale;
 * each run of image tokens is one chip coloured by its mean on the image scale.
 */
import { css, ink } from './colour.js'
import { el, fmt, visibleToken } from './dom.js'

/**
 * @typedef {import('./impact.js').Slab} Slab
 * @typedef {import('./colour.js').Scale} Scale
 */

/**
 * @typedef {object} StripOptions
 * @property {Slab} slab
 * @property {Float32Array} values
 * @property {number} layer
 * @property {{ image: Scale, text: Scale }} scales
 * @property {Set<number>} sinks
 * @property {number | null} selected
 * @property {(position: number | null) => void} onHover
 * @property {(position: number) => void} onClick
 */

/**
 * Builds the strip's chips.
 *
 * @param {StripOptions} o
 * @returns {HTMLElement[]}
 */
export function renderStrip(o) {
  const { slab, values, layer } = o
  /** @type {HTMLElement[]} */
  const chips = []
  for (let p = 0; p < slab.positions; p++) {
    const t = slab.tokens[p]
    if (!t) continue
    if (t.kind === 'vision') {
      // one chip for the whole run of image tokens
      let q = p
      let sum = 0
      let n = 0
      while (q < slab.positions && slab.tokens[q]?.kind === 'vision') {
        const v = values[layer * slab.positions + q]
        if (Number.isFinite(v)) { sum += v; n++ }
        q++
      }
      const mean = n ? sum / n : NaN
      const tt = o.scales.image.norm(mean)
      const chip = el('span', { class: 'tok vision-run', title: `${q - p} image tokens (positions ${p}–${q - 1}) · mean ${fmt(mean)}` }, `image ×${q - p}`)
      chip.style.background = css('image', tt)
      chip.style.color = ink('image', tt)
      chips.push(chip)
      p = q - 1
      continue
    }
    const v = values[layer * slab.positions + p]
    const sink = o.sinks.has(p)
    const tt = o.scales.text.norm(v)
    const chip = el('span', {
      class: `tok kind-${t.kind}${sink ? ' sink' : ''}${o.selected === p ? ' selected' : ''}`,
      'data-pos': p,
      'data-kind': t.kind,
      title: `position ${p} · ${t.kind} · ${fmt(v)}${sink ? ' · attention sink' : ''}`,
    }, visibleToken(t.text))
    chip.style.background = Number.isFinite(v) ? css('text', tt) : '#eee'
    chip.style.color = Number.isFinite(v) ? ink('text', tt) : '#555'
    chip.addEventListener('mouseenter', () => o.onHover(p))
    chip.addEventListener('mouseleave', () => o.onHover(null))
    chip.addEventListener('click', () => o.onClick(p))
    chips.push(chip)
  }
  return chips
}
