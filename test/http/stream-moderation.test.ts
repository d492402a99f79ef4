/**
 * Moderation from the Discussion (issue 13, point 4): the two routes the widget's menu calls, with the embed token a
 * publisher's page holds. Only the site's moderators act, only on that site's comments; each action is audited and,
 * for a reject, gone from what readers are served; /me tells the widget whether to load the menu.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { buildTestApp } from '../fixtures/server.js';
import { api, code, type Reader } from '../fixtures/moderation-http.js';

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let h: ReturnType<typeof api>;
/** Moderator of the `other` site, signed in from that site's page: an embed token bound to `other`. */
let modOther: Reader;
/** A plain reader of the same page. */
let reader: Reader;
let admin: Reader;
let storyOther: string;
let storyDemo: string;

const OTHER = 'https://stream-paper.example';
let n = 0;

/** Signs up from a publisher's page (its Origin): the token is an embed token for that page's site. */
async function pageReader(name: string): Promise<Reader> {
  n++;
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/signup',
    remoteAddress: `10.61.0.${n}`,
    headers: { origin: OTHER },
    payload: { email: `stream-page-${n}-${process.pid}@example.com`, password: 'correct horse battery', displayName: name },
  });
  assert.equal(res.statusCode, 201, res.body);
  const { user, token } = res.json<{ user: { id: string }; token: string }>();
  return { id: user.id, name, auth: { authorization: `Bearer ${token}` } };
}

const as = (who: Reader, opts: InjectOptions) => app.inject({ ...opts, headers: { ...who.auth, ...(opts.headers ?? {}) } });
const moderate = (who: Reader, id: string, payload: object) => as(who, { method: 'POST', url: `/api/v1/comments/${id}/moderation`, payload });
const standing = (who: Reader, id: string, payload: object) => as(who, { method: 'POST', url: `/api/v1/comments/${id}/author-standing`, payload });

