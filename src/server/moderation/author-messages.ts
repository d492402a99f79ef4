import type { Lang } from '../../i18n/discussion.js';

/** What an author is told when the pipeline rejects their comment, by the phase that did, in the story's language. */
const messages = {
  en: {
    banned_words: 'Your comment contains words that are not allowed on this site.',
    links: 'Links are not allowed in comments on this site.',
    toxicity: 'Your comment was judged abusive.',
    spam: 'Your comment looks like spam.',
    other: 'Your comment does not follow the rules of this site.',
  },
  fr: {
    banned_words: 'Votre commentaire contient des mots interdits sur ce site.',
    links: 'Les liens ne sont pas autorisés dans les commentaires de ce site.',
    toxicity: 'Votre commentaire a été jugé injurieux.',
    spam: 'Votre commentaire ressemble à du spam.',
    other: 'Votre commentaire ne respecte pas les règles de ce site.',
  },
} as const satisfies Record<Lang, Record<string, string>>;

/** The author-facing reason of an automatic rejection by `phase`. */
export function rejectionMessage(phase: string, lang: Lang): string {
  const m = messages[lang];
  return phase in m ? m[phase as keyof typeof m] : m.other;
}
