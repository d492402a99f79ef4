import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { agora, dataDirWithSites } from '../fixtures/cli.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/import/${name}`, import.meta.url));

let dataDir: string;
let tmp: string;
before(async () => {
  dataDir = await dataDirWithSites([{ id: 'news', origins: ['https://news.example.com'] }]);
  tmp = mkdtempSync(join(tmpdir(), 'agora-cli-export-'));
  const res = await agora(['import', 'disqus', fixture('disqus-cases.xml'), '--site', 'news'], { dataDir });
  assert.equal(res.code, 0, res.stderr);
});
after(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

const noStack = (s: string) => assert.doesNotMatch(s, /^\s+at /m, `a stack trace was printed:\n${s}`);

describe('npx agora export / import agora / backup', () => {
  test('export to stdout, restore into another data dir, export again: the same rows', async () => {
    const exported = await agora(['export', '--site', 'news'], { dataDir });
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stderr, /exported site "news": \d+ rows/);
    const file = join(tmp, 'news.jsonl');
    writeFileSync(file, exported.stdout);
    const other = mkdtempSync(join(tmpdir(), 'agora-cli-restore-'));
    try {
      const restored = await agora(['import', 'agora', file], { dataDir: other });
      assert.equal(restored.code, 0, restored.stderr);
      assert.match(restored.stdout, /comments +7 restored, 0 already there/);
      const again = await agora(['export', '--site', 'news'], { dataDir: other });
      const rows = (s: string) => s.trim().split('\n').slice(1).sort();
      assert.deepEqual(rows(again.stdout), rows(exported.stdout));
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  test('backup makes a consistent copy that opens, and keeps an existing file', async () => {
    const file = join(tmp, 'backup.db');
    const res = await agora(['backup', file], { dataDir });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /integrity ok.*7 comments/);
    const copy = new SQLite(file, { readonly: true });
    assert.equal((copy.prepare('select count(*) as n from comments').get() as { n: number }).n, 7);
    copy.close();
    const again = await agora(['backup', file], { dataDir });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists.*--force/);
    assert.equal((await agora(['backup', file, '--force'], { dataDir })).code, 0);
  });

  test('mistakes: unknown site, PostgreSQL backup, bad export file, each one line and a non-zero exit', async () => {
    const bad = join(tmp, 'bad.jsonl');
    writeFileSync(bad, '{"format":"something-else"}\n');
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['export', '--site', 'nope'], {}, /there is no site "nope"/],
      [['backup', join(tmp, 'pg.db')], { DATABASE_URL: 'postgres://agora@127.0.0.1:1/agora' }, /PostgreSQL: back it up with pg_dump/],
      [['import', 'agora', bad], {}, /not an Agora export/],
      [['import', 'agora', join(tmp, 'missing.jsonl')], {}, /cannot read/],
    ];
    for (const [args, env, message] of cases) {
      const res = await agora(args, { dataDir, env });
      assert.notEqual(res.code, 0, args.join(' '));
      assert.match(res.stderr, message);
      noStack(res.stderr);
    }
    assert.equal(existsSync(join(tmp, 'pg.db')), false);
  });
});
