/**
 * The control bar (layer, step, variant, metric (L2, cosine, and the output effect of a run with effects), scaling, colour domain, sinks, opacity, compare, the
 * image region shown) and the keyboard: ←/→ layer, ↑/↓ step, M metric, S scaling, I next image region,
 * G the global image's grid.
 */
import { el, visibleToken } from './dom.js'
import { regionName } from './grid.js'
import { METRICS, SCALINGS } from './state.js'
import { METRIC_LABELS } from './view-model.js'

/**
 * @typedef {import('./state.js').ViewState} ViewState
 * @typedef {import('./run.js').StepRow} StepRow
 * @typedef {import('./run.js').Region} Region
 */

/**
 * @typedef {object} ControlInfo what the controls offer for the current pair
 * @property {number} layers
 * @property {number[]} steps available generation steps
 * @property {string[]} variants
 * @property {Map<number, StepRow>} stepRows the token generated at each step
 * @property {Region[]} regions the pair's image regions
 * @property {boolean} effects whether the run has an effects table (the output effect is a metric)
 */

/**
 * @typedef {object} Controls
 * @property {HTMLElement} root
 * @property {(s: ViewState, info: ControlInfo) => void} update
 */

/**
 * Builds the control bar; `set` receives partial state changes.
 *
 * @param {(change: Partial<ViewState>) => void} set
 * @returns {Controls}
 */
export function buildControls(set) {
  const layer = el('input', { type: 'range', min: 0, max: 0, value: 0, id: 'layer', 'aria-label': 'layer' })
  const layerOut = el('output', { id: 'layer-value' })
  const step = el('input', { type: 'range', min: 0, max: 0, value: 0, id: 'step', 'aria-label': 'generation step' })
  const stepOut = el('output', { id: 'step-value' })
  const variant = el('select', { id: 'variant', 'aria-label': 'variant' })
  const metric = segmented('metric', METRICS.map(m => [m, METRIC_LABELS[m]]), v => set({ metric: /** @type {any} */ (v) }))
  const scaling = segmented('scaling', SCALINGS.map(s => [s, s]), v => set({ scaling: /** @type {any} */ (v) }))
  const domain = segmented('domain', [['layer', 'this layer'], ['all', 'all layers']], v => set({ domain: /** @type {any} */ (v) }))
  const sinks = el('input', { type: 'checkbox', id: 'exclude-sinks' })
  const opacity = el('input', { type: 'range', min: 0, max: 1, step: 0.05, id: 'opacity', 'aria-label': 'overlay opacity' })
  const compare = el('input', { type: 'checkbox', id: 'compare' })
  const compareLayer = el('input', { type: 'range', min: 0, max: 0, value: 0, id: 'compare-layer', 'aria-label': 'compared layer' })
  const compareOut = el('output', { id: 'compare-value' })
  const image = el('select', { id: 'image', 'aria-label': 'image region' })
  const global = el('input', { type: 'checkbox', id: 'global-grid' })
  const regionsCtl = el('div', { class: 'ctl', id: 'regions-ctl' }, el('span', { class: 'ctl-label' }, 'Image'), image,
    el('label', { class: 'check', title: 'Draw the grid of the downscaled global image (over the whole image) instead of the tiles' }, global, 'global grid'))
  /** @type {Region[]} */
  let regions = []
  /** @type {number[]} */
  let steps = []

  layer.addEventListener('input', () => set({ layer: Number(layer.value) }))
  step.addEventListener('input', () => set({ step: steps[Number(step.value)] ?? 0 }))
  variant.addEventListener('change', () => set({ variant: variant.value }))
  sinks.addEventListener('change', () => set({ excludeSinks: sinks.checked }))
  opacity.addEventListener('input', () => set({ opacity: Number(opacity.value) }))
  compare.addEventListener('change', () => set({ compareLayer: compare.checked ? Number(compareLayer.value) : null }))
  compareLayer.addEventListener('input', () => { if (compare.checked) set({ compareLayer: Number(compareLayer.value) }) })
  image.addEventListener('change', () => set({ image: image.value === '' ? null : Number(image.value) }))
  global.addEventListener('change', () => set({ image: global.checked ? globalIndex(regions) : null }))

  const root = el('div', { class: 'controls' },
    group('Layer', layer, layerOut),
    group('Step', step, stepOut),
    group('Variant', variant),
    group('Metric', metric.root),
    group('Scaling', scaling.root),
    group('Colour domain', domain.root),
    el('label', { class: 'ctl check', title: 'Leave attention sinks out of the colour scale: the ≤ 4 tokens whose mean over layers is ≥ 3× every other token’s' }, sinks, 'exclude sinks'),
    group('Opacity', opacity),
    el('div', { class: 'ctl' }, el('label', { class: 'check' }, compare, 'compare layer'), compareLayer, compareOut),
    regionsCtl,
  )

  /** @type {string[]} */
  let shownVariants = []
  return {
    root,
    update(s, info) {
      layer.max = String(Math.max(0, info.layers - 1))
      layer.value = String(s.layer)
      layerOut.value = `${s.layer} / ${Math.max(0, info.layers - 1)}`
      steps = info.steps
      step.max = String(Math.max(0, steps.length - 1))
      step.value = String(Math.max(0, steps.indexOf(s.step)))
      const row = info.stepRows.get(s.step)
      stepOut.value = row
        ? `${s.step} → “${visibleToken(row.token)}”${Number.isFinite(row.probability) ? ` p=${row.probability.toFixed(2)}` : ''}`
        : String(s.step)
      if (shownVariants.join('\u0000') !== info.variants.join('\u0000')) {
        shownVariants = info.variants
        variant.replaceChildren(...info.variants.map(v => el('option', { value: v }, v)))
      }
      variant.value = s.variant
      metric.set(s.metric)
      const effect = metric.root.querySelector('[data-value="kl_divergence"]')
      if (effect instanceof HTMLElement) effect.hidden = !info.effects
      scaling.set(s.scaling)
      domain.set(s.domain)
      sinks.checked = s.excludeSinks
      opacity.value = String(s.opacity)
      compareLayer.max = layer.max
      compare.checked = s.compareLayer !== null
      if (s.compareLayer !== null) compareLayer.value = String(s.compareLayer)
      compareLayer.disabled = s.compareLayer === null
      compareOut.value = s.compareLayer === null ? '' : String(s.compareLayer)
      if (regions !== info.regions) {
        regions = info.regions
        image.replaceChildren(el('option', { value: '' }, regions.some(r => r.kind === 'tile') ? 'all tiles' : 'all'),
          ...regions.map(r => el('option', { value: String(r.index) }, `${r.index}: ${regionName(r)} ${r.rows}×${r.cols}`)))
      }
      regionsCtl.hidden = regions.length < 2
      image.value = s.image === null ? '' : String(s.image)
      const g = globalIndex(regions)
      global.disabled = g === null
      global.checked = g !== null && s.image === g
    },
  }
}

