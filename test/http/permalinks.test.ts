import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import type { ApiComment } from '../../src/server/http/schemas.js';
import { buildTestApp } from '../fixtures/server.js';
import { codeOf, hsToken, makeSite, publishEverything, signUp, signUpAdmin } from '../fixtures/publisher.js';
import { startSmtpSink } from '../fixtures/smtp.js';
import { until } from '../fixtures/wait.js';

// Permalinks (issue 12, point 4): one comment with its thread, wherever it is; the same link everywhere a comment is
// pointed to (emails, the bell, the Atom feed, webhooks); nothing said about comments readers cannot see.

const PAGE = 'https://permalinks.example/2026/budget';

interface Context {
  story: { id: string; url: string };
  url: string;
  ancestors: ApiComment[];
  comment: ApiComment;
  thread: ApiComment;
}

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let hookServer: Server;
const hooked: { type: string; data: { comment?: { id: string; url?: string } } }[] = [];
let storyId: string;
let admin: Awaited<ReturnType<typeof signUpAdmin>>;
let marie: { auth: Record<string, string>; id: string };
let paul: Awaited<ReturnType<typeof signUp>>;

const post = async (auth: Record<string, string>, body: string, parentId?: string) => {
  const res = await app.inject({ method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: auth, payload: parentId ? { body, parentId } : { body } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json<{ comment: ApiComment }>().comment;
};
const context = (id: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url: `/api/v1/comments/${encodeURIComponent(id)}/context`, headers });
const permalink = (id: string) => `${PAGE}#comment-${id}`;

before(async () => {
  sink = await startSmtpSink();
  hookServer = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hooked.push(JSON.parse(body) as (typeof hooked)[number]);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
  ({ app, deps, close } = await buildTestApp({ smtpUrl: sink.url, jobPollMs: 20, webhookAllowPrivate: true, writesPerMinute: 1000 }));
  publishEverything(deps);
  const site = await makeSite(deps, 'perma', ['https://permalinks.example'], { lang: 'fr' });
  admin = await signUpAdmin(app, deps);
  const hook = await app.inject({ method: 'POST', url: '/api/v1/admin/sites/perma/webhooks', headers: admin.auth, payload: { url: `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hook`, events: ['comment.created'] } });
  assert.equal(hook.statusCode, 201, hook.body);
  // Marie signs in through the site's single sign-on, so she has an email address to be notified at.
  const sso = await app.inject({ method: 'POST', url: '/api/v1/auth/sso', payload: { token: await hsToken(site.secret, { sub: 'm-1', aud: 'perma', name: 'Marie', email: 'marie@permalinks.example' }) } });
  const body = sso.json<{ token: string; user: { id: string } }>();
  marie = { auth: { authorization: `Bearer ${body.token}` }, id: body.user.id };
  paul = await signUp(app, 'Paul');
  storyId = (await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent(PAGE)}&title=Budget` })).json<{ story: { id: string } }>().story.id;
});
after(async () => {
  await close();
  await sink.close();
  hookServer.close();
});

describe('GET /api/v1/comments/:id/context', () => {
  let root: ApiComment;
  let mid: ApiComment;
  let deep: ApiComment;

  test('returns a reply deep in a thread that is not on the first page, with its ancestors and its thread', async () => {
    root = await post(marie.auth, 'Le premier fil, bientôt loin de la première page.');
    mid = await post(paul.auth, 'Une réponse.', root.id);
    deep = await post(marie.auth, 'Une réponse à la réponse.', mid.id);
    const under = await post(paul.auth, 'Et encore une.', deep.id);
    // 25 newer threads push the first one off the first page (20 by default).
    for (let i = 0; i < 25; i++) await post(paul.auth, `Fil ${i}`);
    const first = (await app.inject({ method: 'GET', url: `/api/v1/stories/${storyId}/comments` })).json<{ comments: ApiComment[] }>();
    assert.ok(!first.comments.some((c) => c.id === root.id), 'the thread is not on the first page');

    const res = await context(deep.id);
    assert.equal(res.statusCode, 200, res.body);
    const ctx = res.json<Context>();
    assert.equal(ctx.story.id, storyId);
    assert.equal(ctx.url, permalink(deep.id));
    assert.deepEqual(ctx.ancestors.map((c) => c.id), [root.id, mid.id], 'top-level first');
    assert.ok(ctx.ancestors.every((c) => c.replies.length === 0), 'ancestors come without their replies');
    assert.equal(ctx.comment.id, deep.id);
    assert.equal(ctx.comment.bodyHtml, '<p>Une réponse à la réponse.</p>');
    assert.deepEqual(ctx.comment.replies.map((c) => c.id), [under.id], 'the comment’s replies are nested');
    assert.equal(ctx.thread.id, root.id);
    assert.equal(ctx.thread.replies[0]?.replies[0]?.id, deep.id, 'the thread is nested as in a page of comments');
    // The same shape as in the list: the widget renders it as it is.
    assert.equal(ctx.comment.author?.displayName, 'Marie');
    assert.deepEqual(ctx.comment.viewer, { reacted: false, isAuthor: false, canEdit: false });
  });

  test('the reader’s own flags come with it', async () => {
    const mine = (await context(deep.id, marie.auth)).json<Context>();
    assert.equal(mine.comment.viewer.isAuthor, true);
    assert.equal(mine.comment.body, 'Une réponse à la réponse.');
  });

  test('a top-level comment is its own thread, with no ancestors', async () => {
    const ctx = (await context(root.id)).json<Context>();
    assert.deepEqual(ctx.ancestors, []);
    assert.equal(ctx.comment.id, root.id);
    assert.equal(ctx.thread.id, root.id);
  });

  test('held, rejected and deleted comments answer exactly as an unknown id (nothing leaks)', async () => {
    const unknown = await context('no-such-comment');
    assert.equal(unknown.statusCode, 404);
    assert.equal(codeOf(unknown), 'COMMENT_NOT_FOUND');

    deps.commentDeps.moderate = async () => ({ status: 'pending' });
    const held = await post(paul.auth, 'En attente de modération.');
    const heldRoot = await post(paul.auth, 'Un fil en attente.');
    publishEverything(deps);
    const rejected = await post(paul.auth, 'Bientôt rejeté.');
    const rej = await app.inject({ method: 'POST', url: `/api/v1/admin/moderation/comments/${rejected.id}/reject`, headers: admin.auth, payload: { reason: 'hors sujet' } });
    assert.equal(rej.statusCode, 200, rej.body);
    const gone = await post(paul.auth, 'Bientôt supprimé.');
    assert.equal((await app.inject({ method: 'DELETE', url: `/api/v1/comments/${gone.id}`, headers: paul.auth })).statusCode, 200);
    // A published reply in a thread whose top-level comment is held: nobody sees the thread, so no context either.
    const hiddenThreadReply = await post(paul.auth, 'Réponse dans un fil caché.', heldRoot.id);

    for (const c of [held, rejected, gone, hiddenThreadReply]) {
      for (const who of [{}, marie.auth]) {
        const res = await context(c.id, who);
        assert.equal(res.statusCode, 404, `${c.bodyHtml}: ${res.body}`);
        assert.deepEqual(res.json(), unknown.json(), 'the same answer as for an unknown id');
      }
    }
    // Its author still finds a held comment, as in the list.
    const own = await context(held.id, paul.auth);
    assert.equal(own.statusCode, 200, own.body);
    assert.equal(own.json<Context>().comment.status, 'pending');
    // …but not one they deleted.
    assert.equal((await context(gone.id, paul.auth)).statusCode, 404);
  });

  test('a bad id is a 4xx, never a 500', async () => {
    assert.equal((await context('x'.repeat(65))).statusCode, 400);
    assert.equal((await context("1' OR '1'='1")).statusCode, 404);
  });
});

describe('every link to a comment is its permalink', () => {
  test('emails, the bell, the Atom feed and webhook payloads all point to the story’s page #comment-<id>', async () => {
    const mine = await post(marie.auth, 'Je suis d’accord.');
    const from = sink.mails.length;
    const reply = await post(paul.auth, 'Pas moi.', mine.id);

    // An earlier test's notification may still arrive: wait for this reply's own mail.
    const mail = await until(() => sink.mails.slice(from).find((m) => m.to.includes('marie@permalinks.example') && m.text.includes(reply.id)));
    assert.ok(mail.text.includes(`Lire la discussion: ${permalink(reply.id)}`), mail.text);

    const bell = (await app.inject({ method: 'GET', url: '/api/v1/notifications', headers: marie.auth })).json<{ notifications: { commentId: string; url: string }[] }>();
    const item = bell.notifications.find((n) => n.commentId === reply.id);
    assert.equal(item?.url, permalink(reply.id));

    const feed = (await app.inject({ method: 'GET', url: `/api/v1/stories/${storyId}/comments.atom` })).body;
    assert.ok(feed.includes(`<link rel="alternate" type="text/html" href="${permalink(reply.id)}"/>`), 'the feed entry links to the comment');

    const delivered = await until(() => hooked.find((h) => h.type === 'comment.created' && h.data.comment?.id === reply.id));
    assert.equal(delivered.data.comment?.url, permalink(reply.id));
  });
});

describe('staff and featured comments', () => {
  test('comments carry the author’s staff role: admin, moderator of every site or of this site, else nothing', async () => {
    const fromAdmin = await post(admin.auth, 'Précision de la rédaction.');
    assert.equal(fromAdmin.author?.staff, 'admin', 'on the POST answer');
    const siteMod = await signUp(app, 'Modeste');
    await deps.db.insertInto('site_moderators').values({ site_id: 'perma', user_id: siteMod.user.id, created_at: new Date().toISOString() }).execute();
    const fromMod = await post(siteMod.auth, 'Rappel de la charte.');
    assert.equal(fromMod.author?.staff, 'moderator');
    const globalMod = await signUpAdmin(app, deps, 'moderator');
    assert.equal((await post(globalMod.auth, 'Modération générale.')).author?.staff, 'moderator');
    const fromReader = await post(paul.auth, 'Un lecteur.');
    assert.equal(fromReader.author && 'staff' in fromReader.author, false, 'absent for readers');

    const list = (await app.inject({ method: 'GET', url: `/api/v1/stories/${storyId}/comments` })).json<{ comments: ApiComment[] }>().comments;
    const byId = new Map(list.map((c) => [c.id, c]));
    assert.equal(byId.get(fromAdmin.id)?.author?.staff, 'admin', 'in the list');
    assert.equal(byId.get(fromMod.id)?.author?.staff, 'moderator');
    assert.equal(byId.get(fromReader.id)?.author?.staff, undefined);
    // A moderator of another site is a reader here.
    await makeSite(deps, 'ailleurs', ['https://ailleurs.example']);
    await deps.db.deleteFrom('site_moderators').where('user_id', '=', siteMod.user.id).execute();
    await deps.db.insertInto('site_moderators').values({ site_id: 'ailleurs', user_id: siteMod.user.id, created_at: new Date().toISOString() }).execute();
    const again = (await context(fromMod.id)).json<Context>();
    assert.equal(again.comment.author?.staff, undefined);
  });

  test('featured comments say so, and the Featured list holds only them, never the poster’s fresh comment', async () => {
    const picked = await post(paul.auth, 'Un commentaire remarquable.');
    const feature = await app.inject({ method: 'POST', url: `/api/v1/admin/moderation/comments/${picked.id}/feature`, headers: admin.auth, payload: { featured: true } });
    assert.equal(feature.statusCode, 200, feature.body);
    const fresh = await post(marie.auth, 'Mon commentaire tout frais.');
    assert.equal(fresh.featured, undefined, 'a new comment is not featured');

    const featured = (await app.inject({ method: 'GET', url: `/api/v1/stories/${storyId}/featured`, headers: marie.auth })).json<{ comments: ApiComment[] }>().comments;
    assert.deepEqual(featured.map((c) => c.id), [picked.id]);
    assert.equal(featured[0]?.featured, true);
    const list = (await app.inject({ method: 'GET', url: `/api/v1/stories/${storyId}/comments`, headers: marie.auth })).json<{ comments: ApiComment[] }>().comments;
    assert.equal(list.find((c) => c.id === picked.id)?.featured, true, 'marked in every list');
    assert.equal(list.find((c) => c.id === fresh.id)?.featured, undefined);
  });
});
