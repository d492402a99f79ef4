/**
 * Reader-facing strings of the Discussion, shared by the server-rendered page and the embed widget.
 * Kept apart from server-only catalogs so the widget bundle carries only what it shows.
 * `fr` is typed against `en`: a missing or extra key fails to compile.
 */
export type Lang = 'en' | 'fr';
export const LANGS: readonly Lang[] = ['en', 'fr'];

/** What the reading path shows: loaded with every widget (the page's language only). */
const enRead = {
  // The writing direction the widget sets on itself, whatever the host page's (a right-to-left catalog says 'rtl').
  dir: 'ltr',
  discussion: 'Discussion',
  cta: 'Join the conversation',
  empty: 'Be the first to comment',
  commentCount: (n: number) => (n === 1 ? '1 comment' : `${n} comments`),
  signIn: 'Sign in',
  reply: 'Reply',
  report: 'Report',
  respect: 'Respect',
  edited: 'edited',
  deleted: 'This comment was deleted.',
  inReplyTo: (name: string) => `in reply to ${name}`,
  sortBy: 'Sort by',
  sorts: { newest: 'Newest', oldest: 'Oldest', reactions: 'Most respected', replies: 'Most replies', featured: 'Featured' },
  loadMore: 'Load more comments',
  newComments: (n: number) => (n === 1 ? 'Show 1 new comment' : `Show ${n} new comments`),
  showMoreReplies: (n: number) => (n === 1 ? 'Show 1 more reply' : `Show ${n} more replies`),
  loading: 'Loading…',
  retry: 'Retry',
  networkError: 'The discussion could not be loaded.',
  closed: 'Comments are closed on this story.',
  dismiss: 'Dismiss',
  offline: 'The server could not be reached. Check your connection and try again.',
  asGuest: 'Comment without an account',
  // Staff badges (also on the server-rendered page) and the Featured tab's empty state (issue 12).
  staffLabels: { admin: 'Newsroom', moderator: 'Moderator' },
  noFeatured: 'Nothing featured yet.',
  copyLink: 'Copy link',
  reportedMark: 'Reported ✓',
  ignore: 'Ignore',

} as const;

/** What the interaction chunks show (composer, sign-in, report, bell, guest form, account): loaded on first use. */
const enMore = {
  // An ignored reader's comment, folded: shown by the report chunk, which also has Ignore (docs/adr/0020).
  ignoredFold: 'A comment from a reader you ignore.',
  show: 'Show',
  popupBlocked: 'The sign-in window was blocked. Allow pop-ups for this site and try again.',
  edit: 'Edit',
  delete: 'Delete',
  pending: 'Awaiting moderation: only you can see this comment.',
  rejected: 'This comment was not published.',
  signUp: 'Create an account',
  signOut: 'Sign out',
  myAccount: 'My account',
  signedInAs: (name: string) => `Signed in as ${name}`,
  email: 'Email',
  password: 'Password',
  passwordHint: 'At least 10 characters',
  displayName: 'Display name',
  haveAccount: 'Already have an account? Sign in',
  noAccount: 'No account yet? Create one',
  yourComment: 'Your comment',
  yourReply: 'Your reply',
  formattingHint: '**bold**, *italic*, [link](https://…), > quote, `code`',
  post: 'Post',
  postReply: 'Post reply',
  save: 'Save',
  cancel: 'Cancel',
  confirmDelete: 'Delete this comment?',
  reportReason: 'Reason',
  reportNote: 'Note (optional)',
  linkCopied: 'Link copied.',
  // Why sign-in was asked (a signed-out reader's Reply, Respect or Report).
  signInTo: { reply: 'Sign in to reply.', react: 'Sign in to give Respect.', report: 'Sign in to report.' },
  ignoredDone: (name: string) => `${name}'s comments are now folded for you.`,
  permalinkGone: 'This comment is no longer available.',
  sendReport: 'Send report',
  reported: 'Thank you, a moderator will look at it.',
  reasons: {
    spam: 'Spam',
    abuse: 'Abusive or hateful',
    offtopic: 'Off topic',
    misinformation: 'Misinformation',
    other: 'Other',
  },
  charactersLeft: (n: number) => `${n} characters left`,
  signInTitle: 'Sign in to comment',
  notifications: (n: number) => (n ? `Notifications (${n} new)` : 'Notifications'),
  noNotifications: 'Nothing new.',
  notice: (kind: string, who: string | null, why: string | null) =>
    kind === 'reply'
      ? `${who} replied to your comment`
      : kind === 'rejected'
        ? `Your comment was not published. ${why ?? ''}`
        : `Your comment was ${kind === 'featured' ? 'featured' : 'published'}`,
  emailNeverShown: 'Never shown',
  powFailed: 'The anti-spam check could not run in this browser (it needs a secure https page). Nothing was sent.',
  // Issue 19, rare enough to come with these strings: a failure in the page's browser is not the network's, and a
  // page without EventSource gets no live updates.
  pageError: 'Something went wrong in this browser. Reload the page.',
  liveOff: 'Live updates are unavailable in this browser: reload the page to see new comments.',
} as const;

