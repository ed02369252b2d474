/**
 * The viewer in headless Chromium (Debian's, through playwright-core), on the run under test
 * (MASK_IMPACT_RUN, else the synthetic fixture) and, for hostile text, on the fixture.
 * Expected values come from reading the run with plain hyparquet in Node, not from the viewer.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ARTIFACTS, FIXTURE, RUN, VIEWER, launch, listFiles, readAll, reference, serveRun, visibleToken } from './helpers.js'
import { serve } from '../tools/serve.js'
import { XSS } from './make-fixture.js'
import { parseManifest } from '../src/manifest.js'

/** @type {import('playwright-core').BrowserContext} */
let browser
/** @type {{ server: import('node:http').Server, url: string }} */
let site
/** @type {{ server: import('node:http').Server, url: string }} */
let fixtureSite

const manifest = parseManifest(readFileSync(join(RUN, '_manifest.json'), 'utf8'))
const impact = await readAll(RUN, 'impact')
const pairs = await readAll(RUN, 'pairs')

before(async () => {
  browser = await launch()
  site = await serveRun(RUN)
  fixtureSite = RUN === FIXTURE ? site : await serveRun(FIXTURE)
})

after(async () => {
  await browser?.close()
  site?.server.close()
  if (fixtureSite !== site) fixtureSite?.server.close()
})

/**
 * Opens a page, collecting console errors and uncaught exceptions.
 *
 * @param {string} url
 * @returns {Promise<{ page: import('playwright-core').Page, errors: string[] }>}
 */
async function openPage(url) {
  const page = await browser.newPage()
  /** @type {string[]} */
  const errors = []
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()) })
  page.on('pageerror', e => errors.push(e.message))
  await page.goto(url)
  await page.waitForSelector('body[data-view]', { timeout: 20_000 })
  return { page, errors }
}

/**
 * The view key the page shows: pair|step|layer|variant|metric|scaling.
 *
 * @param {import('playwright-core').Page} page
 * @returns {Promise<string[]>}
 */
async function view(page) {
  return ((await page.getAttribute('body', 'data-view')) ?? '').split('|')
}

/**
 * Waits until the view key satisfies `check`.
 *
 * @param {import('playwright-core').Page} page
 * @param {(v: string[]) => boolean} check
 */
async function waitView(page, check) {
  for (let i = 0; i < 200; i++) {
    if (check(await view(page))) return
    await page.waitForTimeout(25)
  }
  assert.fail(`view never changed as expected: ${(await view(page)).join('|')}`)
}

test('opens the run served next to it with no console errors, and shows the first pair', async () => {
  const { page, errors } = await openPage(`${site.url}viewer/`)
  const [pairId, step, layer, variant] = await view(page)
  assert.equal(Number(step), manifest.tables.impact.partitions?.[0].generation_step)
  assert.equal(layer, '0')
  assert.ok(pairs.some(p => p.pair_id === pairId), `pair ${pairId} is in the pairs table`)
  assert.ok((manifest.variants ?? [variant]).includes(variant))
  assert.deepEqual(errors, [])
  await page.close()
})

test('the grid shows exactly the vision tokens, the strip the question tokens; screenshot kept', async () => {
  const { page, errors } = await openPage(`${site.url}viewer/`)
  const [pairId, step, , variant] = await view(page)
  const ref = reference(impact, pairId, Number(step), variant)
  const vision = [...ref.tokens.values()].filter(t => t.kind === 'vision')
  assert.ok(vision.length > 0, 'the first pair has vision tokens')
  assert.equal(await page.locator('[data-testid=grid] .cell').count(), vision.length, 'one cell per vision token')
  const cells = await page.locator('[data-testid=grid] .cell').evaluateAll(els => els.map(e => `${e.getAttribute('data-row')},${e.getAttribute('data-col')}`))
  assert.deepEqual(new Set(cells), new Set(vision.map(t => `${t.row},${t.col}`)), 'cells sit at patch_row, patch_col')
  const chips = await page.locator('[data-testid=strip] .tok:not(.vision-run)').allTextContents()
  const expected = [...ref.tokens.entries()].sort((a, b) => a[0] - b[0]).filter(([, t]) => t.kind !== 'vision').map(([, t]) => visibleToken(t.text))
  assert.deepEqual(chips, expected, 'strip chips are the non-image tokens in order')
  const pair = pairs.find(p => p.pair_id === pairId)
  assert.equal(await page.locator('[data-testid=question]').textContent(), pair?.question)
  mkdirSync(ARTIFACTS, { recursive: true })
  // a middle layer, a selected patch and a compared layer make a screenshot worth looking at
  const layers = manifest.layers ?? 2
  for (let i = 0; i < Math.floor(layers / 2); i++) await page.keyboard.press('ArrowRight')
  await waitView(page, v => v[2] === String(Math.floor(layers / 2)))
  await page.locator('.cell').nth(Math.floor(vision.length / 2)).click()
  await page.waitForTimeout(300)
  await page.screenshot({ path: join(ARTIFACTS, 'grid-view.png'), fullPage: true })
  assert.deepEqual(errors, [])
  await page.close()
})

