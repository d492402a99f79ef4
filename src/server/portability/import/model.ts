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