/** Strings only the server-rendered pages and the sign-in popup show: kept out of the widget's catalog. */
const enPages = {
  signInToComment: 'Sign in to join the conversation',
  respectCount: (n: number) => (n === 1 ? '1 respect' : `${n} respects`),
  continueAs: (name: string) => `Continue as ${name}`,
  popupLost: 'The page that opened this window is gone. Close this window and try again.',
  // Permalinks and staff on the server-rendered page (issue 12).
  permalinkLabel: 'Link to this comment',
  threadView: 'One conversation of the discussion.',
  allComments: 'Show all comments',
  featuredLabel: 'Featured',
} as const;

/** A catalog's type from the English one: each language must have the same keys and argument lists. */
type Catalog<T> = { [K in keyof T]: T[K] extends (...a: infer A) => string ? (...a: A) => string : T[K] extends Record<string, string> ? { [R in keyof T[K]]: string } : string };
/** What the widget's reading path shows (its strings module per language carries exactly this). */
export type ReadStrings = Catalog<typeof enRead>;
/** What the widget's interaction chunks show (loaded with the first of them, in the page's language). */
export type MoreStrings = Catalog<typeof enMore>;
/** Everything the embed widget shows. */
export type WidgetStrings = ReadStrings & MoreStrings;
/** Every reader-facing string of the Discussion: the widget's and the pages'. */
export type DiscussionStrings = WidgetStrings & Catalog<typeof enPages>;

const frRead: ReadStrings = {
  dir: 'ltr',
  discussion: 'Discussion',
  cta: 'Rejoignez la conversation',
  empty: 'Soyez le premier à commenter',
  commentCount: (n) => (n <= 1 ? `${n} commentaire` : `${n} commentaires`),
  signIn: 'Se connecter',
  reply: 'Répondre',
  report: 'Signaler',
  respect: 'Respect',
  edited: 'modifié',
  deleted: 'Ce commentaire a été supprimé.',
  inReplyTo: (name) => `en réponse à ${name}`,
  sortBy: 'Trier par',
  sorts: { newest: 'Plus récents', oldest: 'Plus anciens', reactions: 'Plus de respects', replies: 'Plus de réponses', featured: 'À la une' },
  loadMore: 'Afficher plus de commentaires',
  newComments: (n) => (n === 1 ? 'Afficher 1 nouveau commentaire' : `Afficher ${n} nouveaux commentaires`),
  showMoreReplies: (n) => (n === 1 ? 'Afficher 1 autre réponse' : `Afficher ${n} autres réponses`),
  loading: 'Chargement…',
  retry: 'Réessayer',
  networkError: 'La discussion n’a pas pu être chargée.',
  closed: 'Les commentaires sont fermés pour cet article.',
  dismiss: 'Fermer',
  offline: 'Le serveur est injoignable. Vérifiez votre connexion et réessayez.',
  asGuest: 'Commenter sans compte',
  // Staff badges (also on the server-rendered page) and the Featured tab's empty state (issue 12).
  staffLabels: { admin: 'Rédaction', moderator: 'Modération' },
  noFeatured: 'Rien à la une pour l’instant.',
  copyLink: 'Copier le lien',
  reportedMark: 'Signalé ✓',
  ignore: 'Ignorer',

};

