// The spike benchmark's load processes: live readers (readers.ts) and the poster (poster.ts), each a node process
// of its own so that their CPU can be read apart from the server's and from each other's.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from '../lib/proc.js';
import type { Summary } from './hist.js';

export interface ReadersDone {
  readers: number;
  published: number;
  expected: number;
  missing: number;
  complete: number;
  beforeAnswer: number;
  reconnects: number;
  resets: number;
  refusals: Record<string, number>;
  waitedMs: number;
  fromSend: Summary;
  fromAnswer: Summary;
  fromSendHist: { buckets: [number, number][]; max: number };
}

export interface Readers {
  pid: number;
  connected: number;
  failed: number;
  refusals: Record<string, number>;
  /** Hands over the published posts; resolves when every reader has them all or the waits are over. */
  finish(published: [number, number, number][], idleMs: number, graceMs: number): Promise<ReadersDone>;
  kill(): void;
}

/** The soft and hard limits on open files of this process (children inherit them). */
export function fdLimits(): { soft: number; hard: number } {
  const m = /Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  const n = (s: string | undefined) => (s === undefined ? NaN : s === 'unlimited' ? Infinity : Number(s));
  return { soft: n(m?.[1]), hard: n(m?.[2]) };
}

/**
 * Spawns node with `args` through bash, its open-file limit raised to the hard limit first: each stream is a
 * socket, and a soft limit of 1,024 would make the readers, not the server, refuse connections.
 */
function nodeWithFds(args: string[]): ChildProcess {
  return spawn('bash', ['-c', 'ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"', process.execPath, '--import', 'tsx', ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
}

/** Starts a readers process and waits until each of its streams is open (or refused). */
export async function startReaders(o: { urls: string[]; readers: number; threads: number; nonce: string; maxPosts: number; retryMs: number }): Promise<Readers> {
  const child = nodeWithFds([join(ROOT, 'bench/spike/readers.ts')]);
  const out = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`readers process exited ${String(code)}`))));
  exited.catch(() => undefined);
  const line = async <T>() => {
    const r = await Promise.race([out.next(), exited]);
    if (r.done) throw new Error('readers process closed its output');
    return JSON.parse(r.value as string) as T;
  };
  child.stdin?.write(`${JSON.stringify(o)}\n`);
  const ready = await line<{ connected: number; failed: number; refusals: Record<string, number> }>();
  return {
    pid: child.pid as number,
    ...ready,
    finish: async (published, idleMs, graceMs) => {
      child.stdin?.end(`${JSON.stringify({ published, idleMs, graceMs })}\n`);
      return line<ReadersDone>();
    },
    kill: () => child.kill('SIGKILL'),
  };
}

export interface PosterResult {
  offered: number;
  sentForSec: number;
  published: [number, number, number][];
  held: number;
  errors: number;
  statuses: Record<string, number>;
  inFlightLeft: number;
  latency: Summary;
  publishedPerSec: number;
}

/** Starts the poster; `pid` is known at once (for the CPU sampler), `result` when every post is answered. */
export function startPoster(o: { urls: string[]; storyId: string; tokens: string[]; rate: number; sec: number; nonce: string }): { pid: number; result: Promise<PosterResult> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/spike/poster.ts'), JSON.stringify(o)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const result = new Promise<PosterResult>((resolve, reject) =>
    child.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last) return reject(new Error(`poster exited ${String(code)}`));
      resolve(JSON.parse(last) as PosterResult);
    }),
  );
  return { pid: child.pid as number, result };
}
