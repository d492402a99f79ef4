import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { MAX_IGNORED } from '../../src/server/users/ignored.js';
import { buildTestApp } from '../fixtures/server.js';
import { codeOf, makeSite, publishEverything, signUp, signUpAdmin } from '../fixtures/publisher.js';

// Ignoring a reader (issue 12, point 8): the ignorer's widget folds that reader's comments, from the ids it gets with
// /api/v1/me (live comments included, which carry no per-reader fields). Nobody else sees any difference.

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let storyId: string;

const me = async (auth: Record<string, string>) => (await app.inject({ method: 'GET', url: '/api/v1/me', headers: auth })).json<{ ignored: string[] }>();
const ignore = (auth: Record<string, string>, userId: string, on = true) => app.inject({ method: on ? 'POST' : 'DELETE', url: `/api/v1/me/ignored/${encodeURIComponent(userId)}`, headers: auth });

before(async () => {
  ({ app, deps, close } = await buildTestApp({ writesPerMinute: 10_000 }));
  publishEverything(deps);
  await makeSite(deps, 'ignore', ['https://ignore.example']);
  storyId = (await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent('https://ignore.example/a')}&title=A` })).json<{ story: { id: string } }>().story.id;
});
after(async () => close());

describe('ignoring a reader', () => {
  test('POST adds them to the list /api/v1/me returns; twice is harmless; DELETE takes them off', async () => {
    const ana = await signUp(app, 'Ana');
    const troll = await signUp(app, 'Troll');
    assert.deepEqual((await me(ana.auth)).ignored, [], 'empty at first');

    const on = await ignore(ana.auth, troll.user.id);
    assert.equal(on.statusCode, 200, on.body);
    assert.deepEqual(on.json(), { ignored: [troll.user.id] });
    assert.deepEqual((await ignore(ana.auth, troll.user.id)).json(), { ignored: [troll.user.id] }, 'idempotent');
    assert.deepEqual((await me(ana.auth)).ignored, [troll.user.id]);

    const list = (await app.inject({ method: 'GET', url: '/api/v1/me/ignored', headers: ana.auth })).json<{ users: { id: string; displayName: string; since: string }[] }>();
    assert.deepEqual(list.users.map((u) => [u.id, u.displayName]), [[troll.user.id, 'Troll']], 'with names, for a profile page');

    // The ignored reader's comments are unchanged for everyone, the ignorer included: folding is the widget's.
    const c = await app.inject({ method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: troll.auth, payload: { body: 'Provocation.' } });
    assert.equal(c.statusCode, 201, c.body);
    const page = (await app.inject({ method: 'GET', url: `/api/v1/stories/${storyId}/comments`, headers: ana.auth })).json<{ comments: { author: { id: string } }[]; totalCount: number }>();
    assert.equal(page.comments[0]?.author.id, troll.user.id);
    assert.deepEqual((await me(troll.auth)).ignored, [], 'the ignored reader is told nothing');

    const off = await ignore(ana.auth, troll.user.id, false);
    assert.deepEqual(off.json(), { ignored: [] });
    assert.deepEqual((await ignore(ana.auth, troll.user.id, false)).json(), { ignored: [] }, 'not ignored: no error');
  });

  test('clear 4xx: oneself, an unknown reader, a bad id, signed out', async () => {
    const ben = await signUp(app, 'Ben');
    const self = await ignore(ben.auth, ben.user.id);
    assert.equal(self.statusCode, 400);
    assert.equal(codeOf(self), 'CANNOT_IGNORE_SELF');
    const unknown = await ignore(ben.auth, 'no-such-user');
    assert.equal(unknown.statusCode, 404);
    assert.equal(codeOf(unknown), 'USER_NOT_FOUND');
    assert.equal((await ignore(ben.auth, 'x'.repeat(65))).statusCode, 400);
    const anon = await ignore({}, ben.user.id);
    assert.equal(anon.statusCode, 401);
    assert.equal(codeOf(anon), 'UNAUTHENTICATED');
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/me/ignored' })).statusCode, 401);
  });

  test(`at most ${MAX_IGNORED} ignored readers: the next is 409 TOO_MANY_IGNORED, one already ignored is still fine`, async () => {
    const cleo = await signUp(app, 'Cléo');
    const now = new Date().toISOString();
    const ids = Array.from({ length: MAX_IGNORED }, (_, i) => `ignored-filler-${i}`);
    await deps.db.insertInto('users').values(ids.map((id) => ({ id, email: null, display_name: id, password_hash: null, role: 'commenter', created_at: now }))).execute();
    await deps.db.insertInto('ignored_users').values(ids.map((id) => ({ user_id: cleo.user.id, ignored_id: id, created_at: now }))).execute();
    const extra = await signUp(app, 'Un de trop');
    const res = await ignore(cleo.auth, extra.user.id);
    assert.equal(res.statusCode, 409, res.body);
    assert.equal(codeOf(res), 'TOO_MANY_IGNORED');
    assert.equal((await ignore(cleo.auth, ids[0] ?? '')).statusCode, 200);
    assert.equal((await me(cleo.auth)).ignored.length, MAX_IGNORED);
  });

  test('an erased account’s ignore list goes, and so do others’ entries naming it', async () => {
    const admin = await signUpAdmin(app, deps);
    const dan = await signUp(app, 'Dan');
    const eve = await signUp(app, 'Eve');
    await ignore(dan.auth, eve.user.id);
    await ignore(eve.auth, dan.user.id);
    // Dan's list is in his data download, as what he ignores (not who ignores him).
    const data = (await app.inject({ method: 'GET', url: `/api/v1/admin/users/${dan.user.id}/export`, headers: admin.auth })).json<{ other: Record<string, { ignored_id: string }[]> }>();
    assert.deepEqual(data.other.ignored_users?.map((r) => r.ignored_id), [eve.user.id]);
    const res = await app.inject({ method: 'POST', url: `/api/v1/admin/users/${dan.user.id}/deletion`, headers: admin.auth, payload: { immediate: true } });
    assert.equal(res.statusCode, 200, res.body);
    const left = await deps.db.selectFrom('ignored_users').selectAll().where((eb) => eb.or([eb('user_id', '=', dan.user.id), eb('ignored_id', '=', dan.user.id)])).execute();
    assert.deepEqual(left, []);
  });
});