test('keyboard: arrows change layer and step, M metric, S scaling', async () => {
  const { page, errors } = await openPage(`${site.url}viewer/`)
  const steps = (manifest.tables.impact.partitions ?? []).map(p => p.generation_step)
  const v0 = await view(page)
  await page.keyboard.press('ArrowRight')
  await waitView(page, v => v[2] === '1')
  await page.keyboard.press('ArrowLeft')
  await waitView(page, v => v[2] === '0')
  if (steps.length > 1) {
    await page.keyboard.press('ArrowUp')
    await waitView(page, v => v[1] === String(steps[1]))
    await page.keyboard.press('ArrowDown')
    await waitView(page, v => v[1] === String(steps[0]))
  }
  await page.keyboard.press('s')
  await waitView(page, v => v[5] === 'sqrt')
  await page.keyboard.press('m')
  await waitView(page, v => v[4] === 'cosine_distance')
  assert.equal((await view(page))[0], v0[0], 'same pair throughout')
  assert.deepEqual(errors, [])
  await page.close()
})

test('switching the metric changes the values shown', async () => {
  const { page, errors } = await openPage(`${site.url}viewer/`)
  // a middle layer, where the values are not all noise
  const layers = manifest.layers ?? 2
  for (let i = 0; i < Math.floor(layers / 2); i++) await page.keyboard.press('ArrowRight')
  await waitView(page, v => v[2] === String(Math.floor(layers / 2)))
  const values = () => page.locator('[data-testid=grid] .cell').evaluateAll(els => els.map(e => e.getAttribute('data-value')))
  const colours = () => page.locator('[data-testid=grid] .cell').evaluateAll(els => els.map(e => /** @type {HTMLElement} */ (e).style.background))
  const [l2, l2c] = [await values(), await colours()]
  await page.locator('#metric button[data-value=cosine_distance]').click()
  await waitView(page, v => v[4] === 'cosine_distance')
  const [cos, cosc] = [await values(), await colours()]
  assert.equal(cos.length, l2.length)
  assert.notDeepEqual(cos, l2, 'cell values differ between L2 and cosine')
  assert.notDeepEqual(cosc, l2c, 'cell colours differ between L2 and cosine')
  const [pairId, step, layer, variant] = await view(page)
  const want = reference(impact, pairId, Number(step), variant).rows.filter(r => r.layer === Number(layer) && r.token_kind === 'vision')
  const shown = new Map((await page.locator('[data-testid=grid] .cell').evaluateAll(els => els.map(e => [e.getAttribute('data-pos'), e.getAttribute('data-value')]))))
  for (const r of want) assert.ok(Math.abs(Number(shown.get(String(r.token_position))) - r.cosine_distance) < 1e-6, `cosine at position ${r.token_position}`)
  assert.deepEqual(errors, [])
  await page.close()
})

test('HTML and script payloads in ids, questions and tokens stay inert text', async () => {
  const { page, errors } = await openPage(`${fixtureSite.url}viewer/`)
  await page.locator('.pair', { hasText: XSS.pairId }).click()
  await waitView(page, v => v[0] === XSS.pairId)
  await page.locator('[data-testid=strip] .tok').first().waitFor()
  const question = await page.locator('[data-testid=question]').textContent()
  assert.ok(question?.includes(XSS.img) && question.includes(XSS.script), 'the question is shown as typed')
  const strip = await page.locator('[data-testid=strip]').textContent()
  assert.ok(strip?.includes(XSS.img) && strip.includes(XSS.script), 'the payload tokens are shown as text')
  assert.ok((await page.locator('.step-chip').allTextContents()).some(t => t.includes(XSS.svg)), 'generated payload token shown as text')
  assert.equal(await page.evaluate(() => /** @type {any} */ (window).__xss), undefined, 'no payload ran')
  assert.equal(await page.locator('main script, main svg, main b, main i, aside i, img[src="x"]').count(), 0, 'no element injected')
  assert.equal(await page.locator('script').count(), 1, 'only the viewer script')
  assert.deepEqual(errors, [])
  await page.close()
})

