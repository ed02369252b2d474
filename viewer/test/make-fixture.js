/**
 * Writes the small synthetic run used by the tests when MASK_IMPACT_RUN is not set.
 *
 * <p>Three pairs: a non-square 6x8 grid with an image, a pair whose question, tokens and id are
 * HTML/script payloads, and a pair whose image is an absolute path that does not exist.
 * Usage: `node test/make-fixture.js [DIR]` (default test/fixtures/run).
 */
import { fileURLToPath } from 'node:url'
import { dirname, join, resolve } from 'node:path'
import { writeSyntheticRun } from './synthetic-run.js'

const here = dirname(fileURLToPath(import.meta.url))

/** Payloads that would run script or inject elements if rendered as HTML. */
export const XSS = {
  pairId: 'xss-"<i>pair</i>"',
  img: '<img src=x onerror="window.__xss=1">',
  script: '<script>window.__xss=2</script>',
  svg: '<svg onload="window.__xss=3">',
}

/** @type {import('./synthetic-run.js').RunSpec} */
export const FIXTURE_SPEC = {
  dir: join(here, 'fixtures', 'run'),
  runId: 'synthetic-0001',
  model: 'tiny-llava-synthetic',
  layers: 6,
  heads: 4,
  attnWeights: true,
  steps: 4,
  pageSize: 4096,
  pairs: [
    {
      pairId: 'ball-001',
      question: 'What colour is the ball?',
      questionTokens: ['What', ' *colour', ' is', ' the', ' *ball', '?'],
      answerTokens: ['The', ' ball', ' is', ' red'],
      gridRows: 6, gridCols: 8, hot: [2, 5],
    },
    {
      pairId: XSS.pairId,
      question: `${XSS.img} What is <b>this</b>? ${XSS.script}`,
      questionTokens: [XSS.img, ' *What', ' is', ' <b>this</b>', '?', XSS.script],
      answerTokens: [XSS.svg, ' &amp;', ' "quoted"'],
      gridRows: 4, gridCols: 4, hot: [1, 1],
      imageRef: 'images/xss.png',
    },
    {
      pairId: 'absent-image-003',
      question: 'Is there a cat?',
      questionTokens: ['Is', ' there', ' a', ' *cat', '?'],
      answerTokens: ['No', '.'],
      gridRows: 3, gridCols: 5, hot: [1, 3],
      imageRef: '/nonexistent/images/cat.jpg',
      writeImage: false,
    },
  ],
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ? resolve(process.argv[2]) : FIXTURE_SPEC.dir
  const manifest = await writeSyntheticRun({ ...FIXTURE_SPEC, dir })
  const rows = manifest.tables.impact.partitions.flatMap((/** @type {any} */ p) => p.files).length
  console.log(`wrote ${dir} (${rows} impact files)`)
}
