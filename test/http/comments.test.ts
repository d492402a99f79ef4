import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { buildTestApp } from '../fixtures/server.js';

interface ApiComment {
  id: string;
  storyId: string;
  parentId: string | null;
  depth: number;
  inReplyTo: { id: string; displayName: string } | null;
  author: { id: string; displayName: string } | null;
  bodyHtml: string;
  body?: string;
  status: string;
  createdAt: string;
  editedAt: string | null;
  reactionCount: number;
  replyCount: number;
  viewer: { reacted: boolean; isAuthor: boolean; canEdit: boolean };
  replies: ApiComment[];
}
interface Page {
  comments: ApiComment[];
  nextCursor: string | null;
  totalCount: number;
}
interface Reader {
  id: string;
  name: string;
  auth: Record<string, string>;
}

const COMMENT_KEYS = ['author', 'body', 'bodyHtml', 'createdAt', 'depth', 'editedAt', 'id', 'inReplyTo', 'parentId', 'reactionCount', 'replies', 'replyCount', 'status', 'storyId', 'viewer'];

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let ownOrigin: string;

// Every response of this file, to check at the end that none of these client mistakes became a 500.
const seen: { what: string; status: number }[] = [];

async function call(opts: InjectOptions): Promise<LightMyRequestResponse> {
  const res = await app.inject(opts);
  seen.push({ what: `${opts.method ?? 'GET'} ${String(opts.url)}`, status: res.statusCode });
  return res;
}

function errorCode(res: LightMyRequestResponse): string {
  return res.json<{ error: { code: string } }>().error.code;
}

// Sign-ups are limited per IP and writes per user: each reader signs up from its own address, and tests use fresh
// readers rather than one busy account.
let n = 0;
async function reader(name = `Reader ${n + 1}`): Promise<Reader> {
  n++;
  const res = await call({
    method: 'POST',
    url: '/api/v1/auth/signup',
    remoteAddress: `10.30.${Math.floor(n / 250)}.${(n % 250) + 1}`,
    payload: { email: `comments-${n}@example.com`, password: 'correct horse battery', displayName: name },
  });
  assert.equal(res.statusCode, 201, res.body);
  const { user, token } = res.json<{ user: { id: string }; token: string }>();
  return { id: user.id, name, auth: { authorization: `Bearer ${token}` } };
}

