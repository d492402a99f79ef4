// `npm run bench:spike` (issue 20): a story breaks. On a story of 1,000 comments, first-page reads (wrk -t2 -c50),
// posts paced at --rate per second and a few probe readers run together for --sec seconds, first alone, then with N
// readers holding the story's live stream (--readers, default 2,000 and 5,000 on SQLite, 2,000 on PostgreSQL +
// Redis with two nodes). Every node is started afresh for each phase, on the same database, so memory is that
// phase's. Prints the table (alone | spike | ratio | target | met) and writes bench/results/spike-<db>.json and .md.
//
// Options: --sec=S (20), --rate=R (50), --readers=N,N... (both databases), --only=sqlite|postgres, --probe=P (20
// probe readers), --reader-threads=T (2: worker threads holding the crowd), --agora-dir=<tree> (run that tree's
// build, seeded by its own code: `node --import tsx bench/spike/run.ts --agora-dir=...`, after `npm run build` there).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { freePort, ROOT, seedIn, sleep, startAgora, type Proc } from '../lib/proc.js';
import type { Seeded } from '../lib/seed.js';
import { wrk } from '../load/wrk.js';
import { phase, type PhaseResult } from './phase.js';
import { fdLimits, startPoster } from './procs.js';
import { markdown, type Kind } from './report.js';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const num = (name: string, def: number) => {
  const v = arg(name);
  if (v === undefined) return def;
  const x = Number(v);
  if (!Number.isFinite(x) || x <= 0) throw new Error(`--${name} must be a positive number, got "${v}"`);
  return x;
};
const only = arg('only');
if (only && only !== 'sqlite' && only !== 'postgres') throw new Error(`--only must be sqlite or postgres, got "${only}"`);
const readersArg = arg('readers')
  ?.split(',')
  .map((x) => Number(x.replace(/_/g, '')));
if (readersArg?.some((x) => !Number.isInteger(x) || x <= 0)) throw new Error(`--readers must be positive integers, e.g. --readers=2000,5000`);
const agoraDir = resolve(arg('agora-dir') ?? ROOT);
const otherTree = agoraDir !== resolve(ROOT);
const P = {
  comments: 1000,
  users: 300,
  sec: num('sec', 20),
  rate: num('rate', 50),
  probe: num('probe', 20),
  readerThreads: num('reader-threads', 2),
  readers: { sqlite: readersArg ?? [2000, 5000], postgres: readersArg ?? [2000] } as Record<Kind, number[]>,
  nodes: { sqlite: 1, postgres: 2 } as Record<Kind, number>,
};
const PG = process.env.AGORA_TEST_PG || 'postgres://postgres@127.0.0.1:5432';
const REDIS = process.env.AGORA_BENCH_REDIS || 'redis://127.0.0.1:6379';
const log = (s: string) => process.stderr.write(`${s}\n`);

// Each stream is a socket in the readers' process and in the node that serves it.
const fds = fdLimits();
const most = Math.max(...Object.values(P.readers).flat());
if (fds.hard < most + 1000) log(`WARNING: the open-file limit is ${fds.hard}; ${most} streams need more (raise it: ulimit -Hn, /etc/security/limits.conf)`);

const git = (...a: string[]) => {
  try {
    return execFileSync('git', ['-C', agoraDir, ...a], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }).trim();
  } catch {
    return 'unknown';
  }
};
const tree = { dir: agoraDir, commit: git('rev-parse', '--short', 'HEAD'), srcChanged: git('status', '--porcelain', '--', 'src') !== '' };

/** The story, seeded by this tree, or by the measured tree's own code with --agora-dir (see bench/lib/seed-other.ts). */
async function seed(kind: Kind): Promise<Seeded> {
  const opts = { comments: P.comments, users: P.users, publicUrl: `http://localhost:${await freePort()}`, pgBase: PG };
  if (otherTree) return seedIn(agoraDir, kind, opts);
  const { seedStory } = await import('../lib/seed.js');
  return seedStory(kind, opts);
}

