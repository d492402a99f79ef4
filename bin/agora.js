#!/usr/bin/env node
// The `agora` command. Runs the compiled CLI when dist/ was built from the current sources (or is a deployed build
// without sources), else the TypeScript sources through tsx, so `npx agora …` works right after `npm ci` and never
// runs a stale build after the sources changed (a pull without a rebuild). A production install (`npm ci
// --omit=dev`) has no tsx: it runs the build it has, with a warning when the sources beside it are newer.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = `${root}dist/cli/index.js`;

// No sources (a container image ships dist/ only): the build is what runs. Else the stamp decides.
const state = existsSync(`${root}src`) ? (await import(pathToFileURL(`${root}scripts/build-stamp.mjs`).href)).buildState(root) : existsSync(built) ? 'artefact' : 'missing';
if (state === 'fresh' || state === 'artefact') {
  await import(pathToFileURL(built).href);
} else {
  let tsx;
  try {
    tsx = await import('tsx/esm/api');
  } catch {
    // tsx is a devDependency: absent from production installs.
  }
  if (tsx) {
    tsx.register();
    await import(pathToFileURL(`${root}src/cli/index.ts`).href);
  } else if (existsSync(built)) {
    process.stderr.write('agora: the sources changed since dist/ was built and tsx is not installed: running the existing build (npm run build to refresh it)\n');
    await import(pathToFileURL(built).href);
  } else {
    process.stderr.write('agora: dist/ is not built: run `npm ci && npm run build` first\n');
    process.exit(1);
  }
}
