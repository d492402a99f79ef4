import { randomBytes } from 'node:crypto';
import type { Db } from '../storage/db.js';
import { nowIso } from '../storage/ids.js';
import { withTx, type Tx } from '../storage/tx.js';
import type { OutboxEvent, OutboxStore } from './outbox.js';

/** Something that follows committed events: webhooks, notifications, other nodes, metrics. */
export interface Consumer {
  name: string;
  /**
   * Records what the events cause, in the dispatcher's transaction (which also forgets them), keyed by event id so
   * that a batch dispatched twice (a lease that expired mid-batch) adds nothing the second time.
   */
  record?(tx: Tx, batch: readonly OutboxEvent[]): Promise<void>;
  /** After that commit; at least once per event. */
  after?(batch: readonly OutboxEvent[]): void | Promise<void>;
}

export interface DispatcherOptions {
  db: Db;
  outbox: OutboxStore;
  consumers: Consumer[];
  /** How often an idle dispatcher looks for events other nodes (or the command line) recorded. */
  pollMs: number;
  leaseMs?: number;
  batchSize?: number;
  log: (err: unknown, msg: string) => void;
}

const LEASE = 'dispatcher';

/** PostgreSQL's lock_not_available (a NOWAIT read met a row a change holds). */
const lockBusy = (err: unknown) => (err as { code?: unknown } | null)?.code === '55P03';

/**
 * The one dispatcher: delivers outbox events to the consumers, oldest first, in batches. Any number of nodes run
 * it; a lease row decides which one works, and a node that dies leaves a lease that simply expires. An event leaves
 * the outbox in the transaction that recorded its effects, so a crash at any point either delivers it again later
 * (and the consumers' unique keys make that a no-op) or has already done so: nothing is lost, nothing doubled.
 */
export function dispatcher(opts: DispatcherOptions) {
  const node = randomBytes(8).toString('hex');
  const leaseMs = opts.leaseMs ?? 15_000;
  const batchSize = opts.batchSize ?? 200;
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
      .values({ name: LEASE, holder: node, expires_at: until })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ holder: node, expires_at: until })
          .where((eb) => eb.or([eb('leases.expires_at', '<', nowIso(now)), eb('leases.holder', '=', node)])),
      )
      .execute();
    const row = await opts.db.selectFrom('leases').select('holder').where('name', '=', LEASE).executeTakeFirst();
    heldUntil = row?.holder === node ? now + leaseMs : 0;
    return heldUntil > 0;
  }

  async function deliver(batch: OutboxEvent[]): Promise<void> {
    await withTx(opts.db, async (tx) => {
      for (const c of opts.consumers) await c.record?.(tx, batch);
      await opts.outbox.remove(tx, batch.map((e) => e.id));
    });
    for (const c of opts.consumers) {
      try {
        await c.after?.(batch);
      } catch (err) {
        opts.log(err, `dispatcher: ${c.name} failed after commit`);
      }
    }
  }

  /** Delivers one batch if this node holds the lease; returns how many events it took. Tests call it to step. */
  async function runOnce(): Promise<number> {
    if (!(await holdLease())) return 0;
    const batch = await opts.outbox.pending(batchSize);
    if (batch.length === 0) return 0;
    try {
      await deliver(batch);
    } catch (err) {
      // A change in flight holds a row a consumer reads (PostgreSQL's lock_not_available, from NOWAIT): not a fault
      // of any event; the batch is tried again at the next turn, after that change committed.
      if (lockBusy(err)) {
        again = false;
        return 0;
      }
      // One event a consumer cannot handle must not hold up the others: each is tried alone, and the one that
      // fails is counted, then left aside after MAX_DISPATCH_ATTEMPTS (see /metrics).
      for (const e of batch) {
        try {
          await deliver([e]);
        } catch (err) {
          if (lockBusy(err)) return 0;
          opts.log(err, `dispatcher: event ${e.id} (${e.event.type}) failed`);
          await opts.outbox.failed(e.id, err instanceof Error ? err.message : String(err)).catch(() => {});
        }
      }
    }
    return batch.length;
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
      opts.log(err, 'dispatcher failed to poll');
      return 0;
    });
    void running.then((n) => {
      running = undefined;
      const more = again || n >= batchSize;
      again = false;
      schedule(more ? 0 : opts.pollMs);
    });
  }

  return {
    runOnce,
    /** A change just committed on this node: look now rather than at the next poll (a no-op without the lease). */
    kick(): void {
      if (stopped) return;
      if (running) again = true;
      else schedule(0);
    },
    start(): void {
      if (!stopped) return;
      stopped = false;
      schedule(0);
    },
    /** Stops polling and waits for the batch in hand; the lease is let go so another node takes over at once. */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running;
      if (heldUntil > 0) await opts.db.deleteFrom('leases').where('name', '=', LEASE).where('holder', '=', node).execute().catch(() => {});
      heldUntil = 0;
    },
  };
}
export type Dispatcher = ReturnType<typeof dispatcher>;
