/**
 * Viewer benchmark: time to the first rendered grid in headless Chromium, and the bytes fetched,
 * for a run served over HTTP (with Range) on 127.0.0.1.
 *
 * <p>Each repetition is a fresh browser profile (no HTTP cache). "First grid" is the
 * `first-grid` performance mark, set when the grid, strip, heatmap and stats of the first view are
 * in the DOM, measured from navigation start (so it includes loading viewer.js, the manifest,
 * the small tables, footers and the pages of the first view). Also measured: a step change with
 * nothing cached (↑ after the prefetch is cancelled by changing variant first).
 *
 * <p>Usage: `node tools/bench-viewer.js RUN [REPEATS]`.
 */
import { rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { chromium } from 'playwright-core'
import { ARTIFACTS, CHROMIUM_ARGS, serveRun } from '../test/helpers.js'

const run = process.argv[2]
const repeats = Number(process.argv[3] ?? 5)
if (!run) {
  console.error('usage: node tools/bench-viewer.js RUN [REPEATS]')
  process.exit(2)
}
const { server, url } = await serveRun(resolve(run))
/** @type {{ marks: string, firstGrid: number, bytes: number, requests: number, bundle: number, variantMs: number, variantBytes: number }[]} */
const results = []
for (let i = 0; i < repeats; i++) {
  const profile = join(ARTIFACTS, `bench-profile-${i}`)
  rmSync(profile, { recursive: true, force: true })
  const ctx = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true, viewport: { width: 1400, height: 1000 } })
  const page = await ctx.newPage()
  await page.goto(`${url}viewer/`)
  await page.waitForSelector('body[data-view]', { timeout: 60_000 })
  const r = await page.evaluate(() => {
    const mark = performance.getEntriesByName('first-grid')[0]
    const res = /** @type {PerformanceResourceTiming[]} */ (performance.getEntriesByType('resource'))
    const bundle = res.find(e => e.name.endsWith('viewer.js'))
    const stats = /** @type {any} */ (window).maskImpactViewer.fetchStats
    const marks = ['script', 'manifest', 'small-tables', 'slab', 'first-grid'].map(n => `${n} ${performance.getEntriesByName(n)[0]?.startTime.toFixed(0)}`).join(', ')
    return { marks, firstGrid: mark.startTime, bytes: stats.bytes, requests: stats.requests, bundle: bundle?.encodedBodySize ?? 0 }
  })
  // a cold slab: another variant of the same step (nothing prefetched it)
  const before = await page.evaluate(() => ({ ...(/** @type {any} */ (window).maskImpactViewer.fetchStats) }))
  const t0 = Date.now()
  const variant = await page.locator('#variant option').nth(5).getAttribute('value')
  await page.selectOption('#variant', variant ?? 'Attn')
  await page.waitForFunction(v => document.body.dataset.view?.split('|')[3] === v, variant)
  const variantMs = Date.now() - t0
  const after = await page.evaluate(() => ({ ...(/** @type {any} */ (window).maskImpactViewer.fetchStats) }))
  console.log(r.marks)
  results.push({ ...r, variantMs, variantBytes: after.bytes - before.bytes })
  await ctx.close()
  rmSync(profile, { recursive: true, force: true })
}
server.close()
const med = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const pick = (/** @type {'firstGrid' | 'bytes' | 'requests' | 'bundle' | 'variantMs' | 'variantBytes'} */ k) => results.map(r => r[k])
console.log(`runs: ${results.map(r => r.firstGrid.toFixed(0)).join(', ')} ms`)
console.log(`first grid: median ${med(pick('firstGrid')).toFixed(0)} ms, min ${Math.min(...pick('firstGrid')).toFixed(0)} ms`)
console.log(`data fetched for first view: ${med(pick('bytes'))} bytes in ${med(pick('requests'))} requests; viewer.js ${med(pick('bundle'))} bytes`)
console.log(`variant change (cold): median ${med(pick('variantMs'))} ms, ${med(pick('variantBytes'))} bytes`)
