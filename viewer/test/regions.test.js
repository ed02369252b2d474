/**
 * Image regions in headless Chromium, on test/fixtures/tiles-run: a run written by the job's own `run`
 * (tools/make-tiles-run.sh) on the SmolVLM checkpoint written by transformers, whose processor splits the
 * 240 x 120 image into 2 x 3 tiles plus the global image. Checked: every tile over its part of the image (pixels of a screenshot against the
 * image's own pixels), cell bounds on hover, the global image's grid as a toggle, the strip grouped by
 * image index, keys and URL state. Expected values come from reading the run with plain hyparquet.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ARTIFACTS, VIEWER, launch, readAll, serveRun } from './helpers.js'
import { writeSyntheticRun } from './synthetic-run.js'

const TILES = join(VIEWER, 'test', 'fixtures', 'tiles-run')
const pairs = await readAll(TILES, 'pairs')
const impact = await readAll(TILES, 'impact')
/** @type {{ image_index: number, kind: string, grid_rows: number, grid_cols: number, x: number, y: number, width: number, height: number }[]} */
const regions = pairs[0].regions
const tiles = regions.filter(r => r.kind === 'tile')
const global = regions.find(r => r.kind === 'global')
const IMAGE = { width: 240, height: 120 }

/** @type {import('playwright-core').BrowserContext} */
let browser
/** @type {{ server: import('node:http').Server, url: string }} */
let site

before(async () => {
  browser = await launch()
  site = await serveRun(TILES)
})

after(async () => {
  await browser?.close()
  site?.server.close()
})

/**
 * Opens the run at a hash, with its image loaded and laid out.
 *
 * @param {string} [hash]
 * @returns {Promise<{ page: import('playwright-core').Page, errors: string[] }>}
 */
async function openRun(hash = '') {
  const page = await browser.newPage()
  /** @type {string[]} */
  const errors = []
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()) })
  page.on('pageerror', e => errors.push(e.message))
  await page.goto(`${site.url}viewer/${hash}`)
  await page.waitForSelector('body[data-view]', { timeout: 20_000 })
  await page.waitForFunction(() => {
    const img = /** @type {HTMLImageElement | null} */ (document.querySelector('[data-testid=grid] .grid-image'))
    return img?.complete && img.naturalWidth > 0
  })
  return { page, errors }
}

/**
 * The shown image region of the view key (its last field), null for all.
 *
 * @param {import('playwright-core').Page} page
 * @returns {Promise<number | null>}
 */
async function shownImage(page) {
  const v = ((await page.getAttribute('body', 'data-view')) ?? '').split('|')[6]
  return v ? Number(v) : null
}

/**
 * RGB values of a PNG at points, decoded by the browser.
 *
 * @param {import('playwright-core').Page} page
 * @param {string} src an image URL
 * @param {number[][]} points [x, y] in the image's pixels
 * @returns {Promise<number[][]>}
 */
function pixels(page, src, points) {
  return page.evaluate(async ({ src, points }) => {
    const img = new Image()
    img.src = src
    await img.decode()
    const canvas = document.createElement('canvas')
    canvas.width = img.naturalWidth
    canvas.height = img.naturalHeight
    const g = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'))
    g.drawImage(img, 0, 0)
    return points.map(([x, y]) => [...g.getImageData(x, y, 1, 1).data.slice(0, 3)])
  }, { src, points })
}

/**
 * @param {number[]} got
 * @param {number[]} want
 * @param {number} tolerance per channel
 * @returns {boolean}
 */
function near(got, want, tolerance) {
  return got.every((v, i) => Math.abs(v - want[i]) <= tolerance)
}

test('the fixture is what the job wrote for tiles: six tiles and the global image, vision tokens indexed', () => {
  assert.deepEqual(regions.map(r => r.kind), ['tile', 'tile', 'tile', 'tile', 'tile', 'tile', 'global'])
  assert.deepEqual(tiles.map(r => [r.x, r.y, r.width, r.height]),
    [[0, 0, 80, 60], [80, 0, 80, 60], [160, 0, 80, 60], [0, 60, 80, 60], [80, 60, 80, 60], [160, 60, 80, 60]])
  const vision = impact.filter(r => r.token_kind === 'vision')
  assert.deepEqual([...new Set(vision.map(r => r.image_index))].sort(), [0, 1, 2, 3, 4, 5, 6])
  assert.ok(impact.filter(r => r.token_kind !== 'vision').every(r => r.image_index == null), 'image_index null elsewhere')
})

