/**
 * Issue 11, finding 5: guests could be impersonated. Posting as a guest with another guest's email landed on the same
 * account and renamed their earlier comments. An email nobody proved must never bind an account: a guest comes back
 * only with the token their browser was given.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { solve } from '../../src/server/guests/pow.js';
import { findOrCreateIdentity } from '../../src/server/users/identities.js';
import { withTx } from '../../src/server/storage/tx.js';
import { buildTestApp } from '../fixtures/server.js';
import { codeOf, makeSite, publishEverything, signUp } from '../fixtures/publisher.js';
import { until } from '../fixtures/wait.js';

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let storyId: string;

interface Posted {
  comment: { id: string; status: string; author: { id: string; displayName: string } };
  guestToken: string;
}

let ip = 0;
async function postGuest(payload: Record<string, unknown>) {
  const got = await app.inject({ method: 'GET', url: `/api/v1/stories/${storyId}/guest-challenge` });
  assert.equal(got.statusCode, 200, got.body);
  const c = got.json<{ challenge: string; difficulty: number }>();
  // Each guest from an address of its own: the per-address limits are not what these tests are about.
  return app.inject({
    method: 'POST',
    url: `/api/v1/stories/${storyId}/guest-comments`,
    remoteAddress: `10.91.0.${++ip}`,
    payload: { body: `Guest words ${ip}`, challenge: c.challenge, nonce: solve(c.challenge, c.difficulty), ...payload },
  });
}
async function posted(payload: Record<string, unknown>): Promise<Posted> {
  const res = await postGuest(payload);
  assert.equal(res.statusCode, 201, res.body);
  return res.json<Posted>();
}
const authorOf = async (commentId: string) => {
  const row = await deps.db.selectFrom('comments as c').innerJoin('users as u', 'u.id', 'c.author_id').select(['u.id', 'u.display_name']).where('c.id', '=', commentId).executeTakeFirstOrThrow();
  return { id: row.id, name: row.display_name };
};

before(async () => {
  ({ app, deps, close } = await buildTestApp());
  publishEverything(deps);
  await makeSite(deps, 'guest-paper', ['https://guest.example'], { settings: { guests: { enabled: true, holdForReview: false, powDifficulty: 8 } } });
  storyId = (await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent('https://guest.example/story')}` })).json<{ story: { id: string } }>().story.id;
});
after(async () => close());

describe('guests cannot be impersonated by email', () => {
  test('a second poster with the same email gets an account of their own; the first one’s name and comments stay', async () => {
    const alice = await posted({ name: 'Alice', email: 'alice@example.com', body: 'Alice’s opinion' });
    const mallory = await posted({ name: 'Mallory', email: 'Alice@Example.com', body: 'Mallory’s opinion' });
    assert.notEqual(mallory.comment.author.id, alice.comment.author.id, 'the same email is not the same guest');
    assert.notEqual(mallory.guestToken, alice.guestToken);
    assert.deepEqual(await authorOf(alice.comment.id), { id: alice.comment.author.id, name: 'Alice' }, 'Alice’s comment is not renamed');
    const list = await app.inject({ method: 'GET', url: `/api/v1/stories/${storyId}/comments` });
    const byId = new Map(list.json<{ comments: Posted['comment'][] }>().comments.map((c) => [c.id, c.author.displayName]));
    assert.equal(byId.get(alice.comment.id), 'Alice');
    assert.equal(byId.get(mallory.comment.id), 'Mallory');
  });

  test('the token a guest was given brings them back to their own account (and only theirs)', async () => {
    const first = await posted({ name: 'Bea', email: 'bea@example.com', body: 'First words' });
    const again = await posted({ name: 'Béatrice', email: 'bea@example.com', body: 'Second words', guestToken: first.guestToken });
    assert.equal(again.comment.author.id, first.comment.author.id, 'same guest with the token');
    assert.equal(again.guestToken, first.guestToken);
    assert.equal((await authorOf(first.comment.id)).name, 'Béatrice', 'a guest may rename themself');
    // Someone else's email with no token, or a made-up token: a new guest each time.
    const stranger = await posted({ name: 'Bea', email: 'bea@example.com', guestToken: 'A'.repeat(43) });
    assert.notEqual(stranger.comment.author.id, first.comment.author.id);
    assert.notEqual(stranger.guestToken, 'A'.repeat(43), 'a token we did not issue is replaced, not adopted');
    assert.equal((await authorOf(first.comment.id)).name, 'Béatrice');
  });

  test('an account made before tokens (keyed by the email’s hash) cannot be reached by typing that email', async () => {
    const subject = createHash('sha256').update('old@example.com').digest('hex');
    const { userId } = await withTx(deps.db, (tx) => findOrCreateIdentity(tx, { siteId: 'guest-paper', provider: 'guest', subject, displayName: 'Old Guest' }));
    const res = await posted({ name: 'Impostor', email: 'old@example.com' });
    assert.notEqual(res.comment.author.id, userId);
    const bad = await postGuest({ name: 'Impostor', email: 'old@example.com', guestToken: 'old@example.com' });
    assert.equal(bad.statusCode, 400, 'an email is not a token');
    assert.equal(codeOf(bad), 'VALIDATION_FAILED');
    const old = await deps.db.selectFrom('users').select('display_name').where('id', '=', userId).executeTakeFirstOrThrow();
    assert.equal(old.display_name, 'Old Guest');
  });

  test('replies notify the guest who wrote the comment, never another poster of the same email', async () => {
    const carol = await posted({ name: 'Carol', email: 'carol@example.com', body: 'Carol asks a question' });
    const copycat = await posted({ name: 'Carol', email: 'carol@example.com', body: 'Copycat words' });
    const reader = await signUp(app, 'Dan');
    const reply = await app.inject({ method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: reader.auth, payload: { body: 'Dan answers', parentId: carol.comment.id } });
    assert.equal(reply.statusCode, 201, reply.body);
    const to = await until(async () => {
      const rows = await deps.db.selectFrom('notifications').select('user_id').where('kind', '=', 'reply').execute();
      return rows.length > 0 ? rows.map((r) => r.user_id) : undefined;
    });
    assert.deepEqual(to, [carol.comment.author.id]);
    assert.ok(!to.includes(copycat.comment.author.id));
    // Guests get no email: the address was never proven, so nothing is ever sent to it.
    const settings = await deps.publisher.readerSettings.get(carol.comment.author.id);
    assert.equal(settings.email, null);
  });

  test('a refused guest comment leaves no account behind', async () => {
    const count = async () => Number((await deps.db.selectFrom('guest_authors').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const res = await postGuest({ name: 'Empty', email: 'empty@example.com', body: '   ' });
    assert.equal(res.statusCode, 400);
    assert.equal(codeOf(res), 'BODY_EMPTY');
    assert.equal(await count(), before);
  });
});
