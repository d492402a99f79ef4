import type { Db } from '../storage/db.js';
import type { Queryable } from '../storage/tx.js';
import { newId, nowIso } from '../storage/ids.js';

/** Who did a privacy action: the reader, an admin for them, an operator on the command line, or the sweep. */
export interface Actor {
  kind: 'self' | 'admin' | 'cli' | 'system';
  id: string | null;
}

export type PrivacyAction = 'data.exported' | 'deletion.requested' | 'deletion.cancelled' | 'deletion.completed';

/** One line of the privacy log, as shown to the reader and to admins. */
export interface AuditEntry {
  at: string;
  actor: Actor['kind'];
  actorId: string | null;
  action: PrivacyAction;
  details: Record<string, unknown> | null;
}

/** Records a privacy action. Details hold counts and settings, never the text of comments. */
export async function audit(db: Queryable, e: { actor: Actor; subjectUserId: string; action: PrivacyAction; details?: Record<string, unknown>; now?: number }): Promise<void> {
  await db
    .insertInto('privacy_audit')
    .values({
      id: newId(),
      at: nowIso(e.now),
      actor: e.actor.kind,
      actor_id: e.actor.id,
      subject_user_id: e.subjectUserId,
      action: e.action,
      details: e.details ? JSON.stringify(e.details) : null,
    })
    .execute();
}

/** The privacy log of one account, oldest first. */
export async function auditOf(db: Db, userId: string): Promise<AuditEntry[]> {
  const rows = await db.selectFrom('privacy_audit').selectAll().where('subject_user_id', '=', userId).orderBy('at').orderBy('id').execute();
  return rows.map((r) => ({
    at: r.at,
    actor: r.actor as Actor['kind'],
    actorId: r.actor_id,
    action: r.action as PrivacyAction,
    details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
  }));
}
