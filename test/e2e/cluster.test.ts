// Two Agora nodes on one PostgreSQL and one Redis, as an operator who outgrew one machine runs them. Real server
// processes; Redis is a private instance this test can stop, and PostgreSQL is reached through a TCP relay this test
// can cut, so outages are real without touching the machine's shared services. Needs PostgreSQL (AGORA_TEST_PG or
// postgres://postgres@127.0.0.1:5432) and the redis-server binary: missing either is a failure, not a skip.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshPgDatabase, freePort } from '../fixtures/server.js';
import { openSse, type SseClient } from '../fixtures/sse.js';
import type { agora as AgoraCli } from '../fixtures/cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PG_BASE = process.env.AGORA_TEST_PG || 'postgres://postgres@127.0.0.1:5432';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch {
      // keep trying
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(150);
  }
}

/** A TCP relay to PostgreSQL that the test can cut and restore on the same port. */
function relay(port: number, target: number) {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  return {
    async up() {
      server = createServer((client) => {
        const upstream = connect(target, '127.0.0.1');
        sockets.add(client).add(upstream);
        client.pipe(upstream).pipe(client);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
      });
      await new Promise<void>((r) => server?.listen(port, '127.0.0.1', () => r()));
    },
    async down() {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    },
  };
}

interface Node {
  url: string;
  proc: ChildProcess;
  log: string;
}

let redisPort: number;
let redis: ChildProcess | undefined;
let pgRelay: ReturnType<typeof relay>;
let dropDb: () => Promise<void>;
let nodeA: Node;
let nodeB: Node;
let token: string;
let storyId: string;
const streams: SseClient[] = [];

function startRedis(): ChildProcess {
  const p = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  p.on('error', (err) => assert.fail(`redis-server could not start: ${err.message}`));
  return p;
}

async function startNode(dbUrl: string): Promise<Node> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      AGORA_PUBLIC_URL: url,
      DATABASE_URL: dbUrl,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      AGORA_SECRET: 'cluster-test-secret',
      AGORA_SCRYPT_LOG_N: '12',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const node: Node = { url, proc, log: '' };
  proc.stdout?.on('data', (d: Buffer) => (node.log += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (node.log += d.toString()));
  await until(`node on ${url} to be ready`, async () => (await fetch(`${url}/readyz`)).ok, 30_000);
  return node;
}

