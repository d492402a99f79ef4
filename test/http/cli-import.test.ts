import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { fileURLToPath } from 'node:url';
import { agora, dataDirWithSites } from '../fixtures/cli.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/import/${name}`, import.meta.url));

let dataDir: string;
before(async () => {
  dataDir = await dataDirWithSites([{ id: 'news', origins: ['https://news.example.com'] }]);
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

const noStack = (s: string) => assert.doesNotMatch(s, /^\s+at /m, `a stack trace was printed:\n${s}`);

describe('npx agora import', () => {
  test('imports a Disqus export and ends with a summary of stories, comments and skipped comments by reason', async () => {
    const res = await agora(['import', 'disqus', fixture('disqus-cases.xml'), '--site', 'news'], { dataDir });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /stories: +2 new, 0 already there, 1 duplicate URLs folded into them, 1 closed/);
    assert.match(res.stdout, /comments: 7 new, 0 already imported/);
    assert.match(res.stdout, /skipped: +6 comments:/);
    assert.match(res.stdout, /1 +marked as spam/);
    assert.match(res.stdout, /1 +their thread is not in the file/);
  });

  test('a second run adds nothing, and says so (JSON summary for scripts)', async () => {
    const res = await agora(['import', 'disqus', fixture('disqus-cases.xml'), '--site', 'news', '--json'], { dataDir });
    assert.equal(res.code, 0, res.stderr);
    const summary = JSON.parse(res.stdout) as { comments: { imported: number; alreadyImported: number }; stories: { created: number } };
    assert.deepEqual([summary.comments.imported, summary.comments.alreadyImported, summary.stories.created], [0, 7, 0]);
  });

  test('mistakes get one clear line and a non-zero exit, never a stack trace', async () => {
    const cases: [string[], RegExp][] = [
      [['import', 'disqus', fixture('disqus-cases.xml'), '--site', 'nope'], /there is no site "nope" \(sites: news\)/],
      [['import', 'disqus', fixture('does-not-exist.xml'), '--site', 'news'], /cannot read .*does-not-exist\.xml/],
      [['import', 'disqus', fixture('not-disqus.xml'), '--site', 'news'], /not a Disqus export/],
      [['import', 'disqus', fixture('disqus-broken.xml'), '--site', 'news'], /not well-formed XML \(line \d+/],
      [['import', 'wordpress', fixture('disqus-cases.xml'), '--site', 'news'], /not a WordPress export/],
    ];
    for (const [args, message] of cases) {
      const res = await agora(args, { dataDir });
      assert.notEqual(res.code, 0, args.join(' '));
      assert.match(res.stderr, message);
      noStack(res.stderr);
    }
    const missing = await agora(['import', 'disqus', fixture('disqus-cases.xml')], { dataDir });
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /--site/);
  });
});

describe('npx agora import wordpress', () => {
  test('imports a WXR file into a site and summarises it', async () => {
    const blogDir = await dataDirWithSites([{ id: 'blog', origins: ['https://blog.example.fr'], lang: 'fr' }]);
    try {
      const res = await agora(['import', 'wordpress', fixture('wordpress-1.2.xml'), '--site', 'blog'], { dataDir: blogDir });
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout, /comments: 6 new/);
      assert.match(res.stdout, /2 +pingbacks and trackbacks/);
    } finally {
      rmSync(blogDir, { recursive: true, force: true });
    }
  });
});

