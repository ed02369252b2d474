/**
 * The side panel: per-kind statistics of the current layer, the two colour legends, and the
 * hovered or selected token.
 */
import { drawBar } from './colour.js'
import { el, fmt, visibleToken } from './dom.js'

/**
 * @typedef {import('./view-model.js').KindStats} KindStats
 * @typedef {import('./colour.js').Scale} Scale
 * @typedef {import('./impact.js').Token} Token
 */

/**
 * The statistics table.
 *
 * @param {KindStats[]} stats
 * @param {number} layer
 * @param {number} sinkCount sinks left out
 * @returns {HTMLElement}
 */
export function renderStats(stats, layer, sinkCount) {
  const rows = stats.map(s => el('tr', { 'data-kind': s.kind },
    el('th', {}, s.kind),
    el('td', {}, String(s.count)),
    el('td', { title: `position ${s.maxPosition}: ${s.maxToken}` }, fmt(s.max), el('span', { class: 'max-tok' }, ` ${visibleToken(s.maxToken).slice(0, 14)}`)),
    el('td', {}, fmt(s.mean)),
    el('td', {}, `${(100 * s.share).toFixed(1)}%`),
  ))
  return el('div', { class: 'stats', 'data-testid': 'stats' },
    el('h3', {}, `Layer ${layer} by token kind`),
    el('table', {},
      el('thead', {}, el('tr', {}, el('th', {}, 'kind'), el('th', {}, 'n'), el('th', {}, 'max'), el('th', {}, 'mean'), el('th', {}, 'share'))),
      el('tbody', {}, ...rows)),
    sinkCount ? el('p', { class: 'muted' }, `${sinkCount} attention sink${sinkCount > 1 ? 's' : ''} left out`) : null,
  )
}

/**
 * One colour legend.
 *
 * @param {'image' | 'text'} palette
 * @param {Scale} scale
 * @param {string} title
 * @returns {HTMLElement}
 */
export function renderLegend(palette, scale, title) {
  const bar = el('canvas', { width: 160, height: 10, class: 'bar' })
  drawBar(bar, palette)
  return el('div', { class: `legend legend-${palette}`, 'data-testid': `legend-${palette}` },
    el('div', { class: 'legend-title' }, title),
    bar,
    el('div', { class: 'legend-ticks' },
      el('span', { class: 'legend-min' }, fmt(Math.min(0, scale.min))),
      el('span', {}, scale.scaling),
      el('span', { class: 'legend-max' }, fmt(scale.max))),
  )
}

/**
 * The hovered or selected token.
 *
 * @param {Token | undefined} token
 * @param {number} value
 * @param {boolean} sink
 * @param {string} [where] a vision token's region and cell bounds in the original image
 * @param {import('./run.js').EffectUnit} [unit] the effects unit that hides the token, in a run with effects
 * @returns {HTMLElement}
 */
export function renderTokenInfo(token, value, sink, where, unit) {
  if (!token) return el('div', { class: 'token-info muted' }, 'Hover or click a token.')
  return el('div', { class: 'token-info' },
    el('div', { class: 'tok-text' }, visibleToken(token.text)),
    el('div', {}, `position ${token.position} · ${token.kind}${token.row >= 0 ? ` · patch (${token.row}, ${token.col})` : ''}${sink ? ' · sink' : ''}`),
    where ? el('div', { class: 'cell-bounds' }, where) : null,
    el('div', {}, `value ${fmt(value)}`),
    unit ? el('div', { class: 'effect' }, `hidden${unit.size > 1 ? ` with ${unit.size - 1} more tokens` : ''} at layers ${unit.layers}: KL ${fmt(unit.kl)} · p drop ${fmt(unit.drop)}`) : null,
    unit?.flip ? el('div', { class: 'flip', 'data-testid': 'flip' }, `flips the answer to “${visibleToken(unit.top1)}”`) : null,
  )
}