/** A story of the demo site for a page of Agora's own origin, created on first lookup. */
async function story(path: string): Promise<string> {
  const res = await call({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent(`${ownOrigin}${path}`)}&title=Test&lang=fr` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json<{ story: { id: string } }>().story.id;
}

async function post(storyId: string, who: Reader, body: string, parentId?: string): Promise<ApiComment> {
  const res = await call({ method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: who.auth, payload: parentId ? { body, parentId } : { body } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json<{ comment: ApiComment }>().comment;
}

async function list(storyId: string, query = '', who?: Reader): Promise<Page> {
  const res = await call({ method: 'GET', url: `/api/v1/stories/${storyId}/comments${query ? `?${query}` : ''}`, headers: who?.auth ?? {} });
  assert.equal(res.statusCode, 200, res.body);
  return res.json<Page>();
}

function find(nodes: ApiComment[], id: string): ApiComment | undefined {
  for (const c of nodes) {
    if (c.id === id) return c;
    const hit = find(c.replies, id);
    if (hit) return hit;
  }
  return undefined;
}

function maxLevel(nodes: ApiComment[], level = 0): number {
  return nodes.reduce((m, c) => Math.max(m, level, maxLevel(c.replies, level + 1)), -1);
}

function react(id: string, who: Reader, on = true) {
  return call({ method: on ? 'POST' : 'DELETE', url: `/api/v1/comments/${id}/reaction`, headers: who.auth });
}

before(async () => {
  ({ app, deps, close } = await buildTestApp());
  ownOrigin = new URL(deps.config.publicUrl).origin;
  // Strictly increasing creation times, so orders are deterministic even when comments land in the same millisecond.
  let last = 0;
  deps.commentDeps.now = () => (last = Math.max(Date.now(), last + 1));
});
after(async () => close());

describe('posting and replying', () => {
  let storyId: string;
  before(async () => {
    storyId = await story('/t/posting');
  });

  test('a comment is 201 with the contract’s shape, rendered, and owned by the poster', async () => {
    const ana = await reader('Ana');
    const t0 = Date.now();
    const c = await post(storyId, ana, '**Très** juste');
    assert.deepEqual(Object.keys(c).sort(), COMMENT_KEYS);
    assert.equal(c.storyId, storyId);
    assert.equal(c.parentId, null);
    assert.equal(c.depth, 0);
    assert.equal(c.inReplyTo, null);
    assert.deepEqual(c.author, { id: ana.id, displayName: 'Ana' });
    assert.equal(c.bodyHtml, '<p><strong>Très</strong> juste</p>');
    assert.equal(c.body, '**Très** juste');
    assert.equal(c.status, 'published');
    assert.ok(Math.abs(Date.parse(c.createdAt) - t0) < 60_000);
    assert.equal(c.editedAt, null);
    assert.equal(c.reactionCount, 0);
    assert.equal(c.replyCount, 0);
    assert.deepEqual(c.viewer, { reacted: false, isAuthor: true, canEdit: true });
    assert.deepEqual(c.replies, []);
  });

  test('a reply sits under its parent, one level down, and counts as its reply', async () => {
    const [ana, ben] = [await reader('Ana'), await reader('Ben')];
    const parent = await post(storyId, ana, 'Question ?');
    const reply = await post(storyId, ben, 'Réponse.', parent.id);
    assert.equal(reply.parentId, parent.id);
    assert.equal(reply.depth, 1);
    assert.equal(reply.inReplyTo, null);
    const page = await list(storyId, 'sort=newest');
    const shown = find(page.comments, parent.id);
    assert.equal(shown?.replyCount, 1);
    assert.deepEqual(
      shown?.replies.map((r) => r.id),
      [reply.id],
    );
    assert.equal(
      page.comments.find((c) => c.id === reply.id),
      undefined,
      'a reply is not listed as a top-level comment',
    );
  });

  test('a reply to a depth-5 comment attaches beside it, at depth 5, with inReplyTo naming its author', async () => {
    const storyDeep = await story('/t/deep');
    const [ana, ben] = [await reader('Ana'), await reader('Ben')];
    const chain = [await post(storyDeep, ana, 'niveau 0')];
    for (let d = 1; d <= 5; d++) chain.push(await post(storyDeep, d % 2 ? ben : ana, `niveau ${d}`, chain[d - 1]?.id));
    assert.deepEqual(
      chain.map((c) => c.depth),
      [0, 1, 2, 3, 4, 5],
    );
    const level5 = chain[5];
    const level4 = chain[4];
    assert.ok(level5 && level4);
    const deeper = await post(storyDeep, ana, 'encore plus profond', level5.id);
    assert.equal(deeper.depth, 5);
    assert.equal(deeper.parentId, level4.id);
    assert.deepEqual(deeper.inReplyTo, { id: level5.id, displayName: 'Ben' });

    const page = await list(storyDeep);
    assert.equal(maxLevel(page.comments), 5, 'nothing is nested deeper than level 5');
    const shown4 = find(page.comments, level4.id);
    assert.deepEqual(
      shown4?.replies.map((r) => r.id),
      [level5.id, deeper.id],
    );
    assert.deepEqual(find(page.comments, deeper.id)?.inReplyTo, { id: level5.id, displayName: 'Ben' });
    assert.equal(page.totalCount, 7);
  });
});

describe('listing', () => {
  let storyId: string;
  let ana: Reader;
  let ben: Reader;
  let root: ApiComment;
  let replies: ApiComment[];

  before(async () => {
    storyId = await story('/t/listing');
    [ana, ben] = [await reader('Ana'), await reader('Ben')];
    root = await post(storyId, ana, 'Premier');
    replies = [await post(storyId, ben, 'r1', root.id), await post(storyId, ana, 'r2', root.id), await post(storyId, ben, 'r3', root.id)];
    await post(storyId, ben, 'Deuxième');
  });

  test('the page is {comments, nextCursor, totalCount, eventSeq}: top-level comments with every reply nested, oldest reply first', async () => {
    const page = await list(storyId, '', ana);
    assert.deepEqual(Object.keys(page).sort(), ['comments', 'eventSeq', 'nextCursor', 'totalCount']);
    assert.equal(page.totalCount, 5, 'replies count in the total');
    assert.equal(page.nextCursor, null);
    assert.equal(page.comments.length, 2);
    const shown = page.comments.find((c) => c.id === root.id);
    assert.deepEqual(
      shown?.replies.map((r) => r.id),
      replies.map((r) => r.id),
    );
    assert.equal(shown?.replyCount, 3);
    for (const c of [...page.comments, ...(shown?.replies ?? [])]) {
      for (const key of Object.keys(c)) assert.ok(COMMENT_KEYS.includes(key), `unexpected key ${key}`);
      assert.equal(typeof c.bodyHtml, 'string');
      assert.equal(typeof c.viewer.canEdit, 'boolean');
    }
  });

  test('raw Markdown (body) and isAuthor only on the viewer’s own comments', async () => {
    const page = await list(storyId, '', ana);
    const mine = page.comments.find((c) => c.id === root.id);
    const theirs = find(page.comments, replies[0]?.id ?? '');
    assert.equal(mine?.body, 'Premier');
    assert.deepEqual(mine?.viewer, { reacted: false, isAuthor: true, canEdit: true });
    assert.equal(theirs?.body, undefined);
    assert.deepEqual(theirs?.viewer, { reacted: false, isAuthor: false, canEdit: false });
  });

  test('a signed-out reader sees the same comments, with no body and no rights', async () => {
    const page = await list(storyId);
    assert.equal(page.totalCount, 5);
    const all = page.comments.flatMap((c) => [c, ...c.replies]);
    assert.equal(all.length, 5);
    for (const c of all) {
      assert.equal(c.body, undefined);
      assert.deepEqual(c.viewer, { reacted: false, isAuthor: false, canEdit: false });
    }
  });

  test('limit, sort and cursor are validated', async () => {
    for (const q of ['limit=0', 'limit=51', 'limit=abc', 'sort=best']) {
      const res = await call({ method: 'GET', url: `/api/v1/stories/${storyId}/comments?${q}` });
      assert.equal(res.statusCode, 400, q);
      assert.equal(errorCode(res), 'VALIDATION_FAILED', q);
    }
    for (const cursor of ['garbage', 'eyJ4IjoxfQ', Buffer.from(JSON.stringify(['oldest', null, '2026-01-01T00:00:00.000Z', 'x'])).toString('base64url')]) {
      const res = await call({ method: 'GET', url: `/api/v1/stories/${storyId}/comments?sort=newest&cursor=${cursor}` });
      assert.equal(res.statusCode, 400, cursor);
      assert.equal(errorCode(res), 'INVALID_CURSOR', cursor);
    }
  });

  test('an unknown story is 404 STORY_NOT_FOUND', async () => {
    const res = await call({ method: 'GET', url: '/api/v1/stories/no-such-story/comments' });
    assert.equal(res.statusCode, 404);
    assert.equal(errorCode(res), 'STORY_NOT_FOUND');
  });
});

describe('sorting', () => {
  let storyId: string;
  const ids: Record<string, string> = {};

  before(async () => {
    storyId = await story('/t/sorting');
    const [ana, ben, cleo, dan] = [await reader('Ana'), await reader('Ben'), await reader('Cléo'), await reader('Dan')];
    for (const name of ['c1', 'c2', 'c3', 'c4']) ids[name] = (await post(storyId, ana, name)).id;
    const id = (name: string) => ids[name] ?? '';
    // Reactions (never the author's own: CANNOT_REACT_OWN): c2 ×3, c1 ×2, c4 ×1, c3 none.
    for (const who of [dan, ben, cleo]) assert.equal((await react(id('c2'), who)).statusCode, 200);
    for (const who of [ben, cleo]) await react(id('c1'), who);
    await react(id('c4'), ben);
    // Replies: c3 ×2, c1 ×1.
    await post(storyId, ben, 'a', id('c3'));
    await post(storyId, cleo, 'b', id('c3'));
    await post(storyId, ben, 'c', id('c1'));
  });

  const order = async (sort: string) => (await list(storyId, `sort=${sort}`)).comments.map((c) => Object.keys(ids).find((k) => ids[k] === c.id));

  test('newest first is the default', async () => {
    assert.deepEqual(await order('newest'), ['c4', 'c3', 'c2', 'c1']);
    assert.deepEqual(
      (await list(storyId)).comments.map((c) => c.id),
      [ids.c4, ids.c3, ids.c2, ids.c1],
    );
  });

  test('oldest first', async () => {
    assert.deepEqual(await order('oldest'), ['c1', 'c2', 'c3', 'c4']);
  });

  test('most reactions first', async () => {
    assert.deepEqual(await order('reactions'), ['c2', 'c1', 'c4', 'c3']);
  });

  test('most replies first, then newest', async () => {
    assert.deepEqual(await order('replies'), ['c3', 'c1', 'c4', 'c2']);
  });
});

describe('cursor pagination', () => {
  let storyId: string;
  let created: ApiComment[] = [];

  before(async () => {
    storyId = await story('/t/pagination');
    const authors = [await reader(), await reader(), await reader()];
    // Pairs of comments share a millisecond: the cursor must break ties, not skip or repeat them.
    const base = Date.now() - 60_000;
    let i = 0;
    const saved = deps.commentDeps.now;
    deps.commentDeps.now = () => base + Math.floor(i++ / 2);
    try {
      created = [];
      for (let k = 0; k < 45; k++) created.push(await post(storyId, authors[k % 3] as Reader, `commentaire ${k}`));
    } finally {
      deps.commentDeps.now = saved;
    }
  });

  for (const sort of ['newest', 'oldest', 'reactions', 'replies']) {
    test(`45 comments by 20 (${sort}): 20, 20, 5, no duplicates, none missing, nextCursor null at the end`, async () => {
      const sizes: number[] = [];
      const seenIds: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Page = await list(storyId, `sort=${sort}&limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        sizes.push(page.comments.length);
        seenIds.push(...page.comments.map((c) => c.id));
        assert.equal(page.totalCount, 45);
        cursor = page.nextCursor;
      } while (cursor && ++pages < 10);
      assert.deepEqual(sizes, [20, 20, 5]);
      assert.equal(new Set(seenIds).size, 45, 'no duplicates');
      assert.deepEqual([...seenIds].sort(), created.map((c) => c.id).sort(), 'none missing');
      // Same-millisecond comments are ordered by id: the order is total, so pages are stable.
      const byTime = [...created].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1)).map((c) => c.id);
      if (sort === 'newest') assert.deepEqual(seenIds, [...byTime].reverse());
      if (sort === 'oldest') assert.deepEqual(seenIds, byTime);
    });
  }

  test('exactly one full page has nextCursor null (no empty last page)', async () => {
    const page = await list(storyId, 'limit=45');
    assert.equal(page.comments.length, 45);
    assert.equal(page.nextCursor, null);
  });

  test('a cursor made for one sort is refused under another with 400 INVALID_CURSOR', async () => {
    const first = await list(storyId, 'sort=newest&limit=20');
    assert.ok(first.nextCursor);
    const res = await call({ method: 'GET', url: `/api/v1/stories/${storyId}/comments?sort=oldest&cursor=${encodeURIComponent(first.nextCursor)}` });
    assert.equal(res.statusCode, 400);
    assert.equal(errorCode(res), 'INVALID_CURSOR');
  });
});

