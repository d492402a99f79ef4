// The crash window of the write path, with a real server process on the database under test (SQLite, or PostgreSQL
// when AGORA_TEST_PG is set). A burst of comments and replies is posted and the server is killed with SIGKILL while
// posts are in flight; a second server on the same database must then finish what the first one committed, exactly
// once: each committed comment gets one comment.created webhook delivery (one delivery id, reused by retries, which
// the receiver forces by answering 500 to the first try of some), each committed reply one notification for the
// author it answers, and nothing is delivered for a post that never committed. A comment whose 201 reached the
// client is in the database.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { freshPgDatabase, TEST_PG, freePort } from '../fixtures/server.js';
import { PUBLISH_ALL_SETTINGS } from '../fixtures/publisher.js';
import { columnExists, count, openRawDb, payloadCommentId, rows, tableExists, type AnyDb } from '../fixtures/raw-db.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BURST = 100;
/**
 * Crash rounds: each fires a burst and kills the server when this many of its responses have come back, then
 * restarts it. Several rounds, killed at different points, give the kill more chances to land between a commit and
 * what follows it (on SQLite most of a post's time is spent before its commit, so one kill often misses that window).
 */
const KILL_AFTER = [40, 25, 55];
const READERS = 5;
/** Comments whose body carries this are answered 500 by the receiver on their first delivery attempt. */
const RETRY_MARK = '[retry]';
const SETTLE_MS = 150_000;


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Node {
  proc: ChildProcess;
  log: string;
  exited: Promise<void>;
}

interface Received {
  delivery: string | undefined;
  event: string | undefined;
  commentId: string | null;
  body: string;
  status: number;
}

/** A webhook receiver: records every request; answers 500 to the first try of a delivery whose comment is marked. */
function receiver() {
  const got: Received[] = [];
  const failedOnce = new Set<string>();
  const server: Server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const delivery = typeof req.headers['agora-delivery'] === 'string' ? req.headers['agora-delivery'] : undefined;
      const event = typeof req.headers['agora-event'] === 'string' ? req.headers['agora-event'] : undefined;
      let commentBody = '';
      try {
        commentBody = String((JSON.parse(body) as { data?: { comment?: { body?: unknown } } }).data?.comment?.body ?? '');
      } catch {
        // not JSON: recorded as is
      }
      const key = delivery ?? body;
      let status = 200;
      if (commentBody.includes(RETRY_MARK) && !failedOnce.has(key)) {
        failedOnce.add(key);
        status = 500;
      }
      got.push({ delivery, event, commentId: payloadCommentId(body), body, status });
      res.writeHead(status).end();
    });
  });
  return {
    got,
    async listen(): Promise<string> {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const a = server.address();
      return `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/hook`;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

let port: number;
let baseUrl: string;
let dataDir: string;
let dbUrl: string | null = null;
let dropPg: (() => Promise<void>) | null = null;
let db: AnyDb | undefined;
let node: Node | undefined;
const recv = receiver();
let adminToken: string;
const readers: { id: string; token: string }[] = [];
let storyId: string;
const parents: { id: string; authorIdx: number }[] = [];
/** Comment ids whose 201 the client received, before or after the kill was sent. */
const acknowledged = new Set<string>();
const rounds: { ok: number; otherStatus: number; errors: number; committed: number; left: string }[] = [];

function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    AGORA_PUBLIC_URL: baseUrl,
    AGORA_DATA_DIR: dataDir,
    AGORA_SECRET: 'x',
    AGORA_SCRYPT_LOG_N: '12',
    AGORA_WEBHOOK_ALLOW_PRIVATE: 'true',
    AGORA_JOB_POLL_MS: '50',
    AGORA_WEBHOOK_RETRY_SECONDS: '1',
    AGORA_WRITES_PER_MINUTE: '100000',
    LOG_LEVEL: 'warn',
  };
  delete e.DATABASE_URL;
  delete e.REDIS_URL;
  if (dbUrl) e.DATABASE_URL = dbUrl;
  return e;
}

async function startNode(): Promise<Node> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], { cwd: ROOT, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  const n: Node = { proc, log: '', exited: new Promise((r) => proc.once('exit', () => r())) };
  proc.stdout?.on('data', (d: Buffer) => (n.log += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (n.log += d.toString()));
  const end = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`the server exited before it was ready (${proc.exitCode ?? proc.signalCode}):\n${n.log.slice(-4000)}`);
    try {
      if ((await fetch(`${baseUrl}/readyz`)).status === 200) return n;
    } catch {
      // not listening yet
    }
    if (Date.now() > end) throw new Error(`the server was not ready within 60 s:\n${n.log.slice(-4000)}`);
    await sleep(100);
  }
}

