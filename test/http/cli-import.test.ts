import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
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
