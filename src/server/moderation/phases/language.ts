import type { ModerationContext } from '../context.js';
import type { PhaseOutput } from '../types.js';

/** Identifies the language (for the toxicity model and moderators) and holds languages the site does not accept. */
export function language(ctx: Pick<ModerationContext, 'text' | 'scorer' | 'settings'>): PhaseOutput {
  const lang = ctx.scorer.detectLang(ctx.text);
  const accepted = ctx.settings.languages;
  // 'und' (too short to tell) is never held: "Bravo !" is every language.
  if (accepted && lang !== 'und' && !accepted.includes(lang)) {
    return { facts: { lang }, verdict: { action: 'hold', reason: { phase: 'language', code: 'language', message: `Written in ${lang}; this site accepts ${accepted.join(', ')}.` } } };
  }
  return { facts: { lang } };
}