async function api(node: Node, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${node.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
async function post(node: Node, body: string): Promise<string> {
  const res = await api(node, 'POST', `/api/v1/stories/${storyId}/comments`, { body });
  assert.equal(res.status, 201, await res.clone().text());
  return ((await res.json()) as { comment: { id: string } }).comment.id;
}
const createdId = (e: { data: string }) => (JSON.parse(e.data) as { comment: { id: string } }).comment.id;

before(async () => {
  redisPort = await freePort();
  redis = startRedis();
  const db = await freshPgDatabase(PG_BASE);
  dropDb = db.drop;
  const pgPort = Number(new URL(PG_BASE).port || 5432);
  const relayPort = await freePort();
  pgRelay = relay(relayPort, pgPort);
  await pgRelay.up();
  const viaRelay = new URL(db.url);
  viaRelay.port = String(relayPort);
  nodeA = await startNode(viaRelay.toString());
  nodeB = await startNode(viaRelay.toString());
  const su = await fetch(`${nodeA.url}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'cluster@example.com', password: 'correct horse battery', displayName: 'Cluster Reader' }),
  });
  token = ((await su.json()) as { token: string }).token;
  const st = await fetch(`${nodeA.url}/api/v1/stories/lookup?url=${encodeURIComponent(`${nodeA.url}/articles/etats-unis-mexique-fentanyl`)}`);
  storyId = ((await st.json()) as { story: { id: string } }).story.id;
});

after(async () => {
  streams.forEach((s) => s.close());
  for (const n of [nodeA, nodeB]) n?.proc.kill('SIGTERM');
  redis?.kill('SIGKILL');
  await sleep(300);
  await pgRelay?.down();
  await dropDb?.().catch(() => {});
});

describe('two nodes on PostgreSQL and Redis', () => {
  test('a comment posted on node A reaches a reader on node B, and a deletion on B reaches a reader on A', async () => {
    const onB = await openSse(`${nodeB.url}/api/v1/stories/${storyId}/events`);
    const onA = await openSse(`${nodeA.url}/api/v1/stories/${storyId}/events`);
    streams.push(onA, onB);
    await onB.waitFor((e) => e.event === 'ready');
    await onA.waitFor((e) => e.event === 'ready');
    const id = await post(nodeA, 'posted on A');
    await onB.waitFor((e) => e.event === 'comment.created' && createdId(e) === id);
    const del = await api(nodeB, 'DELETE', `/api/v1/comments/${id}`);
    assert.equal(del.status, 200);
    await onA.waitFor((e) => e.event === 'comment.deleted' && createdId(e) === id);
  });

  test('losing Redis degrades live updates only: posting and reading go on, a warning is logged, it reconnects and readers catch up', async () => {
    const onB = await openSse(`${nodeB.url}/api/v1/stories/${storyId}/events`);
    streams.push(onB);
    await onB.waitFor((e) => e.event === 'ready');
    redis?.kill('SIGKILL');
    await until('node A to see Redis down', async () => ((await (await fetch(`${nodeA.url}/readyz`)).json()) as { broker: boolean }).broker === false);
    const during = await post(nodeA, 'posted while Redis is down');
    const read = await fetch(`${nodeB.url}/api/v1/stories/${storyId}/comments`);
    assert.equal(read.status, 200);
    assert.ok(((await read.json()) as { comments: { id: string }[] }).comments.some((c) => c.id === during), 'node B reads it from the database');
    await until('a warning in node A’s log', async () => /redis/i.test(nodeA.log) && /"level":40/.test(nodeA.log));
    redis = startRedis();
    await until('both nodes back on Redis', async () => {
      const [a, b] = await Promise.all([nodeA, nodeB].map(async (n) => ((await (await fetch(`${n.url}/readyz`)).json()) as { broker: boolean }).broker));
      return a && b;
    });
    await onB.waitFor((e) => e.event === 'comment.created' && createdId(e) === during, 10_000);
    const afterwards = await post(nodeA, 'posted after Redis came back');
    await onB.waitFor((e) => e.event === 'comment.created' && createdId(e) === afterwards, 10_000);
  });

  test('losing PostgreSQL gives 503s, not crashes, and service resumes when it returns', async () => {
    await pgRelay.down();
    const write = await api(nodeA, 'POST', `/api/v1/stories/${storyId}/comments`, { body: 'while the database is away' }).catch((err: unknown) => {
      throw new Error(`node A dropped the request (exit code ${nodeA.proc.exitCode}): ${nodeA.log.slice(-3000)}`, { cause: err });
    });
    assert.equal(write.status, 503, nodeA.log.slice(-3000));
    assert.equal(((await write.json()) as { error: { code: string } }).error.code, 'UNAVAILABLE');
    assert.equal((await fetch(`${nodeB.url}/readyz`)).status, 503);
    assert.equal(nodeA.proc.exitCode, null, 'node A is still running');
    assert.equal(nodeB.proc.exitCode, null, 'node B is still running');
    await pgRelay.up();
    await until('node A to serve again', async () => (await fetch(`${nodeA.url}/readyz`)).ok);
    await until('node B to accept a comment again', async () => (await api(nodeB, 'POST', `/api/v1/stories/${storyId}/comments`, { body: 'the database is back' })).status === 201);
  });
});

describe('two nodes: what is removed on node A is gone from node B at once', () => {
  let adminToken: string;
  let anchor: string;
  let reacted = false;
  let dbUrl: string;
  let agora: typeof AgoraCli;
  // Imported here so this block stands on its own in the file.
  let replayFromZero: (eventsUrl: string, poke: () => Promise<string>) => Promise<{ id: string | null; event: string; data: string }[]>;

  const adminApi = (node: Node, method: string, path: string, body?: unknown) =>
    fetch(`${node.url}${path}`, { method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), authorization: `Bearer ${adminToken}` }, body: body === undefined ? undefined : JSON.stringify(body) });

  /** Posts on node A as the cluster reader (or as `as`); published (by a moderator if the pipeline held it). */
  async function published(body: string, as = token): Promise<string> {
    const res = await fetch(`${nodeA.url}/api/v1/stories/${storyId}/comments`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${as}` }, body: JSON.stringify({ body }) });
    assert.equal(res.status, 201, await res.clone().text());
    const { comment } = (await res.json()) as { comment: { id: string; status: string } };
    if (comment.status !== 'published') assert.equal((await adminApi(nodeA, 'POST', `/api/v1/admin/moderation/comments/${comment.id}/approve`)).status, 200);
    return comment.id;
  }
  const pageOnB = async () => (await fetch(`${nodeB.url}/api/v1/stories/${storyId}/comments`)).text();
  /** A new public event now, made on node B: a reaction on the anchor given or taken back (see fixtures/replay.ts). */
  const poke = async () => {
    reacted = !reacted;
    const res = await api(nodeB, reacted ? 'POST' : 'DELETE', `/api/v1/comments/${anchor}/reaction`);
    assert.equal(res.status, 200, await res.clone().text());
    return anchor;
  };
  /** Node B's cached first page and node B's replay from event 0, read as soon as the removal returned. */
  async function onB(text: string) {
    const page = await pageOnB();
    const replay = await replayFromZero(`${nodeB.url}/api/v1/stories/${storyId}/events`, poke);
    return { page: page.includes(text), replay: replay.filter((e) => e.data.includes(text)).map((e) => `${e.id}:${e.event}`) };
  }
  const atomOnB = async () => (await fetch(`${nodeB.url}/api/v1/stories/${storyId}/comments.atom`)).text();
  /** For each text: is it on node B's first page, in which events of B's replay from event 0, in B's Atom feed. */
  async function everywhereOnB(...texts: string[]) {
    const page = await pageOnB();
    const replay = await replayFromZero(`${nodeB.url}/api/v1/stories/${storyId}/events`, poke);
    const atom = await atomOnB();
    return Object.fromEntries(texts.map((t) => [t, { page: page.includes(t), replay: replay.filter((e) => e.data.includes(t)).map((e) => `${e.id}:${e.event}`), atom: atom.includes(t) }]));
  }
  const nowhere = (...texts: string[]) => Object.fromEntries(texts.map((t) => [t, { page: false, replay: [], atom: false }]));
  /** A new reader, signed up on node A. */
  async function reader(name: string): Promise<{ token: string; id: string }> {
    const res = await fetch(`${nodeA.url}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `${name.toLowerCase().replace(/[^a-z]+/g, '-')}@example.com`, password: 'correct horse battery', displayName: name }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    const { token: t, user } = (await res.json()) as { token: string; user: { id: string } };
    return { token: t, id: user.id };
  }
  /** Waits until node B shows `text`, then reads its first page again: it is cached on B when the removal comes. */
  async function shownOnB(text: string): Promise<void> {
    await until(`node B to show "${text}"`, async () => (await pageOnB()).includes(text));
    assert.ok((await pageOnB()).includes(text), 'node B’s cached first page shows it');
  }

  before(async () => {
    ({ replayFromZero } = await import('../fixtures/replay.js'));
    ({ agora } = await import('../fixtures/cli.js'));
    const { default: pg } = await import('pg');
    const su = await fetch(`${nodeA.url}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'cluster-admin@example.com', password: 'correct horse battery', displayName: 'Cluster Admin' }),
    });
    assert.equal(su.status, 201, await su.clone().text());
    const { token: t, user } = (await su.json()) as { token: string; user: { id: string } };
    adminToken = t;
    // There is no API to make the first admin. This process made one database (freshPgDatabase names it after the
    // pid): promote the account there, straight on PostgreSQL rather than through the relay.
    const server = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
    await server.connect();
    const dbs = (await server.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`agora_t_${process.pid}_%`])).rows;
    await server.end();
    assert.equal(dbs.length, 1, `one database of this test process, found ${dbs.map((d) => d.datname).join(', ')}`);
    const db = new pg.Client({ connectionString: `${PG_BASE}/${dbs[0]?.datname}` });
    await db.connect();
    await db.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [user.id]);
    await db.end();
    dbUrl = `${PG_BASE}/${dbs[0]?.datname}`;
    // By the admin: the poke reacts as the cluster reader, and nobody reacts to their own comment.
    anchor = await published('A comment that stays on this story', adminToken);
  });

  test('a moderator rejects a comment on node A: node B’s cached first page and B’s replay lose it at once', async () => {
    const id = await published('A remark that a moderator on node A will take down zq-removed-cluster-reject');
    await shownOnB('zq-removed-cluster-reject');
    const res = await adminApi(nodeA, 'POST', `/api/v1/admin/moderation/comments/${id}/reject`, { reason: 'Off topic' });
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(await onB('zq-removed-cluster-reject'), { page: false, replay: [] });
  });

  test('the author deletes a comment on node A: node B’s cached first page and B’s replay lose it at once', async () => {
    const id = await published('A remark its author on node A will delete zq-removed-cluster-delete');
    await shownOnB('zq-removed-cluster-delete');
    const res = await api(nodeA, 'DELETE', `/api/v1/comments/${id}`);
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(await onB('zq-removed-cluster-delete'), { page: false, replay: [] });
  });

  test('a moderator withdraws a published comment on node A: node B’s cached first page, replay and feed lose it at once', async () => {
    const id = await published('A remark a moderator on node A will send back to the queue zq-removed-cluster-withdraw');
    await shownOnB('zq-removed-cluster-withdraw');
    assert.ok((await atomOnB()).includes('zq-removed-cluster-withdraw'), 'node B’s feed shows it');
    const res = await adminApi(nodeA, 'POST', `/api/v1/admin/moderation/comments/${id}/withdraw`);
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(((await res.json()) as { comment: { status: string } }).comment.status, 'pending');
    assert.deepEqual(await everywhereOnB('zq-removed-cluster-withdraw'), nowhere('zq-removed-cluster-withdraw'));
  });

  test('the author edits a comment on node A: node B’s cached first page, replay and feed lose the old text at once', async () => {
    const id = await published('A remark its author on node A will rewrite zq-removed-cluster-edit');
    await shownOnB('zq-removed-cluster-edit');
    assert.ok((await atomOnB()).includes('zq-removed-cluster-edit'), 'node B’s feed shows it');
    const res = await api(nodeA, 'PATCH', `/api/v1/comments/${id}`, { body: 'A remark its author on node A has rewritten, with nothing of the first version left' });
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(await everywhereOnB('zq-removed-cluster-edit'), nowhere('zq-removed-cluster-edit'));
  });

  test('an admin erases a reader on node A: node B’s cached first page, replay and feed lose their text and name at once', async () => {
    const erased = await reader('Zqerasedbyadmin Reader');
    await published('A remark by a reader an admin on node A will erase zq-removed-cluster-erase-api', erased.token);
    await shownOnB('zq-removed-cluster-erase-api');
    assert.ok((await pageOnB()).includes('Zqerasedbyadmin'), 'node B’s first page shows the name');
    assert.ok((await atomOnB()).includes('Zqerasedbyadmin'), 'node B’s feed shows the name');
    const res = await adminApi(nodeA, 'POST', `/api/v1/admin/users/${erased.id}/deletion`, { immediate: true });
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(await everywhereOnB('zq-removed-cluster-erase-api', 'Zqerasedbyadmin'), nowhere('zq-removed-cluster-erase-api', 'Zqerasedbyadmin'));
  });

  test('a moderator bans a reader on node A and hides their comments: node B’s cached first page, replay and feed lose them at once', async () => {
    const banned = await reader('Zqbanned Reader');
    await published('A remark by a reader a moderator on node A will ban zq-removed-cluster-ban', banned.token);
    await shownOnB('zq-removed-cluster-ban');
    assert.ok((await atomOnB()).includes('zq-removed-cluster-ban'), 'node B’s feed shows it');
    const res = await adminApi(nodeA, 'PATCH', `/api/v1/admin/moderation/sites/demo/users/${banned.id}`, { banned: true, hideComments: true });
    assert.equal(res.status, 200, await res.clone().text());
    const { standing, hidden } = (await res.json()) as { standing: { banned: boolean }; hidden: number };
    assert.equal(standing.banned, true);
    assert.equal(hidden, 1);
    assert.deepEqual(await everywhereOnB('zq-removed-cluster-ban'), nowhere('zq-removed-cluster-ban'));
  });

  test('an operator erases a reader with the command line while both nodes run: node B loses their text and name once it exits', async () => {
    const erased = await reader('Zqerasedbycli Reader');
    await published('A remark by a reader the operator will erase from the command line zq-removed-cluster-erase-cli', erased.token);
    await shownOnB('zq-removed-cluster-erase-cli');
    assert.ok((await pageOnB()).includes('Zqerasedbycli'), 'node B’s first page shows the name');
    assert.ok((await atomOnB()).includes('Zqerasedbycli'), 'node B’s feed shows the name');
    const cli = await agora(['privacy', 'delete', '--user', erased.id, '--now'], {
      dataDir: mkdtempSync(join(tmpdir(), 'agora-cluster-cli-')),
      env: { DATABASE_URL: dbUrl, REDIS_URL: `redis://127.0.0.1:${redisPort}` },
    });
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, new RegExp(`deleted account ${erased.id}`));
    assert.deepEqual(await everywhereOnB('zq-removed-cluster-erase-cli', 'Zqerasedbycli'), nowhere('zq-removed-cluster-erase-cli', 'Zqerasedbycli'));
  });
});
