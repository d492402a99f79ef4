import type { Scorer } from './context.js';
import { runPipeline, siteMatchers, TEXT_PHASES } from './pipeline.js';
import { DEFAULT_SETTINGS, type ModerationSettings } from './settings.js';
import type { Action, Reason } from './types.js';

/** What `agora moderation score` prints for one text. */
export interface TextScore {
  toxicity: number;
  spam: number;
  lang: 'fr' | 'en' | 'und';
  decision: Action;
  reasons: Reason[];
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Judges a bare text as the pipeline would judge it from an unknown, new author on an open post-moderated story:
 * word lists, links, language, toxicity and spam. Both scores are always given, even when a banned word decided
 * first, so the command can be used to check the models on one's own data.
 */
export function textScorer(scorer: Scorer, settings: ModerationSettings = DEFAULT_SETTINGS) {
  const words = siteMatchers(settings.words);
  return async (text: string): Promise<TextScore> => {
    const v = await runPipeline({ text, now: Date.now(), editing: false, settings, story: null, author: null, history: null, scorer, words, facts: {} }, TEXT_PHASES);
    const lang = v.scores.lang ?? scorer.detectLang(text);
    const stripped = words.stripAllowed(text);
    const toxicity = v.scores.toxicity ?? round(scorer.toxicity(stripped, lang === 'und' ? 'en' : lang));
    const spam = v.scores.spam ?? round(scorer.spam(stripped));
    return { toxicity, spam, lang, decision: v.action, reasons: v.reasons };
  };
}
