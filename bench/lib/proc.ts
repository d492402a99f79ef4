import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropTempDb } from './tempdb.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `fn` is truthy or the time is up. */
export async function until(what: string, fn: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      if (await fn()) return;
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** Resident memory of a process, in MB, from /proc. */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Pressure stall totals (Linux PSI, µs that some task waited for the CPU or for I/O) since boot. Read around a
 * measured part they say how much other work (or I/O the run left behind) shared the machine with it.
 */
export function pressure(): { cpu: number; io: number } {
  const some = (what: string) => {
    try {
      return Number(/some .*total=(\d+)/.exec(readFileSync(`/proc/pressure/${what}`, 'utf8'))?.[1] ?? NaN);
    } catch {
      return NaN;
    }
  };
  return { cpu: some('cpu'), io: some('io') };
}

export interface Proc {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a process that serves HTTP on `port` and waits for `readyPath` to answer 200. */
export async function startProc(args: string[], env: Record<string, string>, port: number, readyPath = '/', cwd = ROOT): Promise<Proc> {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  // A process that exits at start (e.g. a build refusing the database's migrations) fails the run at once, not
  // after the readiness wait.
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${String(code)} before it was ready`))));
  exited.catch(() => undefined);
  await Promise.race([until(`${args.join(' ')} on ${port}`, async () => (await fetch(url + readyPath)).ok), exited]);
  return {
    url,
    child,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/**
 * Starts an Agora node from the compiled build of the tree `dir` (this one unless --agora-dir; `npm run build` there
 * first), with that tree as cwd; `nodeArgs` go to node itself (e.g. --cpu-prof).
 */
export async function startAgora(env: Record<string, string>, nodeArgs: string[] = [], dir = ROOT): Promise<Proc> {
  const port = await freePort();
  return startProc([...nodeArgs, join(dir, 'dist/server/main.js')], { PORT: String(port), HOST: '127.0.0.1', AGORA_PUBLIC_URL: `http://localhost:${port}`, ...env }, port, '/readyz', dir);
}

/** Seeds with the tree `dir`'s own seed code in a child process (see bench/lib/seed-other.ts for why). */
export async function seedIn(dir: string, kind: 'sqlite' | 'postgres', opts: { comments: number; users: number; publicUrl: string; pgBase: string }) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/lib/seed-other.ts'), kind, JSON.stringify(opts)], { cwd: dir, env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`seeding in ${dir} exited ${String(code)}`);
  const s = JSON.parse(out.trim().split('\n').pop() ?? '') as { env: Record<string, string>; storyId: string; tokens: string[] };
  return { ...s, drop: () => dropTempDb(s.env, opts.pgBase) };
}
