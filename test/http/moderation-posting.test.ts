/**
 * The moderation pipeline behind the comment API: what readers and authors see when a comment is held, rejected or
 * refused, what is stored for moderators, and that edits are judged again.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { DEFAULT_SETTINGS } from '../../src/server/moderation/settings.js';
import { buildTestApp } from '../fixtures/server.js';
import { api, code } from '../fixtures/moderation-http.js';

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let h: ReturnType<typeof api>;

before(async () => {
  ({ app, deps, close } = await buildTestApp());
  h = api(app, () => new URL(deps.config.publicUrl).origin, 'modpost');
});
after(async () => close());

async function storedVerdict(id: string) {
  const row = await deps.db.selectFrom('comments').select(['moderation', 'status']).where('id', '=', id).executeTakeFirstOrThrow();
  return { status: row.status, verdict: JSON.parse(row.moderation ?? 'null') as { action: string; reasons: { phase: string; words?: string[] }[]; scores: Record<string, unknown> } };
}

describe('held, rejected and published comments', () => {
  test('a clean comment is published, and its verdict with scores is stored', async () => {
    const storyId = await h.story('/mod/clean');
    const ana = await h.reader('Ana');
    const c = await h.posted(storyId, ana, 'Merci pour cet article très complet sur la réforme des retraites.');
    assert.equal(c.status, 'published');
    const { verdict } = await storedVerdict(c.id);
    assert.equal(verdict.action, 'publish');
    assert.equal(verdict.scores.lang, 'fr');
    assert.equal(typeof verdict.scores.toxicity, 'number');
  });

  test('a comment with a suspect word is held: only its author sees it, "pending", and the reason is stored', async () => {
    const storyId = await h.story('/mod/held');
    const [ana, ben] = [await h.reader('Ana'), await h.reader('Ben')];
    const c = await h.posted(storyId, ana, 'Ce ministre est un vrai c0nn4rd, franchement.');
    assert.equal(c.status, 'pending');
    assert.deepEqual((await h.list(storyId, ana)).map((x) => [x.id, x.status]), [[c.id, 'pending']]);
    assert.deepEqual(await h.list(storyId, ben), [], 'another reader does not see it');
    assert.deepEqual(await h.list(storyId), [], 'nor does a signed-out reader');
    const { verdict } = await storedVerdict(c.id);
    assert.equal(verdict.action, 'hold');
    assert.deepEqual(verdict.reasons.find((r) => r.phase === 'suspect_words')?.words, ['connard*']);
  });

  test('a comment with a banned word is rejected; its author is told why, in the story’s language', async () => {
    const storyId = await h.story('/mod/banned');
    const ana = await h.reader('Ana');
    const c = await h.posted(storyId, ana, 'Dehors les b0ugn0ules');
    assert.equal(c.status, 'rejected');
    assert.equal(c.rejectionReason, 'Votre commentaire contient des mots interdits sur ce site.');
    const mine = await h.list(storyId, ana);
    assert.equal(mine[0]?.rejectionReason, c.rejectionReason);
    assert.deepEqual(await h.list(storyId), []);
  });

  test('an edit is judged again: a published comment edited into an insult is held and leaves the public list', async () => {
    const storyId = await h.story('/mod/edit');
    const ana = await h.reader('Ana');
    const c = await h.posted(storyId, ana, 'Je ne suis pas d’accord avec cette analyse.');
    assert.equal(c.status, 'published');
    const res = await app.inject({ method: 'PATCH', url: `/api/v1/comments/${c.id}`, headers: ana.auth, payload: { body: 'Je ne suis pas d’accord, espèce de crétin.' } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json<{ comment: { status: string } }>().comment.status, 'pending');
    assert.deepEqual(await h.list(storyId), []);
    const story = await app.inject({ method: 'GET', url: `/api/v1/stories/${storyId}` });
    assert.equal(story.json<{ story: { commentCount: number } }>().story.commentCount, 0, 'the public count follows');
  });
  test('a rejected comment edited into a clean one waits for a moderator instead of going public', async () => {
    const storyId = await h.story('/mod/edit-rejected');
    const ana = await h.reader('Ana');
    const c = await h.posted(storyId, ana, 'Dehors les b0ugn0ules');
    assert.equal(c.status, 'rejected');
    const res = await app.inject({ method: 'PATCH', url: `/api/v1/comments/${c.id}`, headers: ana.auth, payload: { body: 'Je retire ce que j’ai dit.' } });
    assert.equal(res.json<{ comment: { status: string } }>().comment.status, 'pending');
    assert.deepEqual(await h.list(storyId), []);
    const { verdict } = await storedVerdict(c.id);
    assert.deepEqual(verdict.reasons.map((r) => r.phase), ['trust']);
  });
});

describe('refusals: nothing is stored, the author gets a clear error', () => {
  test('a banned author gets 403 USER_BANNED; a suspended one 403 USER_SUSPENDED with Retry-After', async () => {
    const storyId = await h.story('/mod/standing');
    const [ana, ben] = [await h.reader('Ana'), await h.reader('Ben')];
    await deps.moderation.repo.saveStanding(deps.db, 'demo', ana.id, { banned: true, suspendedUntil: null, premoderate: false });
    const banned = await h.post(storyId, ana, 'Bonjour');
    assert.equal(banned.statusCode, 403);
    assert.equal(code(banned), 'USER_BANNED');
    const until = new Date(Date.now() + 3_600_000).toISOString();
    await deps.moderation.repo.saveStanding(deps.db, 'demo', ben.id, { banned: false, suspendedUntil: until, premoderate: false });
    const suspended = await h.post(storyId, ben, 'Bonjour');
    assert.equal(suspended.statusCode, 403);
    assert.equal(code(suspended), 'USER_SUSPENDED');
    assert.ok(Number(suspended.headers['retry-after']) > 3500);
    assert.deepEqual(await h.list(storyId), []);
  });

  test('the same text twice on a story is 409 DUPLICATE_COMMENT', async () => {
    const storyId = await h.story('/mod/dup');
    const ana = await h.reader('Ana');
    await h.posted(storyId, ana, 'Tout à fait d’accord.');
    const again = await h.post(storyId, ana, 'Tout à fait d’accord.');
    assert.equal(again.statusCode, 409);
    assert.equal(code(again), 'DUPLICATE_COMMENT');
  });

  test('beyond the site’s rate limit the author gets 429 with Retry-After', async () => {
    await deps.moderation.repo.saveSettings(deps.db, 'demo', { ...structuredClone(DEFAULT_SETTINGS), rate: { max: 2, windowSeconds: 120 } });
    try {
      const storyId = await h.story('/mod/rate');
      const ana = await h.reader('Ana');
      await h.posted(storyId, ana, 'un');
      await h.posted(storyId, ana, 'deux');
      const third = await h.post(storyId, ana, 'trois');
      assert.equal(third.statusCode, 429);
      assert.equal(code(third), 'RATE_LIMITED');
      assert.equal(third.headers['retry-after'], '120');
    } finally {
      await deps.moderation.repo.saveSettings(deps.db, 'demo', structuredClone(DEFAULT_SETTINGS));
    }
  });

  test('a site that reviews first comments holds a reader’s first ones until enough are published, then publishes', async () => {
    await deps.moderation.repo.saveSettings(deps.db, 'demo', { ...structuredClone(DEFAULT_SETTINGS), premoderateFirst: 3 });
    try {
      const storyId = await h.story('/mod/first-comments');
      const reader = await h.reader('Noé');
      const approve = (id: string) => deps.db.updateTable('comments').set({ status: 'published' }).where('id', '=', id).execute();
      for (let i = 0; i < 3; i++) {
        const c = await h.posted(storyId, reader, `Mon commentaire numéro ${i + 1}, tout à fait ordinaire.`);
        assert.equal(c.status, 'pending');
        const { verdict } = await storedVerdict(c.id);
        assert.match(JSON.stringify(verdict.reasons), new RegExp(`this user has ${i} published`));
        await approve(c.id);
      }
      const fourth = await h.posted(storyId, reader, 'Mon quatrième commentaire, publié sans attendre.');
      assert.equal(fourth.status, 'published');
    } finally {
      await deps.moderation.repo.saveSettings(deps.db, 'demo', structuredClone(DEFAULT_SETTINGS));
    }
  });

  test('a pre-moderated site holds every comment from readers', async () => {
    await deps.moderation.repo.saveSettings(deps.db, 'demo', { ...structuredClone(DEFAULT_SETTINGS), mode: 'pre' });
    try {
      const storyId = await h.story('/mod/pre');
      const c = await h.posted(storyId, await h.reader('Ana'), 'Un commentaire tout à fait ordinaire.');
      assert.equal(c.status, 'pending');
      const { verdict } = await storedVerdict(c.id);
      assert.deepEqual(verdict.reasons.map((r) => r.phase), ['mode']);
    } finally {
      await deps.moderation.repo.saveSettings(deps.db, 'demo', structuredClone(DEFAULT_SETTINGS));
    }
  });
});