/** Nodes at full speed: the flood guards lifted so the run measures the path, and room for every stream. */
function nodeEnv(kind: Kind, seeded: Seeded, crowd: number): Record<string, string> {
  return {
    ...seeded.env,
    AGORA_WRITES_PER_MINUTE: '1000000',
    AGORA_RUN_JOBS: 'false',
    AGORA_SECRET: 'bench-secret',
    AGORA_MAX_STREAMS: String(Math.max(20_000, crowd + P.probe + 1000)),
    // Every reader comes from 127.0.0.1: a per-client cap on streams (where the build has one) would refuse them.
    AGORA_STREAMS_PER_CLIENT: '1000000',
    ...(kind === 'postgres' ? { REDIS_URL: REDIS } : {}),
  };
}

/** Fresh nodes, warmed up (JIT, caches, the classifiers' first load) with reads and posts that are not measured. */
async function startNodes(kind: Kind, seeded: Seeded, crowd: number): Promise<Proc[]> {
  const nodes: Proc[] = [];
  for (let i = 0; i < P.nodes[kind]; i++) nodes.push(await startAgora(nodeEnv(kind, seeded, crowd), [], agoraDir));
  const warm = startPoster({ urls: nodes.map((n) => n.url), storyId: seeded.storyId, tokens: seeded.tokens, rate: P.rate, sec: 2, nonce: 'warmup' });
  await Promise.all([wrk(nodes.map((n) => `${n.url}/api/v1/stories/${seeded.storyId}/comments`), { connections: 50, threads: 2, durationSec: 2 }), warm.result]);
  await sleep(500);
  return nodes;
}

const header = (kind: Kind) => [
  `Run ${new Date().toISOString()} on ${process.platform} ${process.arch}, Node ${process.version}, 2 cores shared by the nodes and every load generator. Command: \`${otherTree ? 'node --import tsx bench/spike/run.ts' : 'npm run bench:spike --'} ${process.argv.slice(2).join(' ')}\`.`,
  `Agora: the build in ${tree.dir} (commit ${tree.commit}${tree.srcChanged ? ', with uncommitted changes in src/' : ''}); ${P.nodes[kind]} node(s) on ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL + Redis'}, a story of ${P.comments.toLocaleString('en')} comments.`,
  `Each phase, ${P.sec} s: first-page reads (wrk -t2 -c50), posts paced at ${P.rate}/s by ${P.users} signed-in users in turn, ${P.probe} probe readers on the live stream; the spike adds N readers (plain node:http, no keep-alive agent, in ${P.readerThreads} worker threads of one process).`,
];

mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
for (const kind of (['sqlite', 'postgres'] as const).filter((k) => !only || only === k)) {
  log(`\n== ${kind}: seeding a story of ${P.comments} comments`);
  const seeded = await seed(kind);
  const pgUrl = kind === 'postgres' ? seeded.env.DATABASE_URL : undefined;
  const results: PhaseResult[] = [];
  try {
    for (const crowd of [0, ...P.readers[kind]]) {
      log(`-- ${kind}: ${crowd ? `spike, ${crowd} readers` : 'alone'}`);
      const nodes = await startNodes(kind, seeded, crowd);
      try {
        results.push(await phase({ nodes, storyId: seeded.storyId, tokens: seeded.tokens, crowd, probe: P.probe, sec: P.sec, rate: P.rate, readerThreads: P.readerThreads, ...(pgUrl ? { pgUrl } : {}) }));
      } finally {
        for (const n of nodes) await n.stop();
      }
    }
  } finally {
    await seeded.drop();
  }
  const [alone, ...spikes] = results as [PhaseResult, ...PhaseResult[]];
  const md = markdown(kind, alone, spikes, { header: header(kind) });
  const name = `spike-${kind}${otherTree ? `-${basename(agoraDir)}` : ''}`;
  writeFileSync(join(ROOT, `bench/results/${name}.json`), JSON.stringify({ params: P, agora: tree, startedAt: new Date().toISOString(), argv: process.argv.slice(2), alone, spikes }, null, 2));
  writeFileSync(join(ROOT, `bench/results/${name}.md`), md);
  console.log(md);
}
process.exit(0);