describe('editing', () => {
  let storyId: string;
  before(async () => {
    storyId = await story('/t/editing');
  });

  test('the author may edit within 5 minutes: editedAt is set and the previous version is kept', async () => {
    const ana = await reader('Ana');
    const c = await post(storyId, ana, 'Premiere version');
    const res = await call({ method: 'PATCH', url: `/api/v1/comments/${c.id}`, headers: ana.auth, payload: { body: 'Première *version*' } });
    assert.equal(res.statusCode, 200, res.body);
    const edited = res.json<{ comment: ApiComment }>().comment;
    assert.equal(edited.body, 'Première *version*');
    assert.equal(edited.bodyHtml, '<p>Première <em>version</em></p>');
    assert.ok(edited.editedAt && Date.parse(edited.editedAt) >= Date.parse(c.createdAt));
    assert.equal(edited.createdAt, c.createdAt);
    assert.deepEqual(
      (await deps.comments.revisions(c.id)).map((r) => r.body),
      ['Premiere version'],
    );
    const shown = find((await list(storyId)).comments, c.id);
    assert.equal(shown?.bodyHtml, '<p>Première <em>version</em></p>');
    assert.equal(shown?.editedAt, edited.editedAt);

    await call({ method: 'PATCH', url: `/api/v1/comments/${c.id}`, headers: ana.auth, payload: { body: 'Troisième' } });
    assert.deepEqual(
      (await deps.comments.revisions(c.id)).map((r) => r.body),
      ['Premiere version', 'Première *version*'],
    );
  });

  test('after 5 minutes an edit is 403 EDIT_WINDOW_CLOSED, the text stays, and canEdit is false', async () => {
    const ana = await reader('Ana');
    const c = await post(storyId, ana, 'Texte d’origine');
    await deps.db
      .updateTable('comments')
      .set({ created_at: new Date(Date.now() - 5 * 60_000 - 5_000).toISOString() })
      .where('id', '=', c.id)
      .execute();
    const res = await call({ method: 'PATCH', url: `/api/v1/comments/${c.id}`, headers: ana.auth, payload: { body: 'Trop tard' } });
    assert.equal(res.statusCode, 403);
    assert.equal(errorCode(res), 'EDIT_WINDOW_CLOSED');
    const shown = find((await list(storyId, '', ana)).comments, c.id);
    assert.equal(shown?.body, 'Texte d’origine');
    assert.equal(shown?.editedAt, null);
    assert.equal(shown?.viewer.canEdit, false);
    assert.equal(shown?.viewer.isAuthor, true);
  });

  test('just inside the window (4 min 50 s) an edit is still allowed', async () => {
    const ana = await reader('Ana');
    const c = await post(storyId, ana, 'Presque');
    await deps.db
      .updateTable('comments')
      .set({ created_at: new Date(Date.now() - 4 * 60_000 - 50_000).toISOString() })
      .where('id', '=', c.id)
      .execute();
    const res = await call({ method: 'PATCH', url: `/api/v1/comments/${c.id}`, headers: ana.auth, payload: { body: 'Juste à temps' } });
    assert.equal(res.statusCode, 200, res.body);
  });

  test('editing someone else’s comment is 403 FORBIDDEN and changes nothing', async () => {
    const [ana, ben] = [await reader('Ana'), await reader('Ben')];
    const c = await post(storyId, ana, 'À moi');
    const res = await call({ method: 'PATCH', url: `/api/v1/comments/${c.id}`, headers: ben.auth, payload: { body: 'Piraté' } });
    assert.equal(res.statusCode, 403);
    assert.equal(errorCode(res), 'FORBIDDEN');
    assert.equal(find((await list(storyId)).comments, c.id)?.bodyHtml, '<p>À moi</p>');
  });

  test('an edit is checked like a new comment: empty is 400 BODY_EMPTY, too long is 413 BODY_TOO_LONG', async () => {
    const ana = await reader('Ana');
    const c = await post(storyId, ana, 'Court');
    const empty = await call({ method: 'PATCH', url: `/api/v1/comments/${c.id}`, headers: ana.auth, payload: { body: '   ' } });
    assert.equal(empty.statusCode, 400);
    assert.equal(errorCode(empty), 'BODY_EMPTY');
    const long = await call({ method: 'PATCH', url: `/api/v1/comments/${c.id}`, headers: ana.auth, payload: { body: 'x'.repeat(5001) } });
    assert.equal(long.statusCode, 413);
    assert.equal(errorCode(long), 'BODY_TOO_LONG');
  });
});