test('opens from disk via the folder picker with the page on file://', async () => {
  const page = await browser.newPage()
  /** @type {string[]} */
  const errors = []
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()) })
  page.on('pageerror', e => errors.push(e.message))
  await page.goto(pathToFileURL(join(VIEWER, 'app', 'index.html')).href)
  await page.locator('#folder-input').setInputFiles(FIXTURE)
  await page.waitForSelector('body[data-view]', { timeout: 20_000 })
  assert.ok(await page.locator('[data-testid=grid] .cell').count() > 0)
  assert.deepEqual(errors, [])
  await page.close()
})

test('opens a Delta-format run by URL parameter', async () => {
  // the fixture's tables as Delta tables: same files, plus a _delta_log per table
  const dir = join(ARTIFACTS, 'delta-run')
  rmSync(dir, { recursive: true, force: true })
  for (const table of ['impact', 'pairs', 'steps', 'errors']) {
    cpSync(join(FIXTURE, table), join(dir, table), { recursive: true })
    const files = listFiles(join(dir, table)).filter(f => f.endsWith('.parquet'))
    const actions = [{ protocol: { minReaderVersion: 1, minWriterVersion: 2 } }, ...files.map(f => ({
      add: { path: f, size: readFileSync(join(dir, table, f)).length, partitionValues: table === 'impact' ? { generation_step: /=(\d+)/.exec(f)?.[1] } : {}, dataChange: true },
    }))]
    mkdirSync(join(dir, table, '_delta_log'), { recursive: true })
    writeFileSync(join(dir, table, '_delta_log', '00000000000000000000.json'), actions.map(a => JSON.stringify(a)).join('\n') + '\n')
  }
  cpSync(join(FIXTURE, 'images'), join(dir, 'images'), { recursive: true })
  const s = await serve({ '/run/': dir, '/viewer/': join(VIEWER, 'app') })
  try {
    const page = await browser.newPage()
    await page.goto(`${s.url}viewer/?run=/run/`)
    await page.waitForSelector('body[data-view]', { timeout: 20_000 })
    assert.equal(await page.locator('[data-testid=grid] .cell').count(), 48)
    await page.close()
  } finally {
    s.server.close()
  }
})

test('export PNG downloads an image of the view', async () => {
  const { page } = await openPage(`${fixtureSite.url}viewer/`)
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-btn').click()])
  const path = join(ARTIFACTS, 'export.png')
  await download.saveAs(path)
  const bytes = readFileSync(path)
  assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], 'a PNG')
  assert.ok(bytes.length > 5000, 'with content')
  await page.close()
})

test('the landing page shows only the open box, no empty app under it', async () => {
  const page = await browser.newPage()
  await page.goto(pathToFileURL(join(VIEWER, 'app', 'index.html')).href)
  await page.locator('#landing').waitFor()
  assert.equal(await page.locator('#landing').isVisible(), true, 'the "Open a run" box')
  assert.equal(await page.locator('#app').isVisible(), false, 'the app stays hidden until a run is open')
  await page.close()
})

test('the root of a served run leads to the viewer', async () => {
  const { page, errors } = await openPage(site.url)
  assert.ok(page.url().endsWith('/viewer/'), `landed on ${page.url()}`)
  assert.ok(await page.locator('[data-testid=strip] .tok').count() > 0, 'the run is shown')
  assert.deepEqual(errors, [])
  await page.close()
})

test('editing the URL hash in an open tab shows that view', async () => {
  const { page, errors } = await openPage(`${site.url}viewer/`)
  const [pairId] = await view(page)
  const other = pairs.find(p => p.pair_id !== pairId && p.status === 'ok')?.pair_id ?? pairId
  const steps = (manifest.tables.impact.partitions ?? []).map(p => p.generation_step)
  const step = steps[Math.min(1, steps.length - 1)]
  await page.evaluate(h => { location.hash = h }, new URLSearchParams({ pair: other, step: String(step), layer: '1', variant: 'Full', metric: 'cosine_distance' }).toString())
  await waitView(page, v => v[0] === other && v[1] === String(step) && v[2] === '1' && v[4] === 'cosine_distance')
  assert.deepEqual(errors, [])
  await page.close()
})

