/**
 * Bundles src/ and the pinned npm dependencies (hyparquet, zstddec) into app/viewer.js: one
 * classic script (IIFE), because pages opened from file:// cannot load ES modules.
 *
 * <p>Usage: `npm run build` (writes app/viewer.js), `node tools/build.js --check` (exits 1 when
 * the committed bundle differs from a fresh build, as CI runs it).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'app', 'viewer.js')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const versions = Object.entries(pkg.dependencies).map(([n, v]) => `${n}@${v}`).join(', ')

const result = await build({
  entryPoints: [join(root, 'src', 'main.js')],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'eof',
  banner: { js: `/* mask-impact viewer, built by tools/build.js from viewer/src with ${versions} (MIT). Do not edit. */` },
  write: false,
  logLevel: 'warning',
})
const code = result.outputFiles[0].contents
if (process.argv.includes('--check')) {
  const committed = readFileSync(out)
  if (Buffer.compare(Buffer.from(code), committed) !== 0) {
    console.error('app/viewer.js is out of date: run `npm run build` in viewer/ and commit it')
    process.exit(1)
  }
  console.log('app/viewer.js is up to date')
} else {
  writeFileSync(out, code)
  console.log(`app/viewer.js: ${code.length} bytes, ${gzipSync(code).length} gzipped`)
}
