// One thread of live readers (see readers.ts): holds its share of the SSE streams with plain node:http, no agent
// (one socket each, as browsers on different machines would have), and does the least work per chunk: it finds the
// posts' markers and the last `id:` line, and stamps the arrival time of each post's first copy. Everything else
// (percentiles, completeness) is computed once the posting is over, from the stamps.
import { request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { newHist, nowUs, record, sparse } from './hist.js';

export interface WorkerInput {
  urls: string[];
  /** Global index of this thread's first reader (readers are spread over the URLs by global index). */
  first: number;
  count: number;
  nonce: string;
  /** Posts indexed 0..maxPosts-1 are tracked. */
  maxPosts: number;
  /** Wait before reconnecting, as the server's `retry:` asks EventSource to. */
  retryMs: number;
  /** Streams opened at once while connecting. */
  batch: number;
}

/** Per reader: whether it is done (the run is over), the last event id it saw, its unfinished text. */
interface Reader {
  i: number;
  lastId: string | null;
  carry: string;
}

const input = workerData as WorkerInput;
const port = parentPort;
if (!port) throw new Error('reader-worker runs as a worker thread');
const M = input.maxPosts;
// arrivals[r * M + k]: when reader r first saw post k, in 0.1 ms since BASE, plus 1 (0: not yet).
const arrivals = new Uint32Array(input.count * M);
const BASE = nowUs();
const MARK = `spike-${input.nonce}-`;
let finished = false;
let connected = 0;
let failed = 0;
let reconnects = 0;
let resets = 0;
let lastArrival = 0;
const refusals: Record<string, number> = {};

function scan(r: Reader, chunk: string): void {
  const text = r.carry ? r.carry + chunk : chunk;
  // Only whole SSE blocks are read, so a marker or an id split across two chunks is read once it is complete.
  const end = text.lastIndexOf('\n\n');
  if (end < 0) {
    r.carry = text;
    return;
  }
  let stamp = 0;
  for (let at = text.indexOf(MARK); at >= 0 && at < end; at = text.indexOf(MARK, at + MARK.length)) {
    let j = at + MARK.length;
    let k = 0;
    for (let c = text.charCodeAt(j); c >= 48 && c <= 57; c = text.charCodeAt(++j)) k = k * 10 + c - 48;
    if (k >= M) continue;
    const slot = r.i * M + k;
    // A comment's marker is in its HTML and may come again (a replay): the first copy is the delivery.
    if (arrivals[slot] === 0) {
      if (stamp === 0) stamp = Math.floor((nowUs() - BASE) / 100) + 1;
      arrivals[slot] = stamp;
      lastArrival = stamp;
    }
  }
  const idAt = text.lastIndexOf('\nid: ', end);
  const idStart = idAt >= 0 ? idAt + 5 : text.startsWith('id: ') ? 4 : -1;
  if (idStart >= 0) r.lastId = text.slice(idStart, text.indexOf('\n', idStart));
  if (text.includes('event: reset')) resets++;
  r.carry = text.slice(end + 2);
}

function open(r: Reader, first: boolean): Promise<void> {
  return new Promise((resolve) => {
    const url = input.urls[(input.first + r.i) % input.urls.length] as string;
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (r.lastId) headers['last-event-id'] = r.lastId;
    let settled = false;
    const again = () => {
      if (!settled) {
        settled = true;
        if (first) failed++;
        resolve();
      }
      // Like EventSource: a stream that ends or fails is opened again, resuming from the last id it saw.
      if (!finished && !first) setTimeout(() => void open(r, false), input.retryMs);
    };
    const req = request(url, { agent: false, headers }, (res) => {
      if (res.statusCode !== 200) {
        refusals[String(res.statusCode)] = (refusals[String(res.statusCode)] ?? 0) + 1;
        res.resume();
        return again();
      }
      settled = true;
      if (first) connected++;
      resolve();
      r.carry = '';
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => scan(r, chunk));
      res.on('close', () => {
        if (finished) return;
        reconnects++;
        setTimeout(() => void open(r, false), input.retryMs);
      });
    });
    req.on('error', again);
    req.end();
  });
}

const readers: Reader[] = Array.from({ length: input.count }, (_, i) => ({ i, lastId: null, carry: '' }));
for (let i = 0; i < readers.length; i += input.batch) await Promise.all(readers.slice(i, i + input.batch).map((r) => open(r, true)));
port.postMessage({ type: 'ready', connected, failed, refusals });

/** [k, sent µs, answered µs] of each published post: the pairs (reader, post) still missing, and the latencies. */
type Published = [number, number, number][];
const missing = (pub: Published) => {
  let n = 0;
  for (let r = 0; r < input.count; r++) for (const [k] of pub) if (k >= M || arrivals[r * M + k] === 0) n++;
  return n;
};

port.on('message', (m: { type: 'progress' | 'finish'; published: Published }) => {
  if (m.type === 'progress') {
    port.postMessage({ type: 'progress', missing: missing(m.published), lastArrival });
    return;
  }
  finished = true;
  const fromSend = newHist();
  const fromAnswer = newHist();
  let beforeAnswer = 0;
  let complete = 0;
  for (let r = 0; r < input.count; r++) {
    let all = true;
    for (const [k, sent, answered] of m.published) {
      const a = k < M ? (arrivals[r * M + k] ?? 0) : 0;
      if (a === 0) {
        all = false;
        continue;
      }
      const at = BASE + (a - 1) * 100;
      record(fromSend, (at - sent) / 1000);
      record(fromAnswer, (at - answered) / 1000);
      if (at < answered) beforeAnswer++;
    }
    if (all) complete++;
  }
  port.postMessage({ type: 'done', missing: missing(m.published), complete, beforeAnswer, reconnects, resets, refusals, fromSend: sparse(fromSend), fromAnswer: sparse(fromAnswer) });
});
