// What the spike benchmark reads from the machine while a phase runs, every 250 ms: the server nodes' resident memory
// (peak), the CPU time of every process taking part (the nodes, the readers, the poster, and wrk, found as this
// process's children), and on PostgreSQL the sessions waiting on a lock (pg_stat_activity).
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { loadavg } from 'node:os';
import { cpuMs, pressure, rssMb, sleep } from '../lib/proc.js';

export interface Sampled {
  windowMs: number;
  /** Peak VmRSS of each node, MB. */
  peakRssMb: number[];
  /** CPU time used during the window, ms, by process name (the nodes as node0, node1...). */
  cpuMs: Record<string, number>;
  /** On PostgreSQL: the most sessions seen at once waiting on a lock, on a statement about `stories`, and which waits. */
  /** Other work on the machine: the 1-minute load average at the start, and the share of the window during which
   * some task waited for a CPU (Linux PSI). */
  machine: { loadAvg: number; cpuStallPct: number };
  locks?: { maxWaiting: number; maxOnStories: number; samples: number; waitEvents: Record<string, number>; statements: string[] };
}

const EVERY_MS = 250;

/** wrk processes started by this process (bench/load/wrk.ts spawns them). */
function wrkPids(): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces, so the fields are read after its closing parenthesis.
      const ppid = Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[1]);
      if (ppid === process.pid && stat.includes('(wrk)')) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Starts sampling; `stop()` ends it and returns what was seen over the window. */
export function startSampler(o: { nodes: number[]; loadgens: Record<string, number>; pgUrl?: string }) {
  const t0 = performance.now();
  const load0 = loadavg()[0] ?? NaN;
  const psi0 = pressure().cpu;
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const names = new Map<number, string>();
  o.nodes.forEach((pid, i) => names.set(pid, `node${i}`));
  for (const [name, pid] of Object.entries(o.loadgens)) names.set(pid, name);
  const peak = o.nodes.map(() => 0);
  const tick = () => {
    for (const pid of wrkPids()) if (!names.has(pid)) names.set(pid, 'wrk');
    for (const pid of names.keys()) {
      try {
        const c = cpuMs(pid);
        // A process born during the window (wrk) started from zero.
        if (!first.has(pid)) first.set(pid, names.get(pid) === 'wrk' ? 0 : c);
        last.set(pid, c);
      } catch {
        // exited: its last sample stands
      }
    }
    o.nodes.forEach((pid, i) => {
      try {
        peak[i] = Math.max(peak[i] ?? 0, rssMb(pid));
      } catch {
        // exited
      }
    });
  };
  tick();
  const timer = setInterval(tick, EVERY_MS);

  let locks: Sampled['locks'];
  let client: pg.Client | undefined;
  let pgTimer: NodeJS.Timeout | undefined;
  if (o.pgUrl) {
    const db = new URL(o.pgUrl).pathname.slice(1);
    const l = { maxWaiting: 0, maxOnStories: 0, samples: 0, waitEvents: {} as Record<string, number>, statements: [] as string[] };
    locks = l;
    const c = new pg.Client({ connectionString: o.pgUrl });
    // A lost connection (the database restarted, or a session was terminated) ends the lock samples, not the run;
    // the report shows how many samples were taken.
    c.on('error', () => clearInterval(pgTimer));
    client = c;
    let busy = false;
    const poll = async () => {
      if (busy) return;
      busy = true;
      try {
        const r = await c.query<{ wait_event: string; query: string }>("SELECT wait_event, query FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()", [db]);
        l.samples++;
        l.maxWaiting = Math.max(l.maxWaiting, r.rows.length);
        // A waiter on a row of `stories` is running a statement on that table (its UPDATE of the counters or of
        // the event number); the wait itself shows as `tuple` or `transactionid`.
        l.maxOnStories = Math.max(l.maxOnStories, r.rows.filter((x) => /\bstories\b/i.test(x.query)).length);
        for (const x of r.rows) {
          l.waitEvents[x.wait_event] = (l.waitEvents[x.wait_event] ?? 0) + 1;
          // The first few distinct statements that waited, so the report can say which write queues.
          const q = x.query.replace(/\s+/g, ' ').slice(0, 160);
          if (l.statements.length < 5 && !l.statements.includes(q)) l.statements.push(q);
        }
      } catch {
        // a failed sample is skipped
      } finally {
        busy = false;
      }
    };
    c.connect().then(() => (pgTimer = setInterval(() => void poll(), EVERY_MS))).catch(() => undefined);
  }

  return {
    async stop(): Promise<Sampled> {
      tick();
      clearInterval(timer);
      clearInterval(pgTimer);
      // Bounded: ending a client whose connection was already lost may never settle.
      if (client) await Promise.race([client.end().catch(() => undefined), sleep(1000)]);
      const cpu: Record<string, number> = {};
      for (const [pid, name] of names) {
        const used = (last.get(pid) ?? 0) - (first.get(pid) ?? 0);
        cpu[name] = (cpu[name] ?? 0) + used;
      }
      const windowMs = performance.now() - t0;
      const machine = { loadAvg: load0, cpuStallPct: Math.round(((pressure().cpu - psi0) / 1000 / windowMs) * 100) };
      return { windowMs, machine, peakRssMb: peak.map((x) => Math.round(x)), cpuMs: cpu, ...(locks ? { locks } : {}) };
    },
  };
}
