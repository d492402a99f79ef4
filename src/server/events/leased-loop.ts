import { randomBytes } from 'node:crypto';
import type { Db } from '../storage/db.js';
import { nowIso } from '../storage/ids.js';

export interface LeasedLoopOptions {
  db: Db;
  /** The lease's name: one node at a time runs a loop of that name. */
  name: string;
  /** One step of work; returns how many items it took (a full batch means: look again at once). */
  step: () => Promise<number>;
  /** How often an idle loop looks for work that other nodes (or the command line) recorded. */
  pollMs: number;
  batchSize: number;
  leaseMs?: number;
  log: (err: unknown, msg: string) => void;
}

/**
 * Work that any number of nodes may run and exactly one does at a time: a lease row names the holder, and a node
 * that dies leaves a lease that simply expires. `kick` asks for a step now rather than at the next poll.
 */
export function leasedLoop(opts: LeasedLoopOptions) {
  const node = randomBytes(8).toString('hex');
  const leaseMs = opts.leaseMs ?? 15_000;
  let heldUntil = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = true;

  /** Takes or renews the lease when it is missing, expired, or ours and half gone. */
  async function holdLease(now = Date.now()): Promise<boolean> {
    if (heldUntil - now > leaseMs / 2) return true;
    const until = nowIso(now + leaseMs);
    await opts.db
      .insertInto('leases')
      .values({ name: opts.name, holder: node, expires_at: until })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ holder: node, expires_at: until })
          .where((eb) => eb.or([eb('leases.expires_at', '<', nowIso(now)), eb('leases.holder', '=', node)])),
      )
      .execute();
    const row = await opts.db.selectFrom('leases').select('holder').where('name', '=', opts.name).executeTakeFirst();
    heldUntil = row?.holder === node ? now + leaseMs : 0;
    return heldUntil > 0;
  }

  /** One step if this node holds the lease; returns how many items it took. Tests call it to step. */
  async function runOnce(): Promise<number> {
    if (!(await holdLease())) return 0;
    return opts.step();
  }

  function schedule(delay: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, delay);
    timer.unref();
  }

  function tick(): void {
    if (running) {
      again = true;
      return;
    }
    running = runOnce().catch((err: unknown) => {
      opts.log(err, `${opts.name} failed to poll`);
      return 0;
    });
    void running.then((n) => {
      running = undefined;
      const more = again || n >= opts.batchSize;
      again = false;
      schedule(more ? 0 : opts.pollMs);
    });
  }

  return {
    runOnce,
    /** Whether this node held the lease at its last look (a node without it may tell the holder to look). */
    holds(now = Date.now()): boolean {
      return heldUntil > now;
    },
    /** Work was just recorded on this node: look now rather than at the next poll (a no-op without the lease). */
    kick(): void {
      if (stopped) return;
      if (running) again = true;
      else schedule(0);
    },
    /** A step found work it must leave for later (a row another change holds): no immediate retry. */
    backOff(): void {
      again = false;
    },
    start(): void {
      if (!stopped) return;
      stopped = false;
      schedule(0);
    },
    /** Stops polling and waits for the step in hand; the lease is let go so another node takes over at once. */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running;
      if (heldUntil > 0) await opts.db.deleteFrom('leases').where('name', '=', opts.name).where('holder', '=', node).execute().catch(() => {});
      heldUntil = 0;
    },
  };
}
export type LeasedLoop = ReturnType<typeof leasedLoop>;
