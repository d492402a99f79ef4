// The benchmark suite: `npm run bench` (quick, CI-sized) or `npm run bench -- --full` (the README's figures).
// Every figure is measured in this run, with the same load generator (autocannon, in its own process) against
// baselines started in this run, on SQLite and on PostgreSQL, and for two nodes on PostgreSQL + Redis.
// Writes bench/results/bench-<mode>.json and .md.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuMs, freePort, ROOT, rssMb, runLoad, sleep, startAgora, startProc, until, type Proc } from './lib/proc.js';
import { seedStory, type Seeded } from './lib/seed.js';

const full = process.argv.includes('--full');
// --only=sqlite|postgres|cluster runs one part (the rows of that part only are written).
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
// --reads stops each database's part after the two read cases: a short before/after for a change to the read path.
const readsOnly = process.argv.includes('--reads');
// --writes runs only the write case of each database's part (no baselines, reads or live readers): a short
// before/after for a change to the write path.
const writesOnly = process.argv.includes('--writes');
const MODE = full ? 'full' : 'quick';
const P = {
  comments: 10_000,
  users: 300,
  readSec: full ? 15 : 5,
  writeSec: full ? 15 : 5,
  connections: 50,
  liveReaders: full ? 10_000 : 1_000,
  livePosts: full ? 20 : 10,
  clusterReaders: full ? 2_000 : 500,
};
const PG = process.env.AGORA_TEST_PG || 'postgres://postgres@127.0.0.1:5432';
const REDIS = process.env.AGORA_BENCH_REDIS || 'redis://127.0.0.1:6379';

interface Cannon {
  requestsPerSec: number;
  latencyP50: number;
  latencyP99: number;
  non2xx: number;
  errors: number;
  total: number;
}
interface Live {
  connected: number;
  failed: number;
  deliveries: number;
  expected: number;
  p50: number;
  p99: number;
  max: number;
}
const rows: { case: string; db: string; value: string; target: string; ok: boolean | null; detail: string }[] = [];
const raw: Record<string, unknown> = { mode: MODE, params: P, startedAt: new Date().toISOString() };
const log = (s: string) => process.stderr.write(`${s}\n`);

// Agora at full speed: generous limits so the benchmark measures the path, not the flood guard.
const FAST = { AGORA_WRITES_PER_MINUTE: '1000000', AGORA_RUN_JOBS: 'false', AGORA_SECRET: 'bench-secret', AGORA_MAX_STREAMS: '20000' };
// --cpu-prof=<dir>: the Agora nodes write a V8 CPU profile there when they stop (open it in Chrome DevTools).
const cpuProf = process.argv.find((a) => a.startsWith('--cpu-prof='))?.slice(11);
const NODE_ARGS = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] : [];

async function cannon(urls: string[], extra: object = {}, sec = P.readSec): Promise<Cannon> {
  return runLoad<Cannon>('bench/load/cannon.ts', { urls, connections: P.connections, durationSec: sec, ...extra });
}

async function baselines(body: string): Promise<{ nodeHttp: Cannon; fastify: Cannon }> {
  const file = join(tmpdir(), `agora-bench-body-${process.pid}.json`);
  writeFileSync(file, body);
  const out: Record<string, Cannon> = {};
  for (const [name, script] of [['nodeHttp', 'bench/baselines/node-http.ts'], ['fastify', 'bench/baselines/fastify.ts']] as const) {
    const port = await freePort();
    const proc = await startProc(['--import', 'tsx', script], { PORT: String(port), BODY_FILE: file }, port, '/health');
    out[name] = await cannon([`${proc.url}/bench`]);
    await proc.stop();
  }
  rmSync(file, { force: true });
  return out as { nodeHttp: Cannon; fastify: Cannon };
}

