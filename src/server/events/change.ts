import type { Db } from '../storage/db.js';
import { sql } from 'kysely';
import { isPostgres, withTx, type Tx } from '../storage/tx.js';
import { pendingRows, scrubPublic } from '../realtime/event-log.js';
import { changedComment, publicEffect, type PublicAppend, type PublicScrub } from '../realtime/public-events.js';
import type { DomainEvent } from './domain.js';
import { outboxRows, type OutboxStore } from './outbox.js';
import { queryShapes, slot } from '../storage/query-shapes.js';

type Shaped = ReturnType<typeof queryShapes>;

/** What a use case writes through while it makes one change. */
export interface Change {
  readonly tx: Tx;
  /** Records a domain event; it commits with the change's rows or not at all. */
  emit(event: DomainEvent): void;
  /**
   * The story's published-comment count moves by `delta`: recorded beside the change's public events and folded
   * into the story by the sequencer, so no change writes (or, on PostgreSQL, waits on) the story's row.
   */
  countStory(storyId: string, delta: number): void;
}

/** A committed change, for what must follow it (live streams, caches, the dispatcher). */
export interface Committed {
  events: DomainEvent[];
  /** It recorded public events or counts for the sequencer to number and fold. */
  public: boolean;
  /** Stories whose public state changed. */
  stories: string[];
  /** Something public was taken back: every node must drop what it cached before the request answers. */
  removal: boolean;
}

/**
 * Rewrites the copies a feature keeps of a comment that changed or went (webhook payloads) to what it is now, in the
 * same transaction: called for every edited, deleted or withdrawn comment, whether readers ever saw it or not.
 */
export type RemovalHook = (tx: Tx, commentId: string) => Promise<void>;

export interface ChangeOptions {
  db: Db;
  outbox: OutboxStore;
  removalHooks: RemovalHook[];
  /** Runs after the commit; its failure is logged, never turned into a failed request (the change is made). */
  afterCommit: (c: Committed) => Promise<void>;
  logError: (err: unknown, msg: string) => void;
}

/** Rows per table up to which `record` runs a statement compiled once per shape (one or two, nearly always). */
const SHAPED_ROWS = 4;

/** The rows with a `slot` in place of each value, and the values in slot order (see storage/query-shapes.ts). */
function slotted<T extends Record<string, unknown>>(rows: readonly T[], values: unknown[]): T[] {
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, slot(values.push(v) - 1)])) as T);
}

/**
 * Writes a change's outbox events and its public events. On PostgreSQL both inserts go as one statement (a
 * data-modifying CTE): a comment costs one round trip less. SQLite has no round trips; it takes the two inserts.
 * Every change runs this, so the usual shapes (a few rows) are compiled once: Kysely building and compiling the
 * inserts cost about as much as SQLite running them.
 */
async function record(shaped: Shaped, tx: Tx, events: readonly DomainEvent[], appends: readonly PublicAppend[], counts: ReadonlyMap<string, number>): Promise<void> {
  const outbox = outboxRows(events);
  const pending = pendingRows(appends, counts);
  const both = isPostgres(tx) && outbox.length > 0 && pending.length > 0;
  if (outbox.length <= SHAPED_ROWS && pending.length <= SHAPED_ROWS) {
    // Slots are numbered per statement: the CTE's from its one list of values, each plain insert from its own.
    const ov: unknown[] = [];
    const o = slotted(outbox, ov);
    const pv: unknown[] = both ? ov : [];
    const p = slotted(pending, pv);
    if (both) await shaped(`record:both:${o.length}:${p.length}`, () => tx.with('recorded', (db) => db.insertInto('outbox').values(o)).insertInto('story_pending').values(p), ov, tx);
    else {
      if (o.length > 0) await shaped(`record:outbox:${o.length}`, () => tx.insertInto('outbox').values(o), ov, tx);
      if (p.length > 0) await shaped(`record:pending:${p.length}`, () => tx.insertInto('story_pending').values(p), pv, tx);
    }
    return;
  }
  if (both) {
    await tx
      .with('recorded', (db) => db.insertInto('outbox').values(outbox))
      .insertInto('story_pending')
      .values(pending)
      .execute();
    return;
  }
  if (outbox.length > 0) await tx.insertInto('outbox').values(outbox).execute();
  if (pending.length > 0) await tx.insertInto('story_pending').values(pending).execute();
}

/** Changes committed together at most, on SQLite (see `grouped` below). */
const MAX_GROUP = 64;

