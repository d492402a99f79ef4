// Two Agora nodes on PostgreSQL and Redis behind real nginx, with the very deploy/nginx/agora.conf that the compose file
// and docs/deploy.md use (its placeholders filled in here as envsubst would). Reads, writes and live streams go through
// nginx; then one node is killed (SIGKILL) and both are restarted one after the other (SIGTERM) under light load.
// Needs PostgreSQL (AGORA_TEST_PG or postgres://postgres@127.0.0.1:5432), redis-server and nginx (Debian's package,
// installed by .ci/run; AGORA_NGINX overrides /usr/sbin/nginx): missing any of them is a failure, not a skip.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freshPgDatabase, freePort } from '../fixtures/server.js';
import { openSse, type SseClient, type SseEvent } from '../fixtures/sse.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PG_BASE = process.env.AGORA_TEST_PG || 'postgres://postgres@127.0.0.1:5432';
const NGINX = process.env.AGORA_NGINX || '/usr/sbin/nginx';

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
    await sleep(100);
  }
}

/**
 * The template with its placeholders replaced as `envsubst '${AGORA_NODE_1} ${AGORA_NODE_2} ${AGORA_LISTEN}'` does:
 * `${NAME}` and `$NAME` of those names only, so nginx's own `$host`, `$scheme`... stay.
 */
function fillTemplate(text: string, vars: Record<string, string>): string {
  const names = Object.keys(vars).join('|');
  const out = text.replace(new RegExp(`\\$(?:\\{(${names})\\}|(${names})(?![A-Za-z0-9_]))`, 'g'), (_m, a?: string, b?: string) => vars[(a ?? b) as string] as string);
  const left = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/.exec(out);
  assert.equal(left, null, `a placeholder the test does not fill: ${left?.[0]}`);
  return out;
}

interface Node {
  name: string;
  port: number;
  proc: ChildProcess;
  log: string;
}

let dir: string;
let redis: ChildProcess | undefined;
let redisPort: number;
let nginx: ChildProcess | undefined;
let nginxLog = '';
let base: string; // nginx's address: every request of this test goes through it, but the probes of single nodes
let dbUrl: string;
let dropDb: () => Promise<void>;
const nodes: Node[] = [];
let token: string;
/**
 * Posting accounts, taken in turn: one author may post 20 comments per 5 minutes (moderation's rate phase). Twelve,
 * because the three tests post for as long as nodes take to restart (~150 posts when the machine is busy), and a turn
 * is taken per post sent, not per answer (answers held up by a restart would give several posts to one author).
 */
const authors: string[] = [];
let turn = 0;
let storyId: string;

async function startNode(name: string, port: number): Promise<Node> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      AGORA_PUBLIC_URL: base,
      AGORA_TRUST_PROXY: '1',
      DATABASE_URL: dbUrl,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      AGORA_SECRET: 'nginx-test-secret',
      AGORA_SCRYPT_LOG_N: '12',
      AGORA_WRITES_PER_MINUTE: '100000',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const node: Node = { name, port, proc, log: '' };
  proc.stdout?.on('data', (d: Buffer) => (node.log += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (node.log += d.toString()));
  await until(`${name} on port ${port} to be ready`, async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, 40_000);
  return node;
}

async function stopNode(node: Node, signal: NodeJS.Signals): Promise<void> {
  if (node.proc.exitCode !== null || node.proc.signalCode !== null) return;
  const gone = new Promise<void>((r) => node.proc.once('exit', () => r()));
  node.proc.kill(signal);
  await Promise.race([gone, sleep(30_000).then(() => assert.fail(`${node.name} did not exit on ${signal}: ${node.log.slice(-2000)}`))]);
}