describe('deleting', () => {
  let storyId: string;
  before(async () => {
    storyId = await story('/t/deleting');
  });

  test('deleting one’s comment leaves a tombstone that keeps its replies, and the total goes down by one', async () => {
    const [ana, ben] = [await reader('Ana'), await reader('Ben')];
    const c = await post(storyId, ana, 'Je retire ça');
    const reply = await post(storyId, ben, 'Trop tard, je réponds', c.id);
    const before = await list(storyId);
    const res = await call({ method: 'DELETE', url: `/api/v1/comments/${c.id}`, headers: ana.auth });
    assert.equal(res.statusCode, 200, res.body);
    const tomb = res.json<{ comment: ApiComment }>().comment;
    assert.equal(tomb.id, c.id);
    assert.equal(tomb.status, 'deleted');
    assert.equal(tomb.author, null);
    assert.equal(tomb.bodyHtml, '');
    assert.equal(tomb.body, undefined);

    for (const viewer of [undefined, ana, ben]) {
      const page = await list(storyId, '', viewer);
      assert.equal(page.totalCount, before.totalCount - 1);
      const shown = page.comments.find((x) => x.id === c.id);
      assert.ok(shown, 'the tombstone stays in place');
      assert.equal(shown.author, null);
      assert.equal(shown.bodyHtml, '');
      assert.equal(shown.body, undefined);
      assert.equal(shown.viewer.canEdit, false);
      assert.deepEqual(
        shown.replies.map((r) => r.id),
        [reply.id],
      );
      assert.ok(!JSON.stringify(page).includes('Je retire ça'), 'the deleted text is gone from the listing');
    }
  });

  test('a deleted comment without replies disappears from the listing', async () => {
    const ana = await reader('Ana');
    const c = await post(storyId, ana, 'Éphémère');
    const before = await list(storyId);
    assert.equal((await call({ method: 'DELETE', url: `/api/v1/comments/${c.id}`, headers: ana.auth })).statusCode, 200);
    const page = await list(storyId);
    assert.equal(find(page.comments, c.id), undefined);
    assert.equal(page.totalCount, before.totalCount - 1);
  });

  test('deleting removes the text and its earlier versions from storage, not only from view', async () => {
    const ana = await reader('Ana');
    const c = await post(storyId, ana, 'Mon numéro: 06 12 34 56 78');
    await call({ method: 'PATCH', url: `/api/v1/comments/${c.id}`, headers: ana.auth, payload: { body: 'Oups, retiré' } });
    assert.equal((await deps.comments.revisions(c.id)).length, 1);
    await call({ method: 'DELETE', url: `/api/v1/comments/${c.id}`, headers: ana.auth });
    assert.deepEqual(await deps.comments.revisions(c.id), []);
    const row = await deps.db.selectFrom('comments').select(['body', 'body_html']).where('id', '=', c.id).executeTakeFirstOrThrow();
    assert.deepEqual(row, { body: '', body_html: '' });
  });

  test('deleting a reply takes it out of its parent’s replyCount', async () => {
    const [ana, ben] = [await reader('Ana'), await reader('Ben')];
    const parent = await post(storyId, ana, 'Parent');
    const r1 = await post(storyId, ben, 'Réponse 1', parent.id);
    await post(storyId, ben, 'Réponse 2', parent.id);
    assert.equal((await call({ method: 'DELETE', url: `/api/v1/comments/${r1.id}`, headers: ben.auth })).statusCode, 200);
    const shown = find((await list(storyId)).comments, parent.id);
    assert.equal(shown?.replies.length, 1);
    assert.equal(shown?.replyCount, 1, 'replyCount (direct replies) should match the replies a reader can see');
  });

  test('deleting someone else’s comment is 403 FORBIDDEN and it stays', async () => {
    const [ana, ben] = [await reader('Ana'), await reader('Ben')];
    const c = await post(storyId, ana, 'Toujours là');
    const res = await call({ method: 'DELETE', url: `/api/v1/comments/${c.id}`, headers: ben.auth });
    assert.equal(res.statusCode, 403);
    assert.equal(errorCode(res), 'FORBIDDEN');
    assert.equal(find((await list(storyId)).comments, c.id)?.status, 'published');
  });

  test('replying to a deleted comment is 409 COMMENT_DELETED', async () => {
    const [ana, ben] = [await reader('Ana'), await reader('Ben')];
    const c = await post(storyId, ana, 'Bientôt supprimé');
    await post(storyId, ben, 'garde le fil', c.id);
    await call({ method: 'DELETE', url: `/api/v1/comments/${c.id}`, headers: ana.auth });
    const res = await call({ method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: ben.auth, payload: { body: 'trop tard', parentId: c.id } });
    assert.equal(res.statusCode, 409);
    assert.equal(errorCode(res), 'COMMENT_DELETED');
  });
});

