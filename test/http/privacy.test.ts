import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { sweepDueDeletions } from '../../src/server/privacy/use-cases.js';
import { buildTestApp } from '../fixtures/server.js';
import { until } from '../fixtures/wait.js';

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let own: string;
let storyId: string;
let n = 0;

interface Reader {
  id: string;
  email: string;
  auth: Record<string, string>;
}

/** A reader signed up on Agora's own origin: account-level actions need that first-party (cookie) session. */
async function reader(name: string): Promise<Reader> {
  n++;
  const email = `privacy-${n}@example.com`;
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/signup', remoteAddress: `10.60.0.${n}`, headers: { origin: own }, payload: { email, password: 'correct horse battery', displayName: name } });
  assert.equal(res.statusCode, 201, res.body);
  const { user, csrfToken } = res.json<{ user: { id: string }; csrfToken: string }>();
  const cookie = (res.cookies as { name: string; value: string }[]).find((c) => c.name === 'agora_session');
  assert.ok(cookie);
  return { id: user.id, email, auth: { cookie: `agora_session=${cookie.value}`, 'x-csrf-token': csrfToken } };
}

/** Posts and publishes (whatever moderation decides for new readers, these tests are about deletion). */
async function comment(who: Reader, body: string, parentId?: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: who.auth, payload: parentId ? { body, parentId } : { body } });
  assert.equal(res.statusCode, 201, res.body);
  const id = res.json<{ comment: { id: string } }>().comment.id;
  await deps.db.updateTable('comments').set({ status: 'published' }).where('id', '=', id).execute();
  return id;
}

async function recount(): Promise<void> {
  const { recount } = await import('../../src/server/comments/counters.js');
  await recount(deps.db, [storyId]);
}

interface ApiComment {
  id: string;
  status: string;
  author: { displayName: string } | null;
  bodyHtml: string;
  reactionCount: number;
  replies: ApiComment[];
}
async function thread(): Promise<ApiComment[]> {
  const res = await app.inject({ method: 'GET', url: `/api/v1/stories/${storyId}/comments?sort=oldest&limit=50` });
  return res.json<{ comments: ApiComment[] }>().comments;
}
const code = (res: LightMyRequestResponse) => res.json<{ error: { code: string } }>().error.code;
const auditActions = async (userId: string) => (await deps.db.selectFrom('privacy_audit').select(['action', 'actor']).where('subject_user_id', '=', userId).orderBy('at').orderBy('id').execute()).map((r) => `${r.actor}:${r.action}`);

