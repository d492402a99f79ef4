import type { Db } from '../storage/db.js';
import { nowIso } from '../storage/ids.js';
import { sql } from 'kysely';
import { isPostgres, type Tx } from '../storage/tx.js';
import type { PublicAppend, PublicScrub } from './public-events.js';

/** A public event of a story, as it travels between nodes and to readers. `data` is already JSON. */
export interface StoryMessage {
  storyId: string;
  seq: number;
  type: string;
  data: string;
}

const byId = <T>(a: [string, T], b: [string, T]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/**
 * Writes a change's public events inside its transaction. Each story touched gets ONE update that moves both its
 * published-comment count and its event number, done last so that on PostgreSQL the story's row lock is held for
 * the fewest statements before the commit; stories are updated in id order so two changes cannot deadlock.
 * Returns the numbered messages, for the broker once the transaction has committed.
 */
export async function appendPublic(tx: Tx, appends: readonly PublicAppend[], counts: ReadonlyMap<string, number>): Promise<StoryMessage[]> {
  const stories = new Map<string, { delta: number; items: PublicAppend[] }>();
  for (const [id, delta] of counts) if (delta !== 0) stories.set(id, { delta, items: [] });
  for (const a of appends) {
    const s = stories.get(a.storyId) ?? { delta: 0, items: [] };
    s.items.push(a);
    stories.set(a.storyId, s);
  }
  const out: StoryMessage[] = [];
  const at = nowIso();
  for (const [storyId, { delta, items }] of [...stories].sort(byId)) {
    const n = items.length;
    if (n > 0 && isPostgres(tx)) {
      out.push(...(await appendInOneStatement(tx, storyId, delta, items, at)));
      continue;
    }
    const row = await tx
      .updateTable('stories')
      .set((eb) => ({ comment_count: eb('comment_count', '+', delta), event_seq: eb('event_seq', '+', n) }))
      .where('id', '=', storyId)
      .returning('event_seq')
      .executeTakeFirst();
    if (!row || n === 0) continue;
    const first = row.event_seq - n + 1;
    await tx
      .insertInto('story_events')
      .values(items.map((e, i) => ({ story_id: storyId, seq: first + i, type: e.type, payload: e.data, comment_id: e.commentId, created_at: at })))
      .execute();
    items.forEach((e, i) => out.push({ storyId, seq: first + i, type: e.type, data: e.data }));
  }
  return out;
}

/**
 * PostgreSQL: the story's update and its events' insert as one statement (a data-modifying CTE), so the story's row
 * is locked for one round trip less before the commit, and the change costs one round trip less. SQLite has no
 * UPDATE in a CTE and no round trips: it takes the two statements above.
 */
async function appendInOneStatement(tx: Tx, storyId: string, delta: number, items: readonly PublicAppend[], at: string): Promise<StoryMessage[]> {
  const values = sql.join(items.map((e, i) => sql`(${i + 1}::int, ${e.type}::text, ${e.data}::text, ${e.commentId}::text)`));
  const { rows } = await sql<{ seq: number }>`with s as (
      update stories set comment_count = comment_count + ${delta}, event_seq = event_seq + ${items.length} where id = ${storyId} returning event_seq
    )
    insert into story_events (story_id, seq, type, payload, comment_id, created_at)
    select ${storyId}, s.event_seq - ${items.length} + v.ord, v.type, v.payload, v.comment_id, ${at}
    from s cross join (values ${values}) as v(ord, type, payload, comment_id)
    returning seq`.execute(tx);
  const seqs = rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
  return items.map((e, i) => ({ storyId, seq: seqs[i] as number, type: e.type, data: e.data })).filter((m) => m.seq !== undefined);
}

/**
 * Rewrites what earlier events of a comment carried (its current form), or drops them (it is no longer public),
 * inside the change's transaction: a replay must never serve what was removed. Reaction events carry no text; they
 * go only when the comment goes.
 */
export async function scrubPublic(tx: Tx, scrubs: readonly PublicScrub[]): Promise<void> {
  for (const s of scrubs) {
    if (s.payload === null) await tx.deleteFrom('story_events').where('comment_id', '=', s.commentId).execute();
    else await tx.updateTable('story_events').set({ payload: s.payload }).where('comment_id', '=', s.commentId).where('type', '!=', 'comment.reaction').execute();
  }
}

/** Reading the per-story numbered event log that makes resuming exact (Last-Event-ID) on any node. */
export function eventLog(db: Db) {
  return {
    /** Events after `seq`, oldest first, at most `limit`. */
    async since(storyId: string, seq: number, limit: number): Promise<StoryMessage[]> {
      const rows = await db.selectFrom('story_events').select(['seq', 'type', 'payload']).where('story_id', '=', storyId).where('seq', '>', seq).orderBy('seq').limit(limit).execute();
      return rows.map((r) => ({ storyId, seq: r.seq, type: r.type, data: r.payload }));
    },
    async currentSeq(storyId: string): Promise<number | undefined> {
      const row = await db.selectFrom('stories').select('event_seq').where('id', '=', storyId).executeTakeFirst();
      return row?.event_seq;
    },
    /** Drops events older than `maxAgeMs`: resuming is for dropped connections, not for history. */
    async prune(maxAgeMs: number): Promise<void> {
      await db.deleteFrom('story_events').where('created_at', '<', nowIso(Date.now() - maxAgeMs)).execute();
    },
  };
}
export type EventLog = ReturnType<typeof eventLog>;