describe('reactions', () => {
  let storyId: string;
  before(async () => {
    storyId = await story('/t/reactions');
  });

  test('POST gives one Respect, twice is still one; DELETE takes it back, twice is harmless', async () => {
    const [ana, ben, cleo] = [await reader('Ana'), await reader('Ben'), await reader('Cléo')];
    const c = await post(storyId, ana, 'Respect ?');
    const first = await react(c.id, ben);
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual(first.json(), { reactionCount: 1, reacted: true });
    assert.deepEqual((await react(c.id, ben)).json(), { reactionCount: 1, reacted: true });
    assert.deepEqual((await react(c.id, cleo)).json(), { reactionCount: 2, reacted: true });

    const page = await list(storyId, '', ben);
    assert.equal(find(page.comments, c.id)?.reactionCount, 2);
    assert.equal(find(page.comments, c.id)?.viewer.reacted, true);
    assert.equal(find((await list(storyId, '', ana)).comments, c.id)?.viewer.reacted, false);
    assert.equal(find((await list(storyId)).comments, c.id)?.viewer.reacted, false);

    assert.deepEqual((await react(c.id, ben, false)).json(), { reactionCount: 1, reacted: false });
    assert.deepEqual((await react(c.id, ben, false)).json(), { reactionCount: 1, reacted: false });
    const afterPage = await list(storyId, '', ben);
    assert.equal(find(afterPage.comments, c.id)?.reactionCount, 1);
    assert.equal(find(afterPage.comments, c.id)?.viewer.reacted, false);
  });

  test('a reaction to an unknown comment is 404 COMMENT_NOT_FOUND', async () => {
    const ana = await reader('Ana');
    const res = await react('no-such-comment', ana);
    assert.equal(res.statusCode, 404);
    assert.equal(errorCode(res), 'COMMENT_NOT_FOUND');
  });
});

