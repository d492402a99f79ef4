#!/usr/bin/env node
/**
 * Builds the browser bundles into dist/web: embed.js (the Discussion widget's loader, the script publishers embed)
 * and the widget's ES modules under embed/ (the reading path, each language's strings, the interaction chunks),
 * popup.js (the sign-in popup's script), count.js and admin.js. Run directly or import `buildWeb`.
 * Each served file also gets `<name>.gz`, compressed once here with Zopfli (plain gzip that any client inflates,
 * about 3% smaller than zlib -9); the server sends those bytes as they are (docs/adr/0003, docs/adr/0020).
 */
// @gfx/zopfli is a regular dependency, like esbuild: `npm start` runs this build too.
import { gzipAsync } from '@gfx/zopfli';
import { build } from 'esbuild';
import { minify } from 'terser';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

// Browsers from 2021 on, with working native ES2020: esbuild rewrites `?.` for Chrome < 91 (a V8 bug) and
// destructuring for Safari 14.0, and those rewrites would cost every reader bytes for browsers news sites
// hardly see any more. All of them have dynamic import(), which the widget's chunks need.
const TARGET = ['es2020', 'chrome91', 'edge91', 'firefox78', 'safari14.1'];

/** The classic scripts the server sends (src/server/http/static-routes.ts), each with its `<name>.gz`. */
const SERVED = /** @type {const} */ (['embed.js', 'popup.js', 'count.js', 'admin.js']);

// Zopfli's default. Measured on these bundles: 15 iterations take ~0.9 s for all six (the whole build ~1.3 s on two
// cores, against ~0.2 s without); 50 save 1 B on embed.js and 18 B on admin.js for twice the time; 5 lose 12 B.
const ZOPFLI = { numiterations: 15 };

/**
 * The widget's stylesheets are written one rule per line for reading; the line breaks are dropped from the bundle
 * (`\n` costs two bytes in a JS string, and every reader downloads the reading path's).
 * @type {import('esbuild').Plugin}
 */