/**
 * The unit of work: one transaction per state change. The use case writes its rows and audit entry through
 * `tx`, emits its events; then, still inside the transaction, earlier public events of changed comments are
 * rewritten or dropped, the events go to the outbox, and the public events and count deltas are recorded for the
 * sequencer (realtime/sequencer.ts), which numbers them once committed. Side effects
 * run only after the commit, from what was recorded.
 *
 * On SQLite, changes that arrive together share one commit (group commit): each runs inside its own savepoint, so
 * each is still all or nothing (a failed one is rolled back to its savepoint and fails alone), and each answers only
 * once the common commit is done. SQLite has one writer and its commit is the costliest statement of a comment
 * (every page the change dirtied goes to the WAL), so one commit for a burst instead of one per change is most of
 * the write path's throughput. PostgreSQL runs changes concurrently and groups commits itself: one transaction each.
 */
export function changeRunner(opts: ChangeOptions) {
  const shaped = queryShapes(opts.db);
  /** The change's own part of the transaction: its work, then the public log, copies, outbox and counters. */
  async function inTx<T>(tx: Tx, work: (c: Change) => Promise<T>): Promise<{ value: T; committed: Committed }> {
    const events: DomainEvent[] = [];
    const counts = new Map<string, number>();
    const value = await work({
      tx,
      emit: (e) => void events.push(e),
      countStory: (storyId, delta) => void counts.set(storyId, (counts.get(storyId) ?? 0) + delta),
    });
    const scrubs: PublicScrub[] = [];
    const appends: PublicAppend[] = [];
    const touched = new Set<string>();
    for (const e of events) {
      const effect = publicEffect(e);
      if (effect.scrub) scrubs.push(effect.scrub);
      if (effect.append) appends.push(effect.append);
      if (effect.scrub || effect.append) touched.add(e.storyId);
    }
    await scrubPublic(tx, scrubs);
    const changed = new Set(events.map(changedComment).filter((id): id is string => id !== null));
    for (const id of changed) for (const hook of opts.removalHooks) await hook(tx, id);
    await record(shaped, tx, events, appends, counts);
    const counted = [...counts].filter(([, d]) => d !== 0).map(([id]) => id);
    for (const id of counted) touched.add(id);
    const stories = [...touched];
    return { value, committed: { events, public: appends.length > 0 || counted.length > 0, stories, removal: scrubs.length > 0 } };
  }

  async function after(c: Committed): Promise<void> {
    if (c.events.length === 0 && c.stories.length === 0) return;
    await opts.afterCommit(c).catch((err: unknown) => opts.logError(err, 'after-commit delivery failed (the dispatcher will catch up)'));
  }

  async function single<T>(work: (c: Change) => Promise<T>): Promise<T> {
    const { value, committed } = await withTx(opts.db, (tx) => inTx(tx, work));
    await after(committed);
    return value;
  }

  interface Waiting {
    work: (c: Change) => Promise<unknown>;
    resolve: (v: unknown) => void;
    reject: (err: unknown) => void;
  }
  const queue: Waiting[] = [];
  let draining = false;

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const done: { w: Waiting; ok: boolean; value?: unknown; err?: unknown; committed?: Committed }[] = [];
      let current: Waiting | undefined;
      try {
        await withTx(opts.db, async (tx) => {
          // Changes that arrive while this group runs join it, up to MAX_GROUP.
          while (queue.length > 0 && done.length < MAX_GROUP) {
            const w = queue.shift() as Waiting;
            current = w;
            await sql`savepoint agora_change`.execute(tx);
            try {
              const r = await inTx(tx, w.work);
              await sql`release savepoint agora_change`.execute(tx);
              done.push({ w, ok: true, value: r.value, committed: r.committed });
            } catch (err) {
              await sql`rollback to savepoint agora_change`.execute(tx);
              await sql`release savepoint agora_change`.execute(tx);
              done.push({ w, ok: false, err });
            }
            current = undefined;
          }
        });
      } catch (err) {
        // The commit itself (or a savepoint) failed: no change of the group was made.
        for (const d of done) d.w.reject(err);
        current?.reject(err);
        continue;
      }
      for (const d of done) {
        if (!d.ok) d.w.reject(d.err);
        else void after(d.committed as Committed).then(() => d.w.resolve(d.value));
      }
    }
    draining = false;
  }

  function grouped<T>(work: (c: Change) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      // better-sqlite3 answers synchronously, so a request runs from its socket's data to here within one turn of
      // the event loop: starting the group after this turn's I/O lets every request of the turn join it.
      if (!draining) {
        draining = true;
        setImmediate(() => void drain());
      }
    });
  }

  return isPostgres(opts.db) ? single : grouped;
}
export type ChangeRunner = <T>(work: (c: Change) => Promise<T>) => Promise<T>;
