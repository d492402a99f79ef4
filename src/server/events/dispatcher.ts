import type { Db } from '../storage/db.js';
import { withTx, type Tx } from '../storage/tx.js';
import type { OutboxEvent, OutboxStore } from './outbox.js';
import { leasedLoop } from './leased-loop.js';

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

/** PostgreSQL's lock_not_available (a NOWAIT read met a row a change holds). */
const lockBusy = (err: unknown) => (err as { code?: unknown } | null)?.code === '55P03';

/**
 * The one dispatcher: delivers outbox events to the consumers, oldest first, in batches. Any number of nodes run
 * it; a lease decides which one works (events/leased-loop.ts). An event leaves the outbox in the transaction that
 * recorded its effects, so a crash at any point either delivers it again later (and the consumers' unique keys make
 * that a no-op) or has already done so: nothing is lost, nothing doubled.
 */
export function dispatcher(opts: DispatcherOptions) {
  const batchSize = opts.batchSize ?? 200;

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

  async function step(): Promise<number> {
    const batch = await opts.outbox.pending(batchSize);
    if (batch.length === 0) return 0;
    try {
      await deliver(batch);
    } catch (err) {
      // A change in flight holds a row a consumer reads (PostgreSQL's lock_not_available, from NOWAIT): not a fault
      // of any event; the batch is tried again at the next turn, after that change committed.
      if (lockBusy(err)) {
        loop.backOff();
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

  const loop = leasedLoop({ db: opts.db, name: 'dispatcher', step, pollMs: opts.pollMs, batchSize, leaseMs: opts.leaseMs, log: opts.log });
  return loop;
}
export type Dispatcher = ReturnType<typeof dispatcher>;