const cssLines = {
  name: 'css-lines',
  setup(b) {
    b.onLoad({ filter: /src[\\/]web[\\/]embed[\\/](styles\.ts|components[\\/]FormStyle\.tsx)$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replace(/`[^`]*`/g, (css) => css.replace(/\n/g, '')),
      loader: args.path.endsWith('x') ? 'tsx' : 'ts',
    }));
  },
};

/** esbuild options shared by the classic scripts and the widget's modules. */
const COMMON = {
  plugins: [cssLines],
  absWorkingDir: root,
  bundle: true,
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
};

/**
 * A second minifier pass after esbuild's. Terser's mangler names by frequency and its compressor folds more, and the
 * output gzips better: measured on embed.js, 466 B less gzip (13,834 B against 14,300 B), which the embed's
 * budget needs. esbuild stays for bundling, JSX and its fast minify (the input terser starts from).
 * @param {string} code
 * @param {{ module: boolean }} opts `module`: an ES module, whose top-level names are its own to shorten
 */
async function terse(code, { module }) {
  const out = await minify(code, { ecma: 2020, module, compress: { passes: 2 }, mangle: true, format: { ascii_only: true } });
  if (out.code === undefined) throw new Error('terser produced nothing');
  return out.code;
}

/** The widget's chunks loaded on first use (and prefetched when the browser is idle): src/web/embed/chunks/<name>.ts. */
// `mod` is the moderators' menu (docs/adr/0025): built and budgeted like the others, but never prefetched for readers.
const CHUNKS = /** @type {const} */ (['composer', 'auth', 'report', 'bell', 'guest', 'account', 'permalink', 'mod']);

/**
 * Budgets, in gzip bytes as sent (docs/adr/0020); test/unit/embed-size.test.ts enforces them. The reading path is
 * what every reader loads: embed.js, the reading module and the chunks it imports, and one language's strings.
 */
// The reading path's budget is what it measures now (13,796 B on a French page) and 304 B for what comes next, not
// the 12 KB: ADR 0020 says what the last 1.5 KB would take. It stops growth; lower it as the path shrinks.
export const BUDGET = { read: 14_100, chunk: 8 * 1024, chunks: 40 * 1024 };

/**
 * Which files make up each part of the widget, by name under `embed/`: the reading path (what embed.js imports, and
 * the name of the function it calls; `facade` is the reading module's own file), each language's reading
 * strings, each language's interaction strings (`more`, loaded with the first chunk), and each interaction chunk's
 * files beyond the reading path (a shared file is listed under every chunk that needs it).
 * @typedef {{ facade: string, read: string[], boot: string, strings: Record<'en' | 'fr', string[]>, more: Record<'en' | 'fr', string[]>, chunks: Record<(typeof CHUNKS)[number], string[]> }} EmbedManifest
 */

/**
 * The widget as ES modules: esbuild's code splitting gives every chunk and the reading path one shared Preact, and
 * names each file by a hash of its content so it can be cached for good. Returns the manifest of the files.
 * @param {string} dir
 * @returns {Promise<EmbedManifest>}
 */
async function buildEmbedModules(dir) {
  const src = 'src/web/embed';
  // Each language's strings first, in a build of their own: code splitting works on whole files, so with the
  // reading path in the same build both catalogs (one source file) would land in one shared chunk on every page.
  const langs = await build({ ...COMMON, entryPoints: ['en', 'fr', 'en-more', 'fr-more'].map((n) => `${src}/strings/${n}.ts`), outdir: dir, format: 'esm', entryNames: '[name]-[hash]', metafile: true });
  const strings = /** @type {Record<'en' | 'fr' | 'en-more' | 'fr-more', string>} */ ({});
  for (const [file, o] of Object.entries(langs.metafile.outputs)) strings[/** @type {keyof typeof strings} */ (path.basename(o.entryPoint ?? '', '.ts'))] = path.basename(file);
  const { metafile } = await build({
    ...COMMON,
    entryPoints: [`${src}/read.tsx`, ...CHUNKS.map((c) => `${src}/chunks/${c}.ts`)],
    outdir: dir,
    splitting: true,
    format: 'esm',
    entryNames: '[name]-[hash]',
    chunkNames: 'shared-[hash]',
    // The widget's own hooks (src/web/embed/hooks.ts), 1 KB gzip smaller: a later `preact/hooks` import in the
    // widget gets them too, rather than a second hook runtime on every reader's page.
    alias: { 'preact/hooks': `./${src}/hooks.ts` },
    // The reading module imports the page's strings by these names, next to itself.
    define: { ...COMMON.define, __AGORA_STRINGS__: JSON.stringify(strings) },
    metafile: true,
  });
  // Outputs by file name, with what each imports statically and which source it is the entry of.
  const outputs = new Map(
    Object.entries(metafile.outputs).map(([file, o]) => [
      path.basename(file),
      { entry: o.entryPoint, imports: o.imports.filter((i) => i.kind === 'import-statement').map((i) => path.basename(i.path)) },
    ]),
  );
  const named = (source) => {
    const hit = [...outputs].find(([, o]) => o.entry === source);
    if (!hit) throw new Error(`build-web: no output for ${source}`);
    return hit[0];
  };
  /** A file and everything it imports statically, the reading path's files left out. */
  const closure = (file, without = new Set()) => {
    const out = [];
    const walk = (f) => {
      if (out.includes(f) || without.has(f)) return;
      out.push(f);
      outputs.get(f)?.imports.forEach(walk);
    };
    walk(file);
    return out;
  };
  const facade = named(`${src}/read.tsx`);
  const closed = closure(facade);
  const rest = new Set(closed);
  const { read, boot } = await loaderFiles(dir, facade, closed);
  const manifest = {
    facade,
    read,
    boot,
    strings: { en: [strings.en], fr: [strings.fr] },
    more: { en: [strings['en-more']], fr: [strings['fr-more']] },
    chunks: Object.fromEntries(CHUNKS.map((c) => [c, closure(named(`${src}/chunks/${c}.ts`), rest)])),
  };
  const listed = allFiles(manifest);
  const stray = [...outputs.keys()].filter((f) => !listed.has(f));
  if (stray.length) throw new Error(`build-web: ${stray.join(', ')} belong to no part of the widget`);
  return manifest;
}

/**
 * Every file of the widget's modules in `m`.
 * @param {EmbedManifest} m
 */
const allFiles = (m) => new Set([m.facade, ...m.read, ...Object.values(m.strings).flat(), ...Object.values(m.more ?? {}).flat(), ...Object.values(m.chunks).flat()]);

/**
 * Deletes from `dir` the files of builds older than the last two (manifest.json, previous.json): a reader whose
 * embed.js is an earlier build's (browsers keep it for 5 minutes; a running server keeps the one it first read until
 * it restarts) still finds its modules, and the folder does not grow without end. Returns the last build's manifest.
 * @param {string} dir
 * @param {EmbedManifest} now
 */
async function pruneOldChunks(dir, now) {
  const keep = new Set(['manifest.json', 'previous.json']);
  const add = (m) => m && allFiles(m).forEach((f) => (keep.add(f), keep.add(`${f}.gz`)));
  const read = (name) => readFile(path.join(dir, name), 'utf8').then(JSON.parse, () => null);
  const [last, before] = [await read('manifest.json'), await read('previous.json')];
  [now, last, before].forEach(add);
  for (const f of await readdir(dir)) if (!keep.has(f)) await rm(path.join(dir, f));
  return last;
}

/**
 * What embed.js imports, in parallel: the reading path and each language's strings. The chunks import the reading
 * module (so esbuild puts all its code in one shared file with Preact, not in several); it is then only a facade,
 * `import{x as o}from"./shared-….js";export{o as boot};`, and embed.js calls `x` of the shared file directly, one
 * request fewer. Should esbuild ever write the facade otherwise, embed.js imports the facade as before.
 * @param {string} dir
 * @param {string} facade the reading module's file
 * @param {string[]} files it and the files it imports
 */
async function loaderFiles(dir, facade, files) {
  const code = await readFile(path.join(dir, facade), 'utf8');
  const hit = /^import\{(\w+) as (\w+)\}from"\.\/(shared-\w+\.js)";export\{\2 as boot\};?\s*$/.exec(code);
  return hit && files.length === 2 && files[1] === hit[3] ? { read: [hit[3]], boot: hit[1] } : { read: files, boot: 'boot' };
}

/** Minifies again with terser and writes `<name>.gz` with Zopfli; returns the raw and gzip sizes. */
async function finish(file, opts) {
  const code = Buffer.from(await terse(await readFile(file, 'utf8'), opts));
  await writeFile(file, code);
  // Zopfli's gzip header has no name and a zero mtime: the same bundle always gives the same .gz.
  const gz = await gzipAsync(code, ZOPFLI);
  await writeFile(`${file}.gz`, gz);
  return { raw: code.length, gzip: gz.length };
}

/**
 * Builds the bundles into `outdir` (default dist/web), writes `<name>.gz` next to each served file, and returns
 * their raw sizes and gzip sizes in bytes (the gzip size being that of the `.gz` file: the bytes on the wire), keyed
 * by path under `outdir` (`embed.js`, `embed/read-<hash>.js`…), with the widget's manifest.
 * @param {{ outdir?: string }} [opts]
 * @returns {Promise<{ sizes: Record<string, { raw: number, gzip: number }>, manifest: EmbedManifest }>}
 */
export async function buildWeb({ outdir = path.join(root, 'dist/web') } = {}) {
  // Modules first, into a fresh folder: esbuild must not see chunks of earlier builds as its own.
  const fresh = await mkdtemp(path.join(tmpdir(), 'agora-embed-'));
  let manifest;
  try {
    manifest = await buildEmbedModules(fresh);
    const dir = path.join(outdir, 'embed');
    await mkdir(dir, { recursive: true });
    const prev = await pruneOldChunks(dir, manifest);
    for (const f of await readdir(fresh)) await copyFile(path.join(fresh, f), path.join(dir, f));
    if (prev) await writeFile(path.join(dir, 'previous.json'), JSON.stringify(prev));
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1));
  } finally {
    await rm(fresh, { recursive: true, force: true });
  }
  await build({
    ...COMMON,
    entryPoints: { embed: 'src/web/embed/index.ts', popup: 'src/web/popup/popup.ts', count: 'src/web/count/count.ts', admin: 'src/web/admin/index.tsx' },
    outdir,
    // IIFE, one file each, leaking no globals: embed.js is the loader a publisher's <script async> loads (it must
    // stay a classic script: host pages and their loaders expect one); it imports the reading path's modules.
    format: 'iife',
    // What embed.js must fetch at once, in parallel: the reading path and the strings of each language.
    define: { ...COMMON.define, __AGORA_EMBED__: JSON.stringify({ read: manifest.read, boot: manifest.boot, en: manifest.strings.en, fr: manifest.strings.fr }) },
  });
  const sizes = /** @type {Record<string, { raw: number, gzip: number }>} */ ({});
  for (const name of SERVED) sizes[name] = await finish(path.join(outdir, name), { module: false });
  for (const f of allFiles(manifest)) sizes[`embed/${f}`] = await finish(path.join(outdir, 'embed', f), { module: true });
  return { sizes, manifest };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { sizes, manifest } = await buildWeb();
  for (const [name, { raw, gzip }] of Object.entries(sizes)) {
    console.log(`dist/web/${name}: ${raw} B, ${gzip} B gzip as sent (${(gzip / 1024).toFixed(2)} KB)`);
  }
  const sum = (files) => files.reduce((n, f) => n + sizes[`embed/${f}`].gzip, 0);
  let over = false;
  const report = (what, n, limit) => {
    over ||= n > limit;
    console.log(`${what}: ${n} of ${limit} B gzip as sent${n > limit ? ' — OVER BUDGET' : ''}`);
  };
  for (const lang of /** @type {const} */ (['en', 'fr'])) {
    report(`reading path, ${lang} page (embed.js + ${manifest.read.length} module(s) + strings)`, sizes['embed.js'].gzip + sum(manifest.read) + sum(manifest.strings[lang]), BUDGET.read);
  }
  // The interaction strings come with the first chunk a reader uses: counted with each, in the larger language.
  const more = Math.max(sum(manifest.more.en), sum(manifest.more.fr));
  for (const [name, files] of Object.entries(manifest.chunks)) report(`chunk ${name} (${files.join(', ')} + strings)`, sum(files) + more, BUDGET.chunk);
  report('all chunks together (+ strings)', sum([...new Set(Object.values(manifest.chunks).flat())]) + more, BUDGET.chunks);
  if (over) process.exitCode = 1;
}
