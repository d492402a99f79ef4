import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { DEMO_SITE_ID } from '../../src/server/sites/seed.js';
import { updateSite } from '../../src/server/sites/admin.js';
import { buildTestApp } from '../fixtures/server.js';
import { hsToken, makeSite, publishEverything, signUp, signUpAdmin } from '../fixtures/publisher.js';

interface Author {
  id: string;
  displayName: string;
  avatarUrl?: string;
  badges?: string[];
}
interface Comment {
  id: string;
  author: Author | null;
  replies: Comment[];
}
interface Story {
  id: string;
  siteId: string;
  guests: boolean;
}

const SLUG = 'etats-unis-mexique-fentanyl';
const AVATAR = 'https://cdn.example/avatars/j.png?s=48&v=2';

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let own: string;
let storyId: string;
let journalist: Record<string, string>;
let local: Awaited<ReturnType<typeof signUp>>;
let top: Comment;
let reply: Comment;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Signs a publisher's reader in through single sign-on and returns their bearer headers and id. */
async function ssoReader(siteId: string, claims: Record<string, unknown>) {
  const secret = await deps.publisher.siteStore.ssoSecret(siteId);
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/sso', payload: { token: await hsToken(secret, { aud: siteId, ...claims }) } });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json<{ token: string; user: { id: string } }>();
  return { auth: bearer(body.token), id: body.user.id };
}

