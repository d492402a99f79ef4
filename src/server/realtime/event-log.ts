import type { Db } from '../storage/db.js';
import { nowIso } from '../storage/ids.js';

/** A public event of a story, as it travels between nodes and to readers. `data` is already JSON. */
export interface StoryMessage {
  storyId: string;
  seq: number;
  type: string;
  data: string;
}

/** The per-story numbered event log that makes resuming exact (Last-Event-ID) on any node. */
export function eventLog(db: Db) {
  return {
    /** Appends an event and returns it with its number; numbering and insert share one transaction. */
    async append(storyId: string, type: string, data: string, commentId: string | null = null): Promise<StoryMessage> {
      return db.transaction().execute(async (tx) => {
        const row = await tx
          .updateTable('stories')
          .set((eb) => ({ event_seq: eb('event_seq', '+', 1) }))
          .where('id', '=', storyId)
          .returning('event_seq')
          .executeTakeFirstOrThrow();
        await tx.insertInto('story_events').values({ story_id: storyId, seq: row.event_seq, type, payload: data, comment_id: commentId, created_at: nowIso() }).execute();
        return { storyId, seq: row.event_seq, type, data };
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
