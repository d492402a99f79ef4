import type { Db } from '../storage/db.js';
import type { Queryable } from '../storage/tx.js';
import { newId, nowIso } from '../storage/ids.js';

/** One moderation or settings action: who, what, on what, when, and the state before and after. */
export interface AuditEntry {
  id: string;
  siteId: string | null;
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetType: 'comment' | 'user' | 'settings' | 'story' | 'models' | 'moderator';
  targetId: string | null;
  before: unknown;
  after: unknown;
  createdAt: string;
  /** What the target is, in words, when listed: a comment's first words, a user's or story's name (null: unknown or gone). */
  targetLabel?: string | null;
}

const parse = (s: string | null): unknown => {
  if (s === null) return null;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return s;
  }
};

/** The audit log: append-only; every use case that changes moderation state writes one entry. */
export function auditLog(db: Db) {
  return {
    /** Records an entry in the transaction of the change it describes: both commit, or neither. */
    async record(tx: Queryable, e: Omit<AuditEntry, 'id' | 'createdAt' | 'actorName'>): Promise<void> {
      await tx
        .insertInto('moderation_audit')
        .values({
          id: newId(),
          site_id: e.siteId,
          actor_id: e.actorId,
          action: e.action,
          target_type: e.targetType,
          target_id: e.targetId,
          before: e.before === undefined || e.before === null ? null : JSON.stringify(e.before),
          after: e.after === undefined || e.after === null ? null : JSON.stringify(e.after),
          created_at: nowIso(),
        })
        .execute();
    },

    /** Newest first, for the given sites (null: all sites, for admins). */
    async list(q: { siteIds: string[] | null; before?: string | undefined; limit: number; targetId?: string | undefined; actorId?: string | undefined; action?: string | undefined }): Promise<AuditEntry[]> {
      let query = db
        .selectFrom('moderation_audit as a')
        .leftJoin('users as u', 'u.id', 'a.actor_id')
        .select(['a.id', 'a.site_id', 'a.actor_id', 'u.display_name', 'a.action', 'a.target_type', 'a.target_id', 'a.before', 'a.after', 'a.created_at']);
      if (q.siteIds && q.siteIds.length === 0) return [];
      if (q.siteIds) query = query.where('a.site_id', 'in', q.siteIds);
      if (q.before) query = query.where('a.created_at', '<', q.before);
      if (q.targetId) query = query.where('a.target_id', '=', q.targetId);
      if (q.actorId) query = query.where('a.actor_id', '=', q.actorId);
      if (q.action) query = query.where('a.action', '=', q.action);
      const rows = await query.orderBy('a.created_at', 'desc').orderBy('a.id', 'desc').limit(q.limit).execute();
      const labels = await this.labels(rows.map((r) => ({ type: r.target_type, id: r.target_id })));
      return rows.map((r) => ({
        id: r.id,
        siteId: r.site_id,
        actorId: r.actor_id,
        actorName: r.display_name,
        action: r.action,
        targetType: r.target_type as AuditEntry['targetType'],
        targetId: r.target_id,
        before: parse(r.before),
        after: parse(r.after),
        createdAt: r.created_at,
        targetLabel: (r.target_id && labels.get(`${r.target_type}:${r.target_id}`)) || null,
      }));
    },

    /** Names for targets, so the log reads "rejected « Vous êtes un… » by Léa", not an id. */
    async labels(targets: { type: string; id: string | null }[]): Promise<Map<string, string>> {
      const out = new Map<string, string>();
      const ids = (type: string) => [...new Set(targets.filter((t) => t.type === type && t.id).map((t) => t.id as string))];
      const comments = ids('comment');
      const users = [...ids('user'), ...ids('moderator')];
      if (comments.length) {
        const rows = await db.selectFrom('comments').select(['id', 'body', 'status']).where('id', 'in', comments).execute();
        for (const r of rows) if (r.status !== 'deleted') out.set(`comment:${r.id}`, r.body.length > 80 ? `${r.body.slice(0, 80)}…` : r.body);
      }
      if (users.length) {
        const rows = await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', users).execute();
        for (const r of rows) out.set(`user:${r.id}`, r.display_name).set(`moderator:${r.id}`, r.display_name);
      }
      return out;
    },
  };
}
export type AuditLog = ReturnType<typeof auditLog>;
