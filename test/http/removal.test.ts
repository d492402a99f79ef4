// "Removed means removed": once a request (or a command of the operator) that takes a comment's text out of public
// view has returned, that text is nowhere a reader, a feed, a counter or a webhook log can find it, with no delay:
// not on the (cached) first page, not in the replay of the live event log, not in the Atom feed, not in the
// published count, not in the webhook delivery log. One test per way of removing; each first checks that the text
// IS in all those places, so a check afterwards that finds nothing means something.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agora, type CliResult } from '../fixtures/cli.js';
import { makeSite, publishEverything, signUp, signUpAdmin } from '../fixtures/publisher.js';
import { drain, replayFromZero, type Poke } from '../fixtures/replay.js';
import { startTestServer, type TestServer } from '../fixtures/server.js';
import { openSse, type SseClient } from '../fixtures/sse.js';
import { until } from '../fixtures/wait.js';

type Reader = Awaited<ReturnType<typeof signUp>>;
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** A story of the demo site used by one test, with a comment of a bystander that stays (the replay's anchor). */
interface Story {
  id: string;
  url: string;
  anchor: string;
  reacted: boolean;
}

let server: TestServer;
let admin: Reader;
let bystander: Reader;
const streams: SseClient[] = [];

// Webhook deliveries need a receiver that answers; what it receives is not what these tests look at (the log is).
const hooks: Server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200).end());
});

const call = (method: Method, url: string, auth?: Record<string, string>, payload?: object) => server.app.inject({ method, url, headers: auth, payload });

/** The operator's command line on the server's own database, while the server runs. */
function cli(args: string[]): Promise<CliResult> {
  const url = server.deps.config.databaseUrl;
  return agora(args, { dataDir: server.dataDir, env: url ? { DATABASE_URL: url } : {} });
}

async function story(kind: string): Promise<Story> {
  const url = `${server.url}/removal/${kind}`;
  const res = await call('GET', `/api/v1/stories/lookup?url=${encodeURIComponent(url)}`);
  assert.equal(res.statusCode, 200, res.body);
  const id = res.json<{ story: { id: string } }>().story.id;
  const anchor = await post({ id } as Story, bystander, `A comment that stays on ${kind}`);
  return { id, url, anchor: anchor.id, reacted: false };
}

async function post(s: Story, who: Reader, body: string, parentId?: string): Promise<{ id: string; status: string }> {
  const res = await call('POST', `/api/v1/stories/${s.id}/comments`, who.auth, parentId ? { body, parentId } : { body });
  assert.equal(res.statusCode, 201, res.body);
  return res.json<{ comment: { id: string; status: string } }>().comment;
}

/** A new public event of the story now: the admin gives or takes back a reaction on the bystander's anchor (nobody reacts to their own). */
const poke =
  (s: Story): Poke =>
  async () => {
    s.reacted = !s.reacted;
    const res = await call(s.reacted ? 'POST' : 'DELETE', `/api/v1/comments/${s.anchor}/reaction`, admin.auth);
    assert.equal(res.statusCode, 200, res.body);
    return s.anchor;
  };

interface Deliveries {
  deliveries: { eventType: string; payload: string }[];
}
const deliveryLog = async () => {
  const res = await call('GET', '/api/v1/admin/sites/demo/webhook-deliveries?limit=200', admin.auth);
  assert.equal(res.statusCode, 200, res.body);
  return res;
};

/** Everything public about a story, read in this order: the first page first, as soon as the caller asks. */
async function publicViews(s: Story) {
  const page = await call('GET', `/api/v1/stories/${s.id}/comments`);
  assert.equal(page.statusCode, 200, page.body);
  const counts = await call('GET', `/api/v1/counts?url=${encodeURIComponent(s.url)}`);
  assert.equal(counts.statusCode, 200, counts.body);
  const feed = await call('GET', `/api/v1/stories/${s.id}/comments.atom`);
  assert.equal(feed.statusCode, 200, feed.body);
  const log = await deliveryLog();
  const replay = await replayFromZero(`${server.url}/api/v1/stories/${s.id}/events`, poke(s));
  return {
    texts: { 'first page': page.body, 'atom feed': feed.body, 'webhook delivery log': log.body, 'replay from 0': replay.map((e) => `${e.event} ${e.data}`).join('\n') },
    totalCount: page.json<{ totalCount: number }>().totalCount,
    count: counts.json<{ counts: Record<string, { count: number }> }>().counts[s.url]?.count,
  };
}

