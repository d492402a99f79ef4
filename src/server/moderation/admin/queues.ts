import { sql, type ExpressionBuilder } from 'kysely';
import { AppError } from '../../errors.js';
import type { Db } from '../../storage/db.js';
import type { Database } from '../../storage/schema.js';
import { commentUrl } from '../../comments/permalink.js';

/** The moderation queues. */
export const QUEUES = ['pending', 'reported', 'unmoderated', 'approved', 'rejected'] as const;
export type Queue = (typeof QUEUES)[number];

/** Filters shared by the lists and the counts; `siteIds` is the caller's scope (null: every site). */
export interface QueueFilter {
  siteIds: string[] | null;
  siteId?: string | undefined;
  storyId?: string | undefined;
  q?: string | undefined;
  authorId?: string | undefined;
}

/** A comment as a moderator sees it: text, author, story, the pipeline's reasons and the reports. */
export interface QueueItem {
  id: string;
  siteId: string;
  storyId: string;
  storyTitle: string;
  storyUrl: string;
  storyLang: string;
  parentId: string | null;
  author: { id: string; displayName: string; createdAt: string };
  body: string;
  bodyHtml: string;
  status: string;
  featured: boolean;
  createdAt: string;
  editedAt: string | null;
  moderation: { action: string; reasons: { phase: string; code: string; message: string; words?: string[]; score?: number; threshold?: number }[]; scores: Record<string, unknown> } | null;
  rejectionReason: string | null;
  moderatedBy: string | null;
  moderatedAt: string | null;
  reports: { reason: string; note: string | null; createdAt: string; by: string }[];
  /** The comment's address in its article (comments/permalink.ts). */
  permalink: string;
  /** For a reply, what it answers: a moderator judges a reply with its parent in view. */
  parent: { id: string; authorName: string; body: string; status: string } | null;
}

type Eb = ExpressionBuilder<Database & { c: Database['comments']; s: Database['stories']; u: Database['users'] }, 'c' | 's' | 'u'>;

/** A report the moderators have not acted on since it was made. */
function openReport(eb: Eb) {
  return eb.exists(
    eb
      .selectFrom('reports as r')
      .select('r.id')
      .whereRef('r.comment_id', '=', 'c.id')
      .where((w) => w.or([w('c.moderated_at', 'is', null), w('r.created_at', '>', w.ref('c.moderated_at'))])),
  );
}

function inQueue(queue: Queue) {
  return (eb: Eb) => {
    switch (queue) {
      case 'pending':
        return eb('c.status', '=', 'pending');
      case 'rejected':
        return eb('c.status', '=', 'rejected');
      case 'approved':
        return eb.and([eb('c.status', '=', 'published'), eb('c.moderated_at', 'is not', null)]);
      case 'unmoderated':
        return eb.and([eb('c.status', '=', 'published'), eb('c.moderated_at', 'is', null)]);
      case 'reported':
        return eb.and([eb('c.status', 'in', ['published', 'pending']), openReport(eb)]);
    }
  };
}

/** The stored verdict, or null when absent or unreadable (a bad row must not take a whole queue down). */
function verdictOf(json: string | null): QueueItem['moderation'] {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as QueueItem['moderation'];
    return v && Array.isArray(v.reasons) ? v : null;
  } catch {
    return null;
  }
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

function cursorOf(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}
function parseCursor(cursor: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    // falls through
  }
  throw new AppError('INVALID_CURSOR');
}

