/**
 * A small static file server for tests and local use: serves one folder on 127.0.0.1, honours
 * HTTP Range (single ranges), answers HEAD, and never lists directories or leaves its root.
 *
 * <p>Usage: `node tools/serve.js DIR [PORT]` (PORT 0 picks a free one); prints the URL.
 * As a module: `const { server, url } = await serve(dir, port)`.
 */
import { createServer } from 'node:http'
import { createReadStream, existsSync, statSync } from 'node:fs'
import { extname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/** @type {Record<string, string>} */
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp',
  '.parquet': 'application/vnd.apache.parquet', '.wasm': 'application/wasm',
}

/**
 * Starts serving `dir`, or several folders mounted at URL prefixes
 * (`{ '/': runDir, '/viewer/': 'viewer/app' }`, the layout of a run with the viewer copied in).
 *
 * @param {string | Record<string, string>} dir
 * @param {number} [port]
 * @param {{ log?: (line: string) => void }} [options] log receives one line per request
 * @returns {Promise<{ server: import('node:http').Server, url: string }>}
 */
export function serve(dir, port = 0, options = {}) {
  const mounts = Object.entries(typeof dir === 'string' ? { '/': dir } : dir)
    .map(([prefix, d]) => ({ prefix: prefix.endsWith('/') ? prefix : `${prefix}/`, root: resolve(d) }))
    .sort((a, b) => b.prefix.length - a.prefix.length)
  const server = createServer((req, res) => {
    let path = '/'
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    } catch {
      return end(res, 400)
    }
    if (path === '/' && leadsToViewer(mounts)) {
      // a run folder has no page of its own: its root leads to the viewer, as the job's `serve` does
      res.writeHead(302, { Location: '/viewer/' })
      return res.end()
    }
    const mount = mounts.find(m => path.startsWith(m.prefix) || `${path}/` === m.prefix)
    if (!mount) return end(res, 404)
    const root = mount.root
    let file = resolve(join(root, path.slice(mount.prefix.length)))
    if (file !== root && !file.startsWith(root + sep)) return end(res, 403)
    /** @type {import('node:fs').Stats} */
    let st
    try {
      st = statSync(file)
      if (st.isDirectory()) { file = join(file, 'index.html'); st = statSync(file) }
    } catch {
      return end(res, 404)
    }
    const size = st.size
    /** @type {Record<string, string | number>} */
    const headers = { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-cache' }
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '')
    let start = 0
    let endByte = size - 1
    let status = 200
    if (range && (range[1] || range[2])) {
      if (range[1]) { start = Number(range[1]); endByte = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1 }
      else { start = Math.max(0, size - Number(range[2])) }
      if (start > endByte || start >= size) {
        res.writeHead(416, { 'Content-Range': `bytes */${size}` })
        return res.end()
      }
      status = 206
      headers['Content-Range'] = `bytes ${start}-${endByte}/${size}`
    }
    headers['Content-Length'] = endByte - start + 1
    options.log?.(`${req.method} ${path} ${status} ${headers['Content-Length']}`)
    res.writeHead(status, headers)
    if (req.method === 'HEAD' || size === 0) return res.end()
    createReadStream(file, { start, end: endByte }).pipe(res)
  })
  return new Promise(done => server.listen(port, '127.0.0.1', () => {
    const addr = /** @type {import('node:net').AddressInfo} */ (server.address())
    done({ server, url: `http://127.0.0.1:${addr.port}/` })
  }))
}

/**
 * @param {{ prefix: string, root: string }[]} mounts
 * @returns {boolean} whether `/` has no index.html but a viewer is served at /viewer/
 */
function leadsToViewer(mounts) {
  const root = mounts.find(m => m.prefix === '/')?.root
  if (root && existsSync(join(root, 'index.html'))) return false
  return mounts.some(m => m.prefix === '/viewer/') || (root !== undefined && existsSync(join(root, 'viewer', 'index.html')))
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 */
function end(res, status) {
  res.writeHead(status, { 'Content-Type': 'text/plain' })
  res.end(String(status))
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2]
  if (!dir) {
    console.error('usage: node tools/serve.js DIR [PORT]')
    process.exit(2)
  }
  const { url } = await serve(dir, Number(process.argv[3] ?? 8099))
  console.log(`serving ${resolve(dir)} at ${url}`)
}
