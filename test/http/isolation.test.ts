import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { buildTestApp } from '../fixtures/server.js';

interface ApiComment {
  id: string;
  body?: string;
  bodyHtml: string;
  author: { id: string; displayName: string } | null;
  replies: ApiComment[];
}
interface Page {
  comments: ApiComment[];
  totalCount: number;
}

const PUBLISHER = 'https://news.example';
const OTHER_SITE = 'https://other-paper.example';

// What an attacker types to probe for string-built SQL. Every one must come back exactly as typed.
const INJECTIONS = [
  "'; DROP TABLE comments; --",
  "Robert'); DROP TABLE users;--",
  "' OR '1'='1",
  '" OR ""="',
  '1; DELETE FROM stories WHERE 1=1',
  "%' OR 1=1 --",
  "\\'; SELECT sqlite_version(); --",
  '$1 ?1 :id @p',
];

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;

function errorCode(res: LightMyRequestResponse): string {
  return res.json<{ error: { code: string } }>().error.code;
}

let n = 0;
async function signUp(displayName: string, email = `iso-${++n}@example.com`, password = 'correct horse battery') {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/signup', remoteAddress: `10.50.0.${++n}`, payload: { email, password, displayName } });
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json<{ user: { id: string; displayName: string; email: string }; token: string }>();
  return { ...body, auth: { authorization: `Bearer ${body.token}` } };
}

