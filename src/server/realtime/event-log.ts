import type { Db } from '../storage/db.js';
import { nowIso } from '../storage/ids.js';

/** A public event of a story, as it travels between nodes and to readers. `data` is already JSON. */
export interface StoryMessage {
  storyId: string;
  seq: number;
  type: string;
  data: string;
}

const MAX_BATCH = 500;

interface Pending {
  storyId: string;
  type: string;
  data: string;
  commentId: string | null;
  resolve(m: StoryMessage): void;
  reject(err: unknown): void;
}

type Tx = Parameters<Parameters<ReturnType<Db['transaction']>['execute']>[0]>[0];

/** Numbers a story's events (in the order given) and inserts them; the caller's transaction makes it atomic. */
async function write(tx: Tx, storyId: string, items: readonly Pending[]): Promise<StoryMessage[]> {
  const row = await tx
    .updateTable('stories')
    .set((eb) => ({ event_seq: eb('event_seq', '+', items.length) }))
    .where('id', '=', storyId)
    .returning('event_seq')
    .executeTakeFirstOrThrow();
  const first = row.event_seq - items.length + 1;
  const at = nowIso();
  await tx
    .insertInto('story_events')
    .values(items.map((e, i) => ({ story_id: storyId, seq: first + i, type: e.type, payload: e.data, comment_id: e.commentId, created_at: at })))
    .execute();
  return items.map((e, i) => ({ storyId, seq: first + i, type: e.type, data: e.data }));
}

/** The per-story numbered event log that makes resuming exact (Last-Event-ID) on any node. */
export function eventLog(db: Db) {
  // Appends made while the event loop handles one batch of requests are written together, in one transaction at
  // the end of that turn: under a burst of comments this is one commit for several events instead of one each. Each
  // append still resolves only once its event is committed, in the order appends were made.
  const pending: Pending[] = [];

  async function flush(): Promise<void> {
    // Bounded so one transaction's insert stays well under the databases' limits on bound parameters.
    const batch = pending.splice(0, MAX_BATCH);
    if (pending.length > 0) setImmediate(() => void flush());
    const byStory = new Map<string, Pending[]>();
    for (const e of batch) {
      const list = byStory.get(e.storyId);
      if (list) list.push(e);
      else byStory.set(e.storyId, [e]);
    }
    try {
      const written = await db.transaction().execute(async (tx) => {
        const out: [Pending, StoryMessage][] = [];
        // Stories in one order for every batch: on PostgreSQL two batches in flight then lock their rows in the same
        // order and cannot deadlock.
        for (const [storyId, items] of [...byStory].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
          const messages = await write(tx, storyId, items);
          items.forEach((e, i) => out.push([e, messages[i] as StoryMessage]));
        }
        return out;
      });
      for (const [e, m] of written) e.resolve(m);
    } catch (err) {
      if (batch.length === 1) return batch[0]?.reject(err);
      // One bad event (its story deleted meanwhile) must not fail the others: each is tried again on its own.
      for (const e of batch) {
        await db
          .transaction()
          .execute((tx) => write(tx, e.storyId, [e]))
          .then(([m]) => e.resolve(m as StoryMessage), e.reject);
      }
    }
  }

  return {
    /** Appends an event and returns it with its number; numbering and insert share one transaction. */
    append(storyId: string, type: string, data: string, commentId: string | null = null): Promise<StoryMessage> {
      return new Promise((resolve, reject) => {
        pending.push({ storyId, type, data, commentId, resolve, reject });
        if (pending.length === 1) setImmediate(() => void flush());
      });
    },
    /** Events after `seq`, oldest first, at most `limit`. */
    async since(storyId: string, seq: number, limit: number): Promise<StoryMessage[]> {
      const rows = await db.selectFrom('story_events').select(['seq', 'type', 'payload']).where('story_id', '=', storyId).where('seq', '>', seq).orderBy('seq').limit(limit).execute();
      return rows.map((r) => ({ storyId, seq: r.seq, type: r.type, data: r.payload }));
    },
    async currentSeq(storyId: string): Promise<number | undefined> {
      const row = await db.selectFrom('stories').select('event_seq').where('id', '=', storyId).executeTakeFirst();
      return row?.event_seq;
    },
    /**
     * Replaces what earlier events of a comment carried with its tombstone: once deleted, its text must not be
     * replayed to reconnecting readers (nor linger in the log).
     */
    async scrub(commentId: string, tombstone: string): Promise<void> {
      await db.updateTable('story_events').set({ payload: tombstone }).where('comment_id', '=', commentId).where('type', '!=', 'comment.reaction').execute();
    },
    /** Drops events older than `maxAgeMs`: resuming is for dropped connections, not for history. */
    async prune(maxAgeMs: number): Promise<void> {
      await db.deleteFrom('story_events').where('created_at', '<', nowIso(Date.now() - maxAgeMs)).execute();
    },
  };
}
export type EventLog = ReturnType<typeof eventLog>;