test('every tile lies over its part of the image: screenshot pixels at tile borders and inside each tile', async () => {
  const { page, errors } = await openRun()
  // transparent cells, so the screenshot shows the image under the grid
  await page.evaluate(() => {
    const o = /** @type {HTMLInputElement} */ (document.getElementById('opacity'))
    o.value = '0'
    o.dispatchEvent(new Event('input', { bubbles: true }))
  })
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=grid] .cell')]
    .every(c => /rgba\(.*, 0\)|transparent/.test(/** @type {HTMLElement} */ (c).style.background)))
  await page.mouse.move(0, 0)
  assert.equal(await page.locator('[data-testid=grid] .region[data-kind=tile]').count(), 6, 'six tile boxes')
  assert.equal(await page.locator('[data-testid=grid] .region[data-kind=global]').count(), 0, 'the global grid is off')
  assert.equal(await page.locator('[data-testid=grid] .cell').count(), tiles.reduce((n, t) => n + t.grid_rows * t.grid_cols, 0),
    'one cell per tile token')

  const layer = page.locator('[data-testid=grid] .cells')
  const rect = await layer.boundingBox()
  assert.ok(rect)
  assert.ok(Math.abs(rect.height - rect.width * IMAGE.height / IMAGE.width) <= 1.5,
    `the picture keeps the image's 2:1 shape, not the 4 x 12 token grid's (${rect.width} x ${rect.height})`)
  const shot = await layer.screenshot({ path: join(ARTIFACTS, 'tiles-grid.png') })
  const sx = rect.width / IMAGE.width
  const sy = rect.height / IMAGE.height
  /** @type {number[][]} */
  const inShot = []
  /** @type {number[][]} */
  const inImage = []
  /** @type {number[][]} */
  const border = []
  for (const t of tiles) {
    // the centre of the tile's first cell, on the screenshot and in the image
    const cx = t.x + t.width / t.grid_cols / 2
    const cy = t.y + t.height / t.grid_rows / 2
    inShot.push([Math.round(cx * sx), Math.round(cy * sy)])
    inImage.push([Math.floor(cx), Math.floor(cy)])
    // the middle of each edge of the tile's box, one pixel inside
    const [l, r, top, bottom] = [t.x * sx, (t.x + t.width) * sx, t.y * sy, (t.y + t.height) * sy]
    const mx = Math.round((l + r) / 2)
    const my = Math.round((top + bottom) / 2)
    border.push([Math.floor(l) + 1, my], [Math.ceil(r) - 2, my], [mx, Math.floor(top) + 1], [mx, Math.ceil(bottom) - 2])
  }
  const src = `data:image/png;base64,${shot.toString('base64')}`
  const shown = await pixels(page, src, inShot)
  const original = await pixels(page, `${site.url}images/tiles-1.png`, inImage)
  tiles.forEach((t, i) => assert.ok(near(shown[i], original[i], 12),
    `tile ${t.image_index}: the screen shows ${shown[i]} where the image has ${original[i]}`))
  assert.equal(new Set(original.map(c => c.join())).size, 6, 'six different tile colours: a misplaced tile cannot pass')
  const edges = await pixels(page, src, border)
  edges.forEach((c, i) => assert.ok(near(c, [0, 255, 255], 40),
    `tile ${tiles[Math.floor(i / 4)].image_index}, edge ${i % 4}: cyan border expected, got ${c}`))
  assert.deepEqual(errors, [])
  await page.close()
})

test('hovering a cell shows its region and its bounds in the original image', async () => {
  const { page } = await openRun()
  const tile = tiles[4]
  const cell = page.locator(`[data-testid=grid] .cell[data-image="${tile.image_index}"][data-row="1"][data-col="2"]`)
  await cell.hover()
  const w = tile.width / tile.grid_cols
  const h = tile.height / tile.grid_rows
  const [x0, y0] = [tile.x + 2 * w, tile.y + 1 * h]
  await page.waitForSelector('#token-info .cell-bounds')
  // shown to a tenth of a pixel (SmolVLM's tiles are 80 / 3 pixels a cell)
  const px = (/** @type {number} */ v) => String(Math.round(v * 10) / 10)
  assert.equal(await page.locator('#token-info .cell-bounds').textContent(),
    `tile ${tile.image_index} · x ${px(x0)}–${px(x0 + w)}, y ${px(y0)}–${px(y0 + h)} px`)
  assert.equal(await cell.getAttribute('data-bounds'), [x0, y0, w, h].join(','))
  await page.close()
})

test('the global image grid is a toggle, kept in the URL and by G', async () => {
  assert.ok(global)
  const { page } = await openRun()
  await page.locator('#global-grid').check()
  await page.waitForFunction(g => document.body.dataset.view?.split('|')[6] === String(g), global.image_index)
  assert.equal(await page.locator('[data-testid=grid] .region').count(), 1)
  assert.equal(await page.locator('[data-testid=grid] .region[data-kind=global]').count(), 1)
  assert.equal(await page.locator('[data-testid=grid] .cell').count(), global.grid_rows * global.grid_cols)
  const [whole, region] = await Promise.all([page.locator('[data-testid=grid] .cells').boundingBox(),
    page.locator('[data-testid=grid] .region').boundingBox()])
  assert.ok(whole && region && Math.abs(whole.width - region.width) < 1 && Math.abs(whole.height - region.height) < 1,
    'the global grid covers the whole image')
  assert.match(page.url(), new RegExp(`[#&]image=${global.image_index}(&|$)`))
  await page.keyboard.press('g')
  await page.waitForFunction(() => document.body.dataset.view?.split('|')[6] === '')
  assert.equal(await page.locator('[data-testid=grid] .region[data-kind=tile]').count(), 6, 'G turns it off again')
  await page.close()

  const reopened = await openRun(`#image=${global.image_index}`)
  assert.equal(await shownImage(reopened.page), global.image_index, 'a link with image=N opens that region')
  assert.equal(await reopened.page.locator('#global-grid').isChecked(), true)
  await reopened.page.close()
})

