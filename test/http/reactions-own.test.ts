import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { buildTestApp } from '../fixtures/server.js';
import { codeOf, makeSite, publishEverything, signUp } from '../fixtures/publisher.js';

// Respect is what others think of a comment (issue 12, point 8): its author cannot give it, through any door.

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let storyId: string;

before(async () => {
  ({ app, deps, close } = await buildTestApp());
  publishEverything(deps);
  await makeSite(deps, 'respect', ['https://respect.example']);
  storyId = (await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent('https://respect.example/a')}&title=A` })).json<{ story: { id: string } }>().story.id;
});
after(async () => close());

describe('Respect on one’s own comment', () => {
  test('is refused with 403 CANNOT_REACT_OWN, in the reader’s language, and counts nothing', async () => {
    const ana = await signUp(app, 'Ana');
    const ben = await signUp(app, 'Ben');
    const c = (await app.inject({ method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: ana.auth, payload: { body: 'Mon avis.' } })).json<{ comment: { id: string } }>().comment;

    const own = await app.inject({ method: 'POST', url: `/api/v1/comments/${c.id}/reaction`, headers: { ...ana.auth, 'accept-language': 'fr' } });
    assert.equal(own.statusCode, 403, own.body);
    assert.equal(codeOf(own), 'CANNOT_REACT_OWN');
    assert.equal(own.json<{ error: { message: string } }>().error.message, 'Vous ne pouvez pas donner de Respect à votre propre commentaire.');

    const other = await app.inject({ method: 'POST', url: `/api/v1/comments/${c.id}/reaction`, headers: ben.auth });
    assert.deepEqual(other.json(), { reactionCount: 1, reacted: true }, 'another reader may');
    const page = (await app.inject({ method: 'GET', url: `/api/v1/stories/${storyId}/comments`, headers: ana.auth })).json<{ comments: { id: string; reactionCount: number; viewer: { reacted: boolean } }[] }>();
    const shown = page.comments.find((x) => x.id === c.id);
    assert.equal(shown?.reactionCount, 1, 'only Ben’s');
    assert.equal(shown?.viewer.reacted, false);
    const stored = await deps.db.selectFrom('reactions').select('user_id').where('comment_id', '=', c.id).execute();
    assert.deepEqual(stored.map((r) => r.user_id), [ben.user.id]);
  });

  test('on a held comment of one’s own too; taking back an old self-Respect (imported data) still works', async () => {
    const cleo = await signUp(app, 'Cléo');
    deps.commentDeps.moderate = async () => ({ status: 'pending' });
    const held = (await app.inject({ method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: cleo.auth, payload: { body: 'En attente.' } })).json<{ comment: { id: string } }>().comment;
    publishEverything(deps);
    assert.equal(codeOf(await app.inject({ method: 'POST', url: `/api/v1/comments/${held.id}/reaction`, headers: cleo.auth })), 'CANNOT_REACT_OWN');

    const c = (await app.inject({ method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: cleo.auth, payload: { body: 'Importé avec mon propre Respect.' } })).json<{ comment: { id: string } }>().comment;
    // As an import from an older system may have stored it.
    await deps.db.insertInto('reactions').values({ comment_id: c.id, user_id: cleo.user.id, created_at: new Date().toISOString() }).execute();
    await deps.db.updateTable('comments').set({ reaction_count: 1 }).where('id', '=', c.id).execute();
    const back = await app.inject({ method: 'DELETE', url: `/api/v1/comments/${c.id}/reaction`, headers: cleo.auth });
    assert.deepEqual(back.json(), { reactionCount: 0, reacted: false });
  });
});
