/**
 * The Agora export format ("agora-export", version 1): JSON lines, one object a line, UTF-8.
 *
 *   {"format":"agora-export","version":1,"exportedAt":"…","site":"demo","withSecrets":false,"migrations":[…],"tables":[…]}
 *   {"table":"sites","row":{…}}            one line per row, tables in the order of TABLES below, columns as stored
 *   …
 *   {"end":{"rows":{"sites":1,"users":12,…}}}
 *
 * Rows carry every column of their table with the database's own names and values (text, numbers, null), so a
 * restore writes back exactly what was read. Tables a database does not have (a feature not installed) are left
 * out and listed in neither `tables` nor `rows`. The end line lets a restore tell a complete file from a cut one.
 * Version 1 readers refuse other versions; a new column or table is a new version only if old readers would lose it.
 */
export const EXPORT_FORMAT = 'agora-export';
export const EXPORT_VERSION = 1;

/** How the rows of a table belong to the exported site. */
export type Scope =
  /** `column` is the site id. */
  | { by: 'site'; column: string }
  /** `column` is the id of a comment of the site. */
  | { by: 'comment'; column: string }
  /** `column` is the id of a user of the site (one who wrote, reacted, reported, or is known to it). */
  | { by: 'user'; column: string };

/** What the export and the restore know of one table. */
export interface TableSpec {
  table: string;
  scope: Scope;
  /** A unique ordering, for reading in pages (keyset). */
  key: string[];
  /** Columns holding ids of other exported rows: rewritten on restore when a row was matched to an existing one. */
  refs?: Record<string, 'users' | 'stories' | 'comments'>;
  /** A unique column besides the id (within the site when `withSite`): a restored row that meets an existing row with
   *  the same value is the same thing under another id (an account with that email, a story with that URL). */
  natural?: { column: string; withSite: boolean };
  /** Columns that only mean something in the database they are in (a live-stream counter): never exported. */
  localColumns?: string[];
  /** Columns written as null unless the export is made --with-secrets. */
  secretColumns?: string[];
  /** The whole table is exported only --with-secrets. */
  secretsOnly?: boolean;
}

/** Every exported table, in an order where each row's references come before it. */
export const TABLES: TableSpec[] = [
  { table: 'sites', scope: { by: 'site', column: 'id' }, key: ['id'] },
  { table: 'users', scope: { by: 'user', column: 'id' }, key: ['id'], natural: { column: 'email', withSite: false }, secretColumns: ['password_hash'] },
  { table: 'user_identities', scope: { by: 'site', column: 'site_id' }, key: ['provider', 'subject'], refs: { user_id: 'users' } },
  { table: 'sso_profiles', scope: { by: 'site', column: 'site_id' }, key: ['user_id'], refs: { user_id: 'users' } },
  { table: 'guest_authors', scope: { by: 'site', column: 'site_id' }, key: ['user_id'], refs: { user_id: 'users' } },
  { table: 'notification_settings', scope: { by: 'user', column: 'user_id' }, key: ['user_id'], refs: { user_id: 'users' } },
  { table: 'display_name_changes', scope: { by: 'user', column: 'user_id' }, key: ['id'], refs: { user_id: 'users' } },
  { table: 'stories', scope: { by: 'site', column: 'site_id' }, key: ['id'], natural: { column: 'url', withSite: true }, localColumns: ['event_seq'] },
  { table: 'articles', scope: { by: 'site', column: 'site_id' }, key: ['id'], refs: { story_id: 'stories' } },
  {
    table: 'comments',
    scope: { by: 'site', column: 'site_id' },
    // Shallower first: a stored parent is always shallower than its replies, so parents are restored first.
    key: ['depth', 'id'],
    refs: { story_id: 'stories', author_id: 'users', parent_id: 'comments', root_id: 'comments', in_reply_to_id: 'comments', moderated_by: 'users' },
    natural: { column: 'external_id', withSite: true },
  },
  { table: 'comment_revisions', scope: { by: 'comment', column: 'comment_id' }, key: ['id'], refs: { comment_id: 'comments' } },
  { table: 'reactions', scope: { by: 'comment', column: 'comment_id' }, key: ['comment_id', 'user_id'], refs: { comment_id: 'comments', user_id: 'users' } },
  { table: 'reports', scope: { by: 'comment', column: 'comment_id' }, key: ['id'], refs: { comment_id: 'comments', user_id: 'users' } },
  { table: 'moderation_settings', scope: { by: 'site', column: 'site_id' }, key: ['site_id'] },
  { table: 'user_standing', scope: { by: 'site', column: 'site_id' }, key: ['user_id'], refs: { user_id: 'users' } },
  { table: 'moderator_notes', scope: { by: 'site', column: 'site_id' }, key: ['id'], refs: { user_id: 'users', author_id: 'users' } },
  { table: 'site_moderators', scope: { by: 'site', column: 'site_id' }, key: ['user_id'], refs: { user_id: 'users' } },
  { table: 'moderation_audit', scope: { by: 'site', column: 'site_id' }, key: ['id'], refs: { actor_id: 'users' } },
  { table: 'moderation_examples', scope: { by: 'site', column: 'site_id' }, key: ['comment_id'], refs: { comment_id: 'comments' } },
  { table: 'site_secrets', scope: { by: 'site', column: 'site_id' }, key: ['site_id'], secretsOnly: true },
  { table: 'webhooks', scope: { by: 'site', column: 'site_id' }, key: ['id'], secretsOnly: true },
  { table: 'privacy_deletions', scope: { by: 'user', column: 'user_id' }, key: ['user_id'], refs: { user_id: 'users', requested_by: 'users' } },
  { table: 'privacy_audit', scope: { by: 'user', column: 'subject_user_id' }, key: ['id'], refs: { subject_user_id: 'users', actor_id: 'users' } },
];

/** Columns of site- and comment-scoped tables that name users: the users of a site are those they name. */
export function userColumns(spec: TableSpec): string[] {
  if (spec.scope.by === 'user') return [];
  return Object.entries(spec.refs ?? {})
    .filter(([, t]) => t === 'users')
    .map(([c]) => c);
}

/** The first line of an export. */
export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  version: number;
  exportedAt: string;
  site: string;
  withSecrets: boolean;
  migrations: string[];
  tables: string[];
}