test('the strip has one chip per image region, in index order; a chip or I draws one region alone', async () => {
  const { page } = await openRun()
  const chips = await page.locator('#strip .vision-run').evaluateAll(els => els.map(e => [e.getAttribute('data-image'), e.textContent]))
  assert.deepEqual(chips, regions.map(r => [String(r.image_index),
    `${r.kind === 'global' ? 'global image' : `tile ${r.image_index}`} ×${r.grid_rows * r.grid_cols}`]))
  await page.locator('#strip .vision-run[data-image="2"]').click()
  await page.waitForFunction(() => document.body.dataset.view?.split('|')[6] === '2')
  assert.deepEqual(await page.locator('[data-testid=grid] .region').evaluateAll(els => els.map(e => e.getAttribute('data-image'))), ['2'])
  await page.keyboard.press('i')
  await page.waitForFunction(() => document.body.dataset.view?.split('|')[6] === '3')
  assert.equal(await shownImage(page), 3)
  assert.match(page.url(), /[#&]image=3(&|$)/)
  await page.close()
})

test('a Qwen-VL grid (22 x 31 cells of a 1000 x 700 photo resized to 992 x 704) is scaled onto the original image', async () => {
  const dir = join(ARTIFACTS, 'qwen-grid-run')
  await writeSyntheticRun({
    dir, runId: 'qwen-grid', model: 'synthetic-qwen3-vl', layers: 2, heads: 2, attnWeights: false, steps: 1,
    regions: true,
    pairs: [{
      pairId: 'photo', question: 'Where is the ball?', questionTokens: ['Where', ' is', ' the', ' *ball', '?'],
      answerTokens: ['Left'], gridRows: 22, gridCols: 31, hot: [5, 9], imageSize: [1000, 700],
    }],
  })
  const s = await serveRun(dir)
  try {
    const page = await browser.newPage()
    await page.goto(`${s.url}viewer/`)
    await page.waitForSelector('body[data-view]', { timeout: 20_000 })
    await page.waitForFunction(() => /** @type {HTMLImageElement | null} */ (document.querySelector('.grid-image'))?.complete)
    const [box, cell] = await Promise.all([page.locator('[data-testid=grid] .cells').boundingBox(),
      page.locator('[data-testid=grid] .cell[data-row="0"][data-col="0"]').boundingBox()])
    assert.ok(box && cell)
    assert.ok(Math.abs(box.height - box.width * 700 / 1000) <= 1.5,
      `the picture has the photo's shape (${box.width} x ${box.height}), not the grid's 31:22`)
    assert.ok(Math.abs(cell.width - box.width / 31) < 0.6 && Math.abs(cell.height - box.height / 22) < 0.6,
      `a cell is 1/31 of the width and 1/22 of the height (${cell.width} x ${cell.height})`)
    const bounds = (await page.locator('[data-testid=grid] .cell[data-row="3"][data-col="4"]').getAttribute('data-bounds'))
      ?.split(',').map(Number)
    assert.deepEqual(bounds, [4 * 1000 / 31, 3 * 700 / 22, 1000 / 31, 700 / 22], 'cell (3, 4) in the photo\'s pixels')
    await page.close()
  } finally {
    s.server.close()
  }
})

test('Export PNG draws each tile at its box, outlined', async () => {
  const { page } = await openRun()
  const rect = await page.locator('[data-testid=grid] .cells').boundingBox()
  assert.ok(rect)
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-btn').click()])
  const path = join(ARTIFACTS, 'tiles-export.png')
  await download.saveAs(path)
  const src = `data:image/png;base64,${readFileSync(path).toString('base64')}`
  // the export puts the grid's box at (16, 52), inside a 1-pixel border
  const sx = rect.width / IMAGE.width
  const sy = rect.height / IMAGE.height
  /** @type {number[][]} */
  const points = []
  for (const t of tiles) {
    const my = Math.round(53 + (t.y + t.height / 2) * sy)
    const mx = Math.round(17 + (t.x + t.width / 2) * sx)
    points.push([Math.round(17 + t.x * sx) + 1, my], [mx, Math.round(53 + t.y * sy) + 1])
  }
  const found = await pixels(page, src, points)
  found.forEach((c, i) => assert.ok(near(c, [0, 255, 255], 60),
    `tile ${tiles[Math.floor(i / 2)].image_index}: outline expected at ${points[i]}, got ${c}`))
  await page.close()
})
