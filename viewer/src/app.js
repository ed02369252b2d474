/**
 * The viewer once a run is open: holds the view state, loads the slab the state needs, and
 * redraws the views. Loading is lazy and cached (impact.js); a newer render discards an older one
 * that finishes late.
 */
import { fetchStats } from './bytes.js'
import { buildControls, installKeyboard } from './controls.js'
import { byId, el, fmt, visibleToken } from './dom.js'
import { composeView, downloadPng } from './export.js'
import { boundsText, cellBox, regionName, renderGrid, slabRegions } from './grid.js'
import { drawHeatmap, heatmapHit } from './heatmap.js'
import { hasSlab, loadSlab, runFile } from './impact.js'
import { readColumnRows } from './column-read.js'
import { renderPairDetail, renderPairList } from './pairs-view.js'
import { drawProfile } from './profile.js'
import { defaultState, fromHash, toHash } from './state.js'
import { renderLegend, renderStats, renderTokenInfo } from './stats-view.js'
import { renderStrip } from './strip.js'
import { effectKey } from './run.js'
import { METRIC_LABELS, findSinks, hasMetric, layerStats, metricValues, scales, unitsByPosition } from './view-model.js'

/**
 * @typedef {import('./run.js').Run} Run
 * @typedef {import('./impact.js').Slab} Slab
 * @typedef {import('./state.js').ViewState} ViewState
 * @typedef {import('./controls.js').ControlInfo} ControlInfo
 */

/**
 * The generation steps that have impact rows for a pair: the run's partitions, narrowed to the
 * pair's rows in the steps table when it has any.
 *
 * @param {Run} run
 * @param {string} pairId
 * @returns {number[]}
 */
export function pairSteps(run, pairId) {
  const all = (run.manifest.tables.impact.partitions ?? []).map(p => p.generation_step)
  const rows = run.steps.get(pairId)
  if (!rows?.length) return all
  const own = new Set(rows.map(r => r.generation_step))
  const both = all.filter(s => own.has(s))
  return both.length ? both : all
}

/**
 * The variants of the run: from the manifest, else from the `variant` dictionary of a file.
 *
 * @param {Run} run
 * @returns {Promise<string[]>}
 */
async function runVariants(run) {
  if (run.manifest.variants?.length) return run.manifest.variants
  const first = run.manifest.tables.impact.partitions?.[0]?.files[0]
  if (!first) return ['Full']
  const file = await runFile(run, first.path, first.bytes)
  const col = await readColumnRows(file, 0, 'variant', 0, 1)
  return col.kind === 'string' && col.dict.length ? [...col.dict].sort(variantOrder) : ['Full']
}

/**
 * Orders variants as the contract lists them: Full, Attn, Head_h, AttnWeight_Head_h, AttnWeight_Avg.
 *
 * @param {string} a
 * @param {string} b
 * @returns {number}
 */
function variantOrder(a, b) {
  const rank = (/** @type {string} */ v) => v === 'Full' ? [0, 0] : v === 'Attn' ? [1, 0]
    : v.startsWith('Head_') ? [2, Number(v.slice(5))] : v.startsWith('AttnWeight_Head_') ? [3, Number(v.slice(16))]
      : v === 'AttnWeight_Avg' ? [4, 0] : [5, 0]
  const [x, y] = [rank(a), rank(b)]
  return x[0] - y[0] || x[1] - y[1] || a.localeCompare(b)
}

/**
 * Starts the viewer on an open run.
 *
 * @param {Run} run
 * @param {string} [firstPairHint] the pair to show first when nothing else is asked for
 * @returns {Promise<void>}
 */
