import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { importFile } from '../../src/server/portability/import/importer.js';
import { wordpressFormat } from '../../src/server/portability/import/wordpress.js';
import { buildTestApp } from '../fixtures/server.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/import/${name}`, import.meta.url));

interface ApiComment {
  parentId: string | null;
  author: { displayName: string } | null;
  bodyHtml: string;
  status: string;
  createdAt: string;
  replies: ApiComment[];
}

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;

before(async () => {
  ({ app, deps, close } = await buildTestApp());
  await deps.sites.createIfAbsent({ id: 'blog', name: 'Blog', origins: ['https://blog.example.fr'], lang: 'fr' });
  deps.origins.invalidate();
});
after(() => close());

async function story(url: string) {
  const res = await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent(url)}` });
  assert.equal(res.statusCode, 200, res.body);
  const s = res.json<{ story: { id: string; closed: boolean; commentCount: number; title: string } }>().story;
  const list = await app.inject({ method: 'GET', url: `/api/v1/stories/${s.id}/comments?sort=oldest` });
  return { ...s, comments: list.json<{ comments: ApiComment[] }>().comments };
}

const run = (name: string) => importFile({ db: deps.db, siteId: 'blog', path: fixture(name), format: wordpressFormat });

describe('importing a WordPress export (WXR)', () => {
  test('WXR 1.2: approved, pending, spam, trash, pingbacks, replies before parents, closed posts', async () => {
    const summary = await run('wordpress-1.2.xml');
    assert.equal(summary.stories.created, 2, 'the attachment and the draft are not stories');
    assert.deepEqual(summary.comments, { imported: 6, alreadyImported: 0, tombstones: 1, pending: 1, parentMissing: 0 });
    assert.deepEqual(summary.skipped, { spam: 1, pingback: 2 });

    const market = await story('https://blog.example.fr/2021/03/le-marche-demenage/');
    assert.equal(market.title, 'Le marché déménage');
    assert.equal(market.commentCount, 3, 'approved comments only: 21, 22 and 26');
    const [first, tomb] = market.comments;
    assert.ok(first && tomb);
    assert.equal(first.author?.displayName, 'Amélie');
    assert.equal(first.createdAt, '2021-03-02T09:00:00.000Z', 'the GMT date');
    assert.equal(
      first.bodyHtml,
      '<p>Bonne nouvelle.</p>\n<p>Le nouvel emplacement est <strong>plus grand</strong> : <a href="https://ville.example.fr/marche" rel="nofollow ugc noopener">voir le plan</a>.</p>',
    );
    assert.equal(first.replies[0]?.author?.displayName, 'Bernard');
    assert.equal(first.replies[0]?.bodyHtml, "<p>Tout à fait d'accord.<br>\nEt <em>enfin</em> !</p>");
    assert.equal(tomb.status, 'deleted');
    assert.equal(tomb.replies[0]?.author?.displayName, 'Anonyme', 'a nameless guest on a French site');
    const all = JSON.stringify(market.comments);
    for (const hidden of ['En attente', 'buy now', 'Trackback', 'Propos regrettés']) assert.ok(!all.includes(hidden), `${hidden} is not shown`);

    // http:// and utm_campaign in the export; the site is https: one story, under https, closed.
    const pool = await story('https://blog.example.fr/2020/07/piscine/');
    assert.equal(pool.closed, true);
    assert.equal(pool.comments[0]?.author?.displayName, 'Amélie');
    const post = await app.inject({ method: 'POST', url: `/api/v1/stories/${pool.id}/comments`, payload: { body: 'x' } });
    assert.equal(post.statusCode, 401);
  });

  test('WXR 1.0 with another prefix, and re-running adds nothing', async () => {
    const old = await run('wordpress-1.0.xml');
    assert.equal(old.comments.imported, 2);
    const hello = await story('https://blog.example.fr/2009/01/hello-world/');
    assert.equal(hello.comments[0]?.replies[0]?.author?.displayName, 'Reader');
    const again = await run('wordpress-1.2.xml');
    assert.deepEqual([again.comments.imported, again.comments.alreadyImported, again.stories.created, again.users.created], [0, 6, 0, 0]);
  });
});