/**
 * Before a removal: waits for the webhook deliveries of the comments (made after commit, asynchronously), checks the
 * removable text is in every public place, and leaves the anonymous first page cached. Returns the published count.
 */
async function assertShown(s: Story, commentIds: string[], texts: string[]): Promise<number> {
  for (const id of commentIds) {
    await until(async () => (await deliveryLog()).json<Deliveries>().deliveries.find((d) => d.eventType === 'comment.created' && d.payload.includes(id)));
  }
  const views = await publicViews(s);
  for (const [where, body] of Object.entries(views.texts)) for (const t of texts) assert.ok(body.includes(t), `before the removal, ${where} shows "${t}"`);
  assert.equal(views.totalCount, views.count, 'the first page and the counts agree');
  // Read last and twice: the first page is in the cache when the removal comes.
  await call('GET', `/api/v1/stories/${s.id}/comments`);
  const cached = await call('GET', `/api/v1/stories/${s.id}/comments`);
  for (const t of texts) assert.ok(cached.body.includes(t), `the cached first page shows "${t}"`);
  return views.count ?? -1;
}

/** Where any of `texts` can still be read right now, and counts that are not `count`: [] when removed means removed. */
async function leaks(s: Story, texts: string[], count: number): Promise<string[]> {
  const views = await publicViews(s);
  const found: string[] = [];
  for (const [where, body] of Object.entries(views.texts)) for (const t of texts) if (body.includes(t)) found.push(`${where} shows "${t}"`);
  if (views.totalCount !== count) found.push(`the first page's totalCount is ${views.totalCount}, not ${count}`);
  if (views.count !== count) found.push(`GET /api/v1/counts says ${views.count}, not ${count}`);
  return found;
}

/** Checks what `leaks` finds, with none allowed. */
async function assertGone(s: Story, texts: string[], count: number): Promise<void> {
  assert.deepEqual(await leaks(s, texts, count), []);
}

before(async () => {
  server = await startTestServer({ config: { webhookAllowPrivate: true, jobPollMs: 20, webhookRetryBaseMs: 60, writesPerMinute: 10_000 } });
  publishEverything(server.deps);
  admin = await signUpAdmin(server.app, server.deps);
  bystander = await signUp(server.app, 'Bea Bystander');
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  const res = await call('POST', '/api/v1/admin/sites/demo/webhooks', admin.auth, { url: `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook` });
  assert.equal(res.statusCode, 201, res.body);
});

after(async () => {
  streams.forEach((s) => s.close());
  hooks.close();
  await server.close();
});

