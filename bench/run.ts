// The benchmark suite: `npm run bench` (quick, CI-sized) or `npm run bench -- --full` (the README's figures).
// Every figure is measured in this run, with the same load generator (wrk, in its own process) against baselines
// started in this run, on SQLite and on PostgreSQL, and for two nodes on PostgreSQL + Redis.
// Writes bench/results/bench-<mode>.json and .md.
//
// Before/after on one machine: `--agora-dir=<tree>` runs Agora from that tree's build (`npm run build` there first)
// with this tree's load code; seeding then uses that tree's own seed code (see bench/lib/seed-other.ts). Started as
// `node --import tsx bench/run.ts --agora-dir=...`, which does not build this tree, alternately with
// `npm run bench -- ...` for the current tree.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { cpuMs, freePort, pressure, ROOT, rssMb, seedIn, sleep, startAgora, startProc, until, type Proc } from './lib/proc.js';
import type { Seeded } from './lib/seed.js';
import { tempDb } from './lib/tempdb.js';
import { wrk, type Load } from './load/wrk.js';

const full = process.argv.includes('--full');
// --only=sqlite|postgres|cluster runs one part (the rows of that part only are written).
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
// --reads stops each database's part after the two read cases: a short before/after for a change to the read path.
const readsOnly = process.argv.includes('--reads');
// --writes runs only the write case of each database's part, with its write baseline (no reads or live readers): a
// short before/after for a change to the write path.
const writesOnly = process.argv.includes('--writes');
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const agoraDir = resolve(arg('agora-dir') ?? ROOT);
const otherTree = agoraDir !== resolve(ROOT);
// --sec=N measures each read and write case for N seconds (the warm-ups stay as they are).
const sec = arg('sec') ? Number(arg('sec')) : undefined;
const MODE = full ? 'full' : 'quick';
const P = {
  comments: 10_000,
  users: 300,
  readSec: sec ?? (full ? 15 : 5),
  writeSec: sec ?? (full ? 15 : 5),
  connections: 50,
  // One wrk thread: the other core of this 2-core machine is the server's.
  wrkThreads: 1,
  liveReaders: full ? 10_000 : 1_000,
  livePosts: full ? 20 : 10,
  clusterReaders: full ? 2_000 : 500,
};
const PG = process.env.AGORA_TEST_PG || 'postgres://postgres@127.0.0.1:5432';
const REDIS = process.env.AGORA_BENCH_REDIS || 'redis://127.0.0.1:6379';

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
// Which build was measured: the tree's commit, and whether its src differed from it (a build of work in progress).
// GIT_OPTIONAL_LOCKS=0: the status read never takes the index lock from someone committing in that tree.
const git = (...a: string[]) => {
  try {
    return execFileSync('git', ['-C', agoraDir, ...a], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }).trim();
  } catch {
    return 'unknown';
  }
};
const tree = { dir: agoraDir, commit: git('rev-parse', '--short', 'HEAD'), srcChanged: git('status', '--porcelain', '--', 'src') !== '' };
const raw: Record<string, unknown> = { mode: MODE, params: P, agora: tree, startedAt: new Date().toISOString() };
const log = (s: string) => process.stderr.write(`${s}\n`);

// Agora at full speed: generous limits so the benchmark measures the path, not the flood guard.
// Every live reader comes from 127.0.0.1, so the per-client stream cap is lifted too.
const FAST = { AGORA_WRITES_PER_MINUTE: '1000000', AGORA_RUN_JOBS: 'false', AGORA_SECRET: 'bench-secret', AGORA_MAX_STREAMS: '20000', AGORA_STREAMS_PER_CLIENT: '1000000' };
// --cpu-prof=<dir>: the Agora nodes write a V8 CPU profile there when they stop (open it in Chrome DevTools).
const cpuProf = process.argv.find((a) => a.startsWith('--cpu-prof='))?.slice(11);
const NODE_ARGS = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] : [];

// What every 2xx answer to a comment POST should say; anything else (held, rejected) is counted apart.
const PUBLISHED = '"status":"published"';

async function load(urls: string[], extra: { tokens?: string[]; expect?: string } = {}, durationSec = P.readSec): Promise<Load> {
  return wrk(urls, { connections: P.connections, durationSec, threads: P.wrkThreads, ...extra });
}

