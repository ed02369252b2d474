/**
 * Active files of a Delta Lake table, replayed from the JSON commits in `_delta_log`.
 *
 * <p>Each commit is newline-delimited JSON actions; `add` makes a file active, `remove` retires
 * it. Replaying commits 0..N in order gives the current snapshot. Checkpoints are not read: a run
 * folder has few commits (one per table write), and when commits were cleaned up after a
 * checkpoint the error says so.
 */

/**
 * @typedef {object} DeltaFile
 * @property {string} path relative to the table folder
 * @property {number} bytes
 * @property {Record<string, string | null>} partitionValues
 */

/**
 * Replays commits, given as their text in version order.
 *
 * @param {string[]} commits
 * @returns {DeltaFile[]}
 */
export function activeFiles(commits) {
  /** @type {Map<string, DeltaFile>} */
  const files = new Map()
  for (const text of commits) {
    for (const line of text.split('\n')) {
      if (!line.trim()) continue
      const action = JSON.parse(line)
      if (action.add) {
        files.set(action.add.path, {
          path: decodeURIComponent(action.add.path),
          bytes: Number(action.add.size),
          partitionValues: action.add.partitionValues ?? {},
        })
      } else if (action.remove) {
        files.delete(action.remove.path)
      }
    }
  }
  return [...files.values()]
}

/**
 * The zero-padded name of commit `version`.
 *
 * @param {number} version
 * @returns {string}
 */
export function commitName(version) {
  return `${String(version).padStart(20, '0')}.json`
}

/**
 * Reads a table's commits through `text` (undefined for a missing file) until the first gap.
 *
 * @param {string} tablePath table folder relative to the run root
 * @param {(path: string) => Promise<string | undefined>} text
 * @returns {Promise<DeltaFile[]>}
 */
export async function readDeltaTable(tablePath, text) {
  /** @type {string[]} */
  const commits = []
  for (let v = 0; ; v++) {
    const t = await text(`${tablePath}/_delta_log/${commitName(v)}`)
    if (t === undefined) break
    commits.push(t)
  }
  if (!commits.length) {
    throw new Error(`Cannot open Delta table ${tablePath}: no ${tablePath}/_delta_log/${commitName(0)} (checkpoint-only logs are not supported)`)
  }
  return activeFiles(commits)
}
