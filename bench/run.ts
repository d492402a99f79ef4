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
  // The issue's read case: a story of 1,000 comments (page 5 still has 900 below it).
  comments: 1_000,
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
// --sql-stats=<dir>: the Agora nodes count their statements (bench/lib/sql-stats.mjs) into <dir>/sql-<pid>.json.
const sqlStats = arg('sql-stats');
const NODE_ARGS = [...(cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] : []), ...(sqlStats ? ['--import', join(ROOT, 'bench/lib/sql-stats.mjs')] : [])];
if (sqlStats) {
  mkdirSync(sqlStats, { recursive: true });
  process.env.AGORA_BENCH_SQL_STATS = resolve(sqlStats);
}

// What every 2xx answer to a comment POST should say; anything else (held, rejected) is counted apart.
const PUBLISHED = '"status":"published"';

async function load(urls: string[], extra: { tokens?: string[]; expect?: string } = {}, durationSec = P.readSec): Promise<Load> {
  return wrk(urls, { connections: P.connections, durationSec, threads: P.wrkThreads, ...extra });
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

/** One rate: wrk with one thread and with two, the better of the two kept (see `ceiling`). */
interface Rate {
  best: Load & { cpuUsPerRequest: number };
  byThreads: (Load & { cpuUsPerRequest: number })[];
  /** Why this rate may be below what the server could do, if it may be; null when nothing says so. */
  ceiling: string | null;
}

/**
 * Measures `url` with wrk -t1 and -t2 and keeps the faster. On 2 cores one thread leaves the server a core; two
 * take more from it but send more. A rate is suspect when wrk spent most of a core per thread on the faster run (the
 * generator, not the server, set it), or when two threads beat one by more than 10% (one thread was not enough:
 * perhaps two were not either).
 */
async function rate(url: string, pid: number, durationSec = P.readSec): Promise<Rate> {
  const byThreads: (Load & { cpuUsPerRequest: number })[] = [];
  for (const threads of [1, 2]) {
    const cpu0 = cpuMs(pid);
    const r = await wrk([url], { connections: P.connections, durationSec, threads });
    byThreads.push({ ...r, cpuUsPerRequest: ((cpuMs(pid) - cpu0) * 1000) / Math.max(1, r.total) });
  }
  const [one, two] = byThreads as [Rate['best'], Rate['best']];
  const best = two.requestsPerSec > one.requestsPerSec ? two : one;
  const why: string[] = [];
  if (best.generatorCpuPct >= 90) why.push(`wrk used ${best.generatorCpuPct}% of a core per thread`);
  if (two.requestsPerSec > one.requestsPerSec * 1.1) why.push(`wrk -t2 beat -t1 by ${Math.round((two.requestsPerSec / one.requestsPerSec - 1) * 100)}% (wrk at ${best.generatorCpuPct}% of a core per thread: ${best.generatorCpuPct >= 90 ? 'the generator' : 'noise from other work on the machine, or the generator'})`);
  return { best, byThreads, ceiling: why.length ? why.join('; ') : null };
}

const fmt = (r: Rate) => `${Math.round(r.best.requestsPerSec).toLocaleString('en')} req/s (wrk -t${r.best.threads}, p99 ${r.best.latencyP99} ms, ${Math.round(r.best.cpuUsPerRequest)} µs server CPU per request)`;
/** Baseline CPU per request over Agora's: the rate ratio a CPU-bound server would reach, steadier under noise. */
const cpuRatio = (base: Rate, agora: Rate) => `${Math.round((base.best.cpuUsPerRequest / agora.best.cpuUsPerRequest) * 100)}% by CPU per request`;
const threadsOf = (r: Rate) => r.byThreads.map((l) => `-t${l.threads} ${Math.round(l.requestsPerSec)}`).join(', ');

/** A baseline server (bench/baselines/<script>) in its own process, measured on `/bench`, then stopped. */
async function baseline(script: string, env: Record<string, string>): Promise<Rate> {
  const port = await freePort();
  const proc = await startProc(['--import', 'tsx', `bench/baselines/${script}`], { PORT: String(port), ...env }, port, '/health');
  await wrk([`${proc.url}/bench`], { connections: P.connections, durationSec: 1, threads: 1 });
  const r = await rate(`${proc.url}/bench`, proc.child.pid as number);
  await proc.stop();
  return r;
}

/**
 * Says, in the run's log and in the row, when a baseline did not reach its own ceiling: its rate is then too low,
 * and Agora's ratio to it too kind. node:http replaying the same bytes is the ceiling above bare Fastify.
 */
function truth(what: string, base: Rate, agora: Rate, above?: Rate): string {
  const notes: string[] = [];
  if (base.ceiling) notes.push(`baseline may be generator-bound (${base.ceiling})`);
  if (agora.ceiling) notes.push(`Agora's rate may be generator-bound (${agora.ceiling})`);
  if (above && above.best.requestsPerSec < base.best.requestsPerSec * 0.9) notes.push(`node:http (${Math.round(above.best.requestsPerSec)} req/s) ran below bare Fastify: the run was disturbed`);
  for (const n of notes) log(`WARNING ${what}: ${n}`);
  return notes.length ? `**check**: ${notes.join('; ')}` : 'baseline at its own ceiling (wrk below 90% of a core, -t2 not faster)';
}

/**
 * The read cases of one database against their baselines, all measured in this run: the anonymous first page
 * (cached) against bare Fastify and node:http replaying its bytes; page 5 (cursor) against bare Fastify reading
 * the same 20 rows with the same driver.
 */
async function reads(kind: 'sqlite' | 'postgres', readUrl: string, seeded: Seeded, agora: Proc): Promise<Record<string, unknown>> {
  const body = await (await fetch(readUrl)).text();
  let deepUrl = readUrl;
  for (let page = 1; page < 5; page++) {
    const { nextCursor } = (await (await fetch(deepUrl)).json()) as { nextCursor: string };
    deepUrl = `${readUrl}?cursor=${encodeURIComponent(nextCursor)}`;
  }
  const file = join(tmpdir(), `agora-bench-body-${process.pid}.json`);
  writeFileSync(file, body);
  const nodeHttp = await baseline('node-http.ts', { BODY_FILE: file });
  const fastify = await baseline('fastify.ts', { BODY_FILE: file });
  rmSync(file, { force: true });
  const rows20 = await baseline('read.ts', { ...seeded.env, STORY_ID: seeded.storyId });
  // Warm-up (JIT, caches) is not measured.
  await load([readUrl], {}, 2);
  await load([deepUrl], {}, 2);
  const first = await rate(readUrl, agora.child.pid as number);
  const deep = await rate(deepUrl, agora.child.pid as number);
  const r1 = first.best.requestsPerSec / fastify.best.requestsPerSec;
  const r2 = deep.best.requestsPerSec / rows20.best.requestsPerSec;
  const driver = kind === 'sqlite' ? 'better-sqlite3' : 'pg';
  const [target2, ok2] = kind === 'sqlite' ? ['≥ 40% of bare Fastify + better-sqlite3', r2 >= 0.4] : ['≥ 50% of bare Fastify + pg (within 2×)', r2 >= 0.5];
  row(`read: anonymous first page, ${P.comments.toLocaleString('en')}-comment story`, kind, `${fmt(first)}; **${Math.round(r1 * 100)}%** of bare Fastify (${cpuRatio(fastify, first)})`, '≥ 60% of bare Fastify replaying the same bytes', r1 >= 0.6, `bare Fastify ${fmt(fastify)}; bare node:http ${fmt(nodeHttp)}; wrk threads: Agora ${threadsOf(first)}, Fastify ${threadsOf(fastify)}; ${first.best.non2xx} non-2xx; ${truth(`first page [${kind}]`, fastify, first, nodeHttp)}`);
  row('read: deep page (page 5, cursor, newest first)', kind, `${fmt(deep)}; **${Math.round(r2 * 100)}%** of bare Fastify + ${driver} (${cpuRatio(rows20, deep)}${kind === 'postgres' ? ', Node process only' : ''})`, target2, ok2, `bare Fastify + ${driver} reading the same 20 rows: ${fmt(rows20)}; wrk threads: Agora ${threadsOf(deep)}, baseline ${threadsOf(rows20)}; ${deep.best.non2xx} non-2xx; ${truth(`deep page [${kind}]`, rows20, deep)}`);
  return { baselines: { nodeHttp, fastify, rows20 }, first, deep, deepUrl, ratios: { firstPage: r1, deepPage: r2 } };
}
for (const kind of (['sqlite', 'postgres'] as const).filter((k) => !only || only === k)) {
  log(`\n== ${kind}: seeding a story of ${P.comments} comments`);
  const seeded = await seed(kind);
  const agora = await startAgora({ ...seeded.env, ...FAST }, NODE_ARGS, agoraDir);
  const readUrl = `${agora.url}/api/v1/stories/${seeded.storyId}/comments`;
  raw[kind] = writesOnly ? {} : await reads(kind, readUrl, seeded, agora);
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
  `Run ${raw.startedAt as string} on ${process.platform} ${process.arch}, Node ${process.version}; 2 cores. Command: \`${otherTree ? 'node --import tsx bench/run.ts' : 'npm run bench --'} ${process.argv.slice(2).join(' ')}\`. Load: wrk -c${P.connections}, in its own process; reads with -t1 and -t2, the faster kept; writes -t${P.wrkThreads}.`,
  'Read the ratios, not the rates: every baseline ran in this run, in its own process, on the same machine. A row marked **check** says why one rate may be below its ceiling (wrk near a full core per thread, or two wrk threads faster than one, or node:http below bare Fastify). Reads also give the server\'s CPU time per request (from /proc; on PostgreSQL the database\'s own processes are not counted), and the ratio of baseline to Agora CPU per request: on a shared machine it moves less than the rates.',
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