async function baselines(body: string): Promise<{ nodeHttp: Load; fastify: Load }> {
  const file = join(tmpdir(), `agora-bench-body-${process.pid}.json`);
  writeFileSync(file, body);
  const out: Record<string, Load> = {};
  for (const [name, script] of [['nodeHttp', 'bench/baselines/node-http.ts'], ['fastify', 'bench/baselines/fastify.ts']] as const) {
    const port = await freePort();
    const proc = await startProc(['--import', 'tsx', script], { PORT: String(port), BODY_FILE: file }, port, '/health');
    await load([`${proc.url}/bench`], {}, 1);
    out[name] = await load([`${proc.url}/bench`]);
    await proc.stop();
  }
  rmSync(file, { force: true });
  return out as { nodeHttp: Load; fastify: Load };
}

/**
 * The write baseline of one database (bench/baselines/write.ts) on a fresh database of its own, with the same
 * requests as Agora's case; its CPU per insert is read the same way as Agora's per comment.
 */
async function writeBaseline(kind: 'sqlite' | 'postgres', tokens: string[]): Promise<Load & { cpuMsPerRequest: number }> {
  const db = await tempDb(kind, PG);
  const port = await freePort();
  const proc = await startProc(['--import', 'tsx', 'bench/baselines/write.ts'], { PORT: String(port), ...db.env }, port, '/health');
  const url = `${proc.url}/bench`;
  await load([url], { tokens, expect: PUBLISHED }, 1);
  const cpu0 = cpuMs(proc.child.pid as number);
  const r = await load([url], { tokens, expect: PUBLISHED }, P.writeSec);
  const cpuMsPerRequest = (cpuMs(proc.child.pid as number) - cpu0) / Math.max(1, r.total);
  await proc.stop();
  await db.drop();
  return { ...r, cpuMsPerRequest };
}

/** A story of P.comments comments, seeded by this tree, or by the measured tree's own code with --agora-dir. */
async function seed(kind: 'sqlite' | 'postgres'): Promise<Seeded> {
  const opts = { comments: P.comments, users: P.users, publicUrl: `http://localhost:${await freePort()}`, pgBase: PG };
  if (otherTree) return seedIn(agoraDir, kind, opts);
  // Imported only here, so a run against another tree's build never loads this tree's src.
  const { seedStory } = await import('./lib/seed.js');
  return seedStory(kind, opts);
}

/** Warns when the load generator, not the server, may have set a rate: the baseline should run well above it. */
function headroom(what: string, baseline: number, measured: number): string {
  const x = baseline / Math.max(1, measured);
  if (x < 1.25) log(`WARNING ${what}: the baseline ran only ×${x.toFixed(1)} Agora's rate; the load generator may be the ceiling`);
  return `baseline ×${x.toFixed(1)} Agora's rate`;
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
  await load([readUrl], {}, 2);
  const read = await load([readUrl]);
  const deep = await load([`${readUrl}?sort=reactions&cursor=${encodeURIComponent(((await (await fetch(`${readUrl}?sort=reactions&limit=20`)).json()) as { nextCursor: string }).nextCursor)}`]);
  const ratio = read.requestsPerSec / base.fastify.requestsPerSec;
  row('read: first page, 10,000-comment story', kind, `${Math.round(read.requestsPerSec)} req/s (p99 ${read.latencyP99} ms)`, '≥ 50% of bare Fastify', ratio >= 0.5, `${Math.round(ratio * 100)}% of Fastify ${Math.round(base.fastify.requestsPerSec)} req/s; node:http ${Math.round(base.nodeHttp.requestsPerSec)} req/s (${headroom(`read [${kind}]`, base.nodeHttp.requestsPerSec, read.requestsPerSec)}); ${read.non2xx} non-2xx`);
  row('read: deep page (indexed cursor, sort=reactions)', kind, `${Math.round(deep.requestsPerSec)} req/s (p99 ${deep.latencyP99} ms)`, '–', null, `${deep.non2xx} non-2xx`);
  return { base, read, deep };
}