before(async () => {
  ({ app, deps, close } = await buildTestApp());
  h = api(app, () => new URL(deps.config.publicUrl).origin, 'stream');
  await deps.sites.createIfAbsent({ id: 'stream', name: 'Stream Paper', origins: [OTHER], lang: 'fr' });
  deps.origins.invalidate();
  modOther = await pageReader('Léa Modératrice');
  await deps.moderation.staff.addModerator(deps.db, 'stream', modOther.id);
  reader = await pageReader('Paul Lecteur');
  admin = await h.reader('Admin');
  await deps.moderation.staff.setRole(deps.db, admin.id, 'admin');
  const res = await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent(`${OTHER}/2027/politique`)}&title=Politique&lang=fr` });
  assert.equal(res.statusCode, 200, res.body);
  storyOther = res.json<{ story: { id: string } }>().story.id;
  storyDemo = await h.story('/stream/demo');
});
after(async () => close());

describe('GET /me tells the widget who moderates', () => {
  test('a site moderator’s embed token names that site; a reader’s and an admin’s name none (the role says it)', async () => {
    const me = (who: Reader) => as(who, { method: 'GET', url: '/api/v1/me' }).then((r) => r.json<{ user: { role: string; moderates?: string[] } }>().user);
    assert.deepEqual((await me(modOther)).moderates, ['stream']);
    assert.equal((await me(reader)).moderates, undefined);
    const a = await me(admin);
    assert.deepEqual([a.role, a.moderates], ['admin', undefined]);
  });

  test('signing in on the page says it too (no reload before the menu); another site’s page learns nothing', async () => {
    const login = (origin: string) =>
      app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.61.1.1', headers: { origin }, payload: { email: `stream-page-1-${process.pid}@example.com`, password: 'correct horse battery' } });
    const here = await login(OTHER);
    assert.equal(here.statusCode, 200, here.body);
    assert.deepEqual(here.json<{ user: { moderates?: string[] } }>().user.moderates, ['stream']);
    await deps.sites.createIfAbsent({ id: 'third', name: 'Third Paper', origins: ['https://third-paper.example'], lang: 'en' });
    deps.origins.invalidate();
    const there = await login('https://third-paper.example');
    assert.equal(there.statusCode, 200, there.body);
    assert.equal(there.json<{ user: { moderates?: string[] } }>().user.moderates, undefined);
    // Agora's own pages hold a session bound to no site: every site the reader moderates (the widget checks its story's).
    const own = await login(new URL(deps.config.publicUrl).origin);
    assert.deepEqual(own.json<{ user: { moderates?: string[] } }>().user.moderates, ['stream']);
  });
});

describe('POST /api/v1/comments/:id/moderation', () => {
  test('a moderator rejects with a reason from the page: audited, its author told why, readers no longer served it', async () => {
    const c = await h.posted(storyOther, reader, 'Un avis tout à fait hors sujet sur le match d’hier soir.');
    const res = await moderate(modOther, c.id, { action: 'reject', reason: 'Hors sujet.', kind: 'other' });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { comment: { id: c.id, status: 'rejected', featured: false, rejectionReason: 'Hors sujet.' } });
    assert.ok(!(await h.list(storyOther)).some((x) => x.id === c.id), 'gone from the public list');
    const own = (await h.list(storyOther, reader)).find((x) => x.id === c.id);
    assert.equal(own?.rejectionReason, 'Hors sujet.', 'its author sees the reason');
    const audit = await as(admin, { method: 'GET', url: `/api/v1/admin/moderation/audit?targetId=${c.id}` });
    const [entry] = audit.json<{ entries: { action: string; actorId: string; after: { status: string; reason?: string } }[] }>().entries;
    assert.deepEqual([entry?.action, entry?.actorId, entry?.after.status, entry?.after.reason], ['comment.reject', modOther.id, 'rejected', 'Hors sujet.']);
  });

  test('feature, then unfeature: the Featured list follows', async () => {
    const c = await h.posted(storyOther, reader, 'Une analyse précise et sourcée, merci pour ce travail.');
    const featured = () => app.inject({ method: 'GET', url: `/api/v1/stories/${storyOther}/featured` }).then((r) => r.json<{ comments: { id: string }[] }>().comments.map((x) => x.id));
    assert.equal((await moderate(modOther, c.id, { action: 'feature' })).json<{ comment: { featured: boolean } }>().comment.featured, true);
    assert.ok((await featured()).includes(c.id));
    assert.equal((await moderate(modOther, c.id, { action: 'unfeature' })).json<{ comment: { featured: boolean } }>().comment.featured, false);
    assert.ok(!(await featured()).includes(c.id));
  });

  test('refused: a reader (403 FORBIDDEN), another site’s comment (403 TOKEN_WRONG_SITE), signed out (401), a bad action (400)', async () => {
    const c = await h.posted(storyOther, reader, 'Encore un commentaire ordinaire sur cet article.');
    const r1 = await moderate(reader, c.id, { action: 'reject' });
    assert.deepEqual([r1.statusCode, code(r1)], [403, 'FORBIDDEN']);
    const d = await h.posted(storyDemo, await h.reader('Demo reader'), 'Un commentaire sur le site de démonstration.');
    const r2 = await moderate(modOther, d.id, { action: 'reject' });
    assert.deepEqual([r2.statusCode, code(r2)], [403, 'TOKEN_WRONG_SITE']);
    const r3 = await app.inject({ method: 'POST', url: `/api/v1/comments/${c.id}/moderation`, payload: { action: 'reject' } });
    assert.deepEqual([r3.statusCode, code(r3)], [401, 'UNAUTHENTICATED']);
    const r4 = await moderate(modOther, c.id, { action: 'approve' });
    assert.deepEqual([r4.statusCode, code(r4)], [400, 'VALIDATION_FAILED']);
    assert.equal((await moderate(modOther, 'nope', { action: 'feature' })).statusCode, 404);
  });

  test('the console’s own routes still refuse the page’s token (403 TOKEN_SCOPE)', async () => {
    const c = await h.posted(storyOther, reader, 'Un commentaire que la console ne verra pas par ce jeton.');
    const res = await as(modOther, { method: 'POST', url: `/api/v1/admin/moderation/comments/${c.id}/reject`, payload: {} });
    assert.deepEqual([res.statusCode, code(res)], [403, 'TOKEN_SCOPE']);
  });
});

describe('POST /api/v1/comments/:id/author-standing', () => {
  test('suspend, then ban the author of a comment: audited, and their next comment is refused', async () => {
    const author = await pageReader('Auteur Turbulent');
    const c = await h.posted(storyOther, author, 'Premier commentaire d’un lecteur turbulent.');
    const s = await standing(modOther, c.id, { suspendHours: 24 });
    assert.equal(s.statusCode, 200, s.body);
    const until = s.json<{ standing: { suspendedUntil: string } }>().standing.suspendedUntil;
    assert.ok(Date.parse(until) > Date.now() + 23 * 3_600_000);
    assert.equal(code(await h.post(storyOther, author, 'Je reviens tout de suite.')), 'USER_SUSPENDED');
    const b = await standing(modOther, c.id, { banned: true });
    assert.equal(b.json<{ standing: { banned: boolean } }>().standing.banned, true);
    assert.equal(code(await h.post(storyOther, author, 'Et maintenant ?')), 'USER_BANNED');
    const audit = await as(admin, { method: 'GET', url: `/api/v1/admin/moderation/audit?targetId=${author.id}&action=user.standing` });
    const entries = audit.json<{ entries: { actorId: string; after: { banned: boolean } }[] }>().entries;
    assert.deepEqual(entries.map((e) => [e.actorId, e.after.banned]), [[modOther.id, true], [modOther.id, false]]);
  });

  test('refused: a staff author (admins only), both or neither change (400), a reader (403)', async () => {
    const fellow = await pageReader('Autre Modérateur');
    await deps.moderation.staff.addModerator(deps.db, 'stream', fellow.id);
    const c = await h.posted(storyOther, fellow, 'Un commentaire d’un collègue modérateur.');
    const r1 = await standing(modOther, c.id, { banned: true });
    assert.deepEqual([r1.statusCode, code(r1)], [403, 'STAFF_STANDING_ADMIN_ONLY']);
    const d = await h.posted(storyOther, reader, 'Un commentaire très calme.');
    for (const body of [{}, { banned: true, suspendHours: 2 }, { suspendHours: 0 }, { banned: false }]) {
      const r = await standing(modOther, d.id, body);
      assert.deepEqual([r.statusCode, code(r)], [400, 'VALIDATION_FAILED'], JSON.stringify(body));
    }
    const r3 = await standing(reader, d.id, { banned: true });
    assert.deepEqual([r3.statusCode, code(r3)], [403, 'FORBIDDEN']);
  });
});
