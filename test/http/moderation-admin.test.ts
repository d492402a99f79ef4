/**
 * The moderators' API: who may moderate what (a commenter nothing, a moderator of site A nothing of site B), the
 * queues, decisions and what readers then see, users' standing, settings, the audit log, the dashboard, retraining
 * and the first-run setup of the first admin.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { issueSetupToken } from '../../src/server/moderation/admin/setup.js';
import { DEFAULT_SETTINGS } from '../../src/server/moderation/settings.js';
import { buildTestApp } from '../fixtures/server.js';
import { until } from '../fixtures/wait.js';
import { api, code, type Reader } from '../fixtures/moderation-http.js';

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let h: ReturnType<typeof api>;
let admin: Reader;
let modA: Reader;
let commenter: Reader;
let storyA: string;
let storyB: string;

const OTHER = 'https://other-paper.example';

function as(who: Reader, opts: InjectOptions) {
  return app.inject({ ...opts, headers: { ...who.auth, ...(opts.headers ?? {}) } });
}

before(async () => {
  ({ app, deps, close } = await buildTestApp());
  h = api(app, () => new URL(deps.config.publicUrl).origin, 'modadmin');
  await deps.sites.createIfAbsent({ id: 'other', name: 'Other Paper', origins: [OTHER], lang: 'en' });
  deps.origins.invalidate();
  admin = await h.reader('Admin');
  await deps.moderation.staff.setRole(deps.db, admin.id, 'admin');
  modA = await h.reader('Mod of demo');
  await deps.moderation.staff.addModerator(deps.db, 'demo', modA.id);
  commenter = await h.reader('Commenter');
  storyA = await h.story('/admin/a');
  const res = await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent(`${OTHER}/b`)}&title=B&lang=en` });
  assert.equal(res.statusCode, 200, res.body);
  storyB = res.json<{ story: { id: string } }>().story.id;
});
after(async () => close());

describe('authorisation', () => {
  test('signed out: 401; a commenter: 403 on every moderation route', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/admin/moderation/queues' })).statusCode, 401);
    for (const [method, url] of [
      ['GET', '/api/v1/admin/moderation/queues'],
      ['GET', '/api/v1/admin/moderation/queues/pending'],
      ['GET', '/api/v1/admin/moderation/audit'],
      ['GET', '/api/v1/admin/moderation/dashboard'],
      ['GET', '/api/v1/admin/moderation/sites/demo/settings'],
    ] as const) {
      const res = await as(commenter, { method, url });
      assert.equal(res.statusCode, 403, `${method} ${url}`);
      assert.equal(code(res), 'FORBIDDEN');
    }
  });

  test('a moderator of site A sees only A’s comments and cannot act on site B’s', async () => {
    const held = await h.posted(storyB, await h.reader('B reader'), 'You are a complete m0r0n, sir.');
    assert.equal(held.status, 'pending');
    const list = await as(modA, { method: 'GET', url: '/api/v1/admin/moderation/queues/pending' });
    assert.equal(list.statusCode, 200);
    assert.ok(!list.json<{ comments: { id: string }[] }>().comments.some((c) => c.id === held.id), 'B’s comment is not listed');
    const approve = await as(modA, { method: 'POST', url: `/api/v1/admin/moderation/comments/${held.id}/approve` });
    assert.equal(approve.statusCode, 403);
    assert.equal((await as(modA, { method: 'GET', url: '/api/v1/admin/moderation/queues/pending?siteId=other' })).statusCode, 403);
    assert.equal((await as(modA, { method: 'GET', url: '/api/v1/admin/moderation/sites/other/settings' })).statusCode, 403);
    assert.equal((await as(admin, { method: 'POST', url: `/api/v1/admin/moderation/comments/${held.id}/approve` })).statusCode, 200, 'an admin may');
  });

  test('only admins manage moderators', async () => {
    assert.equal((await as(modA, { method: 'GET', url: '/api/v1/admin/moderation/sites/demo/moderators' })).statusCode, 403);
    const list = await as(admin, { method: 'GET', url: '/api/v1/admin/moderation/sites/demo/moderators' });
    assert.deepEqual(list.json<{ moderators: { id: string }[] }>().moderators.map((m) => m.id), [modA.id]);
  });
});

describe('queues and decisions', () => {
  test('a held comment is in Pending with its reason; approving it publishes it for readers and is audited', async () => {
    const reader = await h.reader('Reader');
    const c = await h.posted(storyA, reader, 'Quel abruti, ce chroniqueur.');
    assert.equal(c.status, 'pending');
    const counts = (await as(modA, { method: 'GET', url: '/api/v1/admin/moderation/queues?siteId=demo' })).json<{ counts: Record<string, number> }>().counts;
    assert.ok(counts.pending && counts.pending >= 1);
    const pending = (await as(modA, { method: 'GET', url: `/api/v1/admin/moderation/queues/pending?storyId=${storyA}` })).json<{ comments: { id: string; moderation: { reasons: { phase: string; words?: string[] }[] } }[] }>().comments;
    const item = pending.find((x) => x.id === c.id);
    assert.deepEqual(item?.moderation.reasons.find((r) => r.phase === 'suspect_words')?.words, ['abruti*']);
    const res = await as(modA, { method: 'POST', url: `/api/v1/admin/moderation/comments/${c.id}/approve` });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual((await h.list(storyA)).map((x) => x.id), [c.id], 'readers see it now');
    const audit = (await as(modA, { method: 'GET', url: `/api/v1/admin/moderation/audit?targetId=${c.id}` })).json<{ entries: { action: string; actorId: string; before: { status: string }; after: { status: string } }[] }>().entries;
    assert.equal(audit[0]?.action, 'comment.approve');
    assert.equal(audit[0]?.actorId, modA.id);
    assert.deepEqual([audit[0]?.before.status, audit[0]?.after.status], ['pending', 'published']);
    const example = await deps.db.selectFrom('moderation_examples').selectAll().where('comment_id', '=', c.id).executeTakeFirstOrThrow();
    assert.equal(example.label, 0);
  });

  test('rejecting a published comment removes it; its author is told the moderator’s reason', async () => {
    const author = await h.reader('Author');
    const c = await h.posted(storyA, author, 'Un avis tranché mais poli sur la réforme.');
    const events: string[] = [];
    deps.dispatched.push((batch) => batch.forEach((e) => void events.push(e.event.type)));
    const res = await as(modA, { method: 'POST', url: `/api/v1/admin/moderation/comments/${c.id}/reject`, payload: { reason: 'Hors sujet.', kind: 'other' } });
    assert.equal(res.statusCode, 200, res.body);
    await until(() => events.includes('comment.moderated'));
    assert.deepEqual(await h.list(storyA).then((l) => l.filter((x) => x.id === c.id)), []);
    const mine = (await h.list(storyA, author)).find((x) => x.id === c.id);
    assert.equal(mine?.status, 'rejected');
    assert.equal(mine?.rejectionReason, 'Hors sujet.');
  });

  test('feature and bulk: featuring is recorded; a bulk approve reports what it could not do', async () => {
    const r = await h.reader('Bulk');
    const a = await h.posted(storyA, r, 'Premier commentaire, merde alors.');
    const b = await h.posted(storyA, r, 'Second commentaire, putain de réforme.');
    const feat = await as(modA, { method: 'POST', url: `/api/v1/admin/moderation/comments/${a.id}/feature`, payload: { featured: true } });
    assert.equal(feat.json<{ comment: { featured: boolean; status: string } }>().comment.featured, true);
    const featured = (await app.inject({ method: 'GET', url: `/api/v1/stories/${storyA}/featured` })).json<{ comments: { id: string; status: string }[] }>().comments;
    assert.deepEqual(featured.map((x) => [x.id, x.status]), [[a.id, 'published']], 'featuring a held comment publishes it for the Featured tab');
    const bulk = await as(modA, { method: 'POST', url: '/api/v1/admin/moderation/comments/bulk', payload: { ids: [b.id, 'nope'], action: 'approve' } });
    assert.deepEqual(bulk.json(), { done: [b.id], failed: [{ id: 'nope', code: 'COMMENT_NOT_FOUND' }] });
  });

  test('search filters by text and author name', async () => {
    const r = await h.reader('Zébulon');
    await h.posted(storyA, r, 'Un texte avec le mot Rhododendron.');
    const byText = await as(modA, { method: 'GET', url: '/api/v1/admin/moderation/queues/unmoderated?q=rhododendron' });
    assert.equal(byText.json<{ comments: unknown[] }>().comments.length, 1);
    const byName = await as(modA, { method: 'GET', url: `/api/v1/admin/moderation/queues/unmoderated?q=${encodeURIComponent('zébulon')}` });
    assert.equal(byName.json<{ comments: unknown[] }>().comments.length, 1);
  });

  test('a reported comment is in Reported until a moderator decides on it', async () => {
    const c = await h.posted(storyA, await h.reader('Target'), 'Un commentaire signalé.');
    await app.inject({ method: 'POST', url: `/api/v1/comments/${c.id}/reports`, headers: (await h.reader('Reporter')).auth, payload: { reason: 'abuse' } });
    const ids = async () => (await as(modA, { method: 'GET', url: '/api/v1/admin/moderation/queues/reported' })).json<{ comments: { id: string; reports: { reason: string }[] }[] }>().comments;
    assert.equal((await ids()).find((x) => x.id === c.id)?.reports[0]?.reason, 'abuse');
    await as(modA, { method: 'POST', url: `/api/v1/admin/moderation/comments/${c.id}/approve` });
    assert.equal((await ids()).find((x) => x.id === c.id), undefined);
  });
});

describe('users, settings, dashboard, retraining, setup', () => {
  test('ban, suspend and premoderate a user; notes are kept; all audited', async () => {
    const u = await h.reader('Troll');
    const url = `/api/v1/admin/moderation/sites/demo/users/${u.id}`;
    const ban = await as(modA, { method: 'PATCH', url, payload: { banned: true } });
    assert.equal(ban.json<{ standing: { banned: boolean } }>().standing.banned, true);
    assert.equal(code(await h.post(storyA, u, 'Bonjour')), 'USER_BANNED');
    await as(modA, { method: 'PATCH', url, payload: { banned: false, suspendHours: 24 } });
    assert.equal(code(await h.post(storyA, u, 'Bonjour')), 'USER_SUSPENDED');
    await as(modA, { method: 'PATCH', url, payload: { suspendHours: 0, premoderate: true } });
    assert.equal((await h.posted(storyA, u, 'Un avis tout à fait calme.')).status, 'pending');
    assert.equal((await as(modA, { method: 'POST', url: `${url}/notes`, payload: { body: 'Averti deux fois.' } })).statusCode, 201);
    const file = (await as(modA, { method: 'GET', url })).json<{ standing: { premoderate: boolean }; notes: { body: string }[]; counts: { pending: number } }>();
    assert.equal(file.standing.premoderate, true);
    assert.deepEqual(file.notes.map((n) => n.body), ['Averti deux fois.']);
    assert.equal(file.counts.pending, 1);
    const audit = (await as(modA, { method: 'GET', url: `/api/v1/admin/moderation/audit?targetId=${u.id}` })).json<{ entries: { action: string }[] }>().entries;
    assert.deepEqual(audit.map((e) => e.action), ['user.note', 'user.standing', 'user.standing', 'user.standing']);
    assert.equal((await as(modA, { method: 'PATCH', url: `/api/v1/admin/moderation/sites/demo/users/${admin.id}`, payload: { banned: true } })).statusCode, 403, 'a moderator cannot ban an admin');
  });

  test('settings: invalid values are 400; a site word list takes effect at once; the change is audited', async () => {
    const url = '/api/v1/admin/moderation/sites/demo/settings';
    const bad = await as(modA, { method: 'PUT', url, payload: { ...DEFAULT_SETTINGS, mode: 'sometimes' } });
    assert.equal(bad.statusCode, 400);
    assert.equal(code(bad), 'VALIDATION_FAILED');
    // null thresholds ("the model's own") must survive the validator's type coercion, never become 0 ("hold everything").
    const kept = await as(modA, { method: 'PUT', url, payload: { ...DEFAULT_SETTINGS, toxicity: { hold: null, reject: 0.97 }, autoCloseDays: null, languages: null } });
    assert.deepEqual(kept.json<{ settings: { toxicity: unknown; autoCloseDays: unknown; languages: unknown } }>().settings.toxicity, { hold: null, reject: 0.97 });
    assert.equal(kept.json<{ settings: { autoCloseDays: unknown } }>().settings.autoCloseDays, null);
    const next = { ...structuredClone(DEFAULT_SETTINGS), words: { useDefaults: true, banned: ['  vendu*  ', 'vendu*'], suspect: [], allow: [] } };
    const ok = await as(modA, { method: 'PUT', url, payload: next });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json<{ settings: { words: { banned: string[] } } }>().settings.words.banned, ['vendu*']);
    assert.equal((await h.posted(storyA, await h.reader('W'), 'Journalistes vendus !')).status, 'rejected');
    const audit = (await as(modA, { method: 'GET', url: '/api/v1/admin/moderation/audit?siteId=demo&limit=5' })).json<{ entries: { action: string; after: { words: { banned: string[] } } }[] }>().entries;
    assert.equal(audit[0]?.action, 'settings.update');
    assert.deepEqual(audit[0]?.after.words.banned, ['vendu*']);
    await as(modA, { method: 'PUT', url, payload: DEFAULT_SETTINGS });
  });

  test('a moderator of the site pre-moderates one story, then closes it; audited; another site’s story is out of reach', async () => {
    const storyId = await h.story('/admin/story-controls');
    const url = `/api/v1/admin/moderation/stories/${storyId}`;
    const pre = await as(modA, { method: 'PATCH', url, payload: { premoderation: true } });
    assert.equal(pre.statusCode, 200, pre.body);
    assert.equal(pre.json<{ settings: { premoderation: boolean } }>().settings.premoderation, true);
    const held = await h.posted(storyId, await h.reader('P'), 'Un avis tout à fait ordinaire ici.');
    assert.equal(held.status, 'pending', JSON.stringify((await deps.db.selectFrom('comments').select('moderation').where('id', '=', held.id).executeTakeFirst())?.moderation));
    await as(modA, { method: 'PATCH', url, payload: { closed: true } });
    assert.equal(code(await h.post(storyId, await h.reader('Q'), 'Encore un avis.')), 'STORY_CLOSED');
    const audit = (await as(modA, { method: 'GET', url: `/api/v1/admin/moderation/audit?targetId=${storyId}` })).json<{ entries: { action: string; before: { closed: boolean }; after: { closed: boolean } }[] }>().entries;
    assert.deepEqual(audit.map((e) => [e.action, e.before.closed, e.after.closed]), [['story.settings', false, true], ['story.settings', false, false]]);
    assert.equal((await as(modA, { method: 'PATCH', url: `/api/v1/admin/moderation/stories/${storyB}`, payload: { closed: true } })).statusCode, 403);
  });

  test('the dashboard counts this hour’s comments by outcome and lists top stories', async () => {
    const d = (await as(modA, { method: 'GET', url: '/api/v1/admin/moderation/dashboard?siteId=demo' })).json<{ hours: { published: number; held: number }[]; topStories: { id: string }[]; totals: { published: number; held: number } }>();
    assert.equal(d.hours.length, 48);
    const last = d.hours[47];
    assert.ok(last && last.published > 0 && last.held > 0, JSON.stringify(last));
    assert.equal(d.topStories[0]?.id, storyA);
  });

  test('retraining learns from the site’s decisions and is audited; too few decisions leave a model as shipped', async () => {
    const res = await as(modA, { method: 'POST', url: '/api/v1/admin/moderation/sites/demo/retrain' });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json<{ models: unknown[]; skipped: { task: string; examples: number }[] }>();
    assert.equal(body.models.length, 0, 'a handful of decisions is not enough');
    assert.ok(body.skipped.every((s) => s.examples < 10));
    // Simulate a site whose moderators rejected many French comments about a local rival club.
    for (let i = 0; i < 30; i++) {
      await deps.db.insertInto('moderation_examples').values({ site_id: 'demo', comment_id: `sim-${i}`, text: i % 2 ? `Les supporters du FC Rival sont des pignoufs ${i}` : `Belle victoire du club ce soir, bravo ${i}`, lang: 'fr', label: i % 2, kind: i % 2 ? 'toxic' : 'approved', created_at: new Date().toISOString() }).execute();
    }
    const again = (await as(modA, { method: 'POST', url: '/api/v1/admin/moderation/sites/demo/retrain' })).json<{ models: { task: string; examples: number }[] }>();
    assert.ok(again.models.some((m) => m.task === 'toxicity-fr' && m.examples >= 30), JSON.stringify(again));
    const stored = await deps.db.selectFrom('moderation_models').select(['task']).where('site_id', '=', 'demo').execute();
    assert.ok(stored.some((m) => m.task === 'toxicity-fr'));
    const audit = (await as(modA, { method: 'GET', url: '/api/v1/admin/moderation/audit?siteId=demo&limit=1' })).json<{ entries: { action: string }[] }>().entries;
    assert.equal(audit[0]?.action, 'models.retrain');
  });

  test('first run: the setup token creates the first admin once; a wrong token or a second use is refused', async () => {
    const fresh = await buildTestApp();
    try {
      const me = await fresh.app.inject({ method: 'GET', url: '/api/v1/admin/moderation/me' });
      assert.equal(me.json<{ needsSetup: boolean }>().needsSetup, true);
      const token = await issueSetupToken(fresh.deps.db);
      assert.ok(token);
      const payload = { token: 'wrong', email: 'boss@example.com', password: 'correct horse battery', displayName: 'Boss' };
      const wrong = await fresh.app.inject({ method: 'POST', url: '/api/v1/admin/moderation/setup', payload });
      assert.equal(wrong.statusCode, 403);
      assert.equal(code(wrong), 'SETUP_TOKEN_INVALID');
      const ok = await fresh.app.inject({ method: 'POST', url: '/api/v1/admin/moderation/setup', payload: { ...payload, token } });
      assert.equal(ok.statusCode, 201, ok.body);
      const auth = { authorization: `Bearer ${ok.json<{ token: string }>().token}` };
      const who = (await fresh.app.inject({ method: 'GET', url: '/api/v1/admin/moderation/me', headers: auth })).json<{ isAdmin: boolean; needsSetup: boolean }>();
      assert.deepEqual(who.isAdmin && !who.needsSetup, true);
      const again = await fresh.app.inject({ method: 'POST', url: '/api/v1/admin/moderation/setup', payload: { ...payload, email: 'two@example.com', token } });
      assert.equal(code(again), 'SETUP_TOKEN_INVALID');
    } finally {
      await fresh.close();
    }
  });

  test('the console page is served with a strict CSP, and its script', async () => {
    const page = await app.inject({ method: 'GET', url: '/admin/queues/pending' });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
    assert.match(page.body, /<script src="\/admin.js"/);
  });
});
