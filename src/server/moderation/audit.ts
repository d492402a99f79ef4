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
    async list(q: { siteIds: string[] | null; before?: string | undefined; limit: number; targetId?: string | undefined }): Promise<AuditEntry[]> {
      let query = db
        .selectFrom('moderation_audit as a')
        .leftJoin('users as u', 'u.id', 'a.actor_id')
        .select(['a.id', 'a.site_id', 'a.actor_id', 'u.display_name', 'a.action', 'a.target_type', 'a.target_id', 'a.before', 'a.after', 'a.created_at']);
      if (q.siteIds && q.siteIds.length === 0) return [];
      if (q.siteIds) query = query.where('a.site_id', 'in', q.siteIds);
      if (q.before) query = query.where('a.created_at', '<', q.before);
      if (q.targetId) query = query.where('a.target_id', '=', q.targetId);
      const rows = await query.orderBy('a.created_at', 'desc').orderBy('a.id', 'desc').limit(q.limit).execute();
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
      }));
    },
  };
}
export type AuditLog = ReturnType<typeof auditLog>;
