/**
 * The Reported queue as the console uses it: who reported and why, a reply's parent and the permalink on each item,
 * and "Rejeter les signalements" (keep the comment, clear its reports) — one transaction with its audit entry and
 * event; a later report opens the comment again.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { buildTestApp } from '../fixtures/server.js';
import { api, code, type Reader } from '../fixtures/moderation-http.js';

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let h: ReturnType<typeof api>;
let mod: Reader;
let story: string;

const as = (who: Reader, opts: InjectOptions) => app.inject({ ...opts, headers: { ...who.auth, ...(opts.headers ?? {}) } });
const M = '/api/v1/admin/moderation';

interface Item {
  id: string;
  status: string;
  permalink: string;
  parent: { id: string; authorName: string; body: string } | null;
  reports: { reason: string; note: string | null; by: string }[];
}
const reported = async () => (await as(mod, { method: 'GET', url: `${M}/queues/reported` })).json<{ comments: Item[] }>().comments;

before(async () => {
  ({ app, deps, close } = await buildTestApp());
  h = api(app, () => new URL(deps.config.publicUrl).origin, 'modreports');
  mod = await h.reader('Modératrice');
  await deps.moderation.staff.addModerator(deps.db, 'demo', mod.id);
  story = await h.story('/reports/a');
});
after(async () => close());

test('a reported reply shows its reporters, their notes, its parent and its permalink', async () => {
  const parent = await h.posted(story, await h.reader('Parent'), 'Le texte parent, calme.');
  const res = await app.inject({ method: 'POST', url: `/api/v1/stories/${story}/comments`, headers: (await h.reader('Replier')).auth, payload: { body: 'Une réponse hors sujet.', parentId: parent.id } });
  assert.equal(res.statusCode, 201, res.body);
  const reply = res.json<{ comment: { id: string } }>().comment;
  for (const [name, reason, note] of [['Alice', 'offtopic', 'Rien à voir'], ['Bob', 'offtopic', null], ['Chloé', 'misinformation', null]] as const) {
    const r = await app.inject({ method: 'POST', url: `/api/v1/comments/${reply.id}/reports`, headers: (await h.reader(name)).auth, payload: { reason, ...(note ? { note } : {}) } });
    assert.ok(r.statusCode < 300, r.body);
  }
  const item = (await reported()).find((c) => c.id === reply.id);
  assert.ok(item, 'the reply is in Reported');
  assert.deepEqual(item.reports.map((r) => [r.by, r.reason, r.note]), [['Alice', 'offtopic', 'Rien à voir'], ['Bob', 'offtopic', null], ['Chloé', 'misinformation', null]]);
  assert.equal(item.parent?.id, parent.id);
  assert.equal(item.parent?.authorName, 'Parent');
  assert.equal(item.parent?.body, 'Le texte parent, calme.');
  assert.match(item.permalink, new RegExp(`/reports/a#comment-${reply.id}$`));
});

test('dismissing reports keeps the comment, leaves Reported, is audited; a new report opens it again', async () => {
  const c = await h.posted(story, await h.reader('Target'), 'Un avis que certains n’aiment pas.');
  await app.inject({ method: 'POST', url: `/api/v1/comments/${c.id}/reports`, headers: (await h.reader('R1')).auth, payload: { reason: 'abuse' } });
  assert.ok((await reported()).some((x) => x.id === c.id));
  const res = await as(mod, { method: 'POST', url: `${M}/comments/${c.id}/dismiss-reports` });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json<{ comment: { status: string } }>().comment.status, 'published');
  assert.ok(!(await reported()).some((x) => x.id === c.id), 'no longer in Reported');
  assert.ok((await h.list(story)).some((x) => x.id === c.id), 'readers still see it');
  const audit = (await as(mod, { method: 'GET', url: `${M}/audit?targetId=${c.id}` })).json<{ entries: { action: string; before: unknown; after: unknown }[] }>().entries;
  assert.deepEqual(audit.map((e) => [e.action, e.before, e.after]), [['comment.dismiss_reports', { status: 'published', reports: 1 }, { status: 'published', reports: 0 }]]);
  await new Promise((r) => setTimeout(r, 5));
  await app.inject({ method: 'POST', url: `/api/v1/comments/${c.id}/reports`, headers: (await h.reader('R2')).auth, payload: { reason: 'spam' } });
  assert.ok((await reported()).some((x) => x.id === c.id), 'a later report opens it again');
});

test('dismissing reports: a rejected comment is a 400, another site’s a 403, a bulk dismiss works', async () => {
  const c = await h.posted(story, await h.reader('Rej'), 'Bientôt rejeté.');
  await as(mod, { method: 'POST', url: `${M}/comments/${c.id}/reject`, payload: { reason: 'non' } });
  const bad = await as(mod, { method: 'POST', url: `${M}/comments/${c.id}/dismiss-reports` });
  assert.equal(bad.statusCode, 400);
  assert.equal(code(bad), 'VALIDATION_FAILED');
  const d = await h.posted(story, await h.reader('Bulk'), 'Signalé deux fois.');
  await app.inject({ method: 'POST', url: `/api/v1/comments/${d.id}/reports`, headers: (await h.reader('R3')).auth, payload: { reason: 'abuse' } });
  const bulk = await as(mod, { method: 'POST', url: `${M}/comments/bulk`, payload: { ids: [d.id, c.id], action: 'dismiss_reports' } });
  assert.deepEqual(bulk.json(), { done: [d.id], failed: [{ id: c.id, code: 'VALIDATION_FAILED' }] });
  const stranger = await h.reader('Nobody');
  assert.equal((await as(stranger, { method: 'POST', url: `${M}/comments/${d.id}/dismiss-reports` })).statusCode, 403);
});

test('the audit log filters by person and action and names its targets', async () => {
  const c = await h.posted(story, await h.reader('Named'), 'Un texte que le journal doit nommer.');
  await as(mod, { method: 'POST', url: `${M}/comments/${c.id}/reject`, payload: { reason: 'Hors sujet.' } });
  const list = async (q: string) => (await as(mod, { method: 'GET', url: `${M}/audit?${q}` })).json<{ entries: { action: string; actorName: string; targetId: string; targetLabel: string | null }[] }>().entries;
  const rejects = await list(`actorId=${mod.id}&action=comment.reject`);
  assert.ok(rejects.length >= 1);
  assert.ok(rejects.every((e) => e.action === 'comment.reject' && e.actorName === 'Modératrice'));
  assert.equal(rejects.find((e) => e.targetId === c.id)?.targetLabel, 'Un texte que le journal doit nommer.');
  assert.deepEqual(await list('actorId=nobody'), []);
});

test('a threshold preview counts last week’s stored scores at or above it; bad input is a 400', async () => {
  await h.posted(story, await h.reader('Scored'), 'Un commentaire ordinaire sur la réforme des retraites.');
  const url = (q: string) => `${M}/sites/demo/threshold-preview?${q}`;
  const at = async (x: number) => (await as(mod, { method: 'GET', url: url(`task=toxicity&threshold=${x}`) })).json<{ days: number; scored: number; atOrAbove: number; modelDefault: { toxicity: { fr: number } } }>();
  const all = await at(0);
  assert.equal(all.days, 7);
  assert.ok(all.scored >= 1, 'posted comments carry a toxicity score');
  assert.equal(all.atOrAbove, all.scored, 'everything is at or above 0');
  assert.ok((await at(1)).atOrAbove <= all.scored);
  assert.ok(all.modelDefault.toxicity.fr > 0 && all.modelDefault.toxicity.fr < 1);
  const bad = await as(mod, { method: 'GET', url: url('task=rudeness&threshold=2') });
  assert.equal(bad.statusCode, 400);
  assert.equal(code(bad), 'VALIDATION_FAILED');
  assert.equal((await as(await h.reader('Outsider'), { method: 'GET', url: url('task=spam&threshold=0.5') })).statusCode, 403);
});

test('the user panel lists the author’s latest comments on the site with their status and permalink', async () => {
  const author = await h.reader('Habitué');
  const a = await h.posted(story, author, 'Premier avis, calme.');
  const b = await h.posted(story, author, 'Deuxième avis, calme aussi.');
  await as(mod, { method: 'POST', url: `${M}/comments/${a.id}/reject`, payload: { reason: 'non' } });
  const file = (await as(mod, { method: 'GET', url: `${M}/sites/demo/users/${author.id}` })).json<{ recent: { id: string; status: string; excerpt: string; permalink: string }[] }>();
  assert.deepEqual(file.recent.map((c) => [c.id, c.status]).sort(), [[a.id, 'rejected'], [b.id, 'published']].sort());
  assert.ok(file.recent.every((c) => c.permalink.endsWith(`#comment-${c.id}`)));
});
