/**
 * Tiny DOM helpers. Text from the data (tokens, questions, ids) goes in as text nodes only:
 * nothing here, or anywhere in the viewer, assigns innerHTML.
 */

/**
 * Creates an element with attributes and children; string children become text nodes.
 *
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | number | boolean | undefined>} [attrs] `class`, `data-*`, `title`, ...
 * @param {...(Node | string | number | null | undefined | false)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue
    if (k === 'class') e.className = String(v)
    else e.setAttribute(k, v === true ? '' : String(v))
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue
    e.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c)
  }
  return e
}

/**
 * Replaces all children of `parent`.
 *
 * @param {Element} parent
 * @param {...(Node | string)} children
 */
export function setChildren(parent, ...children) {
  parent.replaceChildren(...children)
}

/**
 * The element with id `id`, typed by the caller.
 *
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
export function byId(id, type) {
  const e = document.getElementById(id)
  if (!(e instanceof type)) throw new Error(`viewer page has no ${type.name} #${id}`)
  return e
}

/**
 * A token's text made visible: control characters and edge spaces get visible stand-ins.
 *
 * @param {string} text
 * @returns {string}
 */
export function visibleToken(text) {
  return text
    .replace(/\n/g, '⏎')
    .replace(/\t/g, '⇥')
    .replace(/\r/g, '␍')
    .replace(/^ /, '␣')
    .replace(/[\u0000-\u001f\u007f]/g, c => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}

/**
 * A number for display: 3 significant digits, or '–' for NaN.
 *
 * @param {number} v
 * @returns {string}
 */
export function fmt(v) {
  if (!Number.isFinite(v)) return '–'
  if (v === 0) return '0'
  const a = Math.abs(v)
  if (a >= 1000 || a < 0.001) return v.toExponential(2)
  return v.toPrecision(3)
}
