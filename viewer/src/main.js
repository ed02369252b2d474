/**
 * Entry point: decides how to open a run and starts the viewer.
 *
 * <p>Three ways in, tried in this order:
 * 1. `?run=<url>`: a run served over HTTP (relative URLs resolve against the page);
 * 2. served next to a run: the job copies the viewer to `<run>/viewer/`, so `..` is tried, then `.`;
 * 3. from disk: the user chooses or drops the run folder (works from file:// too).
 */
import { byId, el } from './dom.js'
import { fetchStats, resetFetchStats } from './bytes.js'
import { diskRunFiles, openRun, urlRunFiles } from './run.js'
import { startApp } from './app.js'
import { firstPairOf, loadSlab, openStep } from './impact.js'

/**
 * @typedef {import('./run.js').RunFiles} RunFiles
 */

/** State the tests and the benchmark read. */
const debug = { fetchStats, resetFetchStats, run: /** @type {import('./run.js').Run | undefined} */ (undefined) }
Object.assign(window, { maskImpactViewer: debug })

/**
 * Opens a run and shows it, or shows why not.
 *
 * @param {RunFiles} files
 */
async function open(files) {
  const landing = byId('landing', HTMLElement)
  const message = byId('landing-message', HTMLElement)
  message.textContent = `Opening ${files.label}…`
  try {
    // while the small tables load: open the first step's files and, for a one-run folder opened
    // without a chosen view, load the first pair's slab (its id comes from the footer statistics)
    /** @type {Promise<string | undefined>} */
    let hint = Promise.resolve(undefined)
    const run = await openRun(files, manifest => {
      const first = manifest.tables.impact.partitions?.[0]
      if (!first) return
      const early = { files, manifest, runId: '' }
      openStep(early, first.generation_step)
      if (location.hash || (manifest.runs?.length ?? 1) > 1 || !manifest.variants?.includes('Full')) return
      hint = firstPairOf(early, first.generation_step).then(pairId => {
        if (pairId) loadSlab(early, first.generation_step, pairId, 'Full').catch(() => {})
        return pairId
      }).catch(() => undefined)
    }, new URLSearchParams(location.hash.slice(1)).get('run_id'))
    debug.run = run
    landing.hidden = true
    byId('app', HTMLElement).hidden = false
    await startApp(run, await hint)
  } catch (e) {
    console.warn(e)
    landing.hidden = false
    byId('app', HTMLElement).hidden = true
    message.textContent = /** @type {Error} */ (e).message
    message.classList.add('error')
  }
}

/**
 * Files from a folder input or a drop, with paths relative to the chosen folder's parent.
 *
 * @param {FileList} list
 * @returns {{ path: string, file: Blob }[]}
 */
function entriesFromInput(list) {
  return [...list].map(f => ({ path: f.webkitRelativePath || f.name, file: f }))
}

/**
 * Walks a dropped folder (DataTransfer entries) into a flat list of files.
 *
 * @param {DataTransfer} dt
 * @returns {Promise<{ path: string, file: Blob }[]>}
 */
async function entriesFromDrop(dt) {
  /** @type {{ path: string, file: Blob }[]} */
  const out = []
  /** @param {FileSystemEntry} entry @param {string} prefix */
  async function walk(entry, prefix) {
    if (entry.isFile) {
      const file = await new Promise((resolve, reject) => /** @type {FileSystemFileEntry} */ (entry).file(resolve, reject))
      out.push({ path: prefix + entry.name, file })
    } else if (entry.isDirectory) {
      const reader = /** @type {FileSystemDirectoryEntry} */ (entry).createReader()
      for (;;) {
        /** @type {FileSystemEntry[]} */
        const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject))
        if (!batch.length) break
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`)
      }
    }
  }
  const roots = [...dt.items].map(i => i.webkitGetAsEntry()).filter(e => e !== null)
  for (const root of roots) await walk(/** @type {FileSystemEntry} */ (root), '')
  return out
}

/**
 * The run files at `base` when a manifest answers there (fetched once and kept for openRun).
 *
 * @param {string} base
 * @returns {Promise<RunFiles | undefined>}
 */
async function runAt(base) {
  const files = urlRunFiles(base)
  try {
    return await files.text('_manifest.json') === undefined ? undefined : files
  } catch {
    return undefined
  }
}

function main() {
  performance.mark('script')
  const input = byId('folder-input', HTMLInputElement)
  const pick = () => input.click()
  byId('open-btn', HTMLButtonElement).addEventListener('click', pick)
  byId('landing-open', HTMLButtonElement).addEventListener('click', pick)
  input.addEventListener('change', () => { if (input.files?.length) void open(diskRunFiles(entriesFromInput(input.files))) })
  const form = byId('url-form', HTMLFormElement)
  form.addEventListener('submit', e => {
    e.preventDefault()
    const url = byId('url-input', HTMLInputElement).value.trim()
    if (!url) return
    const u = new URL(location.href)
    u.searchParams.set('run', url)
    u.hash = ''
    location.href = u.href
  })
  document.addEventListener('dragover', e => { e.preventDefault(); document.body.classList.add('dragging') })
  document.addEventListener('dragleave', () => document.body.classList.remove('dragging'))
  document.addEventListener('drop', e => {
    e.preventDefault()
    document.body.classList.remove('dragging')
    if (e.dataTransfer) void entriesFromDrop(e.dataTransfer).then(entries => { if (entries.length) void open(diskRunFiles(entries)) })
  })

  const param = new URLSearchParams(location.search).get('run')
  if (param) {
    void open(urlRunFiles(param))
  } else if (location.protocol === 'http:' || location.protocol === 'https:') {
    void (async () => {
      for (const base of ['../', './']) {
        const files = await runAt(base)
        if (files) return open(files)
      }
      byId('landing-message', HTMLElement).replaceChildren(el('span', {}, 'No run next to this page. Choose a run folder, drop it here, or give its URL.'))
    })()
  }
  // Chromium's first toLocaleString loads ICU's number formats (10-20 ms): pay that while the
  // manifest loads, not between the slab and the first grid (the status line formats a count)
  void (0).toLocaleString()
}

main()
