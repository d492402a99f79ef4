import { REJECT_PRESETS } from './reject-presets.js';

/**
 * The Discussion's moderation menu (issue 13, point 4): shown only to the site's moderators, so it travels with its own
 * chunk (src/web/embed/chunks/mod.ts), both languages, and costs readers nothing. French typography: a non-breaking
 * space before `:`, a narrow one before `?` and `!`.
 */
const en = {
  menu: 'Moderate',
  menuFor: (name: string) => `Moderate the comment of ${name}`,
  reject: 'Reject',
  reasonPreset: 'Reason',
  choose: 'Choose a reason…',
  reason: 'Reason shown to the author (optional)',
  presets: [...REJECT_PRESETS.en] as string[],
  kind: 'It is',
  kinds: { abuse: 'abusive', spam: 'spam', other: 'something else' },
  feature: 'Feature',
  unfeature: 'Unfeature',
  ban: 'Ban the author',
  confirmBan: (name: string) => `Ban ${name} from this site? Their new comments will be refused.`,
  confirm: 'Confirm',
  suspend: 'Suspend the author',
  hours: 'For',
  durations: [
    [24, '24 hours'],
    [72, '3 days'],
    [168, '7 days'],
  ] as [number, string][],
  cancel: 'Cancel',
  rejected: 'Comment rejected.',
  featured: 'Comment featured.',
  unfeatured: 'Comment no longer featured.',
  banned: (name: string) => `${name} is banned from this site.`,
  suspended: (name: string, until: string) => `${name} is suspended until ${until}.`,
};

/** The menu's strings, one language. */
export type StreamModerationStrings = typeof en;

const fr: StreamModerationStrings = {
  menu: 'Modérer',
  menuFor: (name) => `Modérer le commentaire de ${name}`,
  reject: 'Rejeter',
  reasonPreset: 'Raison',
  choose: 'Choisir une raison…',
  reason: 'Raison montrée à l’auteur (facultatif)',
  presets: [...REJECT_PRESETS.fr],
  kind: 'C’est',
  kinds: { abuse: 'injurieux', spam: 'du spam', other: 'autre chose' },
  feature: 'Mettre en avant',
  unfeature: 'Retirer de la une',
  ban: 'Bannir l’auteur',
  confirmBan: (name) => `Bannir ${name} de ce site\u202f? Ses nouveaux commentaires seront refusés.`,
  confirm: 'Confirmer',
  suspend: 'Suspendre l’auteur',
  hours: 'Pendant',
  durations: [
    [24, '24\u00a0heures'],
    [72, '3\u00a0jours'],
    [168, '7\u00a0jours'],
  ],
  cancel: 'Annuler',
  rejected: 'Commentaire rejeté.',
  featured: 'Commentaire mis en avant.',
  unfeatured: 'Commentaire retiré de la une.',
  banned: (name) => `${name} est banni de ce site.`,
  suspended: (name, until) => `${name} est suspendu jusqu’au ${until}.`,
};

export const streamModeration = { en, fr };
