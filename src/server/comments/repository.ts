import type { ExpressionBuilder } from 'kysely';
import type { Db } from '../storage/db.js';
import { isPostgres, type Queryable } from '../storage/tx.js';
import type { Change } from '../events/change.js';
import type { Database } from '../storage/schema.js';
import { authorDisplay, type AuthorDisplay } from '../sso/display.js';
import type { Cursor } from './cursor.js';
import type { CommentRecord, CommentSort, CommentStatus, StaffRole } from './model.js';
import { queryShapes, slot } from '../storage/query-shapes.js';

type Eb = ExpressionBuilder<
  Omit<Database, 'comments' | 'users' | 'sso_profiles' | 'site_moderators'> & { c: Database['comments']; u: Database['users']; p: Database['sso_profiles']; sm: Database['site_moderators'] },
  'c' | 'u' | 'p' | 'sm'
>;

const COLUMNS = [
  'c.id',
  'c.site_id',
  'c.story_id',
  'c.parent_id',
  'c.root_id',
  'c.depth',
  'c.in_reply_to_id',
  'c.author_id',
  'u.display_name',
  'c.body',
  'c.body_html',
  'c.status',
  'c.created_at',
  'c.edited_at',
  'c.deleted_at',
  'c.reaction_count',
  'c.reply_count',
  'c.rejection_reason',
  'c.featured',
  'p.avatar as sso_avatar',
  'p.badges as sso_badges',
  'p.role as sso_role',
  'u.role as author_role',
  'sm.user_id as site_moderator',
] as const;

type Row = {
  id: string;
  site_id: string;
  story_id: string;
  parent_id: string | null;
  root_id: string | null;
  depth: number;
  in_reply_to_id: string | null;
  author_id: string;
  display_name: string;
  body: string;
  body_html: string;
  status: string;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  reaction_count: number;
  reply_count: number;
  rejection_reason: string | null;
  featured: number;
  sso_avatar: string | null;
  /** Null when the author has no single sign-on profile on the comment's site (the LEFT JOIN found no row). */
  sso_badges: string | null;
  sso_role: string | null;
  author_role: string;
  /** Set when the author moderates the comment's site (site_moderators); null otherwise. */
  site_moderator: string | null;
};

/** The author's place in the newsroom, as readers are shown it: an administrator, a moderator (of every site or of this one), or nobody in particular. */
export function staffOf(role: string, siteModerator: boolean): StaffRole | undefined {
  if (role === 'admin') return 'admin';
  return role === 'moderator' || siteModerator ? 'moderator' : undefined;
}

// Absent rather than undefined: most authors are readers, and the key would be on every comment of every page.
const withStaff = (staff: StaffRole | undefined) => (staff ? { authorStaff: staff } : {});

function toRecord(r: Row): CommentRecord {
  return {
    id: r.id,
    siteId: r.site_id,
    storyId: r.story_id,
    parentId: r.parent_id,
    rootId: r.root_id,
    depth: r.depth,
    inReplyToId: r.in_reply_to_id,
    authorId: r.author_id,
    authorName: r.display_name,
    body: r.body,
    bodyHtml: r.body_html,
    status: r.status as CommentStatus,
    createdAt: r.created_at,
    editedAt: r.edited_at,
    deletedAt: r.deleted_at,
    reactionCount: r.reaction_count,
    replyCount: r.reply_count,
    rejectionReason: r.rejection_reason,
    featured: r.featured === 1,
    ...withStaff(staffOf(r.author_role, r.site_moderator !== null)),
    ...(r.sso_badges !== null ? { authorDisplay: authorDisplay({ avatar: r.sso_avatar, badges: r.sso_badges, role: r.sso_role }) } : {}),
  };
}

/** The part of a change the comments module writes through (see events/change.ts). */
export type CommentWrite = Pick<Change, 'tx' | 'countStory'>;

/**
 * The one definition of the counters: a story's comment_count counts its published comments, and a comment's
 * reply_count its direct replies that readers see (published, or tombstones still holding replies). Called when a
 * comment starts or stops being visible to everyone. (A tombstone whose last reply is hidden stays counted until
 * it is deleted again; rare, and harmless.)
 */
