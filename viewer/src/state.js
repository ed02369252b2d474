/**
 * The view state: everything the controls choose, and its round trip through the URL hash so a
 * view can be linked and survives a reload.
 */

/**
 * @typedef {import('./view-model.js').Metric} Metric
 * @typedef {import('./colour.js').Scaling} Scaling
 */

/**
 * @typedef {object} ViewState
 * @property {string} pairId
 * @property {number} step
 * @property {number} layer
 * @property {number | null} compareLayer second layer shown side by side, or null
 * @property {string} variant
 * @property {Metric} metric
 * @property {Scaling} scaling
 * @property {boolean} excludeSinks keep attention sinks out of the colour domain
 * @property {number} opacity of the colour over the image, 0..1
 * @property {'layer' | 'all'} domain colour domain of grid and strip: this layer, or all layers
 * @property {number | null} selected token position whose profile is shown
 * @property {number | null} image the image region (image_index) drawn alone, e.g. the global image of
 *   tiles; null draws every region but the global image
 */

/** Cycle orders for the M and S keys (the output effect only where the run has an effects table). */
export const METRICS = /** @type {Metric[]} */ (['l2_distance', 'cosine_distance', 'kl_divergence'])
export const SCALINGS = /** @type {Scaling[]} */ (['linear', 'sqrt', 'percentile'])

/**
 * The default state for a run.
 *
 * @param {string} pairId
 * @param {number} step
 * @param {string} variant
 * @returns {ViewState}
 */
export function defaultState(pairId, step, variant) {
  return {
    pairId, step, layer: 0, compareLayer: null, variant, metric: 'l2_distance', scaling: 'linear',
    excludeSinks: false, opacity: 0.6, domain: 'all', selected: null, image: null,
  }
}

/**
 * The state as a URL hash (`#pair=..&step=..`).
 *
 * @param {ViewState} s
 * @returns {string}
 */
export function toHash(s) {
  const p = new URLSearchParams(location.hash.slice(1))
  for (const k of [...p.keys()]) if (k !== 'run_id') p.delete(k)
  p.set('pair', s.pairId)
  p.set('step', String(s.step))
  p.set('layer', String(s.layer))
  p.set('variant', s.variant)
  p.set('metric', s.metric)
  p.set('scaling', s.scaling)
  if (s.compareLayer !== null) p.set('compare', String(s.compareLayer))
  if (s.selected !== null) p.set('token', String(s.selected))
  if (s.image !== null) p.set('image', String(s.image))
  if (s.excludeSinks) p.set('sinks', 'exclude')
  if (s.domain === 'layer') p.set('domain', 'layer')
  return `#${p.toString()}`
}

/**
 * Applies a URL hash onto a state; unknown or bad values are ignored.
 *
 * @param {ViewState} s
 * @param {string} hash
 * @returns {ViewState}
 */
export function fromHash(s, hash) {
  const p = new URLSearchParams(hash.replace(/^#/, ''))
  const int = (/** @type {string} */ k) => {
    const v = p.get(k)
    return v !== null && /^\d+$/.test(v) ? Number(v) : null
  }
  const out = { ...s }
  out.pairId = p.get('pair') ?? s.pairId
  out.step = int('step') ?? s.step
  out.layer = int('layer') ?? s.layer
  out.variant = p.get('variant') ?? s.variant
  const metric = /** @type {Metric} */ (p.get('metric'))
  if (METRICS.includes(metric)) out.metric = metric
  const scaling = /** @type {Scaling} */ (p.get('scaling'))
  if (SCALINGS.includes(scaling)) out.scaling = scaling
  out.compareLayer = int('compare')
  out.selected = int('token')
  out.image = int('image')
  out.excludeSinks = p.get('sinks') === 'exclude'
  out.domain = p.get('domain') === 'layer' ? 'layer' : 'all'
  return out
}