for (const kind of (['sqlite', 'postgres'] as const).filter((k) => !only || only === k)) {
  log(`\n== ${kind}: seeding a story of ${P.comments} comments`);
  const seeded = await seed(kind);
  const agora = await startAgora({ ...seeded.env, ...FAST }, NODE_ARGS, agoraDir);
  const readUrl = `${agora.url}/api/v1/stories/${seeded.storyId}/comments`;
  raw[kind] = writesOnly ? {} : await reads(kind, readUrl);
  if (readsOnly) {
    await agora.stop();
    await seeded.drop();
    continue;
  }
  // The baseline first, while Agora idles: the same requests, on a database of the same kind.
  const wbase = await writeBaseline(kind, seeded.tokens);
  const postUrl = `${agora.url}/api/v1/stories/${seeded.storyId}/comments`;
  await load([postUrl], { tokens: seeded.tokens, expect: PUBLISHED }, 2);
  // The server's CPU time per comment is steadier than the rate on a shared machine (the load generator and other
  // work take the same cores), so a change to the write path is best read there. On PostgreSQL it leaves out the
  // database's own processes.
  // Other work on the machine shows here: the 1-minute load average as the measured part starts, and the share of
  // it during which some task waited for a CPU or for I/O.
  const busy = loadavg()[0] as number;
  const psi0 = pressure();
  const t0 = performance.now();
  const cpu0 = cpuMs(agora.child.pid as number);
  const write = await load([postUrl], { tokens: seeded.tokens, expect: PUBLISHED }, P.writeSec);
  const cpuPerComment = (cpuMs(agora.child.pid as number) - cpu0) / Math.max(1, write.total);
  const psi1 = pressure();
  const stall = (k: 'cpu' | 'io') => Math.round(((psi1[k] - psi0[k]) / 1000 / (performance.now() - t0)) * 100);
  const written = write.requestsPerSec * (1 - write.non2xx / Math.max(1, write.total));
  const baseRate = wbase.requestsPerSec * (1 - wbase.non2xx / Math.max(1, wbase.total));
  (raw[kind] as Record<string, unknown>).write = { ...write, serverCpuMsPerRequest: cpuPerComment, loadAvg: busy, cpuStallPct: stall('cpu'), ioStallPct: stall('io'), baseline: wbase };
  const baseName = kind === 'sqlite' ? 'Fastify + better-sqlite3' : 'Fastify + pg';
  row('write: comments through the moderation pipeline, many users', kind, `${Math.round(written)} comments/s (p90 ${write.latencyP90} ms, p99 ${write.latencyP99} ms)`, kind === 'sqlite' ? '≥ 1,000/s' : '–', kind === 'sqlite' ? written >= 1000 : null, `${P.users} users, ${write.non2xx} non-2xx and ${write.unexpected} not published of ${write.total}; server CPU ${cpuPerComment.toFixed(2)} ms per comment; load average ${busy.toFixed(1)}, stalled on CPU ${stall('cpu')}% / I/O ${stall('io')}% of the time`);
  row('write: vs a bare insert of one row', kind, `×${(written / Math.max(1, baseRate)).toFixed(3)} of ${baseName}`, '–', null, `baseline ${Math.round(baseRate)} inserts/s (p99 ${wbase.latencyP99} ms), ${wbase.cpuMsPerRequest.toFixed(3)} ms CPU per insert, ${wbase.non2xx} non-2xx of ${wbase.total}; ${headroom(`write [${kind}]`, baseRate, written)}`);
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
  const seeded = await seed('postgres');
  const env = { ...seeded.env, ...FAST, REDIS_URL: REDIS };
  const a = await startAgora(env, NODE_ARGS, agoraDir);
  const b = await startAgora(env, NODE_ARGS, agoraDir);
  const path = `/api/v1/stories/${seeded.storyId}/comments`;
  await load([a.url + path, b.url + path], {}, 2);
  const one = await load([a.url + path]);
  const two = await load([a.url + path, b.url + path]);
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
  `Run ${raw.startedAt as string} on ${process.platform} ${process.arch}, Node ${process.version}; 2 cores. Command: \`${otherTree ? 'node --import tsx bench/run.ts' : 'npm run bench --'} ${process.argv.slice(2).join(' ')}\`. Load: wrk -t${P.wrkThreads} -c${P.connections}.`,
  `Agora: the build in ${tree.dir} (commit ${tree.commit}${tree.srcChanged ? ', with uncommitted changes in src/' : ''}).`,
  '',
  '| case | database | measured | target | met | detail |',
  '|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.case} | ${r.db} | ${r.value} | ${r.target} | ${r.ok === null ? '–' : r.ok ? 'yes' : '**no**'} | ${r.detail} |`),
  '',
].join('\n');
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const NAME = `${MODE}${only ? `-${only}` : ''}${readsOnly ? '-reads' : ''}${writesOnly ? '-writes' : ''}${otherTree ? `-${basename(agoraDir)}` : ''}`;
writeFileSync(join(ROOT, `bench/results/bench-${NAME}.json`), JSON.stringify({ ...raw, rows }, null, 2));
writeFileSync(join(ROOT, `bench/results/bench-${NAME}.md`), md);
console.log(md);