async function lookup(url: string, title?: string) {
  const q = new URLSearchParams({ url, ...(title ? { title } : {}) });
  const res = await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?${q.toString()}` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json<{ story: { id: string; url: string; title: string; siteId: string } }>().story;
}

async function list(storyId: string, auth: Record<string, string> = {}): Promise<Page> {
  const res = await app.inject({ method: 'GET', url: `/api/v1/stories/${storyId}/comments?limit=50`, headers: auth });
  assert.equal(res.statusCode, 200, res.body);
  return res.json<Page>();
}

async function post(storyId: string, auth: Record<string, string>, body: string, parentId?: string) {
  return app.inject({ method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: auth, payload: parentId ? { body, parentId } : { body } });
}

before(async () => {
  ({ app, deps, close } = await buildTestApp({ demoAllowedOrigins: [PUBLISHER] }));
});
after(async () => close());

describe('SQL-looking input is data, stored and shown literally', () => {
  test('display names, emails and passwords', async () => {
    for (const [i, displayName] of INJECTIONS.entries()) {
      const email = `o'brien-${i}'or'1'='1@example.com`;
      const password = `${displayName} padding`;
      const { user, token } = await signUp(displayName, email, password);
      assert.equal(user.displayName, displayName);
      assert.equal(user.email, email);
      const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
      assert.equal(me.json<{ user: { displayName: string } }>().user.displayName, displayName);
      const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
      assert.equal(login.statusCode, 200, 'the literal credentials work');
      assert.equal(login.json<{ user: { id: string } }>().user.id, user.id);
    }
  });

  test('an injection in the login form signs no one in', async () => {
    await signUp('Victim', 'victim@example.com');
    for (const email of ["' OR '1'='1", "victim@example.com' --", "victim@example.com'/*", "' OR 1=1 LIMIT 1 --"]) {
      for (const password of ["' OR '1'='1", 'anything at all']) {
        const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: `10.51.0.${++n}`, payload: { email, password } });
        assert.equal(res.statusCode, 401, `${email} / ${password}`);
        assert.equal(errorCode(res), 'INVALID_CREDENTIALS');
      }
    }
  });

  test('story titles and URLs', async () => {
    for (const [i, title] of INJECTIONS.entries()) {
      const url = `${PUBLISHER}/search?q=${encodeURIComponent(title)}&n=${i}`;
      const story = await lookup(url, title);
      assert.equal(story.title, title);
      assert.equal(new URL(story.url).searchParams.get('q'), title);
      assert.equal((await lookup(url, 'another title')).id, story.id, 'the same URL finds the same story');
    }
  });

  test('comment bodies, edits and report notes', async () => {
    const story = await lookup(`${PUBLISHER}/isolation/bodies`);
    const ana = await signUp('Ana');
    const ben = await signUp('Ben');
    const ids: string[] = [];
    for (const body of INJECTIONS) {
      const res = await post(story.id, ana.auth, body);
      assert.equal(res.statusCode, 201, res.body);
      const c = res.json<{ comment: ApiComment }>().comment;
      assert.equal(c.body, body);
      ids.push(c.id);
    }
    const page = await list(story.id, ana.auth);
    assert.equal(page.totalCount, INJECTIONS.length);
    for (const [i, body] of INJECTIONS.entries()) {
      const shown = page.comments.find((c) => c.id === ids[i]);
      assert.equal(shown?.body, body);
      // The HTML shows the same characters, escaped for HTML (markdown-it escapes " and &); only Markdown's own
      // backslash escapes (\' shows as ') change what is displayed.
      const text = (shown?.bodyHtml ?? '').replace(/<\/?p>/g, '').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
      assert.equal(text, body.replace(/\\([!-/:-@[-`{-~])/g, '$1'));
    }

    const first = ids[0] ?? '';
    const edit = await app.inject({ method: 'PATCH', url: `/api/v1/comments/${first}`, headers: ana.auth, payload: { body: "edited'); DELETE FROM comments; --" } });
    assert.equal(edit.statusCode, 200);
    assert.equal(edit.json<{ comment: ApiComment }>().comment.body, "edited'); DELETE FROM comments; --");
    assert.deepEqual(
      (await deps.comments.revisions(first)).map((r) => r.body),
      [INJECTIONS[0]],
    );
    assert.equal((await list(story.id)).totalCount, INJECTIONS.length, 'nothing was deleted');

    const note = "spam'); UPDATE users SET role='admin'; --";
    const report = await app.inject({ method: 'POST', url: `/api/v1/comments/${first}/reports`, headers: ben.auth, payload: { reason: 'spam', note } });
    assert.equal(report.statusCode, 201);
    const stored = await deps.db.selectFrom('reports').select('note').where('id', '=', report.json<{ report: { id: string } }>().report.id).executeTakeFirstOrThrow();
    assert.equal(stored.note, note);
    const roles = await deps.db.selectFrom('users').select('role').distinct().execute();
    assert.deepEqual(
      roles.map((r) => r.role),
      ['commenter'],
      'no one became admin',
    );
  });

  test('ids in paths and cursors are parameters, never SQL', async () => {
    const story = await lookup(`${PUBLISHER}/isolation/paths`);
    const ana = await signUp('Ana');
    const kept = (await post(story.id, ana.auth, 'must survive')).json<{ comment: ApiComment }>().comment;

    for (const id of ["' OR '1'='1", "x' OR 1=1 --", '1 OR 1=1']) {
      const enc = encodeURIComponent(id);
      const storyRes = await app.inject({ method: 'GET', url: `/api/v1/stories/${enc}` });
      assert.equal(storyRes.statusCode, 404, id);
      assert.equal(errorCode(storyRes), 'STORY_NOT_FOUND');
      const listRes = await app.inject({ method: 'GET', url: `/api/v1/stories/${enc}/comments` });
      assert.equal(listRes.statusCode, 404, id);
      for (const method of ['PATCH', 'DELETE'] as const) {
        const res = await app.inject({ method, url: `/api/v1/comments/${enc}`, headers: ana.auth, ...(method === 'PATCH' ? { payload: { body: 'hijack' } } : {}) });
        assert.equal(res.statusCode, 404, `${method} ${id}`);
        assert.equal(errorCode(res), 'COMMENT_NOT_FOUND');
      }
      const react = await app.inject({ method: 'POST', url: `/api/v1/comments/${enc}/reaction`, headers: ana.auth });
      assert.equal(react.statusCode, 404, id);
      const reply = await post(story.id, ana.auth, 'reply', id);
      assert.equal(reply.statusCode, 400, id);
      assert.equal(errorCode(reply), 'INVALID_PARENT');
    }

    // A well-formed cursor whose fields are SQL: compared as values, so it matches nothing rather than everything.
    for (const sort of ['newest', 'reactions'] as const) {
      const cursor = Buffer.from(JSON.stringify([sort, sort === 'newest' ? null : 0, "' OR '1'='1", "' OR '1'='1"])).toString('base64url');
      const res = await app.inject({ method: 'GET', url: `/api/v1/stories/${story.id}/comments?sort=${sort}&cursor=${cursor}` });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json<Page>().comments, [], sort);
    }
    const badSort = await app.inject({ method: 'GET', url: `/api/v1/stories/${story.id}/comments?sort=${encodeURIComponent('newest; DROP TABLE comments')}` });
    assert.equal(badSort.statusCode, 400);

    const page = await list(story.id, ana.auth);
    assert.deepEqual(
      page.comments.map((c) => [c.id, c.body]),
      [[kept.id, 'must survive']],
    );
  });

  test('the article page shows such a name and text literally, HTML-escaped', async () => {
    const own = new URL(deps.config.publicUrl).origin;
    const story = await lookup(`${own}/articles/etats-unis-mexique-fentanyl`);
    const bobby = await signUp("Robert'); DROP TABLE users;--");
    assert.equal((await post(story.id, bobby.auth, "1' OR '1'='1 -- \"x\"")).statusCode, 201);
    const html = (await app.inject({ method: 'GET', url: '/articles/etats-unis-mexique-fentanyl' })).body;
    assert.ok(html.includes('Robert&#39;); DROP TABLE users;--'), 'the name, escaped');
    assert.ok(html.includes(`<div class="body"><p>1' OR '1'='1 -- &quot;x&quot;</p></div>`), 'the text, escaped');
  });

  test('after all that, every table still works', async () => {
    const fresh = await signUp('Still here');
    const story = await lookup(`${PUBLISHER}/isolation/after`);
    assert.equal((await post(story.id, fresh.auth, 'ok')).statusCode, 201);
    assert.equal((await list(story.id)).totalCount, 1);
    assert.ok((await deps.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n > INJECTIONS.length);
  });
});

describe('a comment belongs to one story', () => {
  test('a comment of another story cannot be used as parent, and nothing is stored', async () => {
    const a = await lookup(`${PUBLISHER}/isolation/story-a`);
    const b = await lookup(`${PUBLISHER}/isolation/story-b`);
    const ana = await signUp('Ana');
    const inB = (await post(b.id, ana.auth, 'dans B')).json<{ comment: ApiComment }>().comment;
    const res = await post(a.id, ana.auth, 'réponse égarée', inB.id);
    assert.equal(res.statusCode, 400);
    assert.equal(errorCode(res), 'INVALID_PARENT');
    assert.equal((await list(a.id)).totalCount, 0);
    const pageB = await list(b.id);
    assert.equal(pageB.totalCount, 1);
    assert.deepEqual(pageB.comments[0]?.replies, []);
  });

  test('nor can a comment of another publisher’s site', async () => {
    await deps.sites.createIfAbsent({ id: 'other-paper', name: 'Other Paper', origins: [OTHER_SITE], lang: 'en' });
    deps.origins.invalidate();
    const mine = await lookup(`${PUBLISHER}/isolation/site-a`);
    const theirs = await lookup(`${OTHER_SITE}/politics/story`);
    assert.notEqual(theirs.siteId, mine.siteId);
    const ana = await signUp('Ana');
    const foreign = (await post(theirs.id, ana.auth, 'on the other paper')).json<{ comment: ApiComment }>().comment;
    const res = await post(mine.id, ana.auth, 'cross-site reply', foreign.id);
    assert.equal(res.statusCode, 400);
    assert.equal(errorCode(res), 'INVALID_PARENT');
    assert.equal((await list(mine.id)).totalCount, 0);
    assert.ok(!JSON.stringify(await list(mine.id)).includes('on the other paper'));
    assert.equal((await list(theirs.id)).comments[0]?.replies.length, 0);
  });
});
