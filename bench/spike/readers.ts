// Live readers process of the spike benchmark: holds `readers` SSE streams of one story, spread over the nodes'
// URLs, in `threads` worker threads (reader-worker.ts), so that the readers are not what limits the run.
// Line protocol: stdin line 1 is the JSON input below; stdout says {"type":"ready",...}; stdin line 2 is
// {"published": [[k, sent µs, answered µs], ...], "idleMs", "graceMs"}: the process then waits until every reader
// has every published post, or no new one arrived for idleMs, or graceMs passed, and prints {"type":"done",...}.
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { merge, newHist, sparse, summary } from './hist.js';
import type { WorkerInput } from './reader-worker.js';

interface Input {
  urls: string[];
  readers: number;
  threads: number;
  nonce: string;
  maxPosts: number;
  retryMs: number;
}
type Sparse = { buckets: [number, number][]; max: number };
interface Done {
  missing: number;
  complete: number;
  beforeAnswer: number;
  reconnects: number;
  resets: number;
  refusals: Record<string, number>;
  fromSend: Sparse;
  fromAnswer: Sparse;
}

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const next = async () => JSON.parse(((await lines.next()).value as string | undefined) ?? 'null') as unknown;
const input = (await next()) as Input;
// Resolves once the line is handed to the pipe: exiting earlier would cut a long line (a pipe write is async).
const say = (m: object) => new Promise<void>((r) => process.stdout.write(`${JSON.stringify(m)}\n`, () => r()));

const WORKER = new URL('./reader-worker.ts', import.meta.url).href;
const threads = Math.max(1, Math.min(input.threads, input.readers));
const workers: Worker[] = [];
const ready: Promise<{ connected: number; failed: number; refusals: Record<string, number> }>[] = [];
for (let t = 0, first = 0; t < threads; t++) {
  const count = Math.floor(input.readers / threads) + (t < input.readers % threads ? 1 : 0);
  const data: WorkerInput = { urls: input.urls, first, count, nonce: input.nonce, maxPosts: input.maxPosts, retryMs: input.retryMs, batch: 100 };
  first += count;
  // The worker is TypeScript: Node 20 does not apply this process's `--import tsx` hooks to workers, so the worker
  // loads its module through tsx's API (resolved from the cwd, the repository).
  const w = new Worker(`import('tsx/esm/api').then((t) => t.tsImport(${JSON.stringify(WORKER)}, ${JSON.stringify(import.meta.url)}))`, { eval: true, workerData: data });
  // A thread that fails (cannot load, runs out of memory) ends the run loudly rather than leaving it waiting.
  w.once('error', (e) => {
    process.stderr.write(`readers: a worker thread failed: ${e.message}\n`);
    process.exit(1);
  });
  workers.push(w);
  ready.push(new Promise((r) => w.once('message', r)));
}
const opened = await Promise.all(ready);
const refusals: Record<string, number> = {};
for (const o of opened) for (const [s, n] of Object.entries(o.refusals)) refusals[s] = (refusals[s] ?? 0) + n;
await say({ type: 'ready', connected: opened.reduce((a, o) => a + o.connected, 0), failed: opened.reduce((a, o) => a + o.failed, 0), refusals });

const fin = (await next()) as { published: [number, number, number][]; idleMs: number; graceMs: number } | null;
// The orchestrator is gone (its stdin closed without the list): nothing left to measure.
if (!fin) process.exit(1);
const ask = <T>(w: Worker, type: string) =>
  new Promise<T>((resolve) => {
    w.once('message', resolve);
    w.postMessage({ type, published: fin.published });
  });
const t0 = Date.now();
let lastMissing = Infinity;
let lastChange = t0;
for (;;) {
  const p = await Promise.all(workers.map((w) => ask<{ missing: number }>(w, 'progress')));
  const missing = p.reduce((a, x) => a + x.missing, 0);
  if (missing < lastMissing) {
    lastMissing = missing;
    lastChange = Date.now();
  }
  if (missing === 0 || Date.now() - lastChange > fin.idleMs || Date.now() - t0 > fin.graceMs) break;
  await new Promise((r) => setTimeout(r, 500));
}
const waitedMs = Date.now() - t0;
const done = await Promise.all(workers.map((w) => ask<Done>(w, 'finish')));
const fromSend = newHist();
const fromAnswer = newHist();
// Refusals over the whole run (each thread's count includes those at the start).
const refused: Record<string, number> = {};
for (const d of done) {
  merge(fromSend, d.fromSend);
  merge(fromAnswer, d.fromAnswer);
  for (const [s, n] of Object.entries(d.refusals)) refused[s] = (refused[s] ?? 0) + n;
}
const sum = (f: (d: Done) => number) => done.reduce((a, d) => a + f(d), 0);
await say({
  type: 'done',
  readers: input.readers,
  published: fin.published.length,
  expected: input.readers * fin.published.length,
  missing: sum((d) => d.missing),
  complete: sum((d) => d.complete),
  beforeAnswer: sum((d) => d.beforeAnswer),
  reconnects: sum((d) => d.reconnects),
  resets: sum((d) => d.resets),
  refusals: refused,
  waitedMs,
  fromSend: summary(fromSend),
  fromAnswer: summary(fromAnswer),
  // Kept so the orchestrator can merge the probe's and the crowd's deliveries into one figure.
  fromSendHist: sparse(fromSend),
});
process.exit(0);
