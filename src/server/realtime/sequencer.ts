import type { Db } from '../storage/db.js';
import { withTx } from '../storage/tx.js';
import { leasedLoop } from '../events/leased-loop.js';
import { numberPending, type StoryMessage } from './event-log.js';

export interface SequencerOptions {
  db: Db;
  pollMs: number;
  /** Hands the numbered messages to every node (the broker), once their numbers are committed. */
  publish: (messages: StoryMessage[]) => Promise<void>;
  log: (err: unknown, msg: string) => void;
}

/** Rows numbered per step at most: a burst of a breaking story is numbered in a few transactions, not hundreds. */
const BATCH = 500;

/**
 * Numbers the public events that changes recorded (see migration 009) and folds their count deltas into the
 * stories, one leased node at a time, so that each story's events are numbered in one order that every node and
 * every replay agree on, without any change waiting on the story's row. The committing node kicks it (or tells the
 * holder through the broker); it also polls, for changes made by the command line or a node that died.
 */
export function sequencer(opts: SequencerOptions) {
  const loop = leasedLoop({
    db: opts.db,
    name: 'sequencer',
    pollMs: opts.pollMs,
    batchSize: BATCH,
    // Short: readers wait for the numbers, so a node that died holding the lease is replaced within seconds (a clean
    // stop lets it go at once). Renewing it costs one statement every 2.5 s.
    leaseMs: 5_000,
    log: opts.log,
    step: async () => {
      const { taken, messages } = await withTx(opts.db, (tx) => numberPending(tx, BATCH));
      if (messages.length > 0) await opts.publish(messages).catch((err: unknown) => opts.log(err, 'sequencer: publishing failed (nodes resync from the log)'));
      return taken;
    },
  });
  return loop;
}
export type Sequencer = ReturnType<typeof sequencer>;

/**
 * Numbers everything waiting, at once, outside the lease: for a process that runs no sequencer of its own (the
 * command line), so its change's number is in the log when it returns. Safe beside a running sequencer: the rows
 * are taken under lock (PostgreSQL) or by the one writer (SQLite), each by one of them.
 */
export async function numberNow(db: Db): Promise<StoryMessage[]> {
  const all: StoryMessage[] = [];
  for (;;) {
    const { taken, messages } = await withTx(db, (tx) => numberPending(tx, BATCH));
    all.push(...messages);
    if (taken < BATCH) return all;
  }
}
