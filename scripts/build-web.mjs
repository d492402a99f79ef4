#!/usr/bin/env node
/**
 * Builds the browser bundles: dist/web/embed.js (the Discussion widget, everything an embedding page loads)
 * and dist/web/popup.js (the sign-in popup's script). Run directly or import `buildWeb`.
 * Each served bundle also gets `<name>.gz`, compressed once here with Zopfli (plain gzip that any client inflates,
 * about 3% smaller than zlib -9); the server sends those bytes as they are (docs/adr/0003).
 */
// @gfx/zopfli is a regular dependency, like esbuild: `npm start` runs this build too.
import { gzipAsync } from '@gfx/zopfli';
import { build } from 'esbuild';
import { minify } from 'terser';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Budget, in gzip bytes as sent, of embed.js plus one embed-<lang>.js; test/unit/embed-size.test.ts enforces it. */
export const EMBED_BUDGET = 15 * 1024;

// Browsers from 2021 on, with working native ES2020: esbuild rewrites `?.` for Chrome < 91 (a V8 bug) and
// destructuring for Safari 14.0, and those rewrites would cost every reader bytes for browsers news sites
// hardly see any more.
const TARGET = ['es2020', 'chrome91', 'edge91', 'firefox78', 'safari14.1'];

/** The bundles the server sends (src/server/http/static-routes.ts), each with its `<name>.gz`. */
const SERVED = /** @type {const} */ (['embed.js', 'embed-en.js', 'embed-fr.js', 'popup.js', 'count.js', 'admin.js']);

// Zopfli's default. Measured on these bundles: 15 iterations take ~0.9 s for all six (the whole build ~1.3 s on two
// cores, against ~0.2 s without); 50 save 1 B on embed.js and 18 B on admin.js for twice the time; 5 lose 12 B.
const ZOPFLI = { numiterations: 15 };

/**
 * A second minifier pass after esbuild's. Terser's mangler names by frequency and its compressor folds more, and the
 * output gzips better: measured on embed.js, 466 B less gzip (13,834 B against 14,300 B), which the embed's 15 KB
 * budget needs. esbuild stays for bundling, JSX and its fast minify (the input terser starts from).
 * @param {string} code
 */
async function terse(code) {
  const out = await minify(code, { ecma: 2020, compress: { passes: 2 }, mangle: true, format: { ascii_only: true } });
  if (out.code === undefined) throw new Error('terser produced nothing');
  return out.code;
}

/**
 * Builds the bundles into `outdir` (default dist/web), writes `<name>.gz` next to each served one, and returns
 * their raw sizes and gzip sizes in bytes, the gzip size being that of the `.gz` file: the bytes on the wire.
 * @param {{ outdir?: string }} [opts]
 * @returns {Promise<Record<(typeof SERVED)[number], { raw: number, gzip: number }>>}
 */
export async function buildWeb({ outdir = path.join(root, 'dist/web') } = {}) {
  await build({
    absWorkingDir: root,
    entryPoints: { embed: 'src/web/embed/index.tsx', 'embed-en': 'src/web/embed/strings/en.ts', 'embed-fr': 'src/web/embed/strings/fr.ts', popup: 'src/web/popup/popup.ts', count: 'src/web/count/count.ts', admin: 'src/web/admin/index.tsx' },
    outdir,
    bundle: true,
    // IIFE, one file each: the embed must cost host pages exactly one request and leak no globals but `Agora`.
    format: 'iife',
    platform: 'browser',
    target: TARGET,
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    // The console injects its stylesheets (its own and uPlot's) from the bundle: one file to serve.
    loader: { '.css': 'text' },
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    // Non-ASCII stays escaped so the bundle decodes the same whatever charset the host page or server declares.
    charset: 'ascii',
    logLevel: 'warning',
  });
  const sizes = /** @type {Record<(typeof SERVED)[number], { raw: number, gzip: number }>} */ ({});
  for (const name of SERVED) {
    const code = Buffer.from(await terse(await readFile(path.join(outdir, name), 'utf8')));
    await writeFile(path.join(outdir, name), code);
    // Zopfli's gzip header has no name and a zero mtime: the same bundle always gives the same .gz.
    const gz = await gzipAsync(code, ZOPFLI);
    await writeFile(path.join(outdir, `${name}.gz`), gz);
    sizes[name] = { raw: code.length, gzip: gz.length };
  }
  return sizes;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const sizes = await buildWeb();
  for (const [name, { raw, gzip }] of Object.entries(sizes)) {
    console.log(`dist/web/${name}: ${raw} B, ${gzip} B gzip as sent (${name}.gz, ${(gzip / 1024).toFixed(2)} KB)`);
  }
  // A page loads embed.js and the strings of its own language.
  const loaded = sizes['embed.js'].gzip + Math.max(sizes['embed-en.js'].gzip, sizes['embed-fr.js'].gzip);
  const over = loaded > EMBED_BUDGET;
  console.log(`embed budget: ${loaded} of ${EMBED_BUDGET} B gzip as sent (embed.js + the larger embed-<lang>.js)${over ? ' — OVER BUDGET' : ''}`);
  if (over) process.exitCode = 1;
}
