import type { Db } from '../storage/db.js';
import { nowIso } from '../storage/ids.js';
import { existingTables, loose } from '../portability/export/tables.js';
import { auditOf, type AuditEntry } from './audit.js';

/** Tables of other features that hold rows about one account (when installed), and the column naming it. */
const PERSONAL_TABLES: [table: string, column: string][] = [
  ['sso_profiles', 'user_id'],
  ['guest_authors', 'user_id'],
  ['notification_settings', 'user_id'],
  ['notifications', 'user_id'],
  ['display_name_changes', 'user_id'],
  ['user_standing', 'user_id'],
  ['ignored_users', 'user_id'],
];

/** Everything Agora stores about one reader, as they download it ("agora-personal-data" v1). */
export interface PersonalData {
  format: 'agora-personal-data';
  version: 1;
  exportedAt: string;
  user: { id: string; email: string | null; displayName: string; role: string; createdAt: string };
  identities: { siteId: string; provider: string; subject: string; createdAt: string }[];
  sessions: { kind: string; createdAt: string; expiresAt: string }[];
  comments: {
    id: string;
    siteId: string;
    story: { id: string; url: string; title: string };
    parentId: string | null;
    body: string;
    status: string;
    createdAt: string;
    editedAt: string | null;
    deletedAt: string | null;
    reactionCount: number;
    previousVersions: { body: string; createdAt: string }[];
  }[];
  reactions: { commentId: string; createdAt: string }[];
  reports: { commentId: string; reason: string; note: string | null; createdAt: string }[];
  other: Record<string, Record<string, unknown>[]>;
  deletion: { requestedAt: string; dueAt: string } | null;
  privacyLog: AuditEntry[];
}

/** Collects a reader's data; undefined when there is no such account. Sessions are listed without their tokens. */
export async function collectPersonalData(db: Db, userId: string, now = Date.now()): Promise<PersonalData | undefined> {
  const user = await db.selectFrom('users').select(['id', 'email', 'display_name', 'role', 'created_at']).where('id', '=', userId).executeTakeFirst();
  if (!user) return undefined;
  const [identities, sessions, comments, revisions, reactions, reports, deletion] = await Promise.all([
    db.selectFrom('user_identities').selectAll().where('user_id', '=', userId).orderBy('created_at').execute(),
    db.selectFrom('sessions').select(['kind', 'created_at', 'expires_at']).where('user_id', '=', userId).orderBy('created_at').execute(),
    db
      .selectFrom('comments as c')
      .innerJoin('stories as s', 's.id', 'c.story_id')
      .select(['c.id', 'c.site_id', 'c.story_id', 's.url', 's.title', 'c.parent_id', 'c.body', 'c.status', 'c.created_at', 'c.edited_at', 'c.deleted_at', 'c.reaction_count'])
      .where('c.author_id', '=', userId)
      .orderBy('c.created_at')
      .execute(),
    db
      .selectFrom('comment_revisions as r')
      .innerJoin('comments as c', 'c.id', 'r.comment_id')
      .select(['r.comment_id', 'r.body', 'r.created_at'])
      .where('c.author_id', '=', userId)
      .orderBy('r.created_at')
      .execute(),
    db.selectFrom('reactions').select(['comment_id', 'created_at']).where('user_id', '=', userId).orderBy('created_at').execute(),
    db.selectFrom('reports').select(['comment_id', 'reason', 'note', 'created_at']).where('user_id', '=', userId).orderBy('created_at').execute(),
    db.selectFrom('privacy_deletions').select(['requested_at', 'due_at']).where('user_id', '=', userId).executeTakeFirst(),
  ]);
  const versions = new Map<string, { body: string; createdAt: string }[]>();
  for (const r of revisions) versions.set(r.comment_id, [...(versions.get(r.comment_id) ?? []), { body: r.body, createdAt: r.created_at }]);
  const present = await existingTables(db);
  const other: Record<string, Record<string, unknown>[]> = {};
  for (const [table, column] of PERSONAL_TABLES) {
    if (!present.get(table)?.has(column)) continue;
    other[table] = await loose(db).selectFrom(table).selectAll().where(column, '=', userId).execute();
  }
  return {
    format: 'agora-personal-data',
    version: 1,
    exportedAt: nowIso(now),
    user: { id: user.id, email: user.email, displayName: user.display_name, role: user.role, createdAt: user.created_at },
    identities: identities.map((i) => ({ siteId: i.site_id, provider: i.provider, subject: i.subject, createdAt: i.created_at })),
    sessions: sessions.map((s) => ({ kind: s.kind, createdAt: s.created_at, expiresAt: s.expires_at })),
    comments: comments.map((c) => ({
      id: c.id,
      siteId: c.site_id,
      story: { id: c.story_id, url: c.url, title: c.title },
      parentId: c.parent_id,
      body: c.body,
      status: c.status,
      createdAt: c.created_at,
      editedAt: c.edited_at,
      deletedAt: c.deleted_at,
      reactionCount: c.reaction_count,
      previousVersions: versions.get(c.id) ?? [],
    })),
    reactions: reactions.map((r) => ({ commentId: r.comment_id, createdAt: r.created_at })),
    reports: reports.map((r) => ({ commentId: r.comment_id, reason: r.reason, note: r.note, createdAt: r.created_at })),
    other,
    deletion: deletion ? { requestedAt: deletion.requested_at, dueAt: deletion.due_at } : null,
    privacyLog: await auditOf(db, userId),
  };
}
