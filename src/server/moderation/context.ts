import type { ModerationSettings, StoryMode } from './settings.js';
import type { Facts } from './types.js';
import type { WordMatcher } from './words/matcher.js';

/** The offline classifiers as the pipeline uses them (moderation/classifiers implements it). */
export interface Scorer {
  toxicity(text: string, lang: 'fr' | 'en'): number;
  spam(text: string): number;
  detectLang(text: string): 'fr' | 'en' | 'und';
  readonly thresholds: { toxicity: { fr: number; en: number }; spam: number };
}

/** The author as moderation sees them on this site. */
export interface AuthorFacts {
  id: string;
  role: 'commenter' | 'moderator' | 'admin';
  createdAt: string;
  banned: boolean;
  suspendedUntil: string | null;
  /** A moderator asked for every comment of this user to be held. */
  premoderate: boolean;
  /**
   * Comments of theirs published on this site (by the pipeline or a moderator), counted up to the larger of
   * newUserComments and premoderateFirst: the rules only compare it with those.
   */
  publishedCount: number;
  /** Comments of theirs on this site within the rate window. */
  recentCount: number;
}

/** What the site's recent history says about this text. */
export interface HistoryFacts {
  /** The same author posted the same text on this story within the duplicate window. */
  sameTextSameStory: boolean;
  /** …and on other stories of the site. */
  sameTextElsewhere: number;
  /** Comments on this story from new accounts within the flood window. */
  storyNewAccountComments: number;
}

/**
 * Everything a phase may look at. Phases declare the part they need with Pick, so a phase's unit test builds only
 * that. `story`, `author` and `history` are null when a bare text is scored (`agora moderation score`).
 */
export interface ModerationContext {
  text: string;
  now: number;
  /** An edit of an existing comment: rate and duplicate rules do not apply again. */
  editing: boolean;
  settings: ModerationSettings;
  story: { id: string; lang: 'fr' | 'en'; closed: boolean; createdAt: string; mode: StoryMode } | null;
  author: AuthorFacts | null;
  history: HistoryFacts | null;
  scorer: Scorer;
  /** The site's word lists; `stripAllowed` removes allow-listed words from what the models score. */
  words: { banned: WordMatcher; suspect: WordMatcher; stripAllowed: (text: string) => string };
  /** Filled in by earlier phases (language, scores). */
  facts: Facts;
}

/** Staff write under their own name and are never held by trust or pre-moderation. */
export function isStaff(author: Pick<AuthorFacts, 'role'> | null): boolean {
  return author?.role === 'moderator' || author?.role === 'admin';
}

/** True while an account is new: younger than newUserHours, or with fewer published comments than newUserComments. */
export function isNewAccount(author: Pick<AuthorFacts, 'createdAt' | 'publishedCount'>, settings: Pick<ModerationSettings, 'newUserHours' | 'newUserComments'>, now: number): boolean {
  return now - Date.parse(author.createdAt) < settings.newUserHours * 3_600_000 || author.publishedCount < settings.newUserComments;
}
