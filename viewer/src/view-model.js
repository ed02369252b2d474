/**
 * What the views draw, derived from a slab: the chosen metric's values, attention sinks, colour
 * scales per modality, and per-modality statistics. No DOM here.
 */
import { makeScale } from './colour.js'

/**
 * @typedef {import('./impact.js').Slab} Slab
 * @typedef {import('./impact.js').Token} Token
 * @typedef {import('./colour.js').Scale} Scale
 * @typedef {import('./colour.js').Scaling} Scaling
 * @typedef {import('./run.js').EffectUnit} EffectUnit
 * @typedef {'l2_distance' | 'cosine_distance' | 'kl_divergence'} Metric
 */

/**
 * Labels of the metrics, for controls and titles. `kl_divergence` is the output effect (the `effects` table):
 * it does not depend on the layer shown, since the unit was hidden at all the run's effect layers at once.
 */
export const METRIC_LABELS = { l2_distance: 'L2 distance', cosine_distance: 'cosine distance', kl_divergence: 'output effect (KL)' }

/**
 * The values of a metric, `[layer * positions + position]`; the output effect repeats each unit's KL
 * divergence at every layer, for every token the unit hides.
 *
 * @param {Slab} slab
 * @param {Metric} metric
 * @param {(EffectUnit | undefined)[]} [units] the effects unit of each position ({@link unitsByPosition})
 * @returns {Float32Array}
 */
export function metricValues(slab, metric, units) {
  if (metric !== 'kl_divergence') return metric === 'cosine_distance' ? slab.cosine : slab.l2
  const out = new Float32Array(slab.layers * slab.positions).fill(NaN)
  for (let p = 0; p < slab.positions; p++) {
    const u = units?.[p]
    if (u) for (let l = 0; l < slab.layers; l++) out[l * slab.positions + p] = u.kl
  }
  return out
}

/**
 * Whether a metric has any value in the slab (attention-weight variants carry only one; the output effect
 * needs a run with `--effects`).
 *
 * @param {Slab} slab
 * @param {Metric} metric
 * @param {(EffectUnit | undefined)[]} [units]
 * @returns {boolean}
 */
export function hasMetric(slab, metric, units) {
  return metricValues(slab, metric, units).some(Number.isFinite)
}

/**
 * The effects unit that hides each position of the slab: a text token's own unit, and for a vision token the
 * unit of its image whose top-left cell is the nearest above and left of it (blocks of `--effect-block K` start
 * at multiples of K, so that is the block holding the cell).
 *
 * @param {Slab} slab
 * @param {EffectUnit[]} units the (pair, step)'s rows of `effects`
 * @returns {(EffectUnit | undefined)[]} by position
 */
export function unitsByPosition(slab, units) {
  /** @type {(EffectUnit | undefined)[]} */
  const out = new Array(slab.positions)
  if (!units.length) return out
  const own = new Map(units.map(u => [u.position, u]))
  const vision = units.filter(u => u.row >= 0)
  for (let p = 0; p < slab.positions; p++) {
    const t = slab.tokens[p]
    if (!t) continue
    if (t.kind !== 'vision' || t.row < 0) {
      out[p] = own.get(p)
      continue
    }
    /** @type {EffectUnit | undefined} */
    let best
    for (const u of vision) {
      if (u.image !== t.image || u.row > t.row || u.col > t.col) continue
      if (!best || u.row > best.row || (u.row === best.row && u.col > best.col)) best = u
    }
    out[p] = best
  }
  return out
}

/**
 * The palette a token is drawn with: image tokens on the image scale, all others on the text one.
 *
 * @param {Token} token
 * @returns {'image' | 'text'}
 */
export function palette(token) {
  return token.kind === 'vision' ? 'image' : 'text'
}

/** At most this many tokens count as attention sinks. */
export const MAX_SINKS = 4
/** How far above every other token a sink's mean value must be. */
export const SINK_GAP = 3

