#!/usr/bin/env node
// The `agora` command. Runs the compiled CLI when `npm run build` has made it from the current sources, else the
// TypeScript sources through tsx, so `npx agora …` works right after `npm ci` and never runs a stale build after
// the sources changed (a pull without a rebuild).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = `${root}dist/cli/index.js`;

/** Newest modification time of the TypeScript sources the CLI is built from. */
function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.tsx?$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

const fresh = existsSync(built) && (!existsSync(`${root}src`) || statSync(built).mtimeMs >= newestSource(`${root}src`));
if (fresh) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(`${root}src/cli/index.ts`).href);
}