function startNginx(listen: number, ports: number[]): ChildProcess {
  const site = fillTemplate(readFileSync(join(ROOT, 'deploy/nginx/agora.conf'), 'utf8'), {
    AGORA_NODE_1: `127.0.0.1:${ports[0]}`,
    AGORA_NODE_2: `127.0.0.1:${ports[1]}`,
    AGORA_LISTEN: `127.0.0.1:${listen}`,
  });
  writeFileSync(join(dir, 'agora.conf'), site);
  // The main configuration around it, as Debian's /etc/nginx/nginx.conf includes conf.d/*.conf in http {}; every
  // path in the test's folder, so nginx runs unprivileged. As root (CI) the workers would switch to "nobody", who
  // cannot enter this private folder: they stay root instead.
  const t = (n: string) => join(dir, n);
  writeFileSync(
    t('nginx.conf'),
    `${process.getuid?.() === 0 ? 'user root root;\n' : ''}worker_processes 1;
pid ${t('nginx.pid')};
error_log ${t('error.log')} warn;
events { worker_connections 1024; }
http {
  log_format upstreams '$request_method $uri $status upstream=$upstream_addr upstream_status=$upstream_status';
  access_log ${t('access.log')} upstreams;
  client_body_temp_path ${t('body')};
  proxy_temp_path ${t('proxy')};
  fastcgi_temp_path ${t('fastcgi')};
  uwsgi_temp_path ${t('uwsgi')};
  scgi_temp_path ${t('scgi')};
  include ${t('agora.conf')};
}
`,
  );
  const test = spawnSync(NGINX, ['-t', '-p', dir, '-e', t('error.log'), '-c', t('nginx.conf')], { encoding: 'utf8' });
  assert.equal(test.status, 0, `nginx -t refused the configuration: ${test.stderr}`);
  const p = spawn(NGINX, ['-p', dir, '-e', t('error.log'), '-c', t('nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  p.stderr?.on('data', (d: Buffer) => (nginxLog += d.toString()));
  p.on('error', (err) => assert.fail(`nginx could not start: ${err.message}`));
  return p;
}

const accessLog = () => readFileSync(join(dir, 'access.log'), 'utf8');
const errorLog = () => readFileSync(join(dir, 'error.log'), 'utf8');

function send(method: string, path: string, body?: unknown, bearer = token): Promise<Response> {
  return fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
const createdId = (e: SseEvent) => (JSON.parse(e.data) as { comment: { id: string } }).comment.id;
let counter = 0;
/** A comment text no other comment of this test repeats (the moderation pipeline holds back repeated texts). */
const remark = (when: string) => `Remark ${++counter} ${when}: the ${['mayor', 'council', 'court', 'agency', 'governor'][counter % 5]} should publish figure ${counter * 37 + 11}`;

/**
 * A reader as a browser's EventSource is one: when its stream ends (a node dies or restarts), it opens a new one
 * through nginx with Last-Event-ID, the last event number it saw.
 */
function liveReader(path: string) {
  const events: SseEvent[] = [];
  let lastId: string | null = null;
  let current: SseClient | undefined;
  let stopped = false;
  let reconnections = 0;
  const loop = (async () => {
    while (!stopped) {
      try {
        const s = await openSse(`${base}${path}`, lastId === null ? {} : { 'last-event-id': lastId });
        if (s.status !== 200) {
          s.close();
          await sleep(200);
          continue;
        }
        current = s;
        let seen = 0;
        const collect = setInterval(() => take(), 20);
        const take = () => {
          for (; seen < s.events.length; seen++) {
            const e = s.events[seen] as SseEvent;
            events.push(e);
            if (e.id !== null) lastId = e.id;
          }
        };
        await s.closed;
        clearInterval(collect);
        take();
      } catch {
        // nginx or both nodes unreachable for a moment: try again, as EventSource does after its retry delay
      }
      if (!stopped) {
        reconnections++;
        await sleep(200);
      }
    }
  })();
  return {
    events,
    get reconnections() {
      return reconnections;
    },
    created: () => new Set(events.filter((e) => e.event === 'comment.created').map(createdId)),
    async stop() {
      stopped = true;
      current?.close();
      await loop;
    },
  };
}

/** GET the first page every 50 ms and POST a comment every `postEveryMs` through nginx until stopped. */
function load(label: string, postEveryMs = 500) {
  const gets: { status: number; error?: string }[] = [];
  const posts: { text: string; status: number; id?: string; published?: boolean; error?: string }[] = [];
  let stopped = false;
  const inFlight = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const getter = setInterval(() => {
    track(
      send('GET', `/api/v1/stories/${storyId}/comments`, undefined, '').then(
        async (r) => {
          await r.arrayBuffer();
          gets.push({ status: r.status });
        },
        (err: unknown) => void gets.push({ status: 0, error: String(err) }),
      ),
    );
  }, 50);
  const poster = setInterval(() => {
    if (stopped) return;
    const text = remark(label);
    track(
      send('POST', `/api/v1/stories/${storyId}/comments`, { body: text }, authors[turn++ % authors.length]).then(
        async (r) => {
          const raw = await r.text();
          if (r.status === 201) {
            const c = (JSON.parse(raw) as { comment: { id: string; status: string } }).comment;
            posts.push({ text, status: r.status, id: c.id, published: c.status === 'published' });
          } else posts.push({ text, status: r.status, error: raw.slice(0, 300) });
        },
        (err: unknown) => void posts.push({ text, status: 0, error: String(err) }),
      ),
    );
  }, postEveryMs);
  return {
    gets,
    posts,
    async stop() {
      stopped = true;
      clearInterval(getter);
      clearInterval(poster);
      await Promise.all([...inFlight]);
    },
  };
}

/** The ids among `ids` that are not in the database. */
async function missingFromDb(ids: string[]): Promise<string[]> {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    const found = new Set((await c.query<{ id: string }>('SELECT id FROM comments WHERE id = ANY($1)', [ids])).rows.map((r) => r.id));
    return ids.filter((id) => !found.has(id));
  } finally {
    await c.end();
  }
}

const summary = (l: ReturnType<typeof load>) => ({
  gets: l.gets.length,
  failedGets: l.gets.filter((g) => g.status !== 200),
  posts: l.posts.length,
  failedPosts: l.posts.filter((p) => p.status !== 201).map((p) => ({ status: p.status, error: p.error })),
});

before(async () => {
  const v = spawnSync(NGINX, ['-v'], { encoding: 'utf8' });
  assert.equal(v.status, 0, `nginx is missing (${NGINX}): install Debian's nginx package, as .ci/run does`);
  dir = mkdtempSync(join(tmpdir(), 'agora-nginx-'));
  redisPort = await freePort();
  redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  redis.on('error', (err) => assert.fail(`redis-server could not start: ${err.message}`));
  const db = await freshPgDatabase(PG_BASE);
  dbUrl = db.url;
  dropDb = db.drop;
  const listen = await freePort();
  base = `http://127.0.0.1:${listen}`;
  const ports = [await freePort(), await freePort()];
  // One after the other: both would migrate the new database at once (it works, under the lock) but CI has two cores.
  nodes.push(await startNode('node 1', ports[0] as number));
  nodes.push(await startNode('node 2', ports[1] as number));
  nginx = startNginx(listen, ports);
  await until('nginx to answer', async () => (await fetch(`${base}/readyz`)).ok, 10_000);
});

after(async () => {
  nginx?.kill('SIGTERM');
  await Promise.all(nodes.map((n) => stopNode(n, 'SIGKILL').catch(() => {})));
  redis?.kill('SIGKILL');
  await sleep(200);
  await dropDb?.().catch(() => {});
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('two nodes behind nginx (deploy/nginx/agora.conf)', () => {
  test('reads, writes and live streams go through nginx, spread over both nodes, with events unbuffered', async () => {
    const su = await send('POST', '/api/v1/auth/signup', { email: 'nginx@example.com', password: 'correct horse battery', displayName: 'Nginx Reader' }, '');
    assert.equal(su.status, 201, await su.clone().text());
    token = ((await su.json()) as { token: string }).token;
    for (let i = 0; i < 12; i++) {
      const res = await send('POST', '/api/v1/auth/signup', { email: `author${i}@example.com`, password: 'correct horse battery', displayName: `Author ${i}` }, '');
      assert.equal(res.status, 201, await res.clone().text());
      authors.push(((await res.json()) as { token: string }).token);
    }
    const st = await send('GET', `/api/v1/stories/lookup?url=${encodeURIComponent(`${base}/articles/etats-unis-mexique-fentanyl`)}`, undefined, '');
    assert.equal(st.status, 200, await st.clone().text());
    storyId = ((await st.json()) as { story: { id: string } }).story.id;

    const page = await send('GET', `/api/v1/stories/${storyId}/comments`, undefined, '');
    assert.equal(page.status, 200);
    assert.ok(Array.isArray(((await page.json()) as { comments: unknown[] }).comments));
    assert.equal((await send('GET', '/metrics', undefined, '')).status, 404, 'nginx hides /metrics');

    const stream = await openSse(`${base}/api/v1/stories/${storyId}/events`);
    try {
      assert.equal(stream.status, 200);
      assert.match(String(stream.headers['content-type']), /^text\/event-stream/);
      assert.equal(stream.headers['content-encoding'], undefined, 'a live stream is not gzipped');
      await stream.waitFor((e) => e.event === 'ready');
      // Several posts, so they land on both nodes: each reaches the one stream (on one node) while it stays open.
      for (let i = 0; i < 4; i++) {
        const res = await send('POST', `/api/v1/stories/${storyId}/comments`, { body: remark('through nginx') });
        assert.equal(res.status, 201, await res.clone().text());
        const { comment } = (await res.json()) as { comment: { id: string; status: string } };
        assert.equal(comment.status, 'published');
        const t0 = Date.now();
        await stream.waitFor((e) => e.event === 'comment.created' && createdId(e) === comment.id, 3000);
        assert.ok(Date.now() - t0 < 3000);
      }
    } finally {
      stream.close();
    }
    const ups = new Set([...accessLog().matchAll(/^POST \S+ 201 upstream=(\S+)/gm)].map((m) => m[1]));
    assert.equal(ups.size, 2, `writes went to both nodes:\n${accessLog()}`);
  });

  test('one node killed (SIGKILL): reads fail over, no acknowledged comment is lost, live readers resume with Last-Event-ID and miss nothing', async () => {
    const reader = liveReader(`/api/v1/stories/${storyId}/events`);
    const l = load('during a crash', 250);
    const victim = nodes[0] as Node;
    try {
      await until('the reader to be ready', async () => reader.events.some((e) => e.event === 'ready'));
      await sleep(1000);
      await stopNode(victim, 'SIGKILL');
      await sleep(3000);
      await l.stop();
      const s = summary(l);
      assert.deepEqual(s.failedGets, [], `every GET succeeded (${s.gets})`);
      // A POST in flight on the killed node may get 502 (nginx does not send a write twice); it is then not stored.
      assert.ok(s.failedPosts.length <= 2, `at most the writes in flight failed: ${JSON.stringify(s.failedPosts)}`);
      assert.ok(s.failedPosts.every((p) => p.status === 502), JSON.stringify(s.failedPosts));
      const acked = l.posts.filter((p) => p.status === 201);
      assert.ok(acked.length >= 10, `writes went on through the other node (${acked.length} acknowledged)`);
      assert.deepEqual(await missingFromDb(acked.map((p) => p.id as string)), [], 'every acknowledged comment is stored');
      const expected = acked.filter((p) => p.published).map((p) => p.id as string);
      assert.equal(expected.length, acked.length, 'every comment was published at once');
      // Events are numbered by the node holding the sequencer's lease (15 s): when that is the killed node, the other
      // takes over once the lease expires, and live events are late by up to that long, never lost.
      await until('the reader to receive every acknowledged comment', async () => expected.every((id) => reader.created().has(id)), 20_000).catch(() => {
        assert.deepEqual(expected.filter((id) => !reader.created().has(id)), [], `the live reader missed these (reconnections: ${reader.reconnections}; got ${reader.events.map((e) => `${e.id}:${e.event}`).join(' ')})`);
      });
      const ids = reader.events.filter((e) => e.event === 'comment.created').map(createdId);
      assert.equal(new Set(ids).size, ids.length, 'and received each once');
    } finally {
      await l.stop();
      await reader.stop();
      nodes[0] = await startNode(victim.name, victim.port);
    }
  });

  test('a rolling restart (SIGTERM one node, start it again, then the other) under light load: no failed request, live readers miss nothing', async () => {
    const reader = liveReader(`/api/v1/stories/${storyId}/events`);
    const l = load('during a rolling restart', 500);
    try {
      await until('the reader to be ready', async () => reader.events.some((e) => e.event === 'ready'));
      await sleep(1000);
      for (let i = 0; i < nodes.length; i++) {
        const n = nodes[i] as Node;
        await stopNode(n, 'SIGTERM');
        assert.equal(n.proc.exitCode, 0, `${n.name} stopped cleanly: ${n.log.slice(-2000)}`);
        const from = accessLog().length;
        nodes[i] = await startNode(n.name, n.port);
        // nginx's health checks are passive: a node that refused connections while it restarted is left aside for
        // fail_timeout (10 s) after its last failure, so "ready" is not enough. Stopping the other node before nginx
        // sends this one requests again leaves nginx with no live upstream: 502s. Wait until it serves through nginx.
        await until(`nginx to send requests to ${n.name} again`, async () => accessLog().slice(from).includes(` upstream=127.0.0.1:${n.port} upstream_status=200\n`), 20_000);
      }
      await l.stop();
      const s = summary(l);
      assert.deepEqual(s.failedGets, [], `every GET succeeded (${s.gets})`);
      const acked = l.posts.filter((p) => p.status === 201);
      assert.deepEqual(await missingFromDb(acked.map((p) => p.id as string)), [], 'every acknowledged comment is stored');
      assert.deepEqual(s.failedPosts, [], `every POST succeeded (${s.posts}); nginx error log:\n${errorLog().slice(-3000)}`);
      const expected = acked.map((p) => p.id as string);
      await until('the reader to receive every comment', async () => expected.every((id) => reader.created().has(id)), 20_000).catch(() => {
        assert.deepEqual(expected.filter((id) => !reader.created().has(id)), [], `the live reader missed these (reconnections: ${reader.reconnections})`);
      });
      assert.ok(reader.reconnections >= 1, 'the reader’s stream was moved at least once');
    } finally {
      await l.stop();
      await reader.stop();
    }
  });
});