/** Queue storage: lists and counts, always within the caller's sites. */
export function queueRepository(db: Db) {
  const base = (f: QueueFilter) => {
    let q = db.selectFrom('comments as c').innerJoin('stories as s', 's.id', 'c.story_id').innerJoin('users as u', 'u.id', 'c.author_id');
    if (f.siteIds) q = q.where('c.site_id', 'in', f.siteIds.length ? f.siteIds : ['\u0000']);
    if (f.siteId) q = q.where('c.site_id', '=', f.siteId);
    if (f.storyId) q = q.where('c.story_id', '=', f.storyId);
    if (f.authorId) q = q.where('c.author_id', '=', f.authorId);
    const text = f.q?.trim().toLowerCase();
    if (text) {
      // lower() on both sides: LIKE is case-insensitive on SQLite and not on PostgreSQL.
      const pattern = `%${likeEscape(text)}%`;
      // The story's title too: a moderator finds "the pension reform article" by its title, not its id.
      q = q.where((eb) =>
        eb.or(['c.body', 'u.display_name', 's.title'].map((col) => sql<boolean>`lower(${eb.ref(col as 'c.body')}) like ${pattern} escape '\\'`)),
      );
    }
    return q;
  };

  return {
    async counts(f: QueueFilter): Promise<Record<Queue, number>> {
      const entries = await Promise.all(
        QUEUES.map(async (queue) => {
          const row = await base(f).where(inQueue(queue)).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
          return [queue, Number(row?.n ?? 0)] as const;
        }),
      );
      return Object.fromEntries(entries) as Record<Queue, number>;
    },

    /** Newest first, `limit` at a time. */
    async list(queue: Queue, f: QueueFilter, page: { limit: number; cursor?: string | undefined }): Promise<{ items: QueueItem[]; nextCursor: string | null }> {
      let q = base(f).where(inQueue(queue));
      if (page.cursor) {
        const [at, id] = parseCursor(page.cursor);
        q = q.where((eb) => eb.or([eb('c.created_at', '<', at), eb.and([eb('c.created_at', '=', at), eb('c.id', '<', id)])]));
      }
      const rows = await q
        .select([
          'c.id', 'c.site_id', 'c.story_id', 's.title', 's.url', 's.lang', 'c.parent_id', 'c.author_id', 'u.display_name', 'u.created_at as author_created_at',
          'c.body', 'c.body_html', 'c.status', 'c.featured', 'c.created_at', 'c.edited_at', 'c.moderation', 'c.rejection_reason', 'c.moderated_by', 'c.moderated_at',
        ])
        .orderBy('c.created_at', 'desc')
        .orderBy('c.id', 'desc')
        .limit(page.limit + 1)
        .execute();
      const shown = rows.slice(0, page.limit);
      const [reports, parents] = await Promise.all([this.reportsOf(shown.map((r) => r.id)), this.parentsOf(shown.map((r) => r.parent_id).filter((id): id is string => !!id))]);
      const items = shown.map((r) => ({
        id: r.id,
        siteId: r.site_id,
        storyId: r.story_id,
        storyTitle: r.title,
        storyUrl: r.url,
        storyLang: r.lang,
        parentId: r.parent_id,
        author: { id: r.author_id, displayName: r.display_name, createdAt: r.author_created_at },
        body: r.body,
        bodyHtml: r.body_html,
        status: r.status,
        featured: r.featured === 1,
        createdAt: r.created_at,
        editedAt: r.edited_at,
        moderation: verdictOf(r.moderation),
        rejectionReason: r.rejection_reason,
        moderatedBy: r.moderated_by,
        moderatedAt: r.moderated_at,
        reports: reports.get(r.id) ?? [],
        permalink: commentUrl(r.url, r.id),
        parent: (r.parent_id && parents.get(r.parent_id)) || null,
      }));
      const last = shown[shown.length - 1];
      return { items, nextCursor: rows.length > page.limit && last ? cursorOf(last.created_at, last.id) : null };
    },

    async reportsOf(ids: string[]): Promise<Map<string, QueueItem['reports']>> {
      const out = new Map<string, QueueItem['reports']>();
      if (ids.length === 0) return out;
      const rows = await db
        .selectFrom('reports as r')
        .innerJoin('users as u', 'u.id', 'r.user_id')
        .select(['r.comment_id', 'r.reason', 'r.note', 'r.created_at', 'u.display_name'])
        .where('r.comment_id', 'in', ids)
        .orderBy('r.created_at')
        .execute();
      for (const r of rows) out.set(r.comment_id, [...(out.get(r.comment_id) ?? []), { reason: r.reason, note: r.note, createdAt: r.created_at, by: r.display_name }]);
      return out;
    },

    /** The parents of replies: author, text (a deleted one has none) and status. */
    async parentsOf(ids: string[]): Promise<Map<string, NonNullable<QueueItem['parent']>>> {
      const out = new Map<string, NonNullable<QueueItem['parent']>>();
      if (ids.length === 0) return out;
      const rows = await db
        .selectFrom('comments as c')
        .innerJoin('users as u', 'u.id', 'c.author_id')
        .select(['c.id', 'c.body', 'c.status', 'u.display_name'])
        .where('c.id', 'in', [...new Set(ids)])
        .execute();
      for (const r of rows) out.set(r.id, { id: r.id, authorName: r.display_name, body: r.status === 'deleted' ? '' : r.body, status: r.status });
      return out;
    },
  };
}
export type QueueRepository = ReturnType<typeof queueRepository>;