async function countVisibility(w: CommentWrite, c: Pick<CommentRecord, 'storyId' | 'parentId'>, delta: 1 | -1): Promise<void> {
  w.countStory(c.storyId, delta);
  const op = delta > 0 ? '+' : '-';
  if (c.parentId) await w.tx.updateTable('comments').set((eb) => ({ reply_count: eb('reply_count', op, 1) })).where('id', '=', c.parentId).where('reply_count', '>=', delta > 0 ? 0 : 1).execute();
}

/** What moderation stores with a comment: the pipeline's verdict (JSON) and the reason its author is given. */
export interface ModerationFields {
  moderation?: string | null;
  rejectionReason?: string | null;
  moderatedBy?: string | null;
  moderatedAt?: string | null;
}

/** What a reader may see: published comments, tombstones that still hold replies, and their own held comments. */
function visibleTo(viewerId: string | null) {
  return (eb: Eb) => {
    const ors = [eb('c.status', '=', 'published'), eb.and([eb('c.status', '=', 'deleted'), eb('c.reply_count', '>', 0)])];
    if (viewerId) ors.push(eb.and([eb('c.author_id', '=', viewerId), eb('c.status', 'in', ['pending', 'rejected'])]));
    return eb.or(ors);
  };
}

const SORT_KEY = { reactions: 'c.reaction_count', replies: 'c.reply_count' } as const;

// The author's single sign-on profile comes with every row: one primary-key probe per row inside the same query,
// rather than a lookup per comment. Matched on the comment's site too, so a profile never shows on another site.
const selectRecords = (q: Queryable) =>
  q
    .selectFrom('comments as c')
    .innerJoin('users as u', 'u.id', 'c.author_id')
    .leftJoin('sso_profiles as p', (j) => j.onRef('p.user_id', '=', 'c.author_id').onRef('p.site_id', '=', 'c.site_id'))
    // The author's moderation of this site, for the staff badge: a primary-key probe, as for the profile.
    .leftJoin('site_moderators as sm', (j) => j.onRef('sm.user_id', '=', 'c.author_id').onRef('sm.site_id', '=', 'c.site_id'))
    .select(COLUMNS);

/** Every comment of an author, as records, read in `q` (an erasure's transaction). */
export async function recordsByAuthor(q: Queryable, authorId: string): Promise<CommentRecord[]> {
  return (await selectRecords(q).where('c.author_id', '=', authorId).execute()).map(toRecord);
}