async function call(method: string, path: string, token: string | null, body?: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

async function ok<T>(res: Response, status: number, what: string): Promise<T> {
  const text = await res.text();
  assert.equal(res.status, status, `${what}: ${text}`);
  return JSON.parse(text) as T;
}

async function signUp(name: string): Promise<{ id: string; token: string }> {
  const body = await ok<{ user: { id: string }; token: string }>(
    await call('POST', '/api/v1/auth/signup', null, { email: `${name.toLowerCase().replace(/\W/g, '')}-${process.pid}@example.com`, password: 'correct horse battery', displayName: name }),
    201,
    `sign up ${name}`,
  );
  return { id: body.user.id, token: body.token };
}

async function postComment(token: string, text: string, parentId?: string, signal?: AbortSignal): Promise<Response> {
  return call('POST', `/api/v1/stories/${storyId}/comments`, token, { body: text, ...(parentId ? { parentId } : {}) }, signal);
}

async function stopNode(signal: NodeJS.Signals): Promise<void> {
  if (!node) return;
  const n = node;
  node = undefined;
  if (n.proc.exitCode === null && n.proc.signalCode === null) n.proc.kill(signal);
  await Promise.race([n.exited, sleep(10_000)]);
}

/** One burst: BURST posts at once (a third of them replies), SIGKILL once `killAfter` responses are back. */
async function burst(round: number, killAfter: number): Promise<{ ok: number; otherStatus: number; errors: number }> {
  const stats = { ok: 0, otherStatus: 0, errors: 0 };
  const victim = node as Node;
  let responses = 0;
  const kill = () => {
    if (victim.proc.exitCode === null && victim.proc.signalCode === null) victim.proc.kill('SIGKILL');
  };
  await Promise.all(
    Array.from({ length: BURST }, async (_, i) => {
      const authorIdx = i % READERS;
      const author = readers[authorIdx] as { token: string };
      // Every third post replies to the parent of the next reader, so a reply notification is due for another person.
      const parent = i % 3 === 0 ? (parents[(authorIdx + 1) % READERS] as { id: string }) : undefined;
      const text = `Burst ${round} comment ${i}: an ordinary remark on the reporting${i % 5 === 0 ? ` ${RETRY_MARK}` : ''}.`;
      try {
        const res = await postComment(author.token, text, parent?.id, AbortSignal.timeout(60_000));
        const body = await res.text();
        if (res.status === 201) {
          acknowledged.add((JSON.parse(body) as { comment: { id: string } }).comment.id);
          stats.ok++;
        } else stats.otherStatus++;
      } catch {
        stats.errors++;
      }
      if (++responses >= killAfter) kill();
    }),
  );
  kill();
  await victim.exited;
  node = undefined;
  assert.equal(victim.proc.signalCode, 'SIGKILL', `round ${round}: the server died of SIGKILL`);
  return stats;
}

before(
  async () => {
    port = await freePort();
    baseUrl = `http://localhost:${port}`;
    dataDir = mkdtempSync(join(tmpdir(), 'agora-crash-'));
    if (TEST_PG) {
      const fresh = await freshPgDatabase(TEST_PG);
      dbUrl = fresh.url;
      dropPg = fresh.drop;
    }
    const hookUrl = await recv.listen();
    node = await startNode();
    db = openRawDb(dbUrl ? { pgUrl: dbUrl } : { sqliteFile: join(dataDir, 'agora.db') });

    const admin = await signUp('Crash Admin');
    adminToken = admin.token;
    // There is no API to make an admin: the first admin is made on the server. The server reads roles per request.
    await sql`UPDATE users SET role = 'admin' WHERE id = ${admin.id}`.execute(db);
    await ok(await call('PUT', '/api/v1/admin/moderation/sites/demo/settings', adminToken, PUBLISH_ALL_SETTINGS), 200, 'moderation settings');
    await ok(await call('POST', '/api/v1/admin/sites/demo/webhooks', adminToken, { url: hookUrl, events: ['comment.created'] }), 201, 'webhook');
    for (let i = 0; i < READERS; i++) readers.push(await signUp(`Crash Reader ${i}`));

    const story = await ok<{ story: { id: string } }>(await call('GET', `/api/v1/stories/lookup?url=${encodeURIComponent(`${baseUrl}/articles/etats-unis-mexique-fentanyl`)}`, null), 200, 'story lookup');
    storyId = story.story.id;

    // One top-level comment per reader before the burst: the burst's replies answer them (another reader's each).
    for (let i = 0; i < READERS; i++) {
      const r = readers[i] as { token: string };
      const c = await ok<{ comment: { id: string; status: string } }>(await postComment(r.token, `Parent comment ${i}: a measured view of the article.`), 201, `parent ${i}`);
      assert.equal(c.comment.status, 'published', 'moderation must publish the test comments');
      parents.push({ id: c.comment.id, authorIdx: i });
      acknowledged.add(c.comment.id);
    }

    for (const [round, killAfter] of KILL_AFTER.entries()) {
      const already = (await testComments()).length;
      const stats = await burst(round, killAfter);
      rounds.push({ ...stats, committed: (await testComments()).length - already, left: await leftOver() });
      // The same database, the same port: the restarted server must finish what the killed one committed.
      node = await startNode();
    }
  },
  { timeout: 300_000 },
);

after(async () => {
  await stopNode('SIGTERM');
  await recv.close();
  await db?.destroy();
  await dropPg?.().catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
});

interface CommentRow {
  id: string;
  parent_id: string | null;
  author_id: string;
  status: string;
  body: string;
}
interface DeliveryRow {
  id: string;
  event_type: string;
  payload: string;
  state: string;
  comment_id?: string | null;
}

const testComments = async () => {
  const all = await rows(db as AnyDb, sql<CommentRow>`SELECT id, parent_id, author_id, status, body FROM comments WHERE story_id = ${storyId}`);
  const ours = new Set(readers.map((r) => r.id));
  return all.filter((c) => ours.has(c.author_id));
};
/** What a killed server left for the next one: undispatched events, unfinished deliveries, comments with no delivery yet. */
async function leftOver(): Promise<string> {
  const d = db as AnyDb;
  const outbox = (await tableExists(d, 'outbox')) ? await count(d, sql<{ n: number | string }>`SELECT count(*) AS n FROM outbox`) : 'no table';
  const all = await deliveries();
  const unfinished = all.filter((x) => x.state !== 'delivered').length;
  const delivered = new Set(all.filter((x) => x.event_type === 'comment.created').map(deliveredComment));
  const undelivered = (await testComments()).filter((c) => !delivered.has(c.id)).length;
  return `outbox rows ${outbox}, unfinished deliveries ${unfinished}, comments without a delivery row ${undelivered}`;
}
const deliveries = () => rows(db as AnyDb, sql<DeliveryRow>`SELECT * FROM webhook_deliveries`);
const deliveredComment = (d: DeliveryRow) => d.comment_id ?? payloadCommentId(d.payload);

describe('killed while posts are in flight, restarted on the same database', () => {
  test('the restarted server drains the outbox and settles every webhook delivery', { timeout: SETTLE_MS + 30_000 }, async (t) => {
    const d = db as AnyDb;
    const hasOutbox = await tableExists(d, 'outbox');
    const end = Date.now() + SETTLE_MS;
    let last = '';
    let stableSince = Date.now();
    let snapshot: Record<string, unknown> = {};
    for (;;) {
      const outbox = hasOutbox ? await count(d, sql<{ n: number | string }>`SELECT count(*) AS n FROM outbox`) : null;
      const states = await rows(d, sql<{ state: string; n: number | string }>`SELECT state, count(*) AS n FROM webhook_deliveries GROUP BY state ORDER BY state`);
      const notes = await count(d, sql<{ n: number | string }>`SELECT count(*) AS n FROM notifications`);
      snapshot = { outbox, deliveries: Object.fromEntries(states.map((s) => [s.state, Number(s.n)])), notifications: notes, received: recv.got.length };
      const sig = JSON.stringify(snapshot);
      if (sig !== last) {
        last = sig;
        stableSince = Date.now();
      }
      const busy = (outbox ?? 0) > 0 || states.some((s) => s.state === 'pending' || s.state === 'retrying');
      if (!busy && Date.now() - stableSince >= 2500) break;
      if (Date.now() > end) break;
      await sleep(250);
    }
    for (const [i, r] of rounds.entries()) {
      t.diagnostic(`round ${i}: ${r.ok} × 201, ${r.otherStatus} other answers, ${r.errors} lost to the kill; ${r.committed} committed (${r.committed - r.ok} without a 201); left at the kill: ${r.left}`);
    }
    t.diagnostic(`after restart: ${JSON.stringify(snapshot)}`);
    assert.ok(hasOutbox, 'the database has an outbox table');
    assert.equal(snapshot.outbox, 0, `the outbox is drained within ${SETTLE_MS / 1000} s: ${JSON.stringify(snapshot)}\n${node?.log.slice(-3000) ?? ''}`);
    const states = snapshot.deliveries as Record<string, number>;
    assert.deepEqual(Object.keys(states).filter((s) => s !== 'delivered'), [], `every delivery ends delivered: ${JSON.stringify(states)}`);
  });

  test('every comment whose 201 reached the client is in the database, published', async () => {
    const comments = await testComments();
    const ids = new Set(comments.map((c) => c.id));
    assert.ok(acknowledged.size >= parents.length + 1, 'some burst posts were answered before the kill');
    assert.deepEqual([...acknowledged].filter((id) => !ids.has(id)), [], 'acknowledged comments missing from the database');
    assert.deepEqual(comments.filter((c) => c.status !== 'published').map((c) => [c.id, c.status]), [], 'moderation publishes every test comment (setup)');
  });

  test('each committed comment has exactly one comment.created delivery row, delivered; none for a comment that does not exist', async () => {
    const comments = await testComments();
    const ids = new Set(comments.map((c) => c.id));
    const created = (await deliveries()).filter((d) => d.event_type === 'comment.created');
    if (await columnExists(db as AnyDb, 'webhook_deliveries', 'comment_id')) {
      const mismatched = created.filter((d) => d.comment_id != null && d.comment_id !== payloadCommentId(d.payload));
      assert.deepEqual(mismatched.map((d) => d.id), [], 'webhook_deliveries.comment_id is the comment its payload carries');
    }
    const per = new Map<string, DeliveryRow[]>();
    for (const d of created) {
      const cid = deliveredComment(d) ?? '(none)';
      per.set(cid, [...(per.get(cid) ?? []), d]);
    }
    const wrongCount = comments.filter((c) => (per.get(c.id)?.length ?? 0) !== 1).map((c) => `${c.id}: ${per.get(c.id)?.length ?? 0}`);
    assert.deepEqual(wrongCount, [], 'comments without exactly one comment.created delivery');
    const orphans = [...per.keys()].filter((cid) => !ids.has(cid));
    assert.deepEqual(orphans, [], 'deliveries for comments that are not in the database');
    const undelivered = created.filter((d) => d.state !== 'delivered').map((d) => `${d.id}: ${d.state}`);
    assert.deepEqual(undelivered, [], 'deliveries not delivered');
  });

  test('the receiver saw exactly one delivery id per committed comment (retries reuse it), and nothing else', async () => {
    const comments = await testComments();
    const ids = new Set(comments.map((c) => c.id));
    const created = recv.got.filter((r) => r.event === 'comment.created');
    assert.ok(created.every((r) => r.delivery), 'every request carries an agora-delivery header');
    const byComment = new Map<string, Received[]>();
    for (const r of created) byComment.set(r.commentId ?? '(none)', [...(byComment.get(r.commentId ?? '(none)') ?? []), r]);
    const notOne = comments
      .map((c) => ({ c, ids: new Set((byComment.get(c.id) ?? []).map((r) => r.delivery)) }))
      .filter((x) => x.ids.size !== 1)
      .map((x) => `${x.c.id}: ${x.ids.size} delivery ids`);
    assert.deepEqual(notOne, [], 'committed comments received with no delivery id, or with several');
    const neverAccepted = comments.filter((c) => !(byComment.get(c.id) ?? []).some((r) => r.status === 200)).map((c) => c.id);
    assert.deepEqual(neverAccepted, [], 'committed comments the receiver never accepted');
    const marked = comments.filter((c) => c.body.includes(RETRY_MARK));
    assert.ok(marked.length > 0, 'some committed comments are marked for a retry');
    const notRetried = marked.filter((c) => (byComment.get(c.id)?.length ?? 0) < 2).map((c) => c.id);
    assert.deepEqual(notRetried, [], 'marked comments answered 500 once must have been tried again');
    const unknown = [...byComment.keys()].filter((cid) => !ids.has(cid));
    assert.deepEqual(unknown, [], 'the receiver got comment.created for comments that are not in the database');
  });

  test('each committed reply has exactly one reply notification, for the author it answers; none for missing comments', async () => {
    const comments = await testComments();
    const byId = new Map(comments.map((c) => [c.id, c]));
    const notes = await rows(db as AnyDb, sql<{ user_id: string; comment_id: string }>`SELECT user_id, comment_id FROM notifications WHERE kind = 'reply'`);
    const replies = comments.filter((c) => c.parent_id !== null);
    assert.ok(replies.length > 0, 'some replies were committed');
    const wrong = replies
      .map((r) => {
        const parentAuthor = byId.get(r.parent_id as string)?.author_id;
        const mine = notes.filter((n) => n.comment_id === r.id);
        return { r, ok: mine.length === 1 && mine[0]?.user_id === parentAuthor, got: mine.map((n) => n.user_id) };
      })
      .filter((x) => !x.ok)
      .map((x) => `${x.r.id}: ${x.got.length} notification(s)`);
    assert.deepEqual(wrong, [], 'replies without exactly one reply notification for the parent’s author');
    const orphans = notes.filter((n) => !byId.has(n.comment_id)).map((n) => n.comment_id);
    assert.deepEqual(orphans, [], 'reply notifications for comments that are not in the database');
  });
});