describe('reports', () => {
  let storyId: string;
  before(async () => {
    storyId = await story('/t/reports');
  });

  test('a report is 201 {report: {id}}; reporting the same comment again is 409 ALREADY_REPORTED', async () => {
    const [ana, ben, cleo] = [await reader('Ana'), await reader('Ben'), await reader('Cléo')];
    const c = await post(storyId, ana, 'Contenu douteux');
    const first = await call({ method: 'POST', url: `/api/v1/comments/${c.id}/reports`, headers: ben.auth, payload: { reason: 'spam', note: 'pub' } });
    assert.equal(first.statusCode, 201, first.body);
    const { report } = first.json<{ report: { id: string } }>();
    assert.equal(typeof report.id, 'string');
    assert.ok(report.id.length > 0);
    const again = await call({ method: 'POST', url: `/api/v1/comments/${c.id}/reports`, headers: ben.auth, payload: { reason: 'abuse' } });
    assert.equal(again.statusCode, 409);
    assert.equal(errorCode(again), 'ALREADY_REPORTED');
    const other = await call({ method: 'POST', url: `/api/v1/comments/${c.id}/reports`, headers: cleo.auth, payload: { reason: 'misinformation' } });
    assert.equal(other.statusCode, 201, 'another reader may report it too');
  });

  test('every listed reason is accepted; anything else is 400 VALIDATION_FAILED', async () => {
    const ana = await reader('Ana');
    const ben = await reader('Ben');
    for (const reason of ['spam', 'abuse', 'offtopic', 'misinformation', 'other']) {
      const c = await post(storyId, ana, `pour ${reason}`);
      const res = await call({ method: 'POST', url: `/api/v1/comments/${c.id}/reports`, headers: ben.auth, payload: { reason } });
      assert.equal(res.statusCode, 201, `${reason}: ${res.body}`);
    }
    const c = await post(storyId, ana, 'encore');
    for (const payload of [{ reason: 'boring' }, {}, { reason: 'spam', note: 'x'.repeat(1001) }]) {
      const res = await call({ method: 'POST', url: `/api/v1/comments/${c.id}/reports`, headers: ben.auth, payload });
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.equal(errorCode(res), 'VALIDATION_FAILED');
    }
  });

  test('reporting an unknown comment is 404', async () => {
    const ana = await reader('Ana');
    const res = await call({ method: 'POST', url: '/api/v1/comments/no-such-comment/reports', headers: ana.auth, payload: { reason: 'spam' } });
    assert.equal(res.statusCode, 404);
    assert.equal(errorCode(res), 'COMMENT_NOT_FOUND');
  });
});

