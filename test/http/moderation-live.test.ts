/**
 * The console's live queue counts (issue 13, point 6): a moderator's stream says which of their sites' queues moved
 * when a comment arrives (held or published), is moderated or deleted; never another site's, never a reaction; the
 * node and each moderator hold a bounded number of streams.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../fixtures/server.js';
import { openSse, type SseClient } from '../fixtures/sse.js';
import { signUpViaApi } from '../e2e/helpers.js';

let server: TestServer;
const OTHER = 'https://live-queues.example';
let modDemo: string;
let modOther: string;
let author: string;
let storyDemo: string;
let storyOther: string;
const opened: SseClient[] = [];

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
async function stream(token: string): Promise<SseClient> {
  const s = await openSse(`${server.url}/api/v1/admin/moderation/live`, auth(token));
  opened.push(s);
  return s;
}
async function post(storyId: string, body: string): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/stories/${storyId}/comments`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth(author) }, body: JSON.stringify({ body }) });
  assert.equal(res.status, 201, await res.clone().text());
  return ((await res.json()) as { comment: { id: string } }).comment.id;
}
async function lookup(url: string): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/stories/lookup?url=${encodeURIComponent(url)}&title=T&lang=fr`);
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { story: { id: string } }).story.id;
}
const sites = (e: { data: string }) => (JSON.parse(e.data) as { siteIds: string[] }).siteIds;

before(async () => {
  server = await startTestServer({ config: { heartbeatMs: 1000 } });
  const { deps } = server;
  await deps.sites.createIfAbsent({ id: 'livequeues', name: 'Live Queues', origins: [OTHER], lang: 'fr' });
  deps.origins.invalidate();
  const a = await signUpViaApi(server.url, 'Modé démo');
  await deps.moderation.staff.addModerator(deps.db, 'demo', a.user.id);
  modDemo = a.token;
  const b = await signUpViaApi(server.url, 'Modé autre');
  await deps.moderation.staff.addModerator(deps.db, 'livequeues', b.user.id);
  modOther = b.token;
  author = (await signUpViaApi(server.url, 'Auteur')).token;
  storyDemo = await lookup(`${server.url}/live-queues/a`);
  storyOther = await lookup(`${OTHER}/b`);
});
after(async () => {
  opened.forEach((s) => s.close());
  await server?.close();
});

test('a new comment tells the moderators of its site, not those of another; a decision does too', async () => {
  const demo = await stream(modDemo);
  const other = await stream(modOther);
  assert.equal(demo.status, 200);
  assert.match(String(demo.headers['content-type']), /^text\/event-stream/);
  const id = await post(storyDemo, 'Un commentaire tout à fait ordinaire sur la démo.');
  assert.deepEqual(sites(await demo.waitFor((e) => e.event === 'queues')), ['demo']);
  await post(storyOther, 'Un commentaire ordinaire sur l’autre site.');
  assert.deepEqual(sites(await other.waitFor((e) => e.event === 'queues')), ['livequeues']);
  assert.ok(!demo.events.some((e) => sites(e).includes('livequeues')), 'another site’s comment is not told');
  assert.ok(!other.events.some((e) => sites(e).includes('demo')));

  const before = demo.events.length;
  const res = await fetch(`${server.url}/api/v1/comments/${id}/moderation`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth(modDemo) }, body: JSON.stringify({ action: 'reject' }) });
  assert.equal(res.status, 200, await res.clone().text());
  await demo.waitFor((e) => e.event === 'queues' && demo.events.indexOf(e) >= before);
});

test('a reaction moves no queue: nothing is told', async () => {
  const demo = await stream(modDemo);
  const id = await post(storyDemo, 'Encore un avis ordinaire, à applaudir.');
  await demo.waitFor((e) => e.event === 'queues');
  const told = demo.events.length;
  const fan = await signUpViaApi(server.url, 'Fan');
  const r = await fetch(`${server.url}/api/v1/comments/${id}/reaction`, { method: 'POST', headers: auth(fan.token) });
  assert.equal(r.status, 200, await r.clone().text());
  // A heartbeat (1 s) after the reaction was dispatched: had it been told, it would be there by now.
  const hb = demo.comments;
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.ok(demo.comments > hb, 'the stream is alive');
  assert.equal(demo.events.length, told);
});

test('refused: signed out 401, a commenter 403; a moderator holds at most 8 streams on a node (429)', async () => {
  const code = async (headers: Record<string, string>) => {
    const res = await fetch(`${server.url}/api/v1/admin/moderation/live`, { headers });
    return [res.status, ((await res.json()) as { error: { code: string } }).error.code];
  };
  assert.deepEqual(await code({}), [401, 'UNAUTHENTICATED']);
  assert.deepEqual(await code(auth(author)), [403, 'FORBIDDEN']);
  const mine: SseClient[] = [];
  const busy = await signUpViaApi(server.url, 'Modé très occupée');
  await server.deps.moderation.staff.addModerator(server.deps.db, 'demo', busy.user.id);
  for (let i = 0; i < 8; i++) mine.push(await stream(busy.token));
  assert.ok(mine.every((s) => s.status === 200));
  assert.deepEqual(await code(auth(busy.token)), [429, 'TOO_MANY_STREAMS']);
});
