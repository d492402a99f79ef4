import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { disqusFormat } from '../../src/server/portability/import/disqus.js';
import { importFile, type ImportSummary } from '../../src/server/portability/import/importer.js';
import { wordpressFormat } from '../../src/server/portability/import/wordpress.js';
import { buildTestApp } from '../fixtures/server.js';

// The corpus of export shapes under test/fixtures/import/, written by the team: each file's counts are asserted, and
// what a reader and a moderator then see.

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/import/${name}`, import.meta.url));

interface ApiComment {
  id: string;
  parentId: string | null;
  depth: number;
  author: { displayName: string } | null;
  bodyHtml: string;
  status: string;
  replies: ApiComment[];
}

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;

before(async () => {
  ({ app, deps, close } = await buildTestApp());
  for (const [id, origin, lang] of [
    ['carnet', 'https://carnet.example.org', 'fr'],
    ['marin', 'https://marin.example.net', 'en'],
    ['daily', 'https://www.daily.example.com', 'en'],
    ['old', 'https://blog.example.fr', 'fr'],
    ['twice', 'https://carnet.example.org', 'fr'],
  ] as const) {
    await deps.sites.createIfAbsent({ id, name: id, origins: [origin], lang });
  }
  deps.origins.invalidate();
});
after(() => close());

const wp = (file: string, siteId: string) => importFile({ db: deps.db, siteId, path: fixture(file), format: wordpressFormat });

/** The counts of a summary that a test asserts, without timings. */
const counts = (s: ImportSummary) => ({ stories: s.stories, comments: s.comments, held: s.held, conflicts: s.conflicts, skipped: s.skipped, threadProblems: s.threadProblems, rejected: s.rejected.count });

async function story(url: string) {
  const row = await deps.db.selectFrom('stories').select(['id', 'title', 'closed', 'settings', 'comment_count']).where('url', '=', url).executeTakeFirstOrThrow();
  const res = await app.inject({ method: 'GET', url: `/api/v1/stories/${row.id}/comments?sort=oldest&limit=50` });
  assert.equal(res.statusCode, 200, res.body);
  return { ...row, comments: res.json<{ comments: ApiComment[] }>().comments };
}

/** A stored comment by its source id: status and the reason a moderator reads. */
async function stored(siteId: string, externalId: string) {
  const row = await deps.db.selectFrom('comments').select(['id', 'status', 'moderation', 'body']).where('site_id', '=', siteId).where('external_id', '=', externalId).executeTakeFirstOrThrow();
  const reasons = row.moderation ? (JSON.parse(row.moderation) as { reasons: { code: string; message: string }[] }).reasons : [];
  return { ...row, reasons };
}

describe('the import corpus: what real exports contain', () => {
  test('WXR 1.1, self-hosted: pages, attachments, menu items, every post and comment state', async () => {
    const s = await wp('wxr-1.1-selfhosted.xml', 'carnet');
    assert.deepEqual(counts(s), {
      stories: { created: 10, existing: 0, folded: 0, closed: 1, unlisted: 6, relative: 0, problems: {} },
      comments: { imported: 26, alreadyImported: 0, tombstones: 1, pending: 1, parentMissing: 0 },
      held: { password: 2, private: 2, draft: 1, future: 1, trash: 2 },
      conflicts: {},
      skipped: { duplicate: 1, spam: 1, pingback: 2 },
      threadProblems: {},
      rejected: 0,
    });

    // The password-protected post: its comments wait for a moderator, with the reason, and readers see none.
    const reserved = await story('https://carnet.example.org/2023/07/reserve/');
    assert.deepEqual(reserved.comments, []);
    assert.equal(reserved.comment_count, 0);
    assert.equal(reserved.title, 'Réservé aux abonnés', 'WordPress shows a protected post’s title to everyone');
    assert.equal(JSON.parse(reserved.settings).premoderation, true, 'nothing appears there without a moderator');
    const secret = await stored('carnet', 'wordpress:23');
    assert.equal(secret.status, 'pending');
    assert.match(secret.body, /mot de passe devraient lire/);
    assert.deepEqual(
      secret.reasons.map((r) => r.code),
      ['import_password'],
    );
    assert.match(secret.reasons[0]?.message ?? '', /password-protected/);
    // Private, draft, scheduled and trashed posts, and an attachment of the private post: held, each with its reason.
    for (const [id, code] of [
      ['25', 'import_private'],
      ['26', 'import_private'],
      ['27', 'import_draft'],
      ['28', 'import_future'],
      ['29', 'import_trash'],
      ['30', 'import_trash'],
    ]) {
      const c = await stored('carnet', `wordpress:${id}`);
      assert.deepEqual([c.status, c.reasons[0]?.code], ['pending', code], `comment ${id}`);
    }
    // Their titles are not public: a draft's title is the URL until a moderator or the page says otherwise.
    for (const url of ['https://carnet.example.org/?p=21', 'https://carnet.example.org/?p=23', 'https://carnet.example.org/?p=25', 'https://carnet.example.org/2023/01/ancien__trashed/']) {
      const st = await story(url);
      assert.equal(st.title, url);
      assert.deepEqual(st.comments, []);
    }
    // The attachment of the published post is public like its post.
    const photo = await story('https://carnet.example.org/2023/06/mise-en-forme/phare/');
    assert.equal(photo.comments[0]?.bodyHtml, '<p>Beau phare.</p>');
    // No story for the menu item nor the post awaiting review without comments.
    const urls = (await deps.db.selectFrom('stories').select('url').where('site_id', '=', 'carnet').execute()).map((r) => r.url);
    assert.ok(!urls.includes('https://carnet.example.org/?p=13') && !urls.includes('https://carnet.example.org/?p=24'));

    // Ten levels of replies: nested like live replies (six levels, then beside the parent).
    const deep = await story('https://carnet.example.org/2023/05/dix-niveaux/');
    const depths: string[] = [];
    const walk = (c: ApiComment) => {
      depths.push(`${c.bodyHtml.replace(/<\/?p>/g, '')}@${c.depth}`);
      c.replies.forEach(walk);
    };
    deep.comments.forEach(walk);
    assert.equal(depths.length, 10);
    assert.deepEqual(depths.slice(0, 3), ['niveau 1@0', 'niveau 2@1', 'niveau 3@2']);
    assert.equal(depths[9], 'niveau 10@5');

    // HTML: a heading, lists, a quote, an image, code; the script is gone. Other scripts and names survive.
    const formatted = await story('https://carnet.example.org/2023/06/mise-en-forme/');
    const [html, other, echo] = formatted.comments;
    assert.match(html?.bodyHtml ?? '', /<p>Mes remarques<\/p>/);
    assert.match(html?.bodyHtml ?? '', /un quai/);
    assert.match(html?.bodyHtml ?? '', /<blockquote>\n<p>La mer est calme\.<\/p>\n<\/blockquote>/);
    assert.match(html?.bodyHtml ?? '', /<a href="https:\/\/carnet\.example\.org\/wp-content\/uploads\/2023\/06\/phare\.jpg"[^>]*>Le phare<\/a>/);
    assert.match(html?.bodyHtml ?? '', /<pre><code>if \(marée &lt; 2\) \{ sortir\(\); \}/);
    assert.match(html?.bodyHtml ?? '', /<code>code<\/code>/);
    assert.doesNotMatch(html?.bodyHtml ?? '', /script|alert/);
    assert.equal(other?.author?.displayName, '山田 花子');
    assert.match(other?.bodyHtml ?? '', /港の写真をありがとう。<br>\nشكرا على الصور — Спасибо — Ευχαριστώ — 🙂/);
    assert.equal(echo?.bodyHtml, '<p>Je me répète.</p>', 'the comment exported twice is there once');
    assert.equal(formatted.comments.length, 3, '13, 14 and 15; pending, spam and pingbacks are not shown, nor a tombstone without replies');
  });

  test('WXR 1.2 from WordPress.com: its own site URL, large user ids, Jetpack feedback, Akismet metadata', async () => {
    const s = await wp('wxr-1.2-wordpress-com.xml', 'marin');
    assert.deepEqual(counts(s), {
      stories: { created: 4, existing: 0, folded: 0, closed: 1, unlisted: 1, relative: 0, problems: {} },
      comments: { imported: 8, alreadyImported: 0, tombstones: 1, pending: 1, parentMissing: 0 },
      held: { password: 1 },
      conflicts: {},
      skipped: { spam: 1, pingback: 1 },
      threadProblems: {},
      rejected: 0,
    });
    const photos = await story('https://marin.example.net/2022/04/10/harbour-photos/');
    assert.equal(photos.comments[0]?.replies[0]?.author?.displayName, 'Marin');
    assert.match(photos.comments[0]?.replies[0]?.replies[0]?.bodyHtml ?? '', /<strong>Early<\/strong> indeed/);
    assert.equal((await stored('marin', 'wordpress:8')).reasons[0]?.code, 'import_password');
    assert.deepEqual((await story('https://marin.example.net/2022/05/01/members/')).comments, []);
  });

  test('WXR 1.0 and 1.2 from self-hosted blogs (the earlier fixtures), counted the same way', async () => {
    const v10 = await wp('wordpress-1.0.xml', 'old');
    assert.deepEqual([v10.comments.imported, v10.stories.created, v10.skipped], [2, 1, {}]);
    const v12 = await wp('wordpress-1.2.xml', 'old');
    assert.deepEqual(counts(v12), {
      stories: { created: 2, existing: 0, folded: 0, closed: 1, unlisted: 0, relative: 0, problems: {} },
      comments: { imported: 6, alreadyImported: 0, tombstones: 1, pending: 1, parentMissing: 0 },
      held: {},
      conflicts: {},
      skipped: { spam: 1, pingback: 2 },
      threadProblems: {},
      rejected: 0,
    });
  });

  test('the same comment id twice in one file: a word-for-word copy is a duplicate, another comment is a conflict', async () => {
    const s = await wp('wxr-1.2-same-id-twice.xml', 'twice');
    assert.deepEqual([s.comments.imported, s.skipped, s.conflicts], [3, { duplicate: 1 }, { sameIdInFile: { count: 1, ids: ['2'] } }]);
    const st = await story('https://carnet.example.org/2023/09/doublons/');
    assert.deepEqual(
      st.comments.map((c) => c.bodyHtml),
      ['<p>Premier.</p>', '<p>Deuxième, la version importée.</p>'],
    );
    assert.equal(st.comments[1]?.replies[0]?.bodyHtml, '<p>Réponse au deuxième.</p>');
  });

  test('Disqus: tracking parameters, fragments and a relative link, a closed thread, an empty thread id, deleted, spam and anonymous posts', async () => {
    const s = await importFile({ db: deps.db, siteId: 'daily', path: fixture('disqus-real-shapes.xml'), format: disqusFormat });
    assert.deepEqual(counts(s), {
      stories: { created: 3, existing: 0, folded: 1, closed: 1, unlisted: 0, relative: 1, problems: {} },
      comments: { imported: 6, alreadyImported: 0, tombstones: 1, pending: 0, parentMissing: 0 },
      held: {},
      conflicts: {},
      skipped: { spam: 1, orphan: 2 },
      threadProblems: { noId: 1 },
      rejected: 0,
    });
    // One story for the article, whatever link readers came by; the API finds it from the shared link.
    const shared = 'https://www.daily.example.com/politics/vote?utm_source=newsletter&fbclid=IwAR0abcdef#disqus_thread';
    const res = await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent(shared)}` });
    assert.equal(res.statusCode, 200, res.body);
    const vote = await story('https://www.daily.example.com/politics/vote');
    assert.equal(res.json<{ story: { id: string } }>().story.id, vote.id);
    const [first, tomb] = vote.comments;
    assert.equal(first?.replies[0]?.author?.displayName, 'Guest Voter', 'the reply through the http copy hangs under its parent');
    assert.deepEqual([tomb?.status, tomb?.author, tomb?.replies[0]?.author?.displayName], ['deleted', null, 'Passer-by']);
    const festival = await story('https://www.daily.example.com/culture/festival');
    assert.equal(festival.comments[0]?.author?.displayName, 'Anonymous');
    assert.match(festival.comments[0]?.bodyHtml ?? '', /مهرجان رائع — 很棒的节日/);
    assert.equal((await story('https://www.daily.example.com/archive/2015/flood')).closed, 1);
  });
});
