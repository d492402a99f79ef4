import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { disqusFormat } from '../../src/server/portability/import/disqus.js';
import { importFile, ImportError } from '../../src/server/portability/import/importer.js';
import { ImportFileError } from '../../src/server/portability/import/xml-stream.js';
import { buildTestApp } from '../fixtures/server.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/import/', import.meta.url));

interface ApiComment {
  id: string;
  parentId: string | null;
  depth: number;
  author: { displayName: string } | null;
  bodyHtml: string;
  status: string;
  createdAt: string;
  inReplyTo: { displayName: string } | null;
  replies: ApiComment[];
}

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let tmp: string;

before(async () => {
  ({ app, deps, close } = await buildTestApp());
  await deps.sites.createIfAbsent({ id: 'news', name: 'News', origins: ['https://news.example.com'], lang: 'en' });
  deps.origins.invalidate();
  tmp = mkdtempSync(join(tmpdir(), 'agora-import-'));
});
after(async () => {
  await close();
  rmSync(tmp, { recursive: true, force: true });
});

async function storyOf(url: string): Promise<{ id: string; closed: boolean; commentCount: number; title: string; url: string }> {
  const res = await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent(url)}` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json<{ story: { id: string; closed: boolean; commentCount: number; title: string; url: string } }>().story;
}

async function comments(storyId: string): Promise<ApiComment[]> {
  const res = await app.inject({ method: 'GET', url: `/api/v1/stories/${storyId}/comments?sort=oldest&limit=50` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json<{ comments: ApiComment[] }>().comments;
}

const run = (file: string, siteId = 'news') => importFile({ db: deps.db, siteId, path: file, format: disqusFormat });

describe('importing a Disqus export', () => {
  test('every case of the file lands where a reader expects it, with a summary of what was skipped', async () => {
    const summary = await run(join(FIXTURES, 'disqus-cases.xml'));
    assert.deepEqual(summary.stories, { created: 2, existing: 0, folded: 1, closed: 1, unlisted: 0, relative: 0, problems: {} });
    assert.equal(summary.comments.imported, 7);
    assert.deepEqual(summary.skipped, { duplicate: 1, spam: 1, orphan: 1, threadUnusable: 1, empty: 1, invalidDate: 1 });
    assert.deepEqual(summary.threadProblems, { noId: 1, duplicateId: 1, badUrl: 1 });

    // http://… with tracking parameters is the same story as https://…
    const story = await storyOf('https://news.example.com/2019/05/budget-vote');
    const stored = await deps.db.selectFrom('stories').select('url').where('site_id', '=', 'news').orderBy('url').execute();
    assert.deepEqual(stored.map((s) => s.url), ['https://news.example.com/2018/11/old-story', 'https://news.example.com/2019/05/budget-vote']);
    assert.equal(story.title, 'Budget vote: what changes');
    assert.equal(story.commentCount, 4, 'published comments: 200, 201, 203, 205');
    const list = await comments(story.id);
    const [first, tomb, spamReply] = list;
    assert.ok(first && tomb && spamReply);
    // Original dates and HTML turned into our own safe rendering.
    assert.equal(first.createdAt, '2019-05-02T10:00:00.000Z');
    assert.equal(first.author?.displayName, 'Ann Onymous');
    assert.match(first.bodyHtml, /<strong>bold<\/strong> and <em>italic<\/em>\.<br>\nNew line\./);
    assert.match(first.bodyHtml, /<blockquote>\n<p>Quoted text<\/p>\n<\/blockquote>/);
    assert.doesNotMatch(first.bodyHtml, /script|alert/);
    // The reply that came first in the file hangs under its parent.
    assert.equal(first.replies.length, 1);
    assert.equal(first.replies[0]?.author?.displayName, 'Bob');
    assert.match(first.replies[0]?.bodyHtml ?? '', /<a href="https:\/\/example.org\/source" rel="nofollow ugc noopener">see this source<\/a>/);
    // The deleted post is a tombstone holding the anonymous guest's reply.
    assert.equal(tomb.status, 'deleted');
    assert.equal(tomb.author, null);
    assert.equal(tomb.bodyHtml, '');
    assert.equal(tomb.replies[0]?.author?.displayName, 'A passer-by');
    // The reply to spam climbed to the top level; the guest is the same person on both comments.
    assert.equal(spamReply.parentId, null);
    assert.equal(spamReply.author?.displayName, 'A passer-by');
    assert.ok(!JSON.stringify(list).includes('cheap pills'), 'spam is not imported');

    // The closed thread's story is closed: nobody can post there.
    const closed = await storyOf('https://news.example.com/2018/11/old-story');
    assert.equal(closed.closed, true);
    const names = (await comments(closed.id)).map((c) => c.author?.displayName);
    assert.deepEqual(names, ['Anonymous', 'Eve'], 'posts without dsq:id, and an anonymous author without a name');
  });

  test('running the same import again adds nothing', async () => {
    const count = async () => Number((await deps.db.selectFrom('comments').select((eb) => eb.fn.countAll().as('n')).where('site_id', '=', 'news').executeTakeFirstOrThrow()).n);
    const users = async () => Number((await deps.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const [c0, u0] = [await count(), await users()];
    const again = await run(join(FIXTURES, 'disqus-cases.xml'));
    assert.equal(again.comments.imported, 0);
    assert.equal(again.comments.alreadyImported, 7);
    assert.equal(again.stories.created, 0);
    assert.equal(again.users.created, 0);
    assert.deepEqual([await count(), await users()], [c0, u0]);
    assert.equal((await storyOf('https://news.example.com/2019/05/budget-vote')).commentCount, 4);
  });

  test('ids by namespace URI, a gzip file, and a reply chain deeper than the display nests like live replies', async () => {
    // The story already exists with a live comment: the import adds to it and the counts stay right.
    const live = await storyOf('https://news.example.com/deep-thread');
    const at = new Date().toISOString();
    await deps.db.insertInto('users').values({ id: 'live-user', email: 'live@example.com', display_name: 'Live', password_hash: null, role: 'commenter', created_at: at }).execute();
    await deps.db
      .insertInto('comments')
      .values({ id: 'live-comment', site_id: 'news', story_id: live.id, parent_id: null, root_id: null, depth: 0, in_reply_to_id: null, author_id: 'live-user', body: 'Live', body_html: '<p>Live</p>', status: 'published', created_at: at, edited_at: null, deleted_at: null, external_id: null })
      .execute();
    await deps.db.updateTable('stories').set({ comment_count: 1 }).where('id', '=', live.id).execute();
    const gz = join(tmp, 'prefix.xml.gz');
    writeFileSync(gz, gzipSync(readFileSync(join(FIXTURES, 'disqus-prefix.xml'))));
    const summary = await run(gz);
    assert.equal(summary.comments.imported, 8);
    assert.deepEqual(summary.skipped, {});
    assert.equal(summary.stories.existing, 1);
    const story = await storyOf('https://news.example.com/deep-thread');
    assert.equal(story.commentCount, 9);
    const [root] = await comments(story.id);
    assert.ok(root);
    const depths: string[] = [];
    const walk = (c: ApiComment) => {
      depths.push(`${c.bodyHtml.replace(/<\/?p>/g, '')}@${c.depth}${c.inReplyTo ? `>${c.inReplyTo.displayName}` : ''}`);
      c.replies.forEach(walk);
    };
    walk(root);
    assert.deepEqual(depths, ['level 1@0', 'level 2@1', 'level 3@2', 'level 4@3', 'level 5@4', 'level 6@5', 'level 7@5>F', 'level 8@5>G']);
  });

  test('an unknown site, a file of another kind, and broken XML are refused with a clear message', async () => {
    await assert.rejects(run(join(FIXTURES, 'disqus-cases.xml'), 'nope'), (e: Error) => e instanceof ImportError && /no site "nope".*news/.test(e.message));
    await assert.rejects(run(join(FIXTURES, 'not-disqus.xml')), (e: Error) => e instanceof ImportFileError && /not a Disqus export/.test(e.message));
    await assert.rejects(run(join(FIXTURES, 'disqus-broken.xml')), (e: Error) => e instanceof ImportFileError && /line \d+/.test(e.message));
    // Nothing of the broken file was written: the first pass reads the whole file before any write.
    const res = await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent('https://news.example.com/a')}` });
    assert.equal(res.json<{ story: { commentCount: number } }>().story.commentCount, 0);
  });
});