describe('npx agora import into several sites, --dry-run and conflicts', () => {
  let dir: string;
  before(async () => {
    dir = await dataDirWithSites([
      { id: 'carnet', origins: ['https://carnet.example.org'], lang: 'fr' },
      { id: 'marin', origins: ['https://marin.example.net'] },
      { id: 'twice', origins: ['https://carnet.example.org'], lang: 'fr' },
    ]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('--dry-run prints what the import would do and writes nothing', async () => {
    const dry = await agora(['import', 'wordpress', fixture('wxr-1.1-selfhosted.xml'), '--site', 'carnet', '--dry-run'], { dataDir: dir });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^Dry run of a wordpress import into site "carnet" .*nothing was written/);
    assert.match(dry.stdout, /comments: 26 new, 0 already imported/);
    const real = await agora(['import', 'wordpress', fixture('wxr-1.1-selfhosted.xml'), '--site', 'carnet'], { dataDir: dir });
    assert.equal(real.code, 0, real.stderr);
    assert.match(real.stdout, /comments: 26 new, 0 already imported/, 'the dry run wrote nothing');
  });

  test('two blogs with overlapping comment ids, each into its own site: both complete, re-runs add nothing', async () => {
    const res = await agora(['import', 'wordpress', fixture('wxr-1.2-wordpress-com.xml'), '--site', 'marin'], { dataDir: dir });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /stories: +4 new, 0 already there, 1 closed, 1 unlisted \(posts that were not public\)/);
    assert.match(res.stdout, /comments: 8 new, 0 already imported/);
    assert.match(res.stdout, /held for review: 1 comments of posts that were not public:\n +1 +on a password-protected post/);
    assert.doesNotMatch(res.stdout, /CONFLICTS|REJECTED/);
    for (const [file, site, n] of [
      ['wxr-1.1-selfhosted.xml', 'carnet', 26],
      ['wxr-1.2-wordpress-com.xml', 'marin', 8],
    ] as const) {
      const again = await agora(['import', 'wordpress', fixture(file), '--site', site], { dataDir: dir });
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, new RegExp(`comments: 0 new, ${n} already imported`));
    }
  });

  test('comments lost to conflicts are named and counted, and the exit code is non-zero unless --allow-conflicts', async () => {
    const args = ['import', 'wordpress', fixture('wxr-1.2-same-id-twice.xml'), '--site', 'twice'];
    const res = await agora(args, { dataDir: dir });
    assert.equal(res.code, 1);
    assert.match(res.stdout, /CONFLICTS: 1 comments not imported:\n +1 +the file has two different comments under the same id \(only the first can be imported\) \(source ids: 2\)/);
    assert.match(res.stderr, /1 comments lost to conflicts .*--allow-conflicts/);
    noStack(res.stderr);
    const allowed = await agora([...args, '--allow-conflicts'], { dataDir: dir });
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stdout, /CONFLICTS: 1 comments not imported/);
    // A second blog into a site that has one: its taken ids are conflicts, not "already imported".
    const other = await agora(['import', 'wordpress', fixture('wxr-1.2-wordpress-com.xml'), '--site', 'carnet', '--json'], { dataDir: dir });
    assert.equal(other.code, 1);
    const summary = JSON.parse(other.stdout) as { comments: { imported: number; alreadyImported: number }; conflicts: Record<string, { count: number }> };
    assert.deepEqual([summary.comments.alreadyImported, summary.conflicts.otherComment?.count], [0, 8]);
  });
});

describe('npx agora import agora --restore-roles', () => {
  test('roles of the file come back only with the flag; the summary says which', async () => {
    const dir = await dataDirWithSites([{ id: 'news', origins: ['https://news.example.com'] }]);
    const tmp = mkdtempSync(join(tmpdir(), 'agora-cli-roles-'));
    try {
      assert.equal((await agora(['import', 'disqus', fixture('disqus-cases.xml'), '--site', 'news'], { dataDir: dir })).code, 0);
      const db = new SQLite(join(dir, 'agora.db'));
      db.prepare("update users set role = 'admin' where id = (select min(id) from users)").run();
      db.close();
      const exported = await agora(['export', '--site', 'news'], { dataDir: dir });
      assert.equal(exported.code, 0, exported.stderr);
      const file = join(tmp, 'news.jsonl');
      writeFileSync(file, exported.stdout);
      for (const [flag, expected] of [
        [[], /roles: not restored: every restored account is a commenter \(1 admin or moderator roles in the file were left out; --restore-roles keeps them\)/],
        [['--restore-roles'], /roles: 1 admin or moderator roles restored \(--restore-roles\)/],
      ] as const) {
        const target = mkdtempSync(join(tmpdir(), 'agora-cli-roles-target-'));
        try {
          const res = await agora(['import', 'agora', file, ...flag], { dataDir: target });
          assert.equal(res.code, 0, res.stderr);
          assert.match(res.stdout, expected);
        } finally {
          rmSync(target, { recursive: true, force: true });
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
