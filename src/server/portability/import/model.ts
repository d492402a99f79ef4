import type { XmlRecord } from './xml-stream.js';

/** Why a source comment was not imported; each is counted in the summary. */
export const SKIP_REASONS = {
  spam: 'marked as spam',
  pingback: 'pingbacks and trackbacks',
  orphan: 'their thread is not in the file',
  threadUnusable: 'their thread has no usable URL',
  duplicate: 'same id twice in the file',
  empty: 'empty message',
  invalidDate: 'missing or invalid date',
} as const;
export type SkipReason = keyof typeof SKIP_REASONS;

/**
 * Why comments of a post that was not public in the source are held for review instead of published: WordPress
 * shows them only to readers who have the password, or to no reader at all. The sentence is what a moderator reads
 * (the console shows the code's translation, `import_<reason>`); the summary counts each.
 */
export const HELD_REASONS = {
  password: 'on a password-protected post (only readers with the password could see it)',
  private: 'on a private post',
  draft: 'on a draft or a post awaiting review',
  future: 'on a scheduled post, not yet published',
  trash: 'on a post in the trash',
} as const;
export type HeldReason = keyof typeof HELD_REASONS;

/**
 * Comments of the file that were not imported because something already in the database stands in their way, or the
 * file contradicts itself: each is a loss, reported by name with its count, and the command exits non-zero unless
 * --allow-conflicts. (A comment this site already has from the same source is "already imported", not a conflict.)
 */
export const CONFLICTS = {
  otherComment: 'this site already has a different comment under the same source id (another blog or forum imported into this site?)',
  sameIdInFile: 'the file has two different comments under the same id (only the first can be imported)',
  idTaken: 'their comment id is already used by another comment',
} as const;
export type ConflictKind = keyof typeof CONFLICTS;

/** Why a source thread (article) was not made a story. */
export const THREAD_PROBLEMS = {
  noId: 'threads without an id',
  duplicateId: 'threads whose id was already used (the first one is kept)',
  badUrl: 'threads without a usable http(s) URL',
} as const;
export type ThreadProblem = keyof typeof THREAD_PROBLEMS;

/** An article of the source system, as the importer needs it. */
export interface SourceThread {
  key: string;
  url: string;
  title: string;
  closed: boolean;
  /** ISO 8601, or null when the source has no usable date. */
  createdAt: string | null;
  /** Made a story only when a comment of the file belongs to it (WordPress drafts, attachments). */
  onlyIfCommented?: boolean;
  /** Set when the post was not public in the source: its comments are held for review and its story is not listed. */
  hidden?: HeldReason | null;
  /** The source's id of the post (WordPress post_id), and of the post it inherits its visibility from (attachments). */
  postId?: string;
  inheritFrom?: string;
}

/** Who wrote a source comment: a stable subject within the source, and the name to show. */
export interface SourceAuthor {
  /** 'user:<id>' for registered accounts, 'guest:<hash>' for anonymous authors. */
  subject: string;
  name: string;
}

/** A comment of the source system. The body stays in source form until the second pass converts it. */
export interface SourcePost {
  /** The source's id for the comment (also what replies name as their parent). */
  key: string;
  threadKey: string | null;
  parentKey: string | null;
  author: SourceAuthor;
  /** Message as HTML (Disqus) or WordPress text. */
  message: string;
  keepNewlines: boolean;
  status: 'published' | 'pending' | 'deleted';
  createdAt: string | null;
  /** Set when the source itself says not to import (spam, pingback). */
  skip: SkipReason | null;
  /** Set when the comment itself was not public, whatever its post (WordPress 'post-trashed'). */
  held?: HeldReason;
}

/** What a mapper makes of one record. */
export type SourceItem = { kind: 'thread'; thread: SourceThread | { problem: ThreadProblem; key: string } } | { kind: 'post'; post: SourcePost } | { kind: 'ignore' };

/** A source format: how to find its records in the XML and how to read one. */
export interface SourceFormat {
  /** 'disqus' or 'wordpress': the provider of imported identities and the prefix of external ids. */
  name: 'disqus' | 'wordpress';
  /** Throws ImportFileError when the root element shows another kind of file. */
  checkRoot(root: { uri: string; local: string; attrs: { uri: string; local: string; value: string }[] }): void;
  isRecord(uri: string, local: string, depth: number, insideRecord: boolean): boolean;
  map(record: XmlRecord): SourceItem;
  /** Names a record for the operator ("post 1234"), from what was read of it; used for rejected records. */
  describe(record: XmlRecord): string;
}

/** Parses a source date to the schema's ISO 8601 UTC form; null when absent or not a date. */
export function isoDate(raw: string): string | null {
  const s = raw.trim();
  if (!s || s.startsWith('0000-00-00')) return null;
  // WordPress writes "2020-01-06 10:00:00" (UTC for the *_gmt fields): read it as UTC, not local time.
  const t = Date.parse(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/.test(s) ? `${s.replace(' ', 'T')}Z` : s);
  if (!Number.isFinite(t)) return null;
  const d = new Date(t);
  if (d.getUTCFullYear() < 1990 || d.getUTCFullYear() > 9999) return null;
  return d.toISOString();
}
