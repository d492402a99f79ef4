#!/usr/bin/env node
/**
 * `npm run build`: the browser bundles (scripts/build-web.mjs), then the server and the CLI (tsc), then the stamp
 * that lets `npm start` and `agora` skip the next build while the sources stay as they are (scripts/build-stamp.mjs).
 * Needs the devDependencies (typescript, esbuild, terser, Zopfli): a production install runs a build, never makes one.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, fingerprint, writeStamp } from './build-stamp.mjs';

/** Runs `node args…` in the project root, inheriting the terminal; exits with its code on failure. */
function node(args) {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

let tsc;
try {
  tsc = createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  console.error('agora: building needs the devDependencies (typescript, esbuild…): run `npm ci` without --omit=dev');
  process.exit(1);
}
// Taken before reading any source: a file saved during the build leaves dist/ stale, and the next start rebuilds.
const fp = fingerprint();
node([join(ROOT, 'scripts/build-web.mjs')]);
node([tsc, '-p', join(ROOT, 'tsconfig.build.json')]);
writeStamp(fp);
