// One phase of the spike benchmark on running nodes: `crowd` readers holding the story's live stream (0 for the
// phase alone), then, together for `sec` seconds, (a) first-page reads with wrk, (b) posts paced at `rate` per
// second and (c) a few probe readers; then the readers are given the list of published posts and wait for them.
import { randomBytes } from 'node:crypto';
import { sleep, type Proc } from '../lib/proc.js';
import { wrk, type Load } from '../load/wrk.js';
import { merge, newHist, summary, type Summary } from './hist.js';
import { startPoster, startReaders, type PosterResult, type Readers, type ReadersDone } from './procs.js';
import { startSampler, type Sampled } from './sample.js';

export interface PhaseOptions {
  nodes: Proc[];
  storyId: string;
  tokens: string[];
  crowd: number;
  probe: number;
  sec: number;
  rate: number;
  readerThreads: number;
  /** A PostgreSQL database to watch for lock waits. */
  pgUrl?: string;
}

export interface PhaseResult {
  crowd: number;
  reads: Load;
  posts: Omit<PosterResult, 'published'> & { publishedCount: number };
  /** Every reader (probe and crowd): delivery from each post's send, and completeness. */
  delivery: Summary & { expected: number; missing: number; readersComplete: number; readers: number };
  probe: ReadersDone & { connected: number; failed: number };
  crowdReaders?: ReadersDone & { connected: number; failed: number; connectSec: number };
  sampled: Sampled;
  /** Server CPU (all nodes) per published post over the window, ms; it includes the reads and the fan-out. */
  serverCpuMsPerPost: number;
  /** CPU used over the window as a share of one core, by process (node0, crowd, probe, poster, wrk). */
  cpuPct: Record<string, number>;
}

// After the last answer, readers may wait this long without a new delivery, and this long in all, before the
// posts they have not received are counted missing.
const IDLE_MS = 15_000;
const GRACE_MS = 120_000;
// The server's `retry:` (realtime-routes.ts): what EventSource waits before it reconnects.
const RETRY_MS = 3000;
const log = (s: string) => process.stderr.write(`${s}\n`);

/** Runs one phase; the nodes are left running. */
export async function phase(o: PhaseOptions): Promise<PhaseResult> {
  const eventUrls = o.nodes.map((n) => `${n.url}/api/v1/stories/${o.storyId}/events`);
  const readUrls = o.nodes.map((n) => `${n.url}/api/v1/stories/${o.storyId}/comments`);
  // A fresh marker per phase: posts of another phase (or the warm-up) are never counted as this one's.
  const nonce = randomBytes(4).toString('hex');
  // Room for the posts of a late poster catching up, and then some.
  const maxPosts = Math.ceil(o.rate * o.sec) + 16;
  const opts = { urls: eventUrls, nonce, maxPosts, retryMs: RETRY_MS };
  let crowd: (Readers & { connectSec: number }) | undefined;
  if (o.crowd > 0) {
    const t = performance.now();
    log(`  opening ${o.crowd} streams`);
    crowd = { ...(await startReaders({ ...opts, readers: o.crowd, threads: o.readerThreads })), connectSec: (performance.now() - t) / 1000 };
    log(`  ${crowd.connected} connected, ${crowd.failed} failed in ${crowd.connectSec.toFixed(1)} s`);
  }
  const probe = await startReaders({ ...opts, readers: o.probe, threads: 1 });
  // Let the last connections settle (their ready events, the first heartbeats) before measuring.
  await sleep(1000);

  const poster = startPoster({ urls: o.nodes.map((n) => n.url), storyId: o.storyId, tokens: o.tokens, rate: o.rate, sec: o.sec, nonce });
  const sampler = startSampler({ nodes: o.nodes.map((n) => n.child.pid as number), loadgens: { probe: probe.pid, poster: poster.pid, ...(crowd ? { crowd: crowd.pid } : {}) }, ...(o.pgUrl ? { pgUrl: o.pgUrl } : {}) });
  const [reads, posted] = await Promise.all([wrk(readUrls, { connections: 50, threads: 2, durationSec: o.sec }), poster.result]);
  const sampled = await sampler.stop();
  log(`  reads ${Math.round(reads.requestsPerSec)} req/s; posts ${posted.published.length}/${posted.offered} published, p99 ${posted.latency.p99} ms; waiting for deliveries`);

  const [p, c] = await Promise.all([probe.finish(posted.published, IDLE_MS, GRACE_MS), crowd?.finish(posted.published, IDLE_MS, GRACE_MS)]);
  probe.kill();
  crowd?.kill();
  const all = newHist();
  merge(all, p.fromSendHist);
  if (c) merge(all, c.fromSendHist);
  const serverCpu = o.nodes.reduce((a, _, i) => a + (sampled.cpuMs[`node${i}`] ?? 0), 0);
  const cpuPct: Record<string, number> = {};
  for (const [name, ms] of Object.entries(sampled.cpuMs)) cpuPct[name] = Math.round((ms / sampled.windowMs) * 100);
  const { published, ...posts } = posted;
  return {
    crowd: o.crowd,
    reads,
    posts: { ...posts, publishedCount: published.length },
    delivery: {
      ...summary(all),
      readers: p.readers + (c?.readers ?? 0),
      expected: p.expected + (c?.expected ?? 0),
      missing: p.missing + (c?.missing ?? 0),
      readersComplete: p.complete + (c?.complete ?? 0),
    },
    probe: { ...withoutHist(p), connected: probe.connected, failed: probe.failed },
    ...(c && crowd ? { crowdReaders: { ...withoutHist(c), connected: crowd.connected, failed: crowd.failed, connectSec: crowd.connectSec } } : {}),
    sampled,
    serverCpuMsPerPost: serverCpu / Math.max(1, published.length),
    cpuPct,
  };
}

/** The raw histogram is for merging only; the results file keeps the summaries. */
const withoutHist = (d: ReadersDone): ReadersDone => ({ ...d, fromSendHist: { buckets: [], max: d.fromSendHist.max } });