/** Comments storage. Every query is scoped by site so one tenant never reads another's rows. */
export function commentsRepository(db: Db) {
  const base = () => selectRecords(db);
  // The page and its threads, read for every page a reader opens: built once per shape (storage/query-shapes.ts).
  const shaped = queryShapes(db);

  return {
    async get(siteId: string, id: string): Promise<CommentRecord | undefined> {
      const row = await base().where('c.site_id', '=', siteId).where('c.id', '=', id).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    /** An author's comments on a site in the given statuses, oldest first (a ban that hides them, an erasure). */
    async byAuthor(siteId: string, authorId: string, statuses: CommentStatus[]): Promise<CommentRecord[]> {
      const rows = await base().where('c.site_id', '=', siteId).where('c.author_id', '=', authorId).where('c.status', 'in', statuses).orderBy('c.created_at').execute();
      return rows.map(toRecord);
    },

    /** Site of a comment, to scope the follow-up queries of a request that names only the comment. */
    async siteOf(id: string): Promise<string | undefined> {
      const row = await db.selectFrom('comments').select('site_id').where('id', '=', id).executeTakeFirst();
      return row?.site_id;
    },

    /** One page of top-level comments in the given order, after the cursor; fetches limit + 1 to know if more exist. */
    async topLevelPage(q: { siteId: string; storyId: string; viewerId: string | null; sort: CommentSort; limit: number; after: Cursor | null }): Promise<CommentRecord[]> {
      const { sort, after } = q;
      // Slots: 0 site, 1 story, 2 viewer, 3 limit, 4–6 the cursor (sort key, creation time, id).
      const build = () => {
        let query = base().where('c.site_id', '=', slot<string>(0)).where('c.story_id', '=', slot<string>(1)).where('c.parent_id', 'is', null).where(visibleTo(q.viewerId === null ? null : slot<string>(2)));
        if (sort === 'newest' || sort === 'oldest') {
          const op = sort === 'newest' ? '<' : '>';
          const dir = sort === 'newest' ? 'desc' : 'asc';
          // Row-value comparison: one range seek on the index, on SQLite and PostgreSQL alike (an OR of the same
          // condition makes planners gather every row and sort).
          if (after) query = query.where((eb) => eb(eb.refTuple('c.created_at', 'c.id'), op, eb.tuple(slot<string>(5), slot<string>(6))));
          query = query.orderBy('c.created_at', dir).orderBy('c.id', dir);
        } else {
          const key = SORT_KEY[sort];
          if (after) query = query.where((eb) => eb(eb.refTuple(key, 'c.created_at', 'c.id'), '<', eb.tuple(slot<number>(4), slot<string>(5), slot<string>(6))));
          query = query.orderBy(key, 'desc').orderBy('c.created_at', 'desc').orderBy('c.id', 'desc');
        }
        return query.limit(slot<number>(3));
      };
      const values = [q.siteId, q.storyId, q.viewerId, q.limit + 1, after?.key ?? 0, after?.createdAt, after?.id];
      const rows = await shaped(`page:${sort}:${after ? 'after' : 'first'}:${q.viewerId === null ? 'anonymous' : 'reader'}`, build, values);
      return rows.map(toRecord);
    },

    /** Every visible reply of the given threads, oldest first; bounded so one huge thread cannot exhaust memory. */
    async threads(siteId: string, rootIds: string[], viewerId: string | null, max: number): Promise<CommentRecord[]> {
      if (rootIds.length === 0) return [];
      // Slots: 0 site, 1 viewer, 2 bound, then the threads. At most a page's worth of threads (the limit's maximum).
      const build = () =>
        base()
          .where('c.site_id', '=', slot<string>(0))
          .where('c.root_id', 'in', rootIds.map((_, i) => slot<string>(3 + i)))
          .where(visibleTo(viewerId === null ? null : slot<string>(1)))
          .orderBy('c.created_at', 'asc')
          .orderBy('c.id', 'asc')
          .limit(slot<number>(2));
      const rows = await shaped(`threads:${rootIds.length}:${viewerId === null ? 'anonymous' : 'reader'}`, build, [siteId, viewerId, max, ...rootIds]);
      return rows.map(toRecord);
    },

    /** A story's featured comments (published only), newest first, in one query. */
    async featured(siteId: string, storyId: string, max: number): Promise<CommentRecord[]> {
      const rows = await base()
        .where('c.site_id', '=', siteId)
        .where('c.story_id', '=', storyId)
        .where('c.status', '=', 'published')
        .where('c.featured', '=', 1)
        .orderBy('c.created_at', 'desc')
        .orderBy('c.id', 'desc')
        .limit(max)
        .execute();
      return rows.map(toRecord);
    },

    /** What a site's single sign-on says about an author (a new comment carries it like a stored one); {} without a profile. */
    async authorDisplay(siteId: string, authorId: string): Promise<AuthorDisplay> {
      const row = await db.selectFrom('sso_profiles').select(['avatar', 'badges', 'role']).where('user_id', '=', authorId).where('site_id', '=', siteId).executeTakeFirst();
      return row ? authorDisplay(row) : {};
    },

    /** The staff badge of an author on a site (a new comment carries it like a stored one). */
    async staffRole(siteId: string, userId: string): Promise<StaffRole | undefined> {
      // Asked for every new comment: built once (storage/query-shapes.ts).
      const [row] = await shaped(
        'staff-role',
        () =>
          db
            .selectFrom('users as u')
            .leftJoin('site_moderators as sm', (j) => j.onRef('sm.user_id', '=', 'u.id').on('sm.site_id', '=', slot<string>(0)))
            .select(['u.role', 'sm.user_id as site_moderator'])
            .where('u.id', '=', slot<string>(1)),
        [siteId, userId],
      );
      return row ? staffOf(row.role, row.site_moderator !== null) : undefined;
    },

    /** Display names of the authors of the given comments (for "in reply to"). */
    async authorNames(siteId: string, ids: string[]): Promise<Map<string, string>> {
      if (ids.length === 0) return new Map();
      const rows = await base().where('c.site_id', '=', siteId).where('c.id', 'in', ids).execute();
      return new Map(rows.map((r) => [r.id, r.display_name]));
    },

    async reactedBy(userId: string | null, ids: string[]): Promise<Set<string>> {
      if (!userId || ids.length === 0) return new Set();
      const rows = await db.selectFrom('reactions').select('comment_id').where('user_id', '=', userId).where('comment_id', 'in', ids).execute();
      return new Set(rows.map((r) => r.comment_id));
    },


    /** Stores a new comment and moves the counters it affects, in the change's transaction. */
    async insert(w: CommentWrite, c: Omit<CommentRecord, 'authorName' | 'reactionCount' | 'replyCount'> & ModerationFields): Promise<void> {
      // The write of every new comment: built once (storage/query-shapes.ts), run in the change's transaction.
      const values = [c.id, c.siteId, c.storyId, c.parentId, c.rootId, c.depth, c.inReplyToId, c.authorId, c.body, c.bodyHtml, c.status, c.createdAt, c.moderation ?? null, c.rejectionReason ?? null];
      await shaped(
        'comment-insert',
        () =>
          db.insertInto('comments').values({
            id: slot(0),
            site_id: slot(1),
            story_id: slot(2),
            parent_id: slot(3),
            root_id: slot(4),
            depth: slot(5),
            in_reply_to_id: slot(6),
            author_id: slot(7),
            body: slot(8),
            body_html: slot(9),
            status: slot(10),
            created_at: slot(11),
            edited_at: null,
            deleted_at: null,
            moderation: slot(12),
            rejection_reason: slot(13),
          }),
        values,
        w.tx,
      );
      if (c.status === 'published') await countVisibility(w, c, 1);
    },

    /** Replaces the body, keeping the previous version as a revision; moderation may change the status with it. */
    async edit(
      w: CommentWrite,
      c: CommentRecord,
      next: { body: string; bodyHtml: string; at: string; revisionId: string; status: { to: CommentStatus } & ModerationFields },
    ): Promise<void> {
      await w.tx.insertInto('comment_revisions').values({ id: next.revisionId, comment_id: c.id, body: c.body, created_at: next.at }).execute();
      const s = next.status;
      await w.tx
        .updateTable('comments')
        .set({ body: next.body, body_html: next.bodyHtml, edited_at: next.at, status: s.to, moderation: s.moderation ?? null, rejection_reason: s.rejectionReason ?? null })
        .where('site_id', '=', c.siteId)
        .where('id', '=', c.id)
        .execute();
      if (c.status === 'published' && s.to !== 'published') await countVisibility(w, c, -1);
      if (c.status !== 'published' && s.to === 'published') await countVisibility(w, c, 1);
    },

    /**
     * A moderator's decision: new status (counters follow) and the moderation fields. Returns the status it had,
     * read under the row's lock in the change's transaction, or undefined when it is gone or deleted meanwhile.
     */
    async setStatus(w: CommentWrite, c: CommentRecord, to: Exclude<CommentStatus, 'deleted'>, fields: ModerationFields & { featured?: boolean }): Promise<CommentStatus | undefined> {
      let q = w.tx.selectFrom('comments').select('status').where('site_id', '=', c.siteId).where('id', '=', c.id);
      if (isPostgres(w.tx)) q = q.forUpdate();
      const current = await q.executeTakeFirst();
      if (!current || current.status === 'deleted') return undefined;
      const set: Partial<Record<'rejection_reason' | 'moderated_by' | 'moderated_at' | 'moderation', string | null>> & { status: string; featured?: number } = { status: to };
      if (fields.rejectionReason !== undefined) set.rejection_reason = fields.rejectionReason;
      if (fields.moderatedBy !== undefined) set.moderated_by = fields.moderatedBy;
      if (fields.moderatedAt !== undefined) set.moderated_at = fields.moderatedAt;
      if (fields.moderation !== undefined) set.moderation = fields.moderation;
      if (fields.featured !== undefined) set.featured = fields.featured ? 1 : 0;
      await w.tx.updateTable('comments').set(set).where('site_id', '=', c.siteId).where('id', '=', c.id).execute();
      if (current.status === 'published' && to !== 'published') await countVisibility(w, c, -1);
      if (current.status !== 'published' && to === 'published') await countVisibility(w, c, 1);
      return current.status as CommentStatus;
    },

    async revisions(id: string): Promise<{ body: string; createdAt: string }[]> {
      const rows = await db.selectFrom('comment_revisions').select(['body', 'created_at']).where('comment_id', '=', id).orderBy('created_at').execute();
      return rows.map((r) => ({ body: r.body, createdAt: r.created_at }));
    },

    /**
     * Turns a comment into a tombstone: the text and its revisions go, the node stays while it holds replies.
     * reply_count counts the direct replies everyone sees (published, or tombstones that still hold some), so a
     * comment that vanishes lowers its parent's count, and a tombstone left with none vanishes in turn, up the thread.
     */
    async tombstone(w: CommentWrite, c: CommentRecord, at: string): Promise<void> {
      const { tx } = w;
      await tx.deleteFrom('comment_revisions').where('comment_id', '=', c.id).execute();
      await tx.updateTable('comments').set({ status: 'deleted', body: '', body_html: '', deleted_at: at }).where('site_id', '=', c.siteId).where('id', '=', c.id).execute();
      if (c.status !== 'published') return;
      w.countStory(c.storyId, -1);
      let vanished = c.replyCount === 0;
      let parentId = c.parentId;
      while (vanished && parentId) {
        await tx.updateTable('comments').set((eb) => ({ reply_count: eb('reply_count', '-', 1) })).where('id', '=', parentId).where('reply_count', '>', 0).execute();
        const parent = await tx.selectFrom('comments').select(['status', 'reply_count', 'parent_id']).where('id', '=', parentId).executeTakeFirst();
        vanished = parent?.status === 'deleted' && parent.reply_count === 0;
        parentId = parent?.parent_id ?? null;
      }
    },

    /** Adds or removes a user's reaction; returns the new count. Idempotent both ways. */
    async setReaction(w: CommentWrite, commentId: string, userId: string, on: boolean, at: string): Promise<number> {
      const { tx } = w;
      if (on) {
        const res = await tx.insertInto('reactions').values({ comment_id: commentId, user_id: userId, created_at: at }).onConflict((oc) => oc.columns(['comment_id', 'user_id']).doNothing()).executeTakeFirst();
        if (Number(res.numInsertedOrUpdatedRows ?? 0) > 0) await tx.updateTable('comments').set((eb) => ({ reaction_count: eb('reaction_count', '+', 1) })).where('id', '=', commentId).execute();
      } else {
        const res = await tx.deleteFrom('reactions').where('comment_id', '=', commentId).where('user_id', '=', userId).executeTakeFirst();
        if (Number(res.numDeletedRows) > 0) await tx.updateTable('comments').set((eb) => ({ reaction_count: eb('reaction_count', '-', 1) })).where('id', '=', commentId).execute();
      }
      const row = await tx.selectFrom('comments').select('reaction_count').where('id', '=', commentId).executeTakeFirstOrThrow();
      return row.reaction_count;
    },

    /** Stores a report; false when this user already reported this comment. */
    async insertReport(w: CommentWrite, r: { id: string; commentId: string; userId: string; reason: string; note: string | null; at: string }): Promise<boolean> {
      const res = await w.tx
        .insertInto('reports')
        .values({ id: r.id, comment_id: r.commentId, user_id: r.userId, reason: r.reason, note: r.note, created_at: r.at })
        .onConflict((oc) => oc.columns(['comment_id', 'user_id']).doNothing())
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
    },
  };
}
export type CommentsRepository = ReturnType<typeof commentsRepository>;