async function lookup(url: string): Promise<Story> {
  const res = await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent(url)}` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json<{ story: Story }>().story;
}

async function post(auth: Record<string, string>, story: string, body: string, parentId?: string): Promise<Comment> {
  const res = await app.inject({ method: 'POST', url: `/api/v1/stories/${story}/comments`, headers: auth, payload: parentId ? { body, parentId } : { body } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json<{ comment: Comment }>().comment;
}

async function list(headers: Record<string, string> = {}, story = storyId): Promise<Comment[]> {
  const res = await app.inject({ method: 'GET', url: `/api/v1/stories/${story}/comments?sort=oldest`, headers });
  assert.equal(res.statusCode, 200, res.body);
  return res.json<{ comments: Comment[] }>().comments;
}

/** Neither key is present: authors without a profile cost no bytes. */
function assertPlain(a: Author | null | undefined, what: string) {
  assert.ok(a, what);
  assert.equal('avatarUrl' in a, false, `${what}: no avatarUrl key`);
  assert.equal('badges' in a, false, `${what}: no badges key`);
}

before(async () => {
  ({ app, deps, close } = await buildTestApp());
  publishEverything(deps);
  own = new URL(deps.config.publicUrl).origin;
  storyId = (await lookup(`${own}/articles/${SLUG}`)).id;
  ({ auth: journalist } = await ssoReader(DEMO_SITE_ID, {
    sub: 'pub-7',
    name: 'Jeanne Martin',
    avatar: AVATAR,
    // The role comes first and is not repeated when the publisher also lists it as a badge.
    role: 'Journaliste',
    badges: ['Abonnée', 'Journaliste', '<b>Fidèle</b>', 'Abonnée'],
  }));
  local = await signUp(app, 'Local Reader');
  top = await post(journalist, storyId, 'Un commentaire de la rédaction.');
  reply = await post(local.auth, storyId, 'Une réponse d’un lecteur.', top.id);
});
after(async () => close());

const EXPECTED = { avatarUrl: AVATAR, badges: ['Journaliste', 'Abonnée', '<b>Fidèle</b>'] };

describe('comment authors carry their single sign-on avatar and badges', () => {
  test('the new comment, the listing (signed in and the anonymous cached page) and an edit', async () => {
    assert.deepEqual({ avatarUrl: top.author?.avatarUrl, badges: top.author?.badges }, EXPECTED);
    assertPlain(reply.author, 'a local reader');

    for (const [who, headers] of [
      ['anonymous', {}],
      ['anonymous, from the cache', {}],
      ['signed in', local.auth],
    ] as const) {
      const [first] = await list(headers);
      assert.equal(first?.id, top.id, who);
      assert.deepEqual({ avatarUrl: first?.author?.avatarUrl, badges: first?.author?.badges }, EXPECTED, who);
      assertPlain(first?.replies[0]?.author, `${who}: the local reader's reply`);
    }

    const edited = await app.inject({ method: 'PATCH', url: `/api/v1/comments/${top.id}`, headers: journalist, payload: { body: 'Un commentaire de la rédaction, corrigé.' } });
    assert.equal(edited.statusCode, 200, edited.body);
    assert.deepEqual(edited.json<{ comment: Comment }>().comment.author?.badges, EXPECTED.badges);
  });

  test('the live events readers receive', async () => {
    const events = await deps.realtime.events.since(storyId, 0, 100);
    const created = events.filter((e) => e.type === 'comment.created').map((e) => (JSON.parse(e.data) as { comment: Comment }).comment);
    const mine = created.find((c) => c.id === top.id);
    assert.deepEqual({ avatarUrl: mine?.author?.avatarUrl, badges: mine?.author?.badges }, EXPECTED);
    assertPlain(created.find((c) => c.id === reply.id)?.author, 'the live event of a local reader’s comment');
  });

  test('the Featured tab', async () => {
    const admin = await signUpAdmin(app, deps);
    for (const id of [top.id, reply.id]) {
      const res = await app.inject({ method: 'POST', url: `/api/v1/admin/moderation/comments/${id}/feature`, headers: admin.auth, payload: { featured: true } });
      assert.equal(res.statusCode, 200, res.body);
    }
    const res = await app.inject({ method: 'GET', url: `/api/v1/stories/${storyId}/featured` });
    assert.equal(res.statusCode, 200, res.body);
    const featured = res.json<{ comments: Comment[] }>().comments;
    assert.deepEqual(featured.map((c) => c.id).sort(), [top.id, reply.id].sort());
    const journalists = featured.find((c) => c.id === top.id);
    assert.deepEqual({ avatarUrl: journalists?.author?.avatarUrl, badges: journalists?.author?.badges }, EXPECTED);
    assertPlain(featured.find((c) => c.id === reply.id)?.author, 'a featured local comment');
  });

  test('the server-rendered Discussion shows the picture and the labels, escaped', async () => {
    const res = await app.inject({ method: 'GET', url: `/articles/${SLUG}` });
    assert.equal(res.statusCode, 200);
    const block = /<article class="comment" id="comment-[^"]+" aria-label="Jeanne Martin">[\s\S]*?<\/header>/.exec(res.body)?.[0] ?? '';
    assert.ok(block.includes('<img class="avatar" src="https://cdn.example/avatars/j.png?s=48&amp;v=2" alt="" width="24" height="24" loading="lazy" referrerpolicy="no-referrer">'), block);
    assert.ok(
      block.includes('<strong>Jeanne Martin</strong> <span class="badges"><span class="badge">Journaliste</span><span class="badge">Abonnée</span><span class="badge">&lt;b&gt;Fidèle&lt;/b&gt;</span></span>'),
      block,
    );
    const plain = /<article class="comment" id="comment-[^"]+" aria-label="Local Reader">[\s\S]*?<\/header>/.exec(res.body)?.[0] ?? '';
    assert.ok(plain.includes('<strong>Local Reader</strong> · '), plain);
    // No picture, no single sign-on labels; it was featured above, which the page says with its own label.
    assert.doesNotMatch(plain, /<img|class="badges"/);
    assert.match(plain, /<span class="badge featured">À la une<\/span>/);
    // The publisher's pictures are on its own host: the page's CSP must let them load.
    assert.match(String(res.headers['content-security-policy']), /img-src [^;]*https:/);
  });

  test('a stored picture that is not http(s) is never shown', async () => {
    const { auth, id } = await ssoReader(DEMO_SITE_ID, { sub: 'pub-8', name: 'Paul Durand', badges: ['Abonné'] });
    // As a row written before the claim was checked, or by hand, could hold.
    await deps.db.updateTable('sso_profiles').set({ avatar: 'javascript:alert(1)' }).where('user_id', '=', id).execute();
    const c = await post(auth, storyId, 'Un lecteur abonné.');
    assert.equal(c.author && 'avatarUrl' in c.author, false);
    assert.deepEqual(c.author?.badges, ['Abonné']);
    const page = await app.inject({ method: 'GET', url: `/articles/${SLUG}` });
    assert.doesNotMatch(page.body, /javascript:alert/);
  });

  test('a profile belongs to its site: the same account on another site shows neither', async () => {
    const other = await makeSite(deps, 'paper-b', ['https://b.example']);
    const otherStory = (await lookup('https://b.example/2024/une')).id;
    const { auth, id } = await ssoReader(DEMO_SITE_ID, { sub: 'pub-9', name: 'Ada Chef', avatar: 'https://cdn.example/ada.png', role: 'Rédactrice en chef' });
    // Staff may comment on every site; their single sign-on profile is the demo site's only.
    await deps.db.updateTable('users').set({ role: 'admin' }).where('id', '=', id).execute();
    const home = await post(auth, storyId, 'Sur mon site.');
    assert.deepEqual(home.author?.badges, ['Rédactrice en chef']);
    // The token the demo site's page holds comments on the demo site only (issue 11); staff comment elsewhere with a
    // session of their own there, here one of an API client (no page holds it).
    const refused = await app.inject({ method: 'POST', url: `/api/v1/stories/${otherStory}/comments`, headers: auth, payload: { body: 'Refused.' } });
    assert.equal(refused.json<{ error: { code: string } }>().error.code, 'TOKEN_WRONG_SITE');
    const away = await post(bearer((await deps.sessions.create(id, 'bearer')).token), otherStory, 'On another site.');
    assertPlain(away.author, `the comment on ${other.id}`);
    assertPlain((await list({}, otherStory))[0]?.author, `the listing of ${other.id}`);
  });
});

describe('story.guests tells the widget whether to offer the guest form', () => {
  test('false by default, true once the site takes guests, on both story endpoints', async () => {
    const byId = async () => (await app.inject({ method: 'GET', url: `/api/v1/stories/${storyId}` })).json<{ story: Story }>().story;
    assert.equal((await byId()).guests, false);
    assert.equal((await lookup(`${own}/articles/${SLUG}`)).guests, false);

    const admin = { siteStore: deps.publisher.siteStore, origins: deps.origins };
    await updateSite(admin, DEMO_SITE_ID, { settings: { guests: { enabled: true } } });
    assert.equal((await byId()).guests, true, 'seen at once, though the settings are cached');
    assert.equal((await lookup(`${own}/articles/${SLUG}`)).guests, true);

    await makeSite(deps, 'paper-guests', ['https://guests.example'], { settings: { guests: { enabled: true } } });
    const open = await lookup('https://guests.example/a');
    assert.equal(open.siteId, 'paper-guests');
    assert.equal(open.guests, true);
    await updateSite(admin, 'paper-guests', { settings: { guests: { enabled: false } } });
    assert.equal((await lookup('https://guests.example/a')).guests, false);
  });
});
