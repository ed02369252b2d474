/**
 * The pair picker (a filterable list) and the chosen pair's question, answer and generated
 * token per step (click a step to go there).
 */
import { el, visibleToken } from './dom.js'

/**
 * @typedef {import('./run.js').Run} Run
 * @typedef {import('./run.js').PairRow} PairRow
 * @typedef {import('./run.js').StepRow} StepRow
 */

/**
 * Fills the pair list, keeping only pairs whose id or question contains `filter`.
 *
 * @param {HTMLElement} list
 * @param {PairRow[]} pairs
 * @param {string} current
 * @param {string} filter
 * @param {(pairId: string) => void} onPick
 */
export function renderPairList(list, pairs, current, filter, onPick) {
  const f = filter.trim().toLowerCase()
  const items = pairs
    .filter(p => !f || p.pair_id.toLowerCase().includes(f) || p.question.toLowerCase().includes(f))
    .map(p => {
      const item = el('li', { class: `pair${p.pair_id === current ? ' current' : ''}${p.status && p.status !== 'ok' ? ' failed' : ''}`, tabindex: 0, 'data-pair': p.pair_id },
        el('div', { class: 'pair-id' }, p.pair_id),
        el('div', { class: 'pair-q' }, p.question),
        p.status && p.status !== 'ok' ? el('div', { class: 'pair-status' }, p.status) : null)
      item.addEventListener('click', () => onPick(p.pair_id))
      item.addEventListener('keydown', e => { if (e.key === 'Enter') onPick(p.pair_id) })
      return item
    })
  list.replaceChildren(...items)
  if (!items.length) list.append(el('li', { class: 'empty' }, 'no pair matches'))
}

/**
 * The chosen pair's details.
 *
 * @param {PairRow | undefined} pair
 * @param {StepRow[]} steps
 * @param {number} currentStep
 * @param {number[]} availableSteps steps that have impact rows
 * @param {(step: number) => void} onStep
 * @returns {HTMLElement[]}
 */
export function renderPairDetail(pair, steps, currentStep, availableSteps, onStep) {
  if (!pair) return [el('p', { class: 'muted' }, 'This pair is not in the pairs table.')]
  const chips = steps.map(s => {
    const has = availableSteps.includes(s.generation_step)
    const b = el('button', {
      type: 'button',
      class: `step-chip${s.generation_step === currentStep ? ' current' : ''}`,
      disabled: !has,
      'data-step': s.generation_step,
      title: `step ${s.generation_step}: predicts this token${Number.isFinite(s.probability) ? ` with p=${s.probability.toFixed(3)}` : ''}`,
    }, el('span', { class: 'step-n' }, String(s.generation_step)), visibleToken(s.token))
    b.addEventListener('click', () => onStep(s.generation_step))
    return b
  })
  return [
    el('div', { class: 'qa' },
      el('div', {}, el('span', { class: 'label' }, 'Q'), el('span', { class: 'question', 'data-testid': 'question' }, pair.question)),
      el('div', {}, el('span', { class: 'label' }, 'A'), el('span', { class: 'answer' }, pair.answer)),
    ),
    el('div', { class: 'steps' }, el('span', { class: 'label' }, 'steps'), ...chips),
    el('div', { class: 'meta' }, `${pair.pair_id} · ${gridText(pair)} · ${pair.token_count} tokens${pair.model ? ` · ${pair.model}` : ''}`),
  ]
}

/**
 * The pair's grids for its summary line: "grid 6×8", or "6 tiles + global image, grid 3×4".
 *
 * @param {PairRow} pair
 * @returns {string}
 */
function gridText(pair) {
  const tiles = pair.regions.filter(r => r.kind === 'tile').length
  const global = pair.regions.some(r => r.kind === 'global')
  const shape = `grid ${pair.grid_rows}×${pair.grid_cols}`
  if (tiles) return `${tiles} tiles${global ? ' + global image' : ''}, ${shape}`
  return pair.regions.length > 1 ? `${pair.regions.length} images, ${shape}` : shape
}
