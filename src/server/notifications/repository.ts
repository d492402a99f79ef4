import type { Db } from '../storage/db.js';
import type { Queryable } from '../storage/tx.js';
import { nowIso } from '../storage/ids.js';

/** What a reader is told about. */
export type NotificationKind = 'reply' | 'approved' | 'rejected' | 'featured';

/** A notification with what is needed to show or email it. */
export interface Notification {
  id: string;
  userId: string;
  siteId: string;
  kind: NotificationKind;
  commentId: string;
  storyId: string;
  storyTitle: string;
  storyUrl: string;
  storyLang: string;
  actorName: string | null;
  reason: string | null;
  createdAt: string;
  readAt: string | null;
  emailedAt: string | null;
}

/** Readers' notifications. Every read is by user: nobody lists anyone else's. */
export function notificationsRepository(db: Db) {
  const base = () =>
    db
      .selectFrom('notifications as n')
      .innerJoin('stories as s', 's.id', 'n.story_id')
      .select(['n.id', 'n.user_id', 'n.site_id', 'n.kind', 'n.comment_id', 'n.story_id', 's.title', 's.url', 's.lang', 'n.actor_name', 'n.reason', 'n.created_at', 'n.read_at', 'n.emailed_at']);
  type Row = Awaited<ReturnType<ReturnType<typeof base>['execute']>>[number];
  const toN = (r: Row): Notification => ({
    id: r.id,
    userId: r.user_id,
    siteId: r.site_id,
    kind: r.kind as NotificationKind,
    commentId: r.comment_id,
    storyId: r.story_id,
    storyTitle: r.title,
    storyUrl: r.url,
    storyLang: r.lang,
    actorName: r.actor_name,
    reason: r.reason,
    createdAt: r.created_at,
    readAt: r.read_at,
    emailedAt: r.emailed_at,
  });
  return {
    /** Records a notification; false when this event already notified this reader of this (a repeated dispatch). */
    async insert(q: Queryable, n: { id: string; userId: string; siteId: string; kind: NotificationKind; commentId: string; storyId: string; actorName: string | null; reason: string | null; eventId: string | null }): Promise<boolean> {
      const res = await q
        .insertInto('notifications')
        .values({ id: n.id, user_id: n.userId, site_id: n.siteId, kind: n.kind, comment_id: n.commentId, story_id: n.storyId, actor_name: n.actorName, reason: n.reason, created_at: nowIso(), read_at: null, emailed_at: null, event_id: n.eventId })
        .onConflict((oc) => oc.columns(['event_id', 'user_id', 'kind']).doNothing())
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async get(id: string): Promise<Notification | undefined> {
      const row = await base().where('n.id', '=', id).executeTakeFirst();
      return row ? toN(row) : undefined;
    },
    async list(userId: string, limit: number): Promise<Notification[]> {
      return (await base().where('n.user_id', '=', userId).orderBy('n.created_at', 'desc').orderBy('n.id', 'desc').limit(limit).execute()).map(toN);
    },
    async unreadCount(userId: string): Promise<number> {
      const row = await db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).where('read_at', 'is', null).executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    /** Not yet emailed, oldest first (a digest). */
    async unsent(userId: string, limit: number): Promise<Notification[]> {
      return (await base().where('n.user_id', '=', userId).where('n.emailed_at', 'is', null).orderBy('n.created_at').limit(limit).execute()).map(toN);
    },
    async markEmailed(ids: string[]): Promise<void> {
      if (ids.length) await db.updateTable('notifications').set({ emailed_at: nowIso() }).where('id', 'in', ids).execute();
    },
    async markRead(userId: string, ids: string[] | null): Promise<void> {
      let q = db.updateTable('notifications').set({ read_at: nowIso() }).where('user_id', '=', userId).where('read_at', 'is', null);
      if (ids) {
        if (ids.length === 0) return;
        q = q.where('id', 'in', ids);
      }
      await q.execute();
    },
  };
}
export type NotificationsRepository = ReturnType<typeof notificationsRepository>;
