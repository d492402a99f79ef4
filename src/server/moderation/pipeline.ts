import type { ModerationContext } from './context.js';
import { authorStatus } from './phases/author-status.js';
import { bannedWords } from './phases/banned-words.js';
import { duplicate } from './phases/duplicate.js';
import { language } from './phases/language.js';
import { links } from './phases/links.js';
import { mode } from './phases/mode.js';
import { rateLimit } from './phases/rate-limit.js';
import { spam } from './phases/spam.js';
import { storyClosed } from './phases/story-closed.js';
import { suspectWords } from './phases/suspect-words.js';
import { toxicity } from './phases/toxicity.js';
import { trust } from './phases/trust.js';
import { stricter, type PhaseName, type PhaseOutput, type Verdict } from './types.js';
import { allowStripper, wordMatcher, type WordMatcher } from './words/matcher.js';
import { ALLOWED_WORDS, BANNED_WORDS, SUSPECT_WORDS } from './words/default-lists.js';
import type { ModerationSettings } from './settings.js';

/** A phase: a plain function of the context. It may be async (a future classifier in a worker). */
export type Phase = (ctx: ModerationContext) => PhaseOutput | Promise<PhaseOutput>;

/**
 * The phases in the order they run. Cheap refusals first (closed story, banned author, limits, double posts), so a
 * refused comment costs no scoring; then words and links, which explain themselves best; then the models; then the
 * rules that hold everything (trust, pre-moderation), last so the stored reasons also say what else was found.
 */
export const PHASES: readonly (readonly [PhaseName, Phase])[] = [
  ['story_closed', storyClosed],
  ['author_status', authorStatus],
  ['rate_limit', rateLimit],
  ['duplicate', duplicate],
  ['banned_words', bannedWords],
  ['links', links],
  ['suspect_words', suspectWords],
  ['language', language],
  ['toxicity', toxicity],
  ['spam', spam],
  ['trust', trust],
  ['mode', mode],
];

/** The phases that judge a text alone, without a story or an author: what `agora moderation score` runs. */
export const TEXT_PHASES = PHASES.filter(([name]) => ['banned_words', 'links', 'suspect_words', 'language', 'toxicity', 'spam'].includes(name));

/**
 * Runs the phases in order and returns the strictest action with every reason given. A reject stops the run: there is
 * nothing more to decide. Holds do not, so a moderator sees all that was found (suspect word and toxicity score).
 */
export async function runPipeline(ctx: ModerationContext, phases: readonly (readonly [PhaseName, Phase])[] = PHASES): Promise<Verdict> {
  const verdict: Verdict = { action: 'publish', reasons: [], scores: {} };
  for (const [, phase] of phases) {
    const out = await phase(ctx);
    if (!out) continue;
    if (out.facts) {
      Object.assign(ctx.facts, out.facts);
      Object.assign(verdict.scores, out.facts);
    }
    const v = out.verdict;
    if (!v || v.action === 'publish') continue;
    verdict.action = stricter(verdict.action, v.action);
    if (v.reason) verdict.reasons.push(v.reason);
    if (v.action === 'reject') {
      if (v.refusal) verdict.refusal = v.refusal;
      break;
    }
  }
  return verdict;
}

/**
 * The banned and suspect matchers of a site, the shipped lists (unless turned off) plus the site's own words, and
 * the allow-list remover the models' input goes through.
 */
export function siteMatchers(words: ModerationSettings['words']): { banned: WordMatcher; suspect: WordMatcher; stripAllowed: (text: string) => string } {
  const base = words.useDefaults;
  const allow = [...(base ? ALLOWED_WORDS : []), ...words.allow];
  return {
    banned: wordMatcher([...(base ? BANNED_WORDS : []), ...words.banned], allow),
    suspect: wordMatcher([...(base ? SUSPECT_WORDS : []), ...words.suspect], allow),
    stripAllowed: allowStripper(allow),
  };
}
