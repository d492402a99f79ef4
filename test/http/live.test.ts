import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../fixtures/server.js';
import { openSse, type SseClient } from '../fixtures/sse.js';
import { numbered } from '../fixtures/wait.js';

interface Comment {
  id: string;
  status: string;
  reactionCount: number;
  bodyHtml: string;
  author: { displayName: string } | null;
}

let server: TestServer;
let storyId: string;
let token: string;
let nth = 0;

async function api<T>(method: string, path: string, body?: unknown, auth = token): Promise<{ status: number; json: T; headers: Headers }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : null) as T, headers: res.headers };
}

async function post(body: string, parentId?: string): Promise<Comment> {
  const res = await api<{ comment: Comment }>('POST', `/api/v1/stories/${storyId}/comments`, { body, parentId });
  assert.equal(res.status, 201);
  return res.json.comment;
}

const streams: SseClient[] = [];
async function stream(headers: Record<string, string> = {}, query = ''): Promise<SseClient> {
  const s = await openSse(`${server.url}/api/v1/stories/${storyId}/events${query}`, headers);
  streams.push(s);
  return s;
}
const data = <T>(e: { data: string }) => JSON.parse(e.data) as T;

before(async () => {
  server = await startTestServer({ config: { heartbeatMs: 1000 } });
  const su = await api<{ token: string }>('POST', '/api/v1/auth/signup', { email: 'live@example.com', password: 'correct horse battery', displayName: 'Live Reader' }, '');
  token = su.json.token;
  const st = await api<{ story: { id: string } }>('GET', `/api/v1/stories/lookup?url=${encodeURIComponent(`${server.url}/articles/etats-unis-mexique-fentanyl`)}`, undefined, '');
  storyId = st.json.story.id;
});

after(async () => {
  streams.forEach((s) => s.close());
  await server.close();
});

