/**
 * Whether dist/ was built from the sources as they are now, so `npm start` and `agora` can skip a 20–40 s rebuild.
 * The stamp (dist/.build-stamp) holds a fingerprint of the build's inputs taken when the build started: the path,
 * size and mtime of every file under src/ plus the build scripts, tsconfigs and lockfile. Any edit, pull, added or
 * deleted file changes it; a file edited during the build leaves the old fingerprint, so the next start rebuilds.
 * Only stat() calls: ~250 files in a few milliseconds, cheap enough for every start of the CLI.
 *   node scripts/build-stamp.mjs   prints fresh, stale, missing or artefact (see buildState)
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STAMP = 'dist/.build-stamp';
/** Besides src/: what else decides the build's output. */
const OTHER_INPUTS = ['scripts/build.mjs', 'scripts/build-web.mjs', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** Every input file under `dir`, recursively, as paths relative to `root`. */
function walk(root, dir, out) {
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(root, p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Fingerprint of the build's inputs in `root` (default: this checkout). */
export function fingerprint(root = ROOT) {
  const files = walk(root, 'src', []).concat(OTHER_INPUTS.filter((f) => existsSync(join(root, f)))).sort();
  const h = createHash('sha256');
  for (const f of files) {
    const s = statSync(join(root, f));
    // Paths with forward slashes, so the same tree gives the same fingerprint wherever it is.
    h.update(`${relative(root, join(root, f)).split('\\').join('/')}\0${s.size}\0${Math.trunc(s.mtimeMs)}\n`);
  }
  return h.digest('hex');
}

/** Records that dist/ holds the build of the inputs whose fingerprint, taken before the build, is `fp`. */
export function writeStamp(fp, root = ROOT) {
  writeFileSync(join(root, STAMP), `${JSON.stringify({ fingerprint: fp, builtAt: new Date().toISOString(), node: process.version })}\n`);
}

/**
 * The state of dist/ in `root`: 'fresh' (built from these sources), 'stale' (built, but the sources changed or the
 * build predates stamps), 'missing' (never built), or 'artefact' (dist/ without sources: a deployed build, e.g. the
 * container image, which is by definition what is meant to run).
 */
export function buildState(root = ROOT) {
  const built = existsSync(join(root, 'dist/server/main.js')) && existsSync(join(root, 'dist/cli/index.js')) && existsSync(join(root, 'dist/web/embed.js'));
  if (!existsSync(join(root, 'src'))) return built ? 'artefact' : 'missing';
  if (!built) return 'missing';
  try {
    const stamp = JSON.parse(readFileSync(join(root, STAMP), 'utf8'));
    return stamp.fingerprint === fingerprint(root) ? 'fresh' : 'stale';
  } catch {
    return 'stale';
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(buildState());
}
