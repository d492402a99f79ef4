import type { Db } from '../storage/db.js';
import { withTx, type Tx } from '../storage/tx.js';
import { appendPublic, scrubPublic, type StoryMessage } from '../realtime/event-log.js';
import { changedComment, publicEffect, type PublicAppend, type PublicScrub } from '../realtime/public-events.js';
import type { DomainEvent } from './domain.js';
import type { OutboxStore } from './outbox.js';

/** What a use case writes through while it makes one change. */
export interface Change {
  readonly tx: Tx;
  /** Records a domain event; it commits with the change's rows or not at all. */
  emit(event: DomainEvent): void;
  /**
   * The story's published-comment count moves by `delta`. Applied at the end, in the same statement that numbers
   * the story's public events, so the story's row is written (and, on PostgreSQL, locked) once per change.
   */
  countStory(storyId: string, delta: number): void;
}

/** A committed change, for what must follow it (live streams, caches, the dispatcher). */
export interface Committed {
  events: DomainEvent[];
  /** Its public events, numbered, in order. */
  messages: StoryMessage[];
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

/**
 * The unit of work: one transaction per state change. The use case writes its rows and audit entry through
 * `tx`, emits its events; then, still inside the transaction, earlier public events of changed comments are
 * rewritten or dropped, the events go to the outbox, and the public log and counters are written. Side effects
 * run only after the commit, from what was recorded.
 */
export function changeRunner(opts: ChangeOptions) {
  return async function change<T>(work: (c: Change) => Promise<T>): Promise<T> {
    let events: DomainEvent[] = [];
    let counts = new Map<string, number>();
    let messages: StoryMessage[] = [];
    let removal = false;
    const result = await withTx(opts.db, async (tx) => {
      // A retried transaction (none today) must not keep the previous attempt's events.
      events = [];
      counts = new Map();
      const value = await work({
        tx,
        emit: (e) => void events.push(e),
        countStory: (storyId, delta) => void counts.set(storyId, (counts.get(storyId) ?? 0) + delta),
      });
      const scrubs: PublicScrub[] = [];
      const appends: PublicAppend[] = [];
      for (const e of events) {
        const effect = publicEffect(e);
        if (effect.scrub) scrubs.push(effect.scrub);
        if (effect.append) appends.push(effect.append);
      }
      removal = scrubs.length > 0;
      await scrubPublic(tx, scrubs);
      const changed = new Set(events.map(changedComment).filter((id): id is string => id !== null));
      for (const id of changed) for (const hook of opts.removalHooks) await hook(tx, id);
      await opts.outbox.record(tx, events);
      messages = await appendPublic(tx, appends, counts);
      return value;
    });
    const stories = [...new Set([...messages.map((m) => m.storyId), ...[...counts].filter(([, d]) => d !== 0).map(([id]) => id)])];
    if (events.length > 0 || stories.length > 0) {
      await opts.afterCommit({ events, messages, stories, removal }).catch((err: unknown) => opts.logError(err, 'after-commit delivery failed (the dispatcher will catch up)'));
    }
    return result;
  };
}
export type ChangeRunner = ReturnType<typeof changeRunner>;