/**
 * A run of the fixture's first pair three times: only image tokens masked, only the others, and
 * both, with distances of about 1e-5 (printed with an exponent).
 *
 * @returns {Promise<string>} its folder
 */
async function maskModesRun() {
  const { writeSyntheticRun } = await import('./synthetic-run.js')
  const { FIXTURE_SPEC } = await import('./make-fixture.js')
  const dir = join(ARTIFACTS, 'mask-modes-run')
  const base = FIXTURE_SPEC.pairs[0]
  await writeSyntheticRun({
    ...FIXTURE_SPEC, dir, runId: 'mask-modes', attnWeights: false,
    pairs: /** @type {const} */ (['vision', 'text', 'both']).map(maskMode => ({ ...base, pairId: `${maskMode}-only`, maskMode, scale: 1e-5 })),
  })
  return dir
}

test('a vision-only pair has no text colour scale, a text-only pair no image scale, and the status rows add up', async () => {
  const dir = await maskModesRun()
  const runImpact = await readAll(dir, 'impact')
  const s = await serveRun(dir)
  try {
    for (const [pairId, image, text] of /** @type {[string, number, number][]} */ ([['vision-only', 1, 0], ['text-only', 0, 1], ['both-only', 1, 1]])) {
      const { page, errors } = await openPage(`${s.url}viewer/#pair=${pairId}&step=1`)
      await waitView(page, v => v[0] === pairId)
      assert.equal(await page.locator('[data-testid=legend-image]').count(), image, `${pairId}: image colour scale`)
      assert.equal(await page.locator('[data-testid=legend-text]').count(), text, `${pairId}: text colour scale`)
      const status = await page.locator('#status').textContent() ?? ''
      const m = /([\d,]+) rows \((\d+) layers × (\d+) masked tokens/.exec(status)
      assert.ok(m, `status line: ${status}`)
      const [rows, layers, tokens] = [Number(m[1].replace(/,/g, '')), Number(m[2]), Number(m[3])]
      assert.equal(rows, layers * tokens, `${pairId}: ${status}`)
      assert.equal(rows, reference(runImpact, pairId, 1, 'Full').rows.length, `${pairId}: rows of the slab`)
      assert.deepEqual(errors, [])
      await page.close()
    }
  } finally {
    s.server.close()
  }
})

test('numbers in the per-kind table stay on one line, and the profile chart draws its top label whole', async () => {
  const dir = await maskModesRun()
  const s = await serveRun(dir)
  try {
    const { page, errors } = await openPage(`${s.url}viewer/#pair=both-only&step=0&layer=3`)
    const heights = await page.locator('[data-testid=stats] tr').evaluateAll(rows => rows.map(r => r.getBoundingClientRect().height))
    assert.ok(heights.length > 2, 'a header and rows')
    for (const h of heights) assert.ok(Math.abs(h - heights[0]) < 1, `every row is one line high: ${heights.join(', ')}`)
    assert.match(await page.locator('[data-testid=stats] tbody').textContent() ?? '', /e-\d/, 'the values print with an exponent')
    const [tableWidth, panelWidth] = await page.locator('[data-testid=stats]').evaluate(d => [d.querySelector('table')?.getBoundingClientRect().width ?? 0, d.getBoundingClientRect().width])
    assert.ok(tableWidth <= panelWidth + 0.5, `the table (${tableWidth} px) fits its panel (${panelWidth} px)`)
    // the first token (an attention sink): its largest value, about 7e-5, printed whole is wider than the margin
    await page.locator('[data-testid=strip] .tok').first().click()
    await page.waitForFunction(() => !document.getElementById('profile')?.hidden)
    await page.waitForTimeout(300)
    // nothing may be drawn at the canvas's left edge: a label reaching it is cut off
    const inkAtLeftEdge = await page.evaluate(() => {
      const canvas = /** @type {HTMLCanvasElement} */ (document.getElementById('profile'))
      const data = canvas.getContext('2d')?.getImageData(0, 0, 3, canvas.height).data ?? []
      let ink = 0
      for (let i = 0; i < data.length; i += 4) if (data[i] < 200) ink++
      return ink
    })
    assert.equal(inkAtLeftEdge, 0, 'no label touches the left edge of the profile chart')
    assert.deepEqual(errors, [])
    await page.close()
  } finally {
    s.server.close()
  }
})