const frMore: MoreStrings = {
  ignoredFold: 'Un commentaire d’une personne que vous ignorez.',
  show: 'Afficher',
  popupBlocked: 'La fenêtre de connexion a été bloquée. Autorisez les fenêtres pour ce site et réessayez.',
  edit: 'Modifier',
  delete: 'Supprimer',
  pending: 'En attente de modération : vous seul voyez ce commentaire.',
  rejected: 'Ce commentaire n’a pas été publié.',
  signUp: 'Créer un compte',
  signOut: 'Se déconnecter',
  myAccount: 'Mon compte',
  signedInAs: (name) => `Connecté en tant que ${name}`,
  email: 'Adresse e-mail',
  password: 'Mot de passe',
  passwordHint: 'Au moins 10 caractères',
  displayName: 'Nom affiché',
  haveAccount: 'Déjà un compte ? Se connecter',
  noAccount: 'Pas encore de compte ? En créer un',
  yourComment: 'Votre commentaire',
  yourReply: 'Votre réponse',
  formattingHint: '**gras**, *italique*, [lien](https://…), > citation, `code`',
  post: 'Publier',
  postReply: 'Répondre',
  save: 'Enregistrer',
  cancel: 'Annuler',
  confirmDelete: 'Supprimer ce commentaire ?',
  reportReason: 'Motif',
  reportNote: 'Précision (facultative)',
  linkCopied: 'Lien copié.',
  signInTo: { reply: 'Connectez-vous pour répondre.', react: 'Connectez-vous pour donner un Respect.', report: 'Connectez-vous pour signaler.' },
  ignoredDone: (name) => `Les commentaires de ${name} sont désormais repliés pour vous.`,
  permalinkGone: 'Ce commentaire n’est plus disponible.',
  sendReport: 'Envoyer le signalement',
  reported: 'Merci, un modérateur va l’examiner.',
  reasons: {
    spam: 'Spam',
    abuse: 'Injurieux ou haineux',
    offtopic: 'Hors sujet',
    misinformation: 'Désinformation',
    other: 'Autre',
  },
  charactersLeft: (n) => `${n} caractères restants`,
  signInTitle: 'Connectez-vous pour commenter',
  notifications: (n) => (n ? `Notifications (${n} nouvelle${n > 1 ? 's' : ''})` : 'Notifications'),
  noNotifications: 'Rien de nouveau.',
  notice: (kind, who, why) =>
    kind === 'reply'
      ? `${who} a répondu à votre commentaire`
      : kind === 'rejected'
        ? `Votre commentaire n’a pas été publié. ${why ?? ''}`
        : `Votre commentaire a été ${kind === 'featured' ? 'mis à la une' : 'publié'}`,
  emailNeverShown: 'Jamais affichée',
  powFailed: 'La vérification anti-spam n’a pas pu s’exécuter dans ce navigateur (il faut une page https sécurisée). Rien n’a été envoyé.',
  pageError: 'Une erreur s’est produite dans ce navigateur. Rechargez la page.',
  liveOff: 'Mises à jour en direct indisponibles dans ce navigateur : rechargez la page pour voir les nouveaux commentaires.',
};

const frPages: Catalog<typeof enPages> = {
  signInToComment: 'Connectez-vous pour rejoindre la conversation',
  respectCount: (n) => `${n} respect${n > 1 ? 's' : ''}`,
  continueAs: (name) => `Continuer en tant que ${name}`,
  popupLost: 'La page qui a ouvert cette fenêtre n’existe plus. Fermez cette fenêtre et réessayez.',
  permalinkLabel: 'Lien vers ce commentaire',
  threadView: 'Une conversation de la discussion.',
  allComments: 'Afficher tous les commentaires',
  featuredLabel: 'À la une',
};

/** One language's whole catalog. Called with a pure annotation: bundles that never read `discussionStrings` (the
 * widget's strings modules) then drop it, and with it the other language, which an object spread would keep. */
const whole = <A, B>(a: A, b: B): A & B => ({ ...a, ...b });
export const discussionStrings: Record<Lang, DiscussionStrings> = {
  en: /* @__PURE__ */ whole(/* @__PURE__ */ whole(enRead, enMore), enPages),
  fr: /* @__PURE__ */ whole(/* @__PURE__ */ whole(frRead, frMore), frPages),
};
/** One language's part of the widget's catalog, for bundles that carry a single language and part (docs/adr/0020). */
export { enRead as discussionEnRead, enMore as discussionEnMore, frRead as discussionFrRead, frMore as discussionFrMore };

/** Picks a supported language from a tag such as `fr-FR` or an Accept-Language header; English otherwise. */
export function pickLang(tag: string | null | undefined): Lang {
  if (!tag) return 'en';
  for (const part of tag.split(',')) {
    const code = part.trim().slice(0, 2).toLowerCase();
    if (code === 'fr' || code === 'en') return code;
  }
  return 'en';
}

/** Relative or absolute date for a comment, in the reader's language. */
export function formatDate(iso: string, lang: Lang, now: number = Date.now()): string {
  const t = Date.parse(iso);
  const diff = Math.round((now - t) / 1000);
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  if (diff < 60) return rtf.format(0, 'second');
  if (diff < 3600) return rtf.format(-Math.floor(diff / 60), 'minute');
  if (diff < 86400) return rtf.format(-Math.floor(diff / 3600), 'hour');
  if (diff < 7 * 86400) return rtf.format(-Math.floor(diff / 86400), 'day');
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(t);
}