export async function startApp(run, firstPairHint) {
  const variants = await runVariants(run)
  const pairIds = run.pairs.length ? run.pairs.map(p => p.pair_id) : [...run.steps.keys()]
  if (!pairIds.length) throw new Error('Cannot show run: it has no pairs (pairs table empty or missing)')
  const firstPair = (firstPairHint && pairIds.includes(firstPairHint) ? firstPairHint : undefined)
    ?? run.pairs.find(p => p.status === 'ok' || !p.status)?.pair_id ?? pairIds[0]
  const initialSteps = pairSteps(run, firstPair)
  /** @type {ViewState} */
  let state = fromHash(defaultState(firstPair, initialSteps[0] ?? 0, variants.includes('Full') ? 'Full' : variants[0]), location.hash)
  if (!pairIds.includes(state.pairId)) state.pairId = firstPair
  if (!variants.includes(state.variant)) state.variant = variants[0]
  /** @type {ControlInfo | undefined} */
  let info
  /** @type {Slab | undefined} */
  let slab
  /** @type {(import('./run.js').EffectUnit | undefined)[]} the effects unit of each position of the slab */
  let units = []
  let renderSeq = 0
  let pairFilter = ''
  /** @type {number | null} */
  let hovered = null

  const grids = byId('grids', HTMLElement)
  const strip = byId('strip', HTMLElement)
  const heatmap = byId('heatmap', HTMLCanvasElement)
  const profile = byId('profile', HTMLCanvasElement)
  const status = byId('status', HTMLElement)
  const side = byId('side-panels', HTMLElement)
  const tooltip = byId('tooltip', HTMLElement)

  const controls = buildControls(change => set(change))
  byId('controls', HTMLElement).replaceChildren(controls.root)
  installKeyboard(() => state, () => info, change => set(change))

  const runInfo = byId('run-info', HTMLElement)
  runInfo.replaceChildren(...[
    el('span', { class: 'run-id' }, run.manifest.run_id || run.files.label),
    run.manifest.model ? el('span', { class: 'model' }, run.manifest.model) : null,
    el('span', {}, `${pairIds.length} pairs · ${(run.manifest.tables.impact.partitions ?? []).length} steps · ${variants.length} variants`),
    run.errors.length ? el('span', { class: 'errors', title: run.errors.map(e => `${e.pair_id}: ${e.message}`).join('\n') }, `${run.errors.length} rejected`) : null,
  ].filter(e => e !== null))
  if (run.runIds.length > 1) {
    // several runs appended into one folder: choose which one the views show
    const select = el('select', { id: 'run-select', 'aria-label': 'run', title: 'runs in this folder, oldest first' },
      ...run.runIds.map(id => el('option', { value: id }, id)))
    select.value = run.runId
    select.addEventListener('change', () => {
      const p = new URLSearchParams()
      p.set('run_id', select.value)
      location.hash = p.toString()
      location.reload()
    })
    runInfo.prepend(select)
  }
  const filterInput = byId('pair-filter', HTMLInputElement)
  filterInput.addEventListener('input', () => { pairFilter = filterInput.value; drawPairs() })
  byId('export-btn', HTMLButtonElement).addEventListener('click', () => {
    const canvas = composeView(title(), grids, strip, heatmap, side)
    downloadPng(canvas, `mask-impact_${state.pairId.replace(/[^\w.-]+/g, '_')}_step${state.step}_layer${state.layer}_${state.variant}.png`)
  })
  window.addEventListener('resize', () => draw())
  // a hash edited by hand (or a pasted link) shows that view; another run of the folder needs a reload
  window.addEventListener('hashchange', () => {
    const wantedRun = new URLSearchParams(location.hash.slice(1)).get('run_id')
    if (wantedRun && wantedRun !== run.runId && run.runIds.includes(wantedRun)) {
      location.reload()
      return
    }
    const next = fromHash(state, location.hash)
    if (!pairIds.includes(next.pairId)) next.pairId = state.pairId
    if (!variants.includes(next.variant)) next.variant = state.variant
    const steps = pairSteps(run, next.pairId)
    if (!steps.includes(next.step)) next.step = steps[0] ?? 0
    state = next
    void render()
  })

  /** @param {Partial<ViewState>} change */
  function set(change) {
    const next = { ...state, ...change }
    if (change.pairId !== undefined && change.pairId !== state.pairId) {
      const steps = pairSteps(run, next.pairId)
      if (!steps.includes(next.step)) next.step = steps[0] ?? 0
      next.selected = null
      next.image = null
    }
    state = next
    history.replaceState(null, '', toHash(state))
    void render()
  }

  function title() {
    return `${state.pairId} · step ${state.step} · layer ${state.layer}${state.compareLayer !== null ? ` vs ${state.compareLayer}` : ''} · ${state.variant} · ${METRIC_LABELS[state.metric]} · ${state.scaling}`
  }

  function drawPairs() {
    renderPairList(byId('pair-list', HTMLElement), run.pairs, state.pairId, pairFilter, pairId => set({ pairId }))
  }

  async function render() {
    const seq = ++renderSeq
    const cached = hasSlab(run, state.step, state.pairId, state.variant)
    if (!cached) status.textContent = `loading step ${state.step} of ${state.pairId}…`
    const t0 = performance.now()
    try {
      slab = await loadSlab(run, state.step, state.pairId, state.variant)
    } catch (e) {
      if (seq !== renderSeq) return
      status.textContent = /** @type {Error} */ (e).message
      status.classList.add('error')
      return
    }
    if (seq !== renderSeq) return
    units = unitsByPosition(slab, run.effects.get(effectKey(state.pairId, state.step)) ?? [])
    if (!performance.getEntriesByName('slab').length) performance.mark('slab')
    status.classList.remove('error')
    const layers = Math.max(slab.layers, run.manifest.layers ?? 0)
    if (state.layer >= layers) state.layer = Math.max(0, layers - 1)
    if (state.compareLayer !== null && state.compareLayer >= layers) state.compareLayer = layers - 1
    const stepRows = new Map((run.steps.get(state.pairId) ?? []).map(r => [r.generation_step, r]))
    const pairRow = run.pairs.find(p => p.pair_id === state.pairId)
    const regions = slabRegions(pairRow?.regions ?? [], slab)
    if (state.image !== null && !regions.some(r => r.index === state.image)) state.image = null
    info = { layers, steps: pairSteps(run, state.pairId), variants, stepRows, regions: sameRegions(info?.regions, regions), effects: run.effects.size > 0 }
    draw()
    const ms = performance.now() - t0
    const masked = slab.tokens.filter(Boolean).length
    status.textContent = slab.rows
      ? `step ${state.step}: ${slab.rows.toLocaleString()} rows (${slab.layers} layers × ${masked} masked tokens${masked < slab.positions ? ` of ${slab.positions}` : ''}) · read ${kb(slab.cost.bytes)} in ${slab.cost.requests} requests${cached ? ' (cached)' : ` · ${ms.toFixed(0)} ms`} · total read ${kb(fetchStats.bytes)}`
      : `no impact rows for ${state.pairId} at step ${state.step}, variant ${state.variant}`
    document.body.dataset.view = [state.pairId, state.step, state.layer, state.variant, state.metric, state.scaling, state.image ?? ''].join('|')
    if (!performance.getEntriesByName('first-grid').length) performance.mark('first-grid')
    prefetch()
  }

  /** Loads the next step in the background, so ↑ is instant. */
  function prefetch() {
    const steps = info?.steps ?? []
    const next = steps[steps.indexOf(state.step) + 1]
    if (next === undefined || hasSlab(run, next, state.pairId, state.variant)) return
    const { pairId, variant } = state
    setTimeout(() => { loadSlab(run, next, pairId, variant).catch(() => {}) }, 300)
  }

  function draw() {
    if (!slab || !info) return
    const s = state
    const pair = run.pairs.find(p => p.pair_id === s.pairId)
    controls.update(s, info)
    drawPairs()
    byId('pair-detail', HTMLElement).replaceChildren(...renderPairDetail(pair, run.steps.get(s.pairId) ?? [], s.step, info.steps, step => set({ step })))
    const metricOk = hasMetric(slab, s.metric, units)
    const shown = metricOk ? s.metric : s.metric === 'l2_distance' ? 'cosine_distance' : 'l2_distance'
    const values = metricValues(slab, shown, units)
    const sinks = findSinks(slab, values)
    const exclude = s.excludeSinks ? sinks : new Set()
    const local = scales(slab, values, s.domain === 'all' ? null : s.layer, s.scaling, exclude)
    const global = s.domain === 'all' ? local : scales(slab, values, null, s.scaling, exclude)
    const width = Math.max(200, Math.min(560, (grids.clientWidth || 900) / (s.compareLayer === null ? 1 : 2) - 16))
    const imageUrl = pair?.image ? run.files.imageUrl(pair.image) : undefined
    const current = slab
    /** @param {number} layer @param {string} label */
    const grid = (layer, label) => renderGrid({
      slab: current, values, layer, scale: s.domain === 'all' ? local.image : scales(current, values, layer, s.scaling, exclude).image,
      sinks, opacity: s.opacity, imageUrl, regions: info?.regions ?? [], image: s.image,
      selected: s.selected, title: label, width, units,
      onHover: p => hover(p), onClick: p => set({ selected: p }),
    })
    const metricName = METRIC_LABELS[shown]
    grids.replaceChildren(grid(s.layer, `Layer ${s.layer} · ${s.variant} · ${metricName}`))
    if (s.compareLayer !== null) grids.append(grid(s.compareLayer, `Layer ${s.compareLayer} · ${s.variant} · ${metricName}`))
    if (!metricOk) grids.append(el('p', { class: 'note' }, `${s.variant} has no ${METRIC_LABELS[s.metric]}; showing ${metricName}.`))
    strip.replaceChildren(...renderStrip({
      slab, values, layer: s.layer, scales: local, sinks, selected: s.selected, regions: info.regions, image: s.image, units,
      onImage: image => set({ image: state.image === image || info?.regions.length === 1 ? null : image }),
      onHover: p => hover(p), onClick: p => set({ selected: p }),
    }))
    // a colour scale only for the kinds this pair has masked rows of (a vision-only pair has no text scale)
    const where = s.domain === 'all' ? 'all layers' : `layer ${s.layer}`
    const kinds = new Set(slab.tokens.map(t => t?.kind))
    kinds.delete(undefined)
    side.replaceChildren(...[
      renderStats(layerStats(slab, values, s.layer, exclude), s.layer, exclude.size),
      kinds.has('vision') ? renderLegend('image', local.image, `image tokens · ${where}`) : null,
      [...kinds].some(k => k !== 'vision') ? renderLegend('text', local.text, `text tokens · ${where}`) : null,
      el('div', { id: 'token-info' }),
    ].filter(e => e !== null))
    hover(hovered)
    const hm = { slab, values, scales: global, layer: s.layer, compareLayer: s.compareLayer, selected: s.selected, sinks, width: Math.max(300, heatmap.parentElement?.clientWidth ?? 900) }
    drawHeatmap(heatmap, hm)
    heatmap.onmousemove = e => {
      const hit = heatmapHit(hm, e.offsetX, e.offsetY)
      if (!hit) { tooltip.hidden = true; return }
      const t = current.tokens[hit.position]
      tooltip.hidden = false
      tooltip.textContent = `layer ${hit.layer} · #${hit.position} ${t ? `${visibleToken(t.text)} (${t.kind})` : ''} · ${fmt(values[hit.layer * current.positions + hit.position])}`
      tooltip.style.left = `${e.clientX + 12}px`
      tooltip.style.top = `${e.clientY + 12}px`
    }
    heatmap.onmouseleave = () => { tooltip.hidden = true }
    heatmap.onclick = e => {
      const hit = heatmapHit(hm, e.offsetX, e.offsetY)
      if (hit) set({ layer: hit.layer, selected: hit.position })
    }
    void drawTokenProfile(shown)
  }

  /** @param {number | null} position */
  function hover(position) {
    hovered = position
    const box = document.getElementById('token-info')
    if (!box || !slab) return
    const p = position ?? state.selected
    const values = metricValues(slab, hasMetric(slab, state.metric, units) ? state.metric : 'l2_distance', units)
    const t = p === null ? undefined : slab.tokens[p]
    const region = t && t.kind === 'vision' ? info?.regions.find(r => r.index === t.image) : undefined
    const cell = region && t ? cellBox(region, t.row, t.col) : null
    const where = region ? `${regionName(region)}${cell ? ` · ${boundsText(cell)}` : ''}` : undefined
    box.replaceChildren(renderTokenInfo(t, p === null ? NaN : values[state.layer * slab.positions + p], p !== null && findSinks(slab, values).has(p), where,
      p === null ? undefined : units[p]))
  }

  /** @param {import('./view-model.js').Metric} metric */
  async function drawTokenProfile(metric) {
    const panel = byId('profile-panel', HTMLElement)
    const caption = byId('profile-title', HTMLElement)
    const s = state
    if (s.selected === null || !info) {
      panel.classList.add('empty')
      caption.textContent = 'Click a token (grid cell, strip chip or heatmap column) to see its profile across layers and steps.'
      profile.hidden = true
      return
    }
    panel.classList.remove('empty')
    profile.hidden = false
    const seq = renderSeq
    const steps = info.steps
    const pos = s.selected
    const t = slab?.tokens[pos]
    caption.textContent = `Token #${pos} ${t ? `“${visibleToken(t.text)}” (${t.kind}${t.row >= 0 ? `, patch ${t.row},${t.col}` : ''})` : ''} · ${s.variant} · ${METRIC_LABELS[metric]} across layers, one line per step`
    const loaded = await Promise.all(steps.map(step => loadSlab(run, step, s.pairId, s.variant).catch(() => undefined)))
    if (seq !== renderSeq) return
    const lines = loaded.flatMap((sl, i) => {
      if (!sl || pos >= sl.positions || !sl.tokens[pos]) return []
      const v = metricValues(sl, metric, unitsByPosition(sl, run.effects.get(effectKey(s.pairId, steps[i])) ?? []))
      return [{ step: steps[i], values: Float32Array.from({ length: sl.layers }, (_, l) => v[l * sl.positions + pos]) }]
    })
    drawProfile(profile, { lines, currentStep: s.step, layer: s.layer, width: Math.max(300, panel.clientWidth - 4), yLabel: METRIC_LABELS[metric] })
  }

  await render()
}

/**
 * The previous regions when they are the same, so that the controls rebuild their list only on a change.
 *
 * @param {import('./run.js').Region[] | undefined} before
 * @param {import('./run.js').Region[]} now
 * @returns {import('./run.js').Region[]}
 */
function sameRegions(before, now) {
  return before && JSON.stringify(before) === JSON.stringify(now) ? before : now
}

/**
 * @param {number} bytes
 * @returns {string}
 */
function kb(bytes) {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(2)} MB`
}