describe('live updates over Server-Sent Events', () => {
  test('a reader receives a new comment, its edit, a reaction and its deletion, numbered in order', async () => {
    const s = await stream();
    assert.equal(s.status, 200);
    assert.match(String(s.headers['content-type']), /^text\/event-stream/);
    await s.waitFor((e) => e.event === 'ready');
    const c = await post(`first live comment ${++nth}`);
    const created = await s.waitFor((e) => e.event === 'comment.created');
    assert.equal(data<{ comment: Comment }>(created).comment.id, c.id);
    assert.equal(data<{ comment: Comment }>(created).comment.author?.displayName, 'Live Reader');
    await api('PATCH', `/api/v1/comments/${c.id}`, { body: 'edited **live**' });
    const edited = await s.waitFor((e) => e.event === 'comment.edited');
    assert.match(data<{ comment: Comment }>(edited).comment.bodyHtml, /<strong>live<\/strong>/);
    // Another reader's Respect: nobody can give one to their own comment.
    const other = await api<{ token: string }>('POST', '/api/v1/auth/signup', { email: `live-other-${nth}@example.com`, password: 'correct horse battery', displayName: 'Other Reader' }, '');
    assert.equal((await api('POST', `/api/v1/comments/${c.id}/reaction`, undefined, other.json.token)).status, 200);
    const reaction = await s.waitFor((e) => e.event === 'comment.reaction');
    assert.deepEqual(data(reaction), { commentId: c.id, reactionCount: 1 });
    await api('DELETE', `/api/v1/comments/${c.id}`);
    const deleted = await s.waitFor((e) => e.event === 'comment.deleted');
    assert.equal(data<{ comment: Comment }>(deleted).comment.author, null);
    const ids = s.events.filter((e) => e.id !== null).map((e) => Number(e.id));
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'ids increase');
    assert.equal(new Set(ids).size, ids.length, 'no id twice');
  });

  test('a reader that reconnects with Last-Event-ID gets exactly what it missed, nothing twice', async () => {
    const s1 = await stream();
    const ready = await s1.waitFor((e) => e.event === 'ready');
    const startSeq = data<{ seq: number }>(ready).seq;
    const a = await post(`before the drop ${++nth}`);
    const seen = await s1.waitFor((e) => e.event === 'comment.created' && data<{ comment: Comment }>(e).comment.id === a.id);
    s1.close();
    const missed = [await post(`missed one ${++nth}`), await post(`missed two ${++nth}`)];
    const s2 = await stream({ 'last-event-id': String(seen.id) });
    const last = await s2.waitFor((e) => e.event === 'comment.created' && data<{ comment: Comment }>(e).comment.id === missed[1]?.id);
    const got = s2.events.filter((e) => e.event === 'comment.created').map((e) => data<{ comment: Comment }>(e).comment.id);
    assert.deepEqual(got, missed.map((m) => m.id));
    assert.equal(Number(last.id), Number(seen.id) + 2);
    assert.ok(Number(seen.id) > startSeq);
    // The same through the query parameter (EventSource cannot set the header on its first connection).
    const s3 = await stream({}, `?lastEventId=${seen.id}`);
    await s3.waitFor((e) => e.event === 'comment.created' && data<{ comment: Comment }>(e).comment.id === missed[1]?.id);
    assert.equal(s3.events.filter((e) => e.event === 'comment.created').length, 2);
  });

  test('comments posted at the same moment get consecutive event numbers on their story, in the order the sequencer took them', async () => {
    const from = (await server.deps.realtime.events.currentSeq(storyId)) ?? 0;
    const posted = await Promise.all([1, 2, 3, 4].map((i) => post(`concurrent note ${i} ${++nth}`)));
    await numbered(server.deps);
    const stored = await server.deps.realtime.events.since(storyId, from, 10);
    assert.deepEqual(stored.map((m) => m.seq), [from + 1, from + 2, from + 3, from + 4]);
    assert.deepEqual(new Set(stored.map((m) => (JSON.parse(m.data) as { comment: Comment }).comment.id)), new Set(posted.map((c) => c.id)));
  });

  test('a deleted comment’s text is not replayed to readers who resume from before it', async () => {
    const s1 = await stream();
    const ready = await s1.waitFor((e) => e.event === 'ready');
    const before = data<{ seq: number }>(ready).seq;
    const c = await post(`soon regretted words ${++nth}`);
    await s1.waitFor((e) => e.event === 'comment.created' && data<{ comment: Comment }>(e).comment.id === c.id);
    await api('DELETE', `/api/v1/comments/${c.id}`);
    await s1.waitFor((e) => e.event === 'comment.deleted');
    const s2 = await stream({ 'last-event-id': String(before) });
    const replayed = await s2.waitFor((e) => e.event === 'comment.created' && data<{ comment: Comment }>(e).comment.id === c.id);
    assert.doesNotMatch(replayed.data, /regretted/);
    assert.equal(data<{ comment: Comment }>(replayed).comment.author, null);
  });

  test('held comments never reach other readers', async () => {
    const s = await stream();
    await s.waitFor((e) => e.event === 'ready');
    const moderate = server.deps.commentDeps.moderate;
    server.deps.commentDeps.moderate = async () => ({ status: 'pending' });
    try {
      const held = await post(`held for review ${++nth}`);
      assert.equal(held.status, 'pending');
    } finally {
      server.deps.commentDeps.moderate = moderate;
    }
    const visible = await post(`published after the held one ${++nth}`);
    await s.waitFor((e) => e.event === 'comment.created' && data<{ comment: Comment }>(e).comment.id === visible.id);
    const created = s.events.filter((e) => e.event === 'comment.created');
    assert.equal(created.length, 1, 'only the published comment was sent');
  });

  test('heartbeats keep an idle stream alive', async () => {
    const s = await stream();
    await s.waitFor((e) => e.event === 'ready');
    await new Promise((r) => setTimeout(r, 2300));
    assert.ok(s.comments >= 1, `heartbeat comments seen: ${s.comments}`);
  });

  test('the first page served from the cache shows a new comment at once', async () => {
    const before = await api<{ comments: Comment[]; eventSeq: number }>('GET', `/api/v1/stories/${storyId}/comments`, undefined, '');
    const again = await api<{ comments: Comment[] }>('GET', `/api/v1/stories/${storyId}/comments`, undefined, '');
    assert.deepEqual(again.json, before.json);
    const c = await post(`cache buster ${++nth}`);
    const after = await api<{ comments: Comment[]; eventSeq: number }>('GET', `/api/v1/stories/${storyId}/comments`, undefined, '');
    assert.equal(after.json.comments[0]?.id, c.id);
    // Numbered by the sequencer just after the commit: the page may carry the number from before its event (the
    // stream then sends the event again, and the widget dedupes), never a later one.
    assert.ok(after.json.eventSeq >= before.json.eventSeq);
  });

  test('over the stream limit a reader gets a clear 503 with Retry-After, not a crash', async () => {
    const small = await startTestServer({ config: { maxStreams: 1 } });
    try {
      const st = await fetch(`${small.url}/api/v1/stories/lookup?url=${encodeURIComponent(`${small.url}/articles/etats-unis-mexique-fentanyl`)}`);
      const id = ((await st.json()) as { story: { id: string } }).story.id;
      const first = await openSse(`${small.url}/api/v1/stories/${id}/events`);
      streams.push(first);
      assert.equal(first.status, 200);
      await first.waitFor((e) => e.event === 'ready');
      const res = await fetch(`${small.url}/api/v1/stories/${id}/events`);
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), '5');
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'UNAVAILABLE');
      first.close();
    } finally {
      await small.close();
    }
  });

  test('an unknown story is a 404 in the error format', async () => {
    const res = await fetch(`${server.url}/api/v1/stories/nope/events`);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'STORY_NOT_FOUND');
  });
});
