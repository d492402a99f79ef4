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
 * A change's public events and count deltas, to insert in its transaction, unnumbered: an insert that no other
 * writer waits on (see migration 009); the sequencer numbers them once committed. A count delta rides on the
 * story's first event, or on a row of its own.
 */
export function pendingRows(appends: readonly PublicAppend[], counts: ReadonlyMap<string, number>) {
  const at = nowIso();
  const deltas = new Map([...counts].filter(([, d]) => d !== 0));
  const rows = appends.map((a) => {
    const count_delta = deltas.get(a.storyId) ?? 0;
    deltas.delete(a.storyId);
    return { story_id: a.storyId, type: a.type, payload: a.data, comment_id: a.commentId, count_delta, created_at: at };
  });
  for (const [story_id, count_delta] of deltas) rows.push({ story_id, type: null as unknown as string, payload: null as unknown as string, comment_id: null, count_delta, created_at: at });
  return rows;
}

/**
 * The sequencer's step: takes the oldest recorded public events (in one transaction, so a crash either numbers them
 * or leaves them), numbers them per story in the order they are taken, and folds their count deltas into each story
 * with ONE update per story. Only the sequencer writes `stories.event_seq`, so no change waits on it. Returns the
 * numbered messages for the broker, once committed.
 */
export async function numberPending(tx: Tx, limit: number): Promise<{ taken: number; messages: StoryMessage[] }> {
  // FOR UPDATE: a second sequencer (a lease that expired mid-batch) waits, then finds these rows gone.
  const picked = isPostgres(tx)
    ? (await sql<PendingRow>`select id, story_id, type, payload, comment_id, count_delta from story_pending order by id limit ${limit} for update`.execute(tx)).rows
    : await tx.selectFrom('story_pending').select(['id', 'story_id', 'type', 'payload', 'comment_id', 'count_delta']).orderBy('id').limit(limit).execute();
  if (picked.length === 0) return { taken: 0, messages: [] };
  const ids = picked.map((r) => Number(r.id));
  for (let i = 0; i < ids.length; i += 500) await tx.deleteFrom('story_pending').where('id', 'in', ids.slice(i, i + 500)).execute();
  const stories = new Map<string, { delta: number; items: PublicAppend[] }>();
  for (const r of picked) {
    const s = stories.get(r.story_id) ?? { delta: 0, items: [] };
    s.delta += Number(r.count_delta);
    if (r.type !== null && r.payload !== null) s.items.push({ storyId: r.story_id, type: r.type, data: r.payload, commentId: r.comment_id });
    stories.set(r.story_id, s);
  }
  const out: StoryMessage[] = [];
  const at = nowIso();
  for (const [storyId, { delta, items }] of [...stories].sort(byId)) {
    const n = items.length;
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
  return { taken: picked.length, messages: out };
}

interface PendingRow {
  id: number | string;
  story_id: string;
  type: string | null;
  payload: string | null;
  comment_id: string | null;
  count_delta: number;
}

/**
 * Rewrites what earlier events of a comment carried (its current form), or drops them (it is no longer public),
 * inside the change's transaction: a replay must never serve what was removed. Reaction events carry no text; they
 * go only when the comment goes.
 */
export async function scrubPublic(tx: Tx, scrubs: readonly PublicScrub[]): Promise<void> {
  // Waiting rows first, then numbered ones, each its own statement: on PostgreSQL, a row the sequencer is numbering
  // at this moment is locked, so the first statement waits for the sequencer's commit, and the second (a new
  // snapshot) then finds the row in the numbered log. In the other order the scrub could miss it in both.
  for (const s of scrubs) {
    if (s.payload === null) {
      // A waiting row keeps its count delta: only what it would have said goes.
      await tx.updateTable('story_pending').set({ type: null, payload: null, comment_id: null }).where('comment_id', '=', s.commentId).execute();
      await tx.deleteFrom('story_events').where('comment_id', '=', s.commentId).execute();
    } else {
      await tx.updateTable('story_pending').set({ payload: s.payload }).where('comment_id', '=', s.commentId).where('type', '!=', 'comment.reaction').execute();
      await tx.updateTable('story_events').set({ payload: s.payload }).where('comment_id', '=', s.commentId).where('type', '!=', 'comment.reaction').execute();
    }
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
