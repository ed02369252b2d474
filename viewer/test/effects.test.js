/**
 * Output effects in headless Chromium, on test/fixtures/effects-run: a run written by the job's own
 * `run --effects` on the demo model (tools/make-effects-run.sh). Checked: the effect as a metric beside L2
 * and cosine (every cell's value is its unit's KL divergence, at every layer), flipped units marked in the grid
 * and the strip whatever the metric, a flipped unit's masked top-1 token on hover; and a run without effects
 * (test/fixtures/tiles-run) opens without the metric. Expected values come from reading the run with plain
 * hyparquet.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { VIEWER, launch, readAll, serveRun, visibleToken } from './helpers.js'

const EFFECTS = join(VIEWER, 'test', 'fixtures', 'effects-run')
const TILES = join(VIEWER, 'test', 'fixtures', 'tiles-run')
const effects = await readAll(EFFECTS, 'effects')
const flips = effects.filter(e => e.top1_flip)
const visionFlip = flips.find(e => e.token_kind === 'vision')
const textFlip = flips.find(e => e.token_kind !== 'vision')

/** @type {import('playwright-core').BrowserContext} */
let browser
/** @type {{ server: import('node:http').Server, url: string }[]} */
const sites = []

before(async () => {
  browser = await launch()
  sites.push(await serveRun(EFFECTS), await serveRun(TILES))
})

after(async () => {
  await browser?.close()
  for (const s of sites) s.server.close()
})

/**
 * Opens a run at a hash and waits for the first view.
 *
 * @param {number} site 0: the effects run, 1: the tiles run (no effects)
 * @param {string} hash
 * @returns {Promise<{ page: import('playwright-core').Page, errors: string[] }>}
 */
async function open(site, hash) {
  const page = await browser.newPage()
  /** @type {string[]} */
  const errors = []
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()) })
  page.on('pageerror', e => errors.push(e.message))
  await page.goto(`${sites[site].url}viewer/${hash}`)
  await page.waitForSelector('body[data-view]', { timeout: 20_000 })
  return { page, errors }
}

/**
 * @param {import('playwright-core').Page} page
 * @returns {Promise<string>} the metric of the view key
 */
async function metric(page) {
  return ((await page.getAttribute('body', 'data-view')) ?? '').split('|')[4]
}

test('the fixture has a flipped vision cell and a flipped text token', () => {
  assert.ok(visionFlip && textFlip, `flips in the fixture: ${JSON.stringify(flips.map(f => [f.pair_id, f.token_position]))}`)
})

test('the output effect is a metric: each cell shows its unit\'s KL at every layer', async () => {
  const e = /** @type {Record<string, any>} */ (visionFlip)
  const { page, errors } = await open(0, `#pair=${e.pair_id}&step=${e.generation_step}&layer=1`)
  const button = page.locator('#metric [data-value=kl_divergence]')
  assert.equal(await button.isVisible(), true)
  await button.click()
  await page.waitForFunction(() => document.body.dataset.view?.split('|')[4] === 'kl_divergence')
  const units = effects.filter(u => u.pair_id === e.pair_id && u.generation_step === e.generation_step && u.token_kind === 'vision')
  const cells = await page.locator('[data-testid=grid] .cell').evaluateAll(els => els.map(c => ({
    row: Number(c.getAttribute('data-row')), col: Number(c.getAttribute('data-col')), value: c.getAttribute('data-value') })))
  assert.equal(cells.length, units.length, 'one cell per vision unit')
  for (const c of cells) {
    const u = units.find(x => x.patch_row === c.row && x.patch_col === c.col)
    assert.ok(u, `cell (${c.row}, ${c.col}) has an effects row`)
    assert.equal(Number(c.value), u.kl_divergence, `cell (${c.row}, ${c.col})`)
  }
  const before = await page.locator('[data-testid=grid] .cell').evaluateAll(els => els.map(c => c.getAttribute('data-value')))
  await page.keyboard.press('ArrowRight')
  await page.waitForFunction(() => document.body.dataset.view?.split('|')[2] === '2')
  assert.deepEqual(await page.locator('[data-testid=grid] .cell').evaluateAll(els => els.map(c => c.getAttribute('data-value'))),
    before, 'the effect does not depend on the layer shown')
  await page.keyboard.press('m')
  await page.waitForFunction(() => document.body.dataset.view?.split('|')[4] === 'l2_distance')
  assert.deepEqual(errors, [])
  await page.close()
})

test('a flipped cell is marked whatever the metric, and hovering it names the masked top-1 token', async () => {
  const e = /** @type {Record<string, any>} */ (visionFlip)
  const { page } = await open(0, `#pair=${e.pair_id}&step=${e.generation_step}`)
  assert.equal(await metric(page), 'l2_distance')
  const flipped = page.locator('[data-testid=grid] .cell.flipped')
  const expected = flips.filter(f => f.pair_id === e.pair_id && f.generation_step === e.generation_step && f.token_kind === 'vision')
  assert.equal(await flipped.count(), expected.length)
  const cell = page.locator(`[data-testid=grid] .cell[data-row="${e.patch_row}"][data-col="${e.patch_col}"]`)
  assert.match(await cell.getAttribute('class') ?? '', /\bflipped\b/)
  await cell.hover()
  await page.waitForSelector('#token-info [data-testid=flip]')
  assert.equal(await page.locator('#token-info [data-testid=flip]').textContent(),
    `flips the answer to “${visibleToken(e.masked_top1_token)}”`)
  assert.match(await page.locator('#token-info .effect').textContent() ?? '', /^hidden at layers all: KL /)
  assert.match(await page.locator('#strip .vision-run').first().getAttribute('class') ?? '',
    /\bflipped\b/, 'the image chip says one of its cells flips the answer')
  await page.close()
})

test('a flipped text token is marked in the strip, with its masked top-1 token on hover', async () => {
  const e = /** @type {Record<string, any>} */ (textFlip)
  const { page } = await open(0, `#pair=${e.pair_id}&step=${e.generation_step}`)
  const chip = page.locator(`#strip .tok[data-pos="${e.token_position}"]`)
  assert.match(await chip.getAttribute('class') ?? '', /\bflipped\b/)
  assert.equal(await page.locator('#strip .tok.flipped:not(.vision-run)').count(), 1)
  await chip.hover()
  await page.waitForSelector('#token-info [data-testid=flip]')
  assert.equal(await page.locator('#token-info [data-testid=flip]').textContent(),
    `flips the answer to “${visibleToken(e.masked_top1_token)}”`)
  await page.close()
})

test('a run without effects opens without the effect metric', async () => {
  const { page, errors } = await open(1, '#metric=kl_divergence')
  assert.equal(await page.locator('#metric [data-value=kl_divergence]').isVisible(), false)
  assert.equal(await page.locator('[data-testid=grid] .cell.flipped').count(), 0)
  assert.match(await page.locator('#grids').textContent() ?? '', /has no output effect \(KL\); showing L2 distance/)
  await page.keyboard.press('m')
  await page.waitForFunction(() => document.body.dataset.view?.split('|')[4] === 'l2_distance')
  await page.keyboard.press('m')
  await page.waitForFunction(() => document.body.dataset.view?.split('|')[4] === 'cosine_distance')
  await page.keyboard.press('m')
  await page.waitForFunction(() => document.body.dataset.view?.split('|')[4] === 'l2_distance')
  assert.deepEqual(errors, [])
  await page.close()
})