/** Posts `count` comments one a `gapMs`, each carrying its send time for the readers to measure delivery. */
async function writer(url: string, storyId: string, token: string, count: number, gapMs: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await fetch(`${url}/api/v1/stories/${storyId}/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ body: `Live note ${i} t=${Date.now()}` }),
    });
    await sleep(gapMs);
  }
}

async function live(readUrls: string[], writeUrl: string, seeded: Seeded, readers: number, server: Proc[]): Promise<Live & { rssMb: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/load/sse.ts'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  // Listened for at once: the readers may finish (and exit) before the writer returns.
  const exited = new Promise((r) => child.once('exit', r));
  child.stdin.end(JSON.stringify({ urls: readUrls.map((u) => `${u}/api/v1/stories/${seeded.storyId}/events`), readers, durationSec: 60, expected: P.livePosts }));
  await until('readers connected', async () => err.includes('READY'), 180_000);
  await sleep(1000);
  const rss = Math.max(...server.map((s) => rssMb(s.child.pid as number)));
  await writer(writeUrl, seeded.storyId, seeded.tokens[0] as string, P.livePosts, 250);
  const rssAfter = Math.max(...server.map((s) => rssMb(s.child.pid as number)));
  await exited;
  log(err.trim());
  return { ...(JSON.parse(out.trim()) as Live), rssMb: Math.round(Math.max(rss, rssAfter)) };
}

function row(c: string, db: string, value: string, target: string, ok: boolean | null, detail = '') {
  rows.push({ case: c, db, value, target, ok, detail });
  log(`${c} [${db}]: ${value} (${target}) ${ok === null ? '' : ok ? 'OK' : 'MISSED'} ${detail}`);
}

/** The two read cases of one database, against the bare baselines started for them. */
async function reads(kind: 'sqlite' | 'postgres', readUrl: string): Promise<Record<string, unknown>> {
  const body = await (await fetch(readUrl)).text();
  const base = await baselines(body);
  // Warm-up (JIT, caches, the classifiers' first load) is not measured.
  await cannon([readUrl], {}, 2);
  const read = await cannon([readUrl]);
  const deep = await cannon([`${readUrl}?sort=reactions&cursor=${encodeURIComponent(((await (await fetch(`${readUrl}?sort=reactions&limit=20`)).json()) as { nextCursor: string }).nextCursor)}`]);
  const ratio = read.requestsPerSec / base.fastify.requestsPerSec;
  row('read: first page, 10,000-comment story', kind, `${Math.round(read.requestsPerSec)} req/s (p99 ${read.latencyP99} ms)`, '≥ 50% of bare Fastify', ratio >= 0.5, `${Math.round(ratio * 100)}% of Fastify ${Math.round(base.fastify.requestsPerSec)} req/s; node:http ${Math.round(base.nodeHttp.requestsPerSec)} req/s; ${read.non2xx} non-2xx`);
  row('read: deep page (indexed cursor, sort=reactions)', kind, `${Math.round(deep.requestsPerSec)} req/s (p99 ${deep.latencyP99} ms)`, '–', null, `${deep.non2xx} non-2xx`);
  return { base, read, deep };
}

for (const kind of (['sqlite', 'postgres'] as const).filter((k) => !only || only === k)) {
  log(`\n== ${kind}: seeding a story of ${P.comments} comments`);
  const port0 = await freePort();
  const seeded = await seedStory(kind, { comments: P.comments, users: P.users, publicUrl: `http://localhost:${port0}`, pgBase: PG });
  const agora = await startAgora({ ...seeded.env, ...FAST }, NODE_ARGS);
  const readUrl = `${agora.url}/api/v1/stories/${seeded.storyId}/comments`;
  raw[kind] = writesOnly ? {} : await reads(kind, readUrl);
  if (readsOnly) {
    await agora.stop();
    await seeded.drop();
    continue;
  }
  const postUrl = `${agora.url}/api/v1/stories/${seeded.storyId}/comments`;
  await cannon([postUrl], { method: 'POST', bodies: 'comment', tokens: seeded.tokens }, 2);
  // The server's CPU time per comment is steadier than the rate on a shared machine (the load generator and other
  // work take the same cores), so a change to the write path is best read there.
  const cpu0 = cpuMs(agora.child.pid as number);
  const write = await cannon([postUrl], { method: 'POST', bodies: 'comment', tokens: seeded.tokens }, P.writeSec);
  const cpuPerComment = (cpuMs(agora.child.pid as number) - cpu0) / Math.max(1, write.total);
  const written = write.requestsPerSec * (1 - write.non2xx / Math.max(1, write.total));
  (raw[kind] as Record<string, unknown>).write = { ...write, serverCpuMsPerRequest: cpuPerComment };
  row('write: comments through the moderation pipeline, many users', kind, `${Math.round(written)} comments/s (p99 ${write.latencyP99} ms)`, kind === 'sqlite' ? '≥ 1,000/s' : '–', kind === 'sqlite' ? written >= 1000 : null, `${P.users} users, ${write.non2xx} non-2xx of ${write.total}; server CPU ${cpuPerComment.toFixed(2)} ms per comment`);
  if (writesOnly) {
    await agora.stop();
    await seeded.drop();
    continue;
  }
  const lv = await live([agora.url], agora.url, seeded, P.liveReaders, [agora]);
  (raw[kind] as Record<string, unknown>).live = lv;
  const okLive = lv.connected === P.liveReaders && lv.deliveries === lv.expected && lv.p99 <= 250 && lv.rssMb <= 300;
  row(`live: ${P.liveReaders.toLocaleString('en')} SSE readers on one node`, kind, `p50 ${lv.p50} ms, p99 ${lv.p99} ms, RSS ${lv.rssMb} MB`, 'p99 ≤ 250 ms, RSS ≤ 300 MB', okLive, `${lv.connected} connected, ${lv.deliveries}/${lv.expected} deliveries`);
  await agora.stop();
  await seeded.drop();
}

if ((!only || only === 'cluster') && !writesOnly) {
  log('\n== two nodes on PostgreSQL + Redis');
  const port0 = await freePort();
  const seeded = await seedStory('postgres', { comments: P.comments, users: P.users, publicUrl: `http://localhost:${port0}`, pgBase: PG });
  const env = { ...seeded.env, ...FAST, REDIS_URL: REDIS };
  const a = await startAgora(env, NODE_ARGS);
  const b = await startAgora(env, NODE_ARGS);
  const path = `/api/v1/stories/${seeded.storyId}/comments`;
  const one = await cannon([a.url + path]);
  const two = await cannon([a.url + path, b.url + path]);
  row('two nodes: read scaling', 'postgres+redis', `${Math.round(two.requestsPerSec)} req/s on 2 nodes vs ${Math.round(one.requestsPerSec)} on 1`, '–', null, `×${(two.requestsPerSec / one.requestsPerSec).toFixed(2)} (2 cores shared by both nodes and the load generator)`);
  const lv = await live([b.url], a.url, seeded, P.clusterReaders, [a, b]);
  row(`two nodes: cross-node delivery (${P.clusterReaders} readers on B, writer on A)`, 'postgres+redis', `p50 ${lv.p50} ms, p99 ${lv.p99} ms`, 'p99 ≤ 300 ms', lv.p99 <= 300 && lv.deliveries === lv.expected, `${lv.deliveries}/${lv.expected} deliveries`);
  raw.cluster = { one, two, live: lv };
  await a.stop();
  await b.stop();
  await seeded.drop();
}

const md = [
  `# Agora benchmarks (${MODE})`,
  '',
  `Run ${raw.startedAt as string} on ${process.platform} ${process.arch}, Node ${process.version}; 2 cores. Command: \`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\`.`,
  '',
  '| case | database | measured | target | met | detail |',
  '|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.case} | ${r.db} | ${r.value} | ${r.target} | ${r.ok === null ? '–' : r.ok ? 'yes' : '**no**'} | ${r.detail} |`),
  '',
].join('\n');
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const NAME = `${MODE}${only ? `-${only}` : ''}${readsOnly ? '-reads' : ''}${writesOnly ? '-writes' : ''}`;
writeFileSync(join(ROOT, `bench/results/bench-${NAME}.json`), JSON.stringify({ ...raw, rows }, null, 2));
writeFileSync(join(ROOT, `bench/results/bench-${NAME}.md`), md);
console.log(md);