describe('what is refused when posting', () => {
  let storyId: string;
  let otherStoryId: string;
  let ana: Reader;
  before(async () => {
    storyId = await story('/t/refused');
    otherStoryId = await story('/t/refused-other');
    ana = await reader('Ana');
  });

  const postRaw = (payload: unknown, headers: Record<string, string> = ana.auth, id = storyId) =>
    call({ method: 'POST', url: `/api/v1/stories/${id}/comments`, headers, payload: payload as InjectOptions['payload'] });

  test('5001 characters is 413 BODY_TOO_LONG; 5000 is accepted', async () => {
    const long = await postRaw({ body: 'é'.repeat(5001) });
    assert.equal(long.statusCode, 413);
    assert.equal(errorCode(long), 'BODY_TOO_LONG');
    const max = await postRaw({ body: 'é'.repeat(5000) });
    assert.equal(max.statusCode, 201);
  });

  test('an empty or blank comment is 400 BODY_EMPTY', async () => {
    for (const body of ['', '   ', '\n\t \r\n']) {
      const res = await postRaw({ body });
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      assert.equal(errorCode(res), 'BODY_EMPTY');
    }
  });

  test('a comment without body is 400 VALIDATION_FAILED', async () => {
    const res = await postRaw({ text: 'hello' });
    assert.equal(res.statusCode, 400);
    assert.equal(errorCode(res), 'VALIDATION_FAILED');
  });

  test('an unknown story is 404 STORY_NOT_FOUND', async () => {
    const res = await postRaw({ body: 'hello' }, ana.auth, 'no-such-story');
    assert.equal(res.statusCode, 404);
    assert.equal(errorCode(res), 'STORY_NOT_FOUND');
  });

  test('an unknown comment is 404 COMMENT_NOT_FOUND for edit and delete; as a parent it is 400 INVALID_PARENT', async () => {
    const edit = await call({ method: 'PATCH', url: '/api/v1/comments/no-such-comment', headers: ana.auth, payload: { body: 'x' } });
    assert.equal(edit.statusCode, 404);
    assert.equal(errorCode(edit), 'COMMENT_NOT_FOUND');
    const del = await call({ method: 'DELETE', url: '/api/v1/comments/no-such-comment', headers: ana.auth });
    assert.equal(del.statusCode, 404);
    assert.equal(errorCode(del), 'COMMENT_NOT_FOUND');
    const orphan = await postRaw({ body: 'x', parentId: 'no-such-comment' });
    assert.equal(orphan.statusCode, 400);
    assert.equal(errorCode(orphan), 'INVALID_PARENT');
  });

  test('a parent from another story is 400 INVALID_PARENT and nothing is stored', async () => {
    const elsewhere = await post(otherStoryId, ana, 'ailleurs');
    const before = (await list(storyId)).totalCount;
    const res = await postRaw({ body: 'réponse égarée', parentId: elsewhere.id });
    assert.equal(res.statusCode, 400);
    assert.equal(errorCode(res), 'INVALID_PARENT');
    assert.equal((await list(storyId)).totalCount, before);
    assert.equal(find((await list(otherStoryId)).comments, elsewhere.id)?.replyCount, 0);
  });

  test('every write without a session is 401 UNAUTHENTICATED', async () => {
    const c = await post(storyId, ana, 'cible');
    const writes: InjectOptions[] = [
      { method: 'POST', url: `/api/v1/stories/${storyId}/comments`, payload: { body: 'anonyme' } },
      { method: 'PATCH', url: `/api/v1/comments/${c.id}`, payload: { body: 'anonyme' } },
      { method: 'DELETE', url: `/api/v1/comments/${c.id}` },
      { method: 'POST', url: `/api/v1/comments/${c.id}/reaction` },
      { method: 'DELETE', url: `/api/v1/comments/${c.id}/reaction` },
      { method: 'POST', url: `/api/v1/comments/${c.id}/reports`, payload: { reason: 'spam' } },
    ];
    for (const w of writes) {
      const res = await call(w);
      assert.equal(res.statusCode, 401, `${w.method} ${String(w.url)}`);
      assert.equal(errorCode(res), 'UNAUTHENTICATED');
    }
    assert.equal(find((await list(storyId)).comments, c.id)?.bodyHtml, '<p>cible</p>');
  });

  for (const contentType of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
    test(`a ${contentType.split(';')[0]} body is 415 UNSUPPORTED_MEDIA_TYPE (bodies must be JSON)`, async () => {
      const res = await call({
        method: 'POST',
        url: `/api/v1/stories/${storyId}/comments`,
        headers: { ...ana.auth, 'content-type': contentType },
        payload: contentType.startsWith('text/plain') ? JSON.stringify({ body: 'hello' }) : 'body=hello',
      });
      assert.equal(res.statusCode, 415, res.body);
      assert.equal(errorCode(res), 'UNSUPPORTED_MEDIA_TYPE');
    });
  }

  test('malformed JSON is 400 INVALID_JSON; so is an empty JSON body', async () => {
    for (const payload of ['{"body": "unterminated', '{body: hello}', '']) {
      const res = await call({ method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: { ...ana.auth, 'content-type': 'application/json' }, payload });
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.equal(errorCode(res), 'INVALID_JSON', JSON.stringify(payload));
    }
  });

  test('odd inputs get an answer, never a 500', async () => {
    const odd: InjectOptions[] = [
      { method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: ana.auth, payload: ['body'] as unknown as InjectOptions['payload'] },
      { method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: ana.auth, payload: { body: { nested: true } } },
      { method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: ana.auth, payload: { body: 'x', parentId: 'p'.repeat(65) } },
      { method: 'POST', url: `/api/v1/stories/${'s'.repeat(65)}/comments`, headers: ana.auth, payload: { body: 'x' } },
      { method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: { ...ana.auth, 'content-type': 'application/json' }, payload: 'null' },
      { method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: { ...ana.auth, 'content-type': 'application/json' }, payload: '"just a string"' },
      { method: 'GET', url: `/api/v1/stories/${storyId}/comments?cursor=${'A'.repeat(501)}` },
      { method: 'GET', url: `/api/v1/stories/${storyId}/comments?sort=reactions&cursor=${Buffer.from(JSON.stringify(['reactions', 1e300, 'x', 'y'])).toString('base64url')}` },
      { method: 'GET', url: `/api/v1/stories/${storyId}/comments?limit=1e3` },
      { method: 'PATCH', url: '/api/v1/comments/%00', headers: ana.auth, payload: { body: 'x' } },
      { method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: { ...ana.auth, 'content-type': 'application/json' }, payload: `{"body":"${'x'.repeat(300 * 1024)}"}` },
    ];
    for (const o of odd) {
      const res = await call(o);
      assert.ok(res.statusCode < 500, `${o.method} ${String(o.url).slice(0, 80)} → ${res.statusCode} ${res.body.slice(0, 200)}`);
      if (res.statusCode >= 400) assert.equal(typeof errorCode(res), 'string');
    }
  });
});

