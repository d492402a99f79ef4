import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../../src/server/config.js';
import { DEMO_SITE_ID } from '../../src/server/sites/seed.js';
import { buildTestApp } from '../fixtures/server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string>; engines: { node: string } };

type BuildState = 'fresh' | 'stale' | 'missing' | 'artefact';
// Imported by URL: the script is plain .mjs, outside what tsc type-checks.
const stamp = (await import(new URL('../../scripts/build-stamp.mjs', import.meta.url).href)) as {
  fingerprint(root?: string): string;
  writeStamp(fp: string, root?: string): void;
  buildState(root?: string): BuildState;
};

/** Every file under `dir` whose name matches `re`. */
function files(dir: string, re: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name), re) : re.test(e.name) ? [join(dir, e.name)] : []));
}

describe('a production install (npm ci --omit=dev) has what the server and the CLI import', () => {
  test('every package imported at run time is a dependency, not a devDependency', () => {
    const runtime = ['src/server', 'src/cli', 'src/i18n'].flatMap((d) => files(join(ROOT, d), /\.tsx?$/));
    const missing = new Set<string>();
    for (const f of runtime) {
      // Values only: `import type` vanishes from the build.
      for (const m of readFileSync(f, 'utf8').matchAll(/^\s*(?:import|export)\s+(?!type\b)[^'"]*?from\s+'([^'.][^']*)'|^\s*import\s+'([^'.][^']*)'|import\('([^'.][^']*)'\)/gm)) {
        const spec = (m[1] ?? m[2] ?? m[3]) as string;
        if (spec.startsWith('node:') || builtinModules.includes(spec)) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string);
        if (!pkg.dependencies[name]) missing.add(`${name} (${f.slice(ROOT.length)})`);
      }
    }
    assert.deepEqual([...missing], []);
  });

  test('the build tools are devDependencies only', () => {
    for (const tool of ['typescript', 'esbuild', 'terser', 'tsx', '@gfx/zopfli', 'preact', 'uplot']) {
      assert.equal(pkg.dependencies[tool], undefined, `${tool} is not a runtime dependency`);
      assert.ok(pkg.devDependencies[tool], `${tool} is a devDependency`);
    }
  });

  test('engines names the Node version running this test', () => {
    const major = process.versions.node.split('.')[0];
    assert.match(pkg.engines.node, new RegExp(`\\^${major}\\.`), `${pkg.engines.node} covers Node ${process.version}`);
  });
});

describe('build once: the stamp tells whether dist/ matches the sources', () => {
  function tree(): string {
    const root = mkdtempSync(join(tmpdir(), 'agora-stamp-'));
    mkdirSync(join(root, 'src/server'), { recursive: true });
    writeFileSync(join(root, 'src/server/main.ts'), 'export {};\n');
    writeFileSync(join(root, 'package-lock.json'), '{}\n');
    for (const f of ['dist/server/main.js', 'dist/cli/index.js', 'dist/web/embed.js']) {
      mkdirSync(join(root, f, '..'), { recursive: true });
      writeFileSync(join(root, f), '');
    }
    return root;
  }

  test('fresh after a build; stale after an edit, a new file, a deleted file or a newer lockfile', (t) => {
    const root = tree();
    t.after(() => rmSync(root, { recursive: true, force: true }));
    assert.equal(stamp.buildState(root), 'stale', 'built before stamps existed: rebuild once');
    const build = () => stamp.writeStamp(stamp.fingerprint(root), root);
    build();
    assert.equal(stamp.buildState(root), 'fresh');

    writeFileSync(join(root, 'src/server/main.ts'), 'export const edited = 1;\n');
    assert.equal(stamp.buildState(root), 'stale', 'edited');
    build();
    writeFileSync(join(root, 'src/server/new.ts'), '');
    assert.equal(stamp.buildState(root), 'stale', 'added');
    build();
    rmSync(join(root, 'src/server/new.ts'));
    assert.equal(stamp.buildState(root), 'stale', 'deleted');
    build();
    // Same size, another time: a pull that changes a file's content and not its length.
    utimesSync(join(root, 'package-lock.json'), new Date(), new Date(Date.now() + 5000));
    assert.equal(stamp.buildState(root), 'stale', 'lockfile');
    build();
    assert.equal(stamp.buildState(root), 'fresh');
  });

  test('a source saved while the build ran leaves it stale (the fingerprint is taken before building)', (t) => {
    const root = tree();
    t.after(() => rmSync(root, { recursive: true, force: true }));
    const before = stamp.fingerprint(root);
    utimesSync(join(root, 'src/server/main.ts'), new Date(), new Date(Date.now() + 5000));
    stamp.writeStamp(before, root);
    assert.equal(stamp.buildState(root), 'stale');
  });

  test('missing without a build; a build without sources (a deployed artefact) is what runs', (t) => {
    const root = tree();
    t.after(() => rmSync(root, { recursive: true, force: true }));
    rmSync(join(root, 'dist/cli'), { recursive: true });
    assert.equal(stamp.buildState(root), 'missing');
    const artefact = tree();
    t.after(() => rmSync(artefact, { recursive: true, force: true }));
    rmSync(join(artefact, 'src'), { recursive: true });
    assert.equal(stamp.buildState(artefact), 'artefact');
  });
});

describe('the demo site: the demo only, never a production database unless asked', () => {
  const env = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;

  test('AGORA_SEED_DEMO defaults to true, and to false when NODE_ENV=production', () => {
    assert.equal(loadConfig(env({})).seedDemo, true);
    assert.equal(loadConfig(env({ NODE_ENV: 'development' })).seedDemo, true);
    assert.equal(loadConfig(env({ NODE_ENV: 'production' })).seedDemo, false);
    assert.equal(loadConfig(env({ NODE_ENV: 'production', AGORA_SEED_DEMO: 'true' })).seedDemo, true);
    assert.equal(loadConfig(env({ AGORA_SEED_DEMO: 'false' })).seedDemo, false);
    assert.throws(() => loadConfig(env({ AGORA_SEED_DEMO: 'yes' })), (e: unknown) => e instanceof ConfigError && /AGORA_SEED_DEMO must be true or false/.test(e.message));
  });

  test('a new database under NODE_ENV=production has no site at all', async (t) => {
    const { deps, close } = await buildTestApp({ seedDemo: loadConfig(env({ NODE_ENV: 'production' })).seedDemo });
    t.after(close);
    assert.equal(await deps.sites.get(DEMO_SITE_ID), undefined);
    assert.deepEqual(await deps.sites.list(), []);
  });

  test('the demo (no NODE_ENV) seeds it', async (t) => {
    const { deps, close } = await buildTestApp({ seedDemo: loadConfig(env({})).seedDemo });
    t.after(close);
    assert.equal((await deps.sites.get(DEMO_SITE_ID))?.id, DEMO_SITE_ID);
  });
});
