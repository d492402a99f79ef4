import type { Generated } from 'kysely';

/**
 * Table types for Kysely. Portable on SQLite and PostgreSQL: times are ISO 8601 UTC strings of fixed width
 * (sortable as text), booleans are 0/1 integers, ids are random text.
 */
export interface Database {
  meta: { key: string; value: string };
  sites: SitesTable;
  users: UsersTable;
  user_identities: UserIdentitiesTable;
  sessions: SessionsTable;
  stories: StoriesTable;
  articles: ArticlesTable;
  comments: CommentsTable;
  comment_revisions: CommentRevisionsTable;
  reactions: ReactionsTable;
  reports: ReportsTable;
}

export interface SitesTable {
  id: string;
  name: string;
  /** JSON array of allowed origins. */
  origins: string;
  lang: string;
  /** JSON object of per-site settings (moderation mode, SSO, guests…); each feature validates its own part. */
  settings: Generated<string>;
  created_at: string;
}

export interface UsersTable {
  id: string;
  email: string | null;
  display_name: string;
  password_hash: string | null;
  role: string;
  created_at: string;
}

export interface UserIdentitiesTable {
  site_id: string;
  provider: string;
  subject: string;
  user_id: string;
  created_at: string;
}

export interface SessionsTable {
  /** sha256 of the token: a stolen database does not yield usable tokens. */
  id: string;
  user_id: string;
  kind: string;
  created_at: string;
  expires_at: string;
}

export interface StoriesTable {
  id: string;
  site_id: string;
  url: string;
  title: string;
  lang: string;
  closed: number;
  comment_count: Generated<number>;
  /** JSON object of per-story settings (auto-close, pre-moderation, message box). */
  settings: Generated<string>;
  published_at: string | null;
  created_at: string;
}

export interface ArticlesTable {
  id: string;
  site_id: string;
  slug: string;
  story_id: string;
  lang: string;
  title: string;
  standfirst: string;
  byline: string;
  published_at: string;
  /** JSON array of paragraphs. */
  paragraphs: string;
}

export interface CommentsTable {
  id: string;
  site_id: string;
  story_id: string;
  parent_id: string | null;
  root_id: string | null;
  depth: number;
  in_reply_to_id: string | null;
  author_id: string;
  body: string;
  body_html: string;
  status: string;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  reaction_count: Generated<number>;
  reply_count: Generated<number>;
  external_id: string | null;
}

export interface CommentRevisionsTable {
  id: string;
  comment_id: string;
  body: string;
  created_at: string;
}

export interface ReactionsTable {
  comment_id: string;
  user_id: string;
  created_at: string;
}

export interface ReportsTable {
  id: string;
  comment_id: string;
  user_id: string;
  reason: string;
  note: string | null;
  created_at: string;
}
