/**
 * The token strip: every non-image token as a chip with its text, coloured on the text scale;
 * each run of image tokens of one image region (image, tile, global image) is one chip, named after the
 * region and coloured by its mean on the image scale; clicking it draws that region alone.
 */
import { css, ink } from './colour.js'
import { el, fmt, visibleToken } from './dom.js'
import { flipText, regionName } from './grid.js'

/**
 * @typedef {import('./impact.js').Slab} Slab
 * @typedef {import('./colour.js').Scale} Scale
 * @typedef {import('./run.js').Region} Region
 */

/**
 * @typedef {object} StripOptions
 * @property {Slab} slab
 * @property {Float32Array} values
 * @property {number} layer
 * @property {{ image: Scale, text: Scale }} scales
 * @property {Set<number>} sinks
 * @property {number | null} selected
 * @property {Region[]} regions the pair's image regions, for the chips' names
 * @property {number | null} image the region drawn alone, if any
 * @property {(import('./run.js').EffectUnit | undefined)[]} [units] each position's effects unit, in a run with
 *   effects: a token whose hiding flips the answer is marked, and a region's chip counts its flipping cells
 * @property {(image: number) => void} onImage a region's chip was clicked
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
      // one chip for the run of image tokens of one region
      let q = p
      let sum = 0
      let n = 0
      let flips = 0
      while (q < slab.positions && slab.tokens[q]?.kind === 'vision' && slab.tokens[q]?.image === t.image) {
        const v = values[layer * slab.positions + q]
        if (Number.isFinite(v)) { sum += v; n++ }
        if (o.units?.[q]?.flip) flips++
        q++
      }
      const mean = n ? sum / n : NaN
      const tt = o.scales.image.norm(mean)
      const region = o.regions.find(r => r.index === t.image)
      const name = region ? regionName(region) : 'image'
      const chip = el('span', {
        class: `tok vision-run${o.image === t.image ? ' shown' : ''}${flips ? ' flipped' : ''}`,
        'data-image': t.image,
        title: `${name}: ${q - p} image tokens (positions ${p}–${q - 1}) · mean ${fmt(mean)}${flips ? ` · hiding ${flips} of them flips the answer` : ''}${o.regions.length > 1 ? ' · click to draw it alone' : ''}`,
      }, `${name} ×${q - p}`)
      chip.style.background = css('image', tt)
      chip.style.color = ink('image', tt)
      const image = t.image
      chip.addEventListener('click', () => o.onImage(image))
      chips.push(chip)
      p = q - 1
      continue
    }
    const v = values[layer * slab.positions + p]
    const sink = o.sinks.has(p)
    const unit = o.units?.[p]
    const tt = o.scales.text.norm(v)
    const chip = el('span', {
      class: `tok kind-${t.kind}${sink ? ' sink' : ''}${unit?.flip ? ' flipped' : ''}${o.selected === p ? ' selected' : ''}`,
      'data-pos': p,
      'data-kind': t.kind,
      title: `position ${p} · ${t.kind} · ${fmt(v)}${sink ? ' · attention sink' : ''}${flipText(unit)}`,
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
