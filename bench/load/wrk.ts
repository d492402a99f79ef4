// Load generator: wrk (C, epoll), in its own process. autocannon, single-threaded JavaScript, topped out near
// 8,000 req/s on this machine, below the bare baselines it was meant to compare against; wrk with one thread and
// 50 connections does several times that, so the server is what runs out first. Reads are wrk's static GET; writes
// come from bench/load/wrk.lua (a new comment body per request, the bearer token rotating over the seeded users).
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuMs, ROOT } from '../lib/proc.js';

export interface Load {
  requestsPerSec: number;
  latencyP50: number;
  latencyP90: number;
  latencyP99: number;
  non2xx: number;
  /** 2xx answers whose body lacked `expect` (for comments: held or rejected rather than published). */
  unexpected: number;
  errors: number;
  total: number;
  /** wrk threads used, and the CPU wrk itself used per thread (% of one core): near 100, wrk set the rate. */
  threads: number;
  generatorCpuPct: number;
}

export interface LoadOptions {
  connections: number;
  durationSec: number;
  /** wrk threads: 1 leaves the other core of this 2-core machine to the server. */
  threads?: number;
  /** With tokens, each request POSTs a unique comment as the next user. */
  tokens?: string[];
  expect?: string;
}

interface WrkJson {
  requests: number;
  durationUs: number;
  non2xx: number;
  unexpected: number;
  errors: number;
  timeouts: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  maxUs: number;
}

let runs = 0;

function wrkOnce(url: string, o: LoadOptions & { connections: number }): Promise<WrkJson & { cpuMs: number }> {
  const nonce = `${process.pid.toString(36)}${Date.now().toString(36)}${(runs++).toString(36)}`;
  const tokenFile = o.tokens ? join(tmpdir(), `agora-bench-tokens-${nonce}.txt`) : undefined;
  if (tokenFile) writeFileSync(tokenFile, (o.tokens ?? []).join('\n'));
  const env: Record<string, string> = { ...(process.env as Record<string, string>), WRK_NONCE: nonce };
  if (tokenFile) env.WRK_TOKENS = tokenFile;
  if (o.expect) env.WRK_EXPECT = o.expect;
  const threads = Math.min(o.threads ?? 1, o.connections);
  // --timeout well above any p99 seen, so slow answers are measured rather than dropped as timeouts.
  const args = ['-t', String(threads), '-c', String(o.connections), '-d', `${o.durationSec}s`, '--timeout', '10s', '-s', join(ROOT, 'bench/load/wrk.lua'), url];
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    // wrk's own CPU time, read while it runs (its /proc entry is gone once it exits): a generator near one core per
    // thread is the ceiling of what it measured.
    let used = 0;
    const poll = setInterval(() => {
      try {
        used = cpuMs(child.pid as number);
      } catch {
        // exited
      }
    }, 100);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      if (tokenFile) rmSync(tokenFile, { force: true });
      const line = out.split('\n').find((l) => l.startsWith('WRK_JSON '));
      if (code !== 0 || !line) return reject(new Error(`wrk exited ${code}: ${out.trim()}`));
      resolve({ ...(JSON.parse(line.slice(9)) as WrkJson), cpuMs: used });
    });
  });
}

/** Runs wrk against each URL at once (one process each, the connections split between them) and sums the results. */
export async function wrk(urls: string[], o: LoadOptions): Promise<Load> {
  const connections = Math.max(1, Math.round(o.connections / urls.length));
  const rs = await Promise.all(urls.map((u) => wrkOnce(u, { ...o, connections })));
  const sum = (f: (r: WrkJson) => number) => rs.reduce((a, r) => a + f(r), 0);
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    requestsPerSec: sum((r) => r.requests / (r.durationUs / 1e6)),
    latencyP50: ms(Math.max(...rs.map((r) => r.p50Us))),
    latencyP90: ms(Math.max(...rs.map((r) => r.p90Us))),
    latencyP99: ms(Math.max(...rs.map((r) => r.p99Us))),
    non2xx: sum((r) => r.non2xx),
    unexpected: sum((r) => r.unexpected),
    errors: sum((r) => r.errors + r.timeouts),
    total: sum((r) => r.requests),
    threads: Math.min(o.threads ?? 1, connections),
    generatorCpuPct: Math.round(Math.max(...rs.map((r) => r.cpuMs / (r.durationUs / 1000) / Math.min(o.threads ?? 1, connections))) * 100),
  };
}
