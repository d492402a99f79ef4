import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { buildTestApp } from '../fixtures/server.js';
import { publishEverything, signUp } from '../fixtures/publisher.js';

// The server-rendered article page and permalinks (issue 12, point 4), for readers without JavaScript: every comment
// has its anchor and a link to it, and ?comment=<id> shows that comment's thread wherever it is in the discussion.

const SLUG = 'etats-unis-mexique-fentanyl';
const OTHER_SLUG = 'wrenford-council-approves-cycle-network';

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let storyId: string;
let otherStoryId: string;
let auth: Record<string, string>;

const storyOf = async (slug: string) => {
  const own = new URL(deps.config.publicUrl).origin;
  return (await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent(`${own}/articles/${slug}`)}` })).json<{ story: { id: string } }>().story.id;
};
const post = async (body: string, parentId?: string, story = storyId) => {
  const res = await app.inject({ method: 'POST', url: `/api/v1/stories/${story}/comments`, headers: auth, payload: parentId ? { body, parentId } : { body } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json<{ comment: { id: string } }>().comment.id;
};
const page = async (query = '') => {
  const res = await app.inject({ method: 'GET', url: `/articles/${SLUG}${query}` });
  assert.equal(res.statusCode, 200, res.body);
  return res.body;
};
/** The ids of the comments a page shows, in document order. */
const shown = (html: string) => [...html.matchAll(/<article class="comment[^"]*" id="comment-([^"]+)"/g)].map((m) => m[1]);

let root: string;
let folded: string;
let deep: string;

before(async () => {
  ({ app, deps, close } = await buildTestApp({ writesPerMinute: 10_000 }));
  publishEverything(deps);
  auth = (await signUp(app, 'Lectrice')).auth;
  storyId = await storyOf(SLUG);
  otherStoryId = await storyOf(OTHER_SLUG);
  root = await post('Le fil lointain.');
  const replies = [];
  for (let i = 0; i < 5; i++) replies.push(await post(`Réponse ${i}`, root));
  // The 5th reply is folded behind "Afficher 2 autres réponses" on the page (3 are shown).
  folded = replies[4] ?? '';
  deep = await post('Tout au fond.', replies[0]);
  for (let i = 0; i < 25; i++) await post(`Fil récent ${i}`);
});
after(async () => close());

describe('permalinks on the article page, without JavaScript', () => {
  test('every comment has its anchor and a link to its own view', async () => {
    const html = await page();
    const ids = shown(html);
    assert.ok(ids.length >= 20);
    for (const id of ids) assert.ok(html.includes(`href="?comment=${id}#comment-${id}"`), `a link to ${id}`);
    assert.ok(!ids.includes(root), 'the old thread is not on the first page');
  });

  test('?comment=<id> shows that comment’s thread alone, the comment marked, with the way back', async () => {
    const html = await page(`?comment=${deep}`);
    const ids = shown(html);
    assert.equal(ids[0], root, 'its top-level comment first');
    assert.ok(ids.includes(deep));
    assert.equal(ids.length, 7, 'the thread and nothing else');
    assert.match(html, new RegExp(`<article class="comment target" id="comment-${deep}"[^>]*aria-current="true"`));
    assert.match(html, /<p class="thread-view">Une conversation de la discussion\. <a href="\/articles\/etats-unis-mexique-fentanyl#agora-discussion">Afficher tous les commentaires<\/a><\/p>/);
    assert.match(html, /<link rel="canonical" href="[^"]*\/articles\/etats-unis-mexique-fentanyl">/, 'the canonical page stays the article');
  });

  test('a folded reply a permalink points to is shown unfolded', async () => {
    const html = await page(`?comment=${folded}`);
    assert.match(html, /<details open><summary>Afficher 2 autres réponses<\/summary>/);
    assert.doesNotMatch(await page(`?comment=${deep}`), /<details open>/, 'folded when the target is elsewhere');
  });

  test('a held comment, one of another story or an unknown id shows the whole discussion, as usual', async () => {
    deps.commentDeps.moderate = async () => ({ status: 'pending' });
    const held = await post('Texte en attente de modération.');
    publishEverything(deps);
    const elsewhere = await post('Sur un autre article.', undefined, otherStoryId);
    const first = shown(await page());
    for (const id of [held, elsewhere, 'nope', "1' OR '1'='1"]) {
      const html = await page(`?comment=${encodeURIComponent(id)}`);
      assert.deepEqual(shown(html), first, id);
      assert.doesNotMatch(html, /thread-view|Texte en attente/);
    }
  });
});
