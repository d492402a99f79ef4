/**
 * Reasons a moderator picks from when rejecting a comment (the author is shown the one given), shared by the console's
 * reject dialog and the Discussion's in-stream moderation menu so both offer the same words.
 */
export const REJECT_PRESETS = {
  en: ['Insults or personal attacks.', 'Off topic.', 'Spam or advertising.', 'Hateful content.'],
  fr: ['Insultes ou attaques personnelles.', 'Hors sujet.', 'Spam ou publicité.', 'Propos haineux.'],
} as const;