describe('removed means removed: gone from every public place as soon as the change returns', () => {
  test('a moderator rejects a published comment', async () => {
    const s = await story('reject');
    const author = await signUp(server.app, 'Rita Rejected');
    const c = await post(s, author, 'Something a moderator will take down zq-removed-reject');
    const count = await assertShown(s, [c.id], ['zq-removed-reject']);
    const res = await call('POST', `/api/v1/admin/moderation/comments/${c.id}/reject`, admin.auth, { reason: 'Off topic' });
    assert.equal(res.statusCode, 200, res.body);
    await assertGone(s, ['zq-removed-reject'], count - 1);
  });

  test('a moderator withdraws a published comment: hidden, and back in the pending queue', async () => {
    const s = await story('withdraw');
    const author = await signUp(server.app, 'Wanda Withdrawn');
    const c = await post(s, author, 'Something a moderator wants to look at again zq-removed-withdraw');
    const count = await assertShown(s, [c.id], ['zq-removed-withdraw']);
    const res = await call('POST', `/api/v1/admin/moderation/comments/${c.id}/withdraw`, admin.auth);
    assert.equal(res.statusCode, 200, res.body);
    await assertGone(s, ['zq-removed-withdraw'], count - 1);
    const queue = await call('GET', `/api/v1/admin/moderation/queues/pending?storyId=${s.id}`, admin.auth);
    assert.deepEqual(queue.json<{ comments: { id: string }[] }>().comments.map((x) => x.id), [c.id]);
  });

  test('the author edits a comment: the old text is gone, the new one may show', async () => {
    const s = await story('edit');
    const author = await signUp(server.app, 'Ed Editor');
    const c = await post(s, author, 'A first version with a typo zq-removed-edit');
    const count = await assertShown(s, [c.id], ['zq-removed-edit']);
    const res = await call('PATCH', `/api/v1/comments/${c.id}`, author.auth, { body: 'The corrected version zq-kept-edit' });
    assert.equal(res.statusCode, 200, res.body);
    await assertGone(s, ['zq-removed-edit'], count);
  });

  test('the author deletes a comment', async () => {
    const s = await story('delete');
    const author = await signUp(server.app, 'Dora Deleter');
    const c = await post(s, author, 'Something I will regret zq-removed-delete');
    const count = await assertShown(s, [c.id], ['zq-removed-delete']);
    const res = await call('DELETE', `/api/v1/comments/${c.id}`, author.auth);
    assert.equal(res.statusCode, 200, res.body);
    await assertGone(s, ['zq-removed-delete'], count - 1);
  });

  test('an admin erases a reader through the API: their texts and their name', async () => {
    const s = await story('erase-api');
    const reader = await signUp(server.app, 'Zqapi Reader');
    const replied = await post(s, reader, 'A comment someone answers zq-removed-erase-api-1');
    await post(s, bystander, 'An answer that stays', replied.id);
    const lone = await post(s, reader, 'A comment nobody answers zq-removed-erase-api-2');
    const texts = ['zq-removed-erase-api-1', 'zq-removed-erase-api-2', 'Zqapi Reader'];
    const count = await assertShown(s, [replied.id, lone.id], texts);
    const res = await call('POST', `/api/v1/admin/users/${reader.user.id}/deletion`, admin.auth, { immediate: true });
    assert.equal(res.statusCode, 200, res.body);
    await assertGone(s, texts, count - 2);
  });

  test('the operator erases a reader with the command line while the server runs', async () => {
    const s = await story('erase-cli');
    const reader = await signUp(server.app, 'Zqcli Reader');
    const c = await post(s, reader, 'A comment of a reader who writes to the newsroom zq-removed-erase-cli');
    const texts = ['zq-removed-erase-cli', 'Zqcli Reader'];
    const count = await assertShown(s, [c.id], texts);
    const res = await cli(['privacy', 'delete', '--user', reader.user.id, '--now']);
    assert.equal(res.code, 0, res.stderr);
    await assertGone(s, texts, count - 1);
  });

  test('a moderator bans a reader and hides their comments on the site (published and held), not elsewhere', async () => {
    const s = await story('ban');
    const reader = await signUp(server.app, 'Bruno Banned');
    const p1 = await post(s, reader, 'First published zq-removed-ban-1');
    const p2 = await post(s, reader, 'Second published zq-removed-ban-2');
    server.deps.commentDeps.moderate = async () => ({ status: 'pending' });
    try {
      assert.equal((await post(s, reader, 'Held for review zq-removed-ban-3')).status, 'pending');
    } finally {
      publishEverything(server.deps);
    }
    await makeSite(server.deps, 'elsewhere', ['https://elsewhere.example']);
    const other = await call('GET', `/api/v1/stories/lookup?url=${encodeURIComponent('https://elsewhere.example/a')}`);
    const otherId = other.json<{ story: { id: string } }>().story.id;
    await post({ id: otherId } as Story, reader, 'On another site zq-kept-ban-elsewhere');
    const count = await assertShown(s, [p1.id, p2.id], ['zq-removed-ban-1', 'zq-removed-ban-2']);

    const res = await call('PATCH', `/api/v1/admin/moderation/sites/demo/users/${reader.user.id}`, admin.auth, { banned: true, hideComments: true });
    assert.equal(res.statusCode, 200, res.body);
    const found = await leaks(s, ['zq-removed-ban-1', 'zq-removed-ban-2', 'zq-removed-ban-3'], count - 2);
    const body = res.json<{ standing: { banned: boolean }; hidden?: number }>();
    assert.deepEqual({ banned: body.standing.banned, hidden: body.hidden, leaks: found }, { banned: true, hidden: 3, leaks: [] });
    const file = await call('GET', `/api/v1/admin/moderation/sites/demo/users/${reader.user.id}`, admin.auth);
    const { published, pending, rejected } = file.json<{ counts: Record<string, number> }>().counts;
    assert.deepEqual({ published, pending, rejected }, { published: 0, pending: 0, rejected: 3 }, 'published and held comments are now rejected');
    const elsewhere = await call('GET', `/api/v1/stories/${otherId}/comments`);
    assert.match(elsewhere.body, /zq-kept-ban-elsewhere/, 'another site keeps the comment');
  });

  test('a restore of an export made before an erasure does not bring the erased reader back', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'agora-removal-'));
    const onDelete = await cli(['privacy', 'on-delete', 'remove', '--site', 'demo']);
    assert.equal(onDelete.code, 0, onDelete.stderr);
    try {
      const s = await story('restore');
      const reader = await signUp(server.app, 'Zqrestore Reader');
      const c = await post(s, reader, 'A comment the site removes with its author zq-removed-restore');
      const texts = ['zq-removed-restore', 'Zqrestore Reader'];
      const count = await assertShown(s, [c.id], texts);
      const exported = await cli(['export', '--site', 'demo']);
      assert.equal(exported.code, 0, exported.stderr);
      assert.match(exported.stdout, /zq-removed-restore/, 'the export holds the comment');
      const file = join(tmp, 'demo.jsonl');
      writeFileSync(file, exported.stdout);

      const erased = await call('POST', `/api/v1/admin/users/${reader.user.id}/deletion`, admin.auth, { immediate: true });
      assert.equal(erased.statusCode, 200, erased.body);
      const afterErasure = await leaks(s, texts, count - 1);
      const restored = await cli(['import', 'agora', file]);
      assert.equal(restored.code, 0, restored.stderr);
      const afterRestore = await leaks(s, texts, count - 1);
      assert.deepEqual({ afterErasure, afterRestore }, { afterErasure: [], afterRestore: [] });
    } finally {
      await cli(['privacy', 'on-delete', 'tombstone', '--site', 'demo']);
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('a held comment sends nothing to the public stream', () => {
  test('its author reacting to it and deleting it adds no event carrying its id, live or replayed', async () => {
    const s = await story('held');
    const live = await openSse(`${server.url}/api/v1/stories/${s.id}/events`);
    streams.push(live);
    await live.waitFor((e) => e.event === 'ready');
    const author = await signUp(server.app, 'Hal Held');
    server.deps.commentDeps.moderate = async () => ({ status: 'pending' });
    let held: { id: string; status: string };
    try {
      held = await post(s, author, 'Waiting for a moderator zq-held');
    } finally {
      publishEverything(server.deps);
    }
    assert.equal(held.status, 'pending');
    const reaction = await call('POST', `/api/v1/comments/${held.id}/reaction`, author.auth);
    assert.ok(reaction.statusCode < 500, reaction.body);
    const del = await call('DELETE', `/api/v1/comments/${held.id}`, author.auth);
    assert.equal(del.statusCode, 200, del.body);

    await drain(live, poke(s));
    const replay = await replayFromZero(`${server.url}/api/v1/stories/${s.id}/events`, poke(s));
    const carrying = (events: { event: string; data: string }[]) => events.filter((e) => e.data.includes(held.id) || e.data.includes('zq-held')).map((e) => e.event);
    assert.deepEqual({ live: carrying(live.events), replay: carrying(replay) }, { live: [], replay: [] });
  });
});