/**
 * Attention-sink tokens: the few tokens (at most {@link MAX_SINKS}) whose mean value over layers
 * stands at least {@link SINK_GAP} times above every other token's (the first token of most
 * models, sometimes one or two more). They dwarf everything else, so by default they are left out
 * of the colour domain. A hot region of many tokens is never a sink: it has no such gap.
 *
 * @param {Slab} slab
 * @param {Float32Array} values
 * @returns {Set<number>} positions
 */
export function findSinks(slab, values) {
  /** @type {{ p: number, mean: number }[]} */
  const means = []
  for (let p = 0; p < slab.positions; p++) {
    if (!slab.tokens[p]) continue
    let s = 0
    let n = 0
    for (let l = 0; l < slab.layers; l++) {
      const v = values[l * slab.positions + p]
      if (Number.isFinite(v)) { s += v; n++ }
    }
    if (n) means.push({ p, mean: s / n })
  }
  means.sort((a, b) => b.mean - a.mean)
  // the largest jump among the top tokens, if it is big enough
  let cut = 0
  let best = SINK_GAP
  for (let k = 1; k <= Math.min(MAX_SINKS, means.length - 1); k++) {
    const ratio = means[k].mean > 0 ? means[k - 1].mean / means[k].mean : means[k - 1].mean > 0 ? Infinity : 0
    if (ratio >= best) { best = ratio; cut = k }
  }
  return new Set(means.slice(0, cut).map(m => m.p))
}

/**
 * Colour scales for image and text tokens over one layer (or all layers when layer is null).
 *
 * @param {Slab} slab
 * @param {Float32Array} values
 * @param {number | null} layer
 * @param {Scaling} scaling
 * @param {Set<number>} exclude positions left out of the domain
 * @returns {{ image: Scale, text: Scale }}
 */
export function scales(slab, values, layer, scaling, exclude) {
  /** @type {number[]} */
  const image = []
  /** @type {number[]} */
  const text = []
  const from = layer ?? 0
  const to = layer === null ? slab.layers : layer + 1
  for (let p = 0; p < slab.positions; p++) {
    const t = slab.tokens[p]
    if (!t || exclude.has(p)) continue
    const target = t.kind === 'vision' ? image : text
    for (let l = from; l < to; l++) target.push(values[l * slab.positions + p])
  }
  return { image: makeScale(image, scaling), text: makeScale(text, scaling) }
}

/**
 * @typedef {object} KindStats
 * @property {string} kind
 * @property {number} count tokens of this kind
 * @property {number} max
 * @property {string} maxToken text of the token with the max
 * @property {number} maxPosition
 * @property {number} mean
 * @property {number} share fraction of the layer's total
 */

/**
 * Per-kind statistics of one layer: count, max (and which token), mean, share of the total.
 *
 * @param {Slab} slab
 * @param {Float32Array} values
 * @param {number} layer
 * @param {Set<number>} exclude positions left out (sinks, when excluded)
 * @returns {KindStats[]}
 */
export function layerStats(slab, values, layer, exclude) {
  /** @type {Map<string, KindStats & { sum: number }>} */
  const by = new Map()
  let total = 0
  for (let p = 0; p < slab.positions; p++) {
    const t = slab.tokens[p]
    if (!t || exclude.has(p)) continue
    const v = values[layer * slab.positions + p]
    if (!Number.isFinite(v)) continue
    let s = by.get(t.kind)
    if (!s) by.set(t.kind, s = { kind: t.kind, count: 0, max: -Infinity, maxToken: '', maxPosition: -1, mean: 0, share: 0, sum: 0 })
    s.count++
    s.sum += v
    total += v
    if (v > s.max) { s.max = v; s.maxToken = t.text; s.maxPosition = p }
  }
  const order = ['vision', 'text', 'special', 'generated']
  return [...by.values()]
    .sort((a, b) => (order.indexOf(a.kind) + 1 || 9) - (order.indexOf(b.kind) + 1 || 9))
    .map(s => ({ kind: s.kind, count: s.count, max: s.max, maxToken: s.maxToken, maxPosition: s.maxPosition, mean: s.sum / s.count, share: total ? s.sum / total : 0 }))
}
