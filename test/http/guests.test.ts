import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { issueChallenge, leadingZeroBits, powDigest, solve } from '../../src/server/guests/pow.js';
import { updateSite } from '../../src/server/sites/admin.js';
import { buildTestApp } from '../fixtures/server.js';
import { codeOf, makeSite, publishEverything } from '../fixtures/publisher.js';

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let storyId: string;
let closedSiteStory: string;

const lookup = async (url: string) => (await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent(url)}` })).json<{ story: { id: string } }>().story.id;
const challenge = async (id = storyId) => app.inject({ method: 'GET', url: `/api/v1/stories/${id}/guest-challenge` });
const solved = async (id = storyId) => {
  const c = (await challenge(id)).json<{ challenge: string; difficulty: number }>();
  return { challenge: c.challenge, nonce: solve(c.challenge, c.difficulty) };
};
const postGuest = (payload: Record<string, unknown>, id = storyId) => app.inject({ method: 'POST', url: `/api/v1/stories/${id}/guest-comments`, payload: { name: 'Gus', email: 'gus@example.com', body: 'Hello as a guest', ...payload } });

before(async () => {
  ({ app, deps, close } = await buildTestApp());
  publishEverything(deps);
  await makeSite(deps, 'open-paper', ['https://open.example'], { settings: { guests: { enabled: true, powDifficulty: 10 } } });
  await makeSite(deps, 'members-only', ['https://members.example']);
  storyId = await lookup('https://open.example/story');
  closedSiteStory = await lookup('https://members.example/story');
});
after(async () => close());

describe('guest comments', () => {
  test('a site that does not allow guests gives no challenge and takes no comment', async () => {
    const res = await challenge(closedSiteStory);
    assert.equal(res.statusCode, 403);
    assert.equal(codeOf(res), 'GUESTS_NOT_ALLOWED');
    assert.equal(codeOf(await postGuest({ challenge: 'x', nonce: '1' }, closedSiteStory)), 'GUESTS_NOT_ALLOWED');
  });

  test('with a solved challenge the comment is taken, held for review, and the email is never shown', async () => {
    const c = (await challenge()).json<{ challenge: string; difficulty: number; expiresAt: string }>();
    assert.equal(c.difficulty, 10);
    assert.ok(Date.parse(c.expiresAt) > Date.now());
    const nonce = solve(c.challenge, c.difficulty);
    assert.ok(leadingZeroBits(powDigest(c.challenge, nonce)) >= 10);
    const res = await postGuest({ challenge: c.challenge, nonce });
    assert.equal(res.statusCode, 201, res.body);
    const comment = res.json<{ comment: { id: string; status: string; author: { displayName: string } } }>().comment;
    assert.equal(comment.status, 'pending', 'held for review by default');
    assert.equal(comment.author.displayName, 'Gus');
    assert.doesNotMatch(res.body, /gus@example\.com/);
    const stored = await deps.db.selectFrom('guest_authors').select('email').execute();
    assert.deepEqual(stored.map((r) => r.email), ['gus@example.com'], 'kept for moderators');
    const user = await deps.db.selectFrom('users').select('email').where('display_name', '=', 'Gus').executeTakeFirstOrThrow();
    assert.equal(user.email, null, 'the guest account has no login email');

    // The same challenge a second time is a replay.
    const replay = await postGuest({ challenge: c.challenge, nonce, body: 'again' });
    assert.equal(replay.statusCode, 403);
    assert.equal(codeOf(replay), 'CHALLENGE_FAILED');
  });

  test('unsolved, tampered, expired or another site’s challenges are refused', async () => {
    const c = (await challenge()).json<{ challenge: string; difficulty: number }>();
    let bad = '0';
    while (leadingZeroBits(powDigest(c.challenge, bad)) >= c.difficulty) bad += '0';
    assert.equal(codeOf(await postGuest({ challenge: c.challenge, nonce: bad })), 'CHALLENGE_FAILED', 'not solved');
    const easier = c.challenge.replace(/\.10\./, '.1.');
    assert.equal(codeOf(await postGuest({ challenge: easier, nonce: solve(easier, 1) })), 'CHALLENGE_FAILED', 'difficulty lowered by the client');
    const old = issueChallenge(deps.publisher.secret, 'open-paper', 10, Date.now() - 11 * 60_000);
    assert.equal(codeOf(await postGuest({ challenge: old.challenge, nonce: solve(old.challenge, 10) })), 'CHALLENGE_FAILED', 'expired');
    const foreign = issueChallenge(deps.publisher.secret, 'members-only', 10);
    assert.equal(codeOf(await postGuest({ challenge: foreign.challenge, nonce: solve(foreign.challenge, 10) })), 'CHALLENGE_FAILED', 'for another site');
    assert.equal(codeOf(await postGuest({ ...(await solved()), email: 'not-an-email' })), 'INVALID_EMAIL');
  });

  test('the moderation pipeline decides first; with holding off, what it publishes is published', async () => {
    await updateSite({ siteStore: deps.publisher.siteStore, origins: deps.origins }, 'open-paper', { settings: { guests: { holdForReview: false } } });
    let res = await postGuest({ ...(await solved()), body: 'Published straight away' });
    assert.equal(res.json<{ comment: { status: string } }>().comment.status, 'published');
    const list = await app.inject({ method: 'GET', url: `/api/v1/stories/${storyId}/comments` });
    assert.match(list.body, /Published straight away/);
    assert.doesNotMatch(list.body, /gus@example\.com/);
    deps.commentDeps.moderate = async () => ({ status: 'rejected', rejectionReason: 'spam' });
    res = await postGuest({ ...(await solved()), body: 'Buy cheap watches' });
    assert.equal(res.json<{ comment: { status: string } }>().comment.status, 'rejected', 'the pipeline’s spam verdict stands');
    publishEverything(deps);
  });
});
