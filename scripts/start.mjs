#!/usr/bin/env node
/**
 * `npm start`: runs the server from dist/, building it first only when it is missing or older than the sources
 * (scripts/build-stamp.mjs). A fresh clone builds once (`npm ci && npm start`); later starts take a second or two.
 * A production install (`npm ci --omit=dev`) has no build tools: it runs the build it was given, and says so when
 * the sources beside it have changed since.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, buildState } from './build-stamp.mjs';

const state = buildState();
if (state === 'missing' || state === 'stale') {
  if (existsSync(join(ROOT, 'node_modules/typescript')) && existsSync(join(ROOT, 'node_modules/esbuild'))) {
    console.log(state === 'missing' ? 'agora: first start: building (once)…' : 'agora: the sources changed since the last build: building…');
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  } else if (state === 'stale') {
    console.warn('agora: the sources changed since dist/ was built, and the build tools are not installed (npm ci --omit=dev): starting the existing build');
  } else {
    console.error('agora: dist/ is not built and the build tools are not installed: run `npm ci && npm run build` first');
    process.exit(1);
  }
}
await import(pathToFileURL(join(ROOT, 'dist/server/main.js')).href);