/**
 * @param {Region[]} regions
 * @returns {number | null} the global image's index, if the pair has one
 */
function globalIndex(regions) {
  return regions.find(r => r.kind === 'global')?.index ?? null
}

/**
 * The region after the shown one, cycling through "all" (null) and every index.
 *
 * @param {Region[]} regions
 * @param {number | null} image
 * @returns {number | null}
 */
export function nextImage(regions, image) {
  const order = [null, ...regions.map(r => r.index)]
  return order[(order.indexOf(image) + 1) % order.length] ?? null
}

/**
 * @param {string} label
 * @param {...HTMLElement} children
 * @returns {HTMLElement}
 */
function group(label, ...children) {
  return el('div', { class: 'ctl' }, el('span', { class: 'ctl-label' }, label), ...children)
}

/**
 * A row of toggle buttons, one pressed.
 *
 * @param {string} id
 * @param {string[][]} options [value, label]
 * @param {(value: string) => void} onPick
 * @returns {{ root: HTMLElement, set: (value: string) => void }}
 */
function segmented(id, options, onPick) {
  const buttons = options.map(([value, label]) => {
    const b = el('button', { type: 'button', 'data-value': value }, label)
    b.addEventListener('click', () => onPick(value))
    return b
  })
  return {
    root: el('div', { class: 'segmented', id, role: 'group' }, ...buttons),
    set(value) {
      for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.value === value))
    },
  }
}

/**
 * Installs the keyboard shortcuts. Keys typed into text fields and selects are left alone.
 *
 * @param {() => ViewState} get
 * @param {() => ControlInfo | undefined} info
 * @param {(change: Partial<ViewState>) => void} set
 */
export function installKeyboard(get, info, set) {
  document.addEventListener('keydown', e => {
    const t = /** @type {HTMLElement | null} */ (e.target)
    if (t && (t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || (t.tagName === 'INPUT' && !['range', 'checkbox'].includes(/** @type {HTMLInputElement} */ (t).type)))) return
    if (e.ctrlKey || e.metaKey || e.altKey) return
    const s = get()
    const i = info()
    if (!i) return
    /** @type {Partial<ViewState> | undefined} */
    let change
    if (e.key === 'ArrowLeft') change = { layer: Math.max(0, s.layer - 1) }
    else if (e.key === 'ArrowRight') change = { layer: Math.min(i.layers - 1, s.layer + 1) }
    else if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      const k = i.steps.indexOf(s.step) + (e.key === 'ArrowUp' ? 1 : -1)
      if (k >= 0 && k < i.steps.length) change = { step: i.steps[k] }
      else change = {}
    } else if (e.key === 'm' || e.key === 'M') {
      const metrics = i.effects ? METRICS : METRICS.filter(m => m !== 'kl_divergence')
      change = { metric: metrics[(metrics.indexOf(s.metric) + 1) % metrics.length] }
    }
    else if (e.key === 's' || e.key === 'S') change = { scaling: SCALINGS[(SCALINGS.indexOf(s.scaling) + 1) % SCALINGS.length] }
    else if ((e.key === 'i' || e.key === 'I') && i.regions.length > 1) change = { image: nextImage(i.regions, s.image) }
    else if ((e.key === 'g' || e.key === 'G') && globalIndex(i.regions) !== null) {
      change = { image: s.image === globalIndex(i.regions) ? null : globalIndex(i.regions) }
    }
    if (!change) return
    e.preventDefault()
    set(change)
  })
}