describe('a configured comment length', () => {
  let small: FastifyInstance;
  let closeSmall: () => Promise<void>;
  before(async () => {
    ({ app: small, close: closeSmall } = await buildTestApp({ maxCommentLength: 100 }));
  });
  after(async () => closeSmall());

  test('maxCommentLength: 100 accepts 100 characters and refuses 101 with 413, saying the limit', async () => {
    const signup = await small.inject({ method: 'POST', url: '/api/v1/auth/signup', payload: { email: 'short@example.com', password: 'correct horse battery', displayName: 'Bref' } });
    const auth = { authorization: `Bearer ${signup.json<{ token: string }>().token}` };
    const lookup = await small.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent(`${ownOrigin}/t/short`)}` });
    const id = lookup.json<{ story: { id: string } }>().story.id;
    const ok = await small.inject({ method: 'POST', url: `/api/v1/stories/${id}/comments`, headers: auth, payload: { body: 'x'.repeat(100) } });
    assert.equal(ok.statusCode, 201, ok.body);
    const tooLong = await small.inject({ method: 'POST', url: `/api/v1/stories/${id}/comments`, headers: auth, payload: { body: 'x'.repeat(101) } });
    assert.equal(tooLong.statusCode, 413);
    assert.equal(errorCode(tooLong), 'BODY_TOO_LONG');
    assert.match(tooLong.json<{ error: { message: string } }>().error.message, /100/);
  });
});

describe('overall', () => {
  test('no request made by this file was answered with a 5xx', () => {
    assert.ok(seen.length > 100, `only ${seen.length} requests recorded`);
    const failures = seen.filter((s) => s.status >= 500);
    assert.deepEqual(failures, []);
  });
});
