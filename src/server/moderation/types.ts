import type { ErrorCode } from '../errors.js';

/** What the pipeline does with a comment: show it, keep it for a moderator, or refuse it. */
export type Action = 'publish' | 'hold' | 'reject';

/** The phases, in the order they run (see pipeline.ts). */
export type PhaseName =
  | 'story_closed'
  | 'author_status'
  | 'rate_limit'
  | 'duplicate'
  | 'banned_words'
  | 'links'
  | 'suspect_words'
  | 'language'
  | 'toxicity'
  | 'spam'
  | 'trust'
  | 'mode';

/**
 * Why a phase held or rejected a comment, in terms a moderator can read: the phase, a stable code, a sentence, and
 * the evidence (words matched, score and the threshold it crossed). Stored with the comment.
 */
export interface Reason {
  phase: PhaseName;
  code: string;
  message: string;
  words?: string[];
  score?: number;
  threshold?: number;
}

/**
 * A rejection that is answered to the author as an error instead of storing the comment: closed stories, banned or
 * suspended authors, rate limits, double posts. Nothing is stored, so nothing waits in a queue.
 */
export interface Refusal {
  code: ErrorCode;
  details?: string;
  retryAfterSeconds?: number;
}

/** One phase's answer. `publish` means "no objection"; a reject stops the pipeline. */
export interface PhaseVerdict {
  action: Action;
  reason?: Reason;
  refusal?: Refusal;
}

/** Measurements phases pass on to later ones and to moderators. */
export interface Facts {
  lang?: 'fr' | 'en' | 'und';
  toxicity?: number;
  spam?: number;
}

/** What a phase returns: a verdict, new facts, both, or nothing (no objection, nothing learnt). */
export type PhaseOutput = { verdict?: PhaseVerdict; facts?: Facts } | undefined;

/** The pipeline's decision on one text, as stored with the comment (JSON in comments.moderation). */
export interface Verdict {
  action: Action;
  reasons: Reason[];
  scores: Facts;
  /** Set when the action is reject and the author gets an error instead of a stored comment. */
  refusal?: Refusal;
}

const SEVERITY: Record<Action, number> = { publish: 0, hold: 1, reject: 2 };

/** The stricter of two actions. */
export function stricter(a: Action, b: Action): Action {
  return SEVERITY[b] > SEVERITY[a] ? b : a;
}