before(async () => {
  ({ app, deps, close } = await buildTestApp());
  own = new URL(deps.config.publicUrl).origin;
  const res = await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent(`${own}/articles/etats-unis-mexique-fentanyl`)}` });
  storyId = res.json<{ story: { id: string } }>().story.id;
});
after(() => close());

describe('readers\' rights through the API', () => {
  test('a reader downloads all their data as a JSON file, and the download is audited', async () => {
    const ann = await reader('Ann');
    const bob = await reader('Bob');
    const c = await comment(ann, 'Mon **avis**');
    await app.inject({ method: 'PATCH', url: `/api/v1/comments/${c}`, headers: ann.auth, payload: { body: 'Mon avis corrigé' } });
    const theirs = await comment(bob, 'Autre avis');
    await app.inject({ method: 'POST', url: `/api/v1/comments/${theirs}/reaction`, headers: ann.auth });
    const res = await app.inject({ method: 'GET', url: '/api/v1/me/export', headers: ann.auth });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="agora-data-[\w-]+\.json"$/);
    assert.equal(res.headers['cache-control'], 'no-store');
    const data = res.json<{ format: string; user: { email: string }; comments: { body: string; story: { url: string }; previousVersions: { body: string }[] }[]; reactions: unknown[]; sessions: unknown[]; privacyLog: { action: string }[] }>();
    assert.equal(data.format, 'agora-personal-data');
    assert.equal(data.user.email, ann.email);
    assert.equal(data.comments[0]?.body, 'Mon avis corrigé');
    assert.equal(data.comments[0]?.previousVersions[0]?.body, 'Mon **avis**');
    assert.match(data.comments[0]?.story.url ?? '', /etats-unis-mexique-fentanyl/);
    assert.equal(data.reactions.length, 1);
    assert.equal(data.sessions.length, 2, 'the cookie session, and the bearer token a sign-up on our own origin returns');
    assert.doesNotMatch(res.body, /scrypt\$|password/i, 'no password hash, no session token');
    assert.doesNotMatch(res.body, /Autre avis/, 'nothing of other readers');
    assert.deepEqual(await auditActions(ann.id), ['self:data.exported']);
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/me/export' })).statusCode, 401);
  });

  test('deletion is scheduled after the grace period, can be cancelled, and asking twice keeps the first date', async () => {
    const cat = await reader('Cat');
    const first = await app.inject({ method: 'POST', url: '/api/v1/me/deletion', headers: cat.auth });
    assert.equal(first.statusCode, 202, first.body);
    const { deletion } = first.json<{ deletion: { requestedAt: string; dueAt: string } }>();
    const days = (Date.parse(deletion.dueAt) - Date.parse(deletion.requestedAt)) / 86_400_000;
    assert.equal(days, 7, 'the default grace period');
    const again = await app.inject({ method: 'POST', url: '/api/v1/me/deletion', headers: cat.auth });
    assert.equal(again.json<{ deletion: { dueAt: string } }>().deletion.dueAt, deletion.dueAt);
    assert.deepEqual((await app.inject({ method: 'GET', url: '/api/v1/me/deletion', headers: cat.auth })).json(), { deletion });
    const cancel = await app.inject({ method: 'DELETE', url: '/api/v1/me/deletion', headers: cat.auth });
    assert.deepEqual([cancel.statusCode, cancel.json()], [200, { deletion: null }]);
    // Nothing happens at the due date once cancelled.
    assert.deepEqual(await sweepDueDeletions({ db: deps.db, change: deps.change, graceMs: 0, now: () => Date.now() + 8 * 86_400_000 }), []);
    assert.deepEqual(await auditActions(cat.id), ['self:deletion.requested', 'self:deletion.cancelled']);
  });

  test('at the end of the grace period comments become tombstones, replies stay, reactions go, sessions end', async () => {
    const dan = await reader('Dan');
    const eve = await reader('Eve');
    const parent = await comment(dan, 'Commentaire de Dan');
    await comment(eve, 'Réponse d’Eve', parent);
    const lone = await comment(dan, 'Seul commentaire de Dan');
    const evePost = await comment(eve, 'Eve seule');
    await app.inject({ method: 'POST', url: `/api/v1/comments/${evePost}/reaction`, headers: dan.auth });
    await recount();
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/me/deletion', headers: dan.auth })).statusCode, 202);
    // Not yet due: nothing happens.
    assert.deepEqual(await sweepDueDeletions({ db: deps.db, change: deps.change, graceMs: 0 }), []);
    const done = await sweepDueDeletions({ db: deps.db, change: deps.change, graceMs: 0, now: () => Date.now() + 7 * 86_400_000 + 1000 });
    assert.deepEqual(done, [dan.id]);

    const all = await thread();
    const tomb = all.find((c) => c.id === parent);
    assert.equal(tomb?.status, 'deleted');
    assert.equal(tomb?.author, null);
    assert.equal(tomb?.bodyHtml, '');
    assert.equal(tomb?.replies[0]?.author?.displayName, 'Eve', 'the reply stays attached');
    assert.equal(all.find((c) => c.id === lone), undefined, 'a tombstone without replies is not shown');
    assert.equal(all.find((c) => c.id === evePost)?.reactionCount, 0, 'the reaction is withdrawn');
    assert.ok(!JSON.stringify(all).includes('Dan'), 'neither name nor text remains visible');
    const stored = await deps.db.selectFrom('comments').select(['body', 'body_html']).where('author_id', '=', dan.id).execute();
    assert.ok(stored.length === 2 && stored.every((c) => c.body === '' && c.body_html === ''), 'the text is gone from the database too');
    const user = await deps.db.selectFrom('users').selectAll().where('id', '=', dan.id).executeTakeFirstOrThrow();
    assert.deepEqual([user.email, user.password_hash, user.display_name], [null, null, '[deleted]']);
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/me', headers: dan.auth })).statusCode, 401, 'sessions ended');
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.61.0.1', payload: { email: dan.email, password: 'correct horse battery' } });
    assert.equal(login.statusCode, 401);
    assert.deepEqual(await auditActions(dan.id), ['self:deletion.requested', 'system:deletion.completed']);
  });

  test('admins delete or export for a reader on request; a site set to "remove" removes what holds no reply', async () => {
    const admin = await reader('Admin');
    await deps.db.updateTable('users').set({ role: 'admin' }).where('id', '=', admin.id).execute();
    const fay = await reader('Fay');
    const gus = await reader('Gus');
    const held = await comment(fay, 'Fay avec réponse');
    await comment(gus, 'Réponse de Gus', held);
    const leaf = await comment(fay, 'Fay sans réponse');
    await recount();
    const settings = (await deps.db.selectFrom('sites').select('settings').where('id', '=', 'demo').executeTakeFirstOrThrow()).settings;
    await deps.db.updateTable('sites').set({ settings: JSON.stringify({ ...JSON.parse(settings), privacy: { onDelete: 'remove' } }) }).where('id', '=', 'demo').execute();

    assert.equal(code(await app.inject({ method: 'POST', url: `/api/v1/admin/users/${fay.id}/deletion`, headers: gus.auth, payload: { immediate: true } })), 'FORBIDDEN');
    assert.equal(code(await app.inject({ method: 'POST', url: '/api/v1/admin/users/nobody/deletion', headers: admin.auth, payload: { immediate: true } })), 'USER_NOT_FOUND');
    const exported = await app.inject({ method: 'GET', url: `/api/v1/admin/users/${fay.id}/export`, headers: admin.auth });
    assert.equal(exported.json<{ comments: unknown[] }>().comments.length, 2);
    const announced: string[] = [];
    deps.dispatched.push((batch) => {
      for (const { event: e } of batch) if (e.type === 'comment.deleted') announced.push(`${e.comment.id}:${e.comment.status}:${e.comment.body}`);
    });
    const res = await app.inject({ method: 'POST', url: `/api/v1/admin/users/${fay.id}/deletion`, headers: admin.auth, payload: { immediate: true } });
    assert.equal(res.statusCode, 200, res.body);
    // Live readers and webhooks hear of both comments, without their text (from the outbox, once dispatched).
    await until(() => announced.length >= 2);
    assert.deepEqual(announced.sort(), [`${held}:deleted:`, `${leaf}:deleted:`].sort());
    assert.deepEqual(res.json(), { deleted: { tombstoned: 1, removed: 1 } });
    assert.equal(await deps.db.selectFrom('comments').select('id').where('id', '=', leaf).executeTakeFirst(), undefined, 'removed from the database');
    const tomb = (await thread()).find((c) => c.id === held);
    assert.equal(tomb?.status, 'deleted');
    assert.equal(tomb?.replies[0]?.author?.displayName, 'Gus');
    assert.deepEqual(await auditActions(fay.id), ['admin:data.exported', 'admin:deletion.completed']);
    await deps.db.updateTable('sites').set({ settings }).where('id', '=', 'demo').execute();
  });
});

describe('the privacy page and its forms (cookie session)', () => {
  async function cookieReader(): Promise<{ cookie: string; csrf: string; id: string }> {
    n++;
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/signup', remoteAddress: `10.62.0.${n}`, headers: { origin: own }, payload: { email: `page-${n}@example.com`, password: 'correct horse battery', displayName: 'Page reader' } });
    assert.equal(res.statusCode, 201, res.body);
    const cookie = (res.cookies as { name: string; value: string }[]).find((c) => c.name === 'agora_session');
    assert.ok(cookie);
    return { cookie: `agora_session=${cookie.value}`, csrf: res.json<{ csrfToken: string }>().csrfToken, id: res.json<{ user: { id: string } }>().user.id };
  }
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const formHeaders = (cookie: string) => ({ cookie, 'content-type': 'application/x-www-form-urlencoded' });

  test('signed out, the page asks to sign in; signed in, it shows the section under a strict CSP', async () => {
    const out = await app.inject({ method: 'GET', url: '/profile/privacy' });
    assert.equal(out.statusCode, 401);
    assert.match(out.body, /data-testid="privacy-signin"/);
    const r = await cookieReader();
    const page = await app.inject({ method: 'GET', url: '/profile/privacy', headers: { cookie: r.cookie, 'accept-language': 'fr' } });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
    assert.match(page.body, /Télécharger mes données/);
    assert.match(page.body, new RegExp(`name="csrf" value="${r.csrf}"`));
    assert.doesNotMatch(page.body, /<script/);
  });

  test('the delete and cancel forms work with the CSRF token, and not without it', async () => {
    const r = await cookieReader();
    const forged = await app.inject({ method: 'POST', url: '/profile/privacy/deletion', headers: formHeaders(r.cookie), payload: form({ csrf: 'forged', confirm: 'yes' }) });
    assert.equal(forged.statusCode, 403);
    assert.equal(await deps.db.selectFrom('privacy_deletions').select('user_id').where('user_id', '=', r.id).executeTakeFirst(), undefined);
    const ok = await app.inject({ method: 'POST', url: '/profile/privacy/deletion', headers: formHeaders(r.cookie), payload: form({ csrf: r.csrf, confirm: 'yes', returnTo: 'https://evil.example/' }) });
    assert.equal(ok.statusCode, 303);
    assert.equal(ok.headers.location, '/profile/privacy', 'never redirected off site');
    const page = await app.inject({ method: 'GET', url: '/profile/privacy', headers: { cookie: r.cookie } });
    assert.match(page.body, /data-testid="privacy-pending"/);
    const cancel = await app.inject({ method: 'POST', url: '/profile/privacy/deletion/cancel', headers: formHeaders(r.cookie), payload: form({ csrf: r.csrf, returnTo: '/profile' }) });
    assert.deepEqual([cancel.statusCode, cancel.headers.location], [303, '/profile']);
    assert.equal(await deps.db.selectFrom('privacy_deletions').select('user_id').where('user_id', '=', r.id).executeTakeFirst(), undefined);
  });

  test('the JSON API still refuses form bodies, and cookie writes need the CSRF header', async () => {
    const r = await cookieReader();
    const formPost = await app.inject({ method: 'POST', url: '/api/v1/me/deletion', headers: formHeaders(r.cookie), payload: form({ csrf: r.csrf }) });
    assert.equal(formPost.statusCode, 415);
    const noHeader = await app.inject({ method: 'POST', url: '/api/v1/me/deletion', headers: { cookie: r.cookie } });
    assert.equal(code(noHeader), 'CSRF_FAILED');
    const withHeader = await app.inject({ method: 'POST', url: '/api/v1/me/deletion', headers: { cookie: r.cookie, 'x-csrf-token': r.csrf } });
    assert.equal(withHeader.statusCode, 202);
  });
});
