import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { buildTestApp } from '../fixtures/server.js';
import { codeOf, hsToken, makeSite, signUp, publishEverything } from '../fixtures/publisher.js';
import { startSmtpSink, type SunkMail } from '../fixtures/smtp.js';
import { until } from '../fixtures/wait.js';

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let marie: { token: string; auth: Record<string, string>; id: string };
let storyId: string;

const mailTo = (addr: string, from = 0) => () => sink.mails.slice(from).find((m) => m.to.includes(addr));
const post = async (auth: Record<string, string>, body: string, parentId?: string) => {
  const res = await app.inject({ method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: auth, payload: parentId ? { body, parentId } : { body } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json<{ comment: { id: string } }>().comment;
};

before(async () => {
  sink = await startSmtpSink();
  ({ app, deps, close } = await buildTestApp({ smtpUrl: sink.url, mailFrom: 'Le Journal <discussions@journal.example>', jobPollMs: 20 }));
  publishEverything(deps);
  const site = await makeSite(deps, 'journal', ['https://journal.example'], { lang: 'fr' });
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/sso', payload: { token: await hsToken(site.secret, { sub: 'm-1', aud: 'journal', name: 'Marie', email: 'marie@journal.example' }) } });
  const body = res.json<{ token: string; user: { id: string } }>();
  marie = { token: body.token, auth: { authorization: `Bearer ${body.token}` }, id: body.user.id };
  storyId = (await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent('https://journal.example/2026/retraites')}&title=${encodeURIComponent('Réforme des retraites')}` })).json<{ story: { id: string } }>().story.id;
});
after(async () => {
  await close();
  await sink.close();
});

describe('email notifications through SMTP', () => {
  let mail: SunkMail;

  test('a reply to a French reader’s comment arrives at the SMTP sink, in French, with one-click unsubscribe', async () => {
    const mine = await post(marie.auth, 'Je suis d’accord.');
    const paul = await signUp(app, 'Paul');
    const from = sink.mails.length;
    await post(paul.auth, 'Pas moi.', mine.id);
    mail = await until(mailTo('marie@journal.example', from));
    assert.equal(mail.subject, 'Paul a répondu à votre commentaire sur « Réforme des retraites »');
    assert.match(mail.text, /Lire la discussion: https:\/\/journal\.example\/2026\/retraites#comment-/);
    assert.match(mail.text, /Ne plus recevoir ces e-mails/);
    assert.match(mail.header('from') ?? '', /discussions@journal\.example/);
    assert.match(mail.header('list-unsubscribe') ?? '', /^<http:\/\/localhost:\d+\/unsubscribe\?u=[\w-]+&t=[\w-]+>$/);
    assert.equal(mail.header('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
    // Replying to oneself notifies nobody.
    await post(marie.auth, 'Je me réponds.', mine.id);
  });

  test('the notifications API lists them for the reader (the bell’s data) and marks them read', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/notifications', headers: marie.auth });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json<{ notifications: { kind: string; actorName: string; read: boolean; story: { title: string } }[]; unreadCount: number }>();
    assert.equal(body.unreadCount, 1, 'one reply, not her own');
    assert.equal(body.notifications[0]?.kind, 'reply');
    assert.equal(body.notifications[0]?.actorName, 'Paul');
    assert.equal(body.notifications[0]?.story.title, 'Réforme des retraites');
    await app.inject({ method: 'POST', url: '/api/v1/notifications/read', headers: marie.auth, payload: {} });
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/notifications', headers: marie.auth })).json<{ unreadCount: number }>().unreadCount, 0);
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/notifications' })).statusCode, 401);
  });

  test('approved, rejected (with the reason) and featured', async () => {
    const c = await post(marie.auth, 'Un commentaire à modérer.');
    const record = await deps.comments.get('journal', c.id);
    assert.ok(record);
    let from = sink.mails.length;
    await deps.change(async (ch) => ch.emit({ type: 'comment.moderated', siteId: 'journal', storyId, comment: { ...record, status: 'rejected' }, previousStatus: 'pending', moderatorId: null, reason: 'propos injurieux' }));
    const rejected = await until(mailTo('marie@journal.example', from));
    assert.equal(rejected.subject, 'Votre commentaire sur « Réforme des retraites » n’a pas été publié');
    assert.match(rejected.text, /Motif : propos injurieux/);
    from = sink.mails.length;
    await deps.change(async (ch) => ch.emit({ type: 'comment.moderated', siteId: 'journal', storyId, comment: { ...record, status: 'published' }, previousStatus: 'rejected', moderatorId: null, reason: null }));
    assert.equal((await until(mailTo('marie@journal.example', from))).subject, 'Votre commentaire sur « Réforme des retraites » est publié');
    from = sink.mails.length;
    await deps.change(async (ch) => ch.emit({ type: 'comment.moderated', siteId: 'journal', storyId, comment: { ...record, status: 'published', featured: true }, previousStatus: 'published', moderatorId: null, reason: null }));
    assert.equal((await until(mailTo('marie@journal.example', from))).subject, 'Votre commentaire sur « Réforme des retraites » a été mis en avant');
  });

  test('one-click unsubscribe (RFC 8058 POST) stops the emails; a forged link is refused', async () => {
    const url = new URL((mail.header('list-unsubscribe') ?? '').slice(1, -1));
    const page = await app.inject({ method: 'GET', url: url.pathname + url.search });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<form method="post"/);
    const one = await app.inject({ method: 'POST', url: url.pathname + url.search, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    assert.equal(one.statusCode, 200, one.body);
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/me/notification-settings', headers: marie.auth })).json<{ mode: string }>().mode, 'none');
    const forged = await app.inject({ method: 'POST', url: `/unsubscribe?u=${url.searchParams.get('u')}&t=forged`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    assert.equal(forged.statusCode, 400);
    assert.equal(codeOf(forged), 'INVALID_LINK');

    const from = sink.mails.length;
    const mine = await post(marie.auth, 'Encore moi.');
    await post((await signUp(app, 'Zoé')).auth, 'Réponse.', mine.id);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sink.mails.slice(from).filter((m) => m.to.includes('marie@journal.example')).length, 0, 'no email after unsubscribing');
  });

  test('a daily digest gathers several notifications into one email, in the language the reader chose', async () => {
    const ann = await signUp(app, 'Ann', 'ann@example.com');
    // Sign-up mails a confirmation link (accounts): let it arrive before counting what the digest sends.
    await until(() => sink.mails.find((m) => m.to.includes('ann@example.com')));
    const set = await app.inject({ method: 'PUT', url: '/api/v1/me/notification-settings', headers: ann.auth, payload: { mode: 'digest', lang: 'en' } });
    assert.deepEqual(set.json(), { mode: 'digest', lang: 'en', hasEmail: true });
    const c = await post(ann.auth, 'Digest me.');
    const bob = await signUp(app, 'Bob');
    const from = sink.mails.length;
    await post(bob.auth, 'One.', c.id);
    await post(bob.auth, 'Two.', c.id);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(sink.mails.slice(from).filter((m) => m.to.includes('ann@example.com')).length, 0, 'nothing before the digest hour');
    const jobs = await deps.db.selectFrom('jobs').select(['id', 'run_at']).where('kind', '=', 'email.digest').execute();
    assert.equal(jobs.length, 1, 'one digest job for both');
    await deps.db.updateTable('jobs').set({ run_at: new Date().toISOString() }).where('kind', '=', 'email.digest').execute();
    const digest = await until(mailTo('ann@example.com', from));
    assert.equal(digest.subject, 'Your 2 Agora notifications');
    assert.equal(digest.text.match(/Bob replied to your comment/g)?.length, 2);
  });
});
