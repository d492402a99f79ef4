import { html, type Raw } from '../pages/html.js';
import type { Lang } from '../../i18n/discussion.js';

const TEXT = {
  en: {
    title: 'Your data',
    downloadIntro: 'Download everything Agora keeps about you: your account, your comments and their earlier versions, your reactions and reports, and this log.',
    download: 'Download my data (JSON)',
    deleteTitle: 'Delete my account',
    deleteIntro: (days: number) =>
      `Your account will be deleted ${days === 0 ? 'at the next clean-up' : `after ${days} day${days === 1 ? '' : 's'}`}: your comments then lose their text and your name (replies to them stay in place), your reactions are withdrawn and you are signed out everywhere. Until then you can change your mind.`,
    confirm: 'I understand that this cannot be undone once carried out.',
    delete: 'Delete my account',
    pending: (due: string) => `Your account is scheduled for deletion on ${due}.`,
    cancelIntro: 'You can still keep your account.',
    cancel: 'Cancel the deletion',
  },
  fr: {
    title: 'Vos données',
    downloadIntro: 'Téléchargez tout ce qu’Agora conserve à votre sujet : votre compte, vos commentaires et leurs versions précédentes, vos réactions et signalements, et ce journal.',
    download: 'Télécharger mes données (JSON)',
    deleteTitle: 'Supprimer mon compte',
    deleteIntro: (days: number) =>
      `Votre compte sera supprimé ${days === 0 ? 'au prochain nettoyage' : `dans ${days} jour${days === 1 ? '' : 's'}`} : vos commentaires perdront alors leur texte et votre nom (les réponses restent en place), vos réactions seront retirées et vous serez déconnecté partout. D’ici là, vous pouvez changer d’avis.`,
    confirm: 'Je comprends qu’une fois effectuée, la suppression est définitive.',
    delete: 'Supprimer mon compte',
    pending: (due: string) => `La suppression de votre compte est prévue le ${due}.`,
    cancelIntro: 'Vous pouvez encore conserver votre compte.',
    cancel: 'Annuler la suppression',
  },
} as const;

function formatDate(iso: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso)) + ' UTC';
}

/**
 * The "Your data" section of a reader's profile: a download link and a delete (or cancel) form. Plain links and
 * form posts, so it works without JavaScript and under the pages' `script-src 'self'` policy; each form carries the
 * CSRF token of the cookie session. `returnTo` is where the forms bring the reader back (a /profile page).
 */
export function renderPrivacySection(opts: {
  user: { displayName: string };
  lang: Lang;
  csrfToken: string;
  pendingDeletion: { dueAt: string } | null;
  graceDays?: number;
  returnTo?: string;
}): Raw {
  const t = TEXT[opts.lang];
  const back = html`<input type="hidden" name="csrf" value="${opts.csrfToken}"><input type="hidden" name="returnTo" value="${opts.returnTo ?? '/profile/privacy'}">`;
  const deletion = opts.pendingDeletion
    ? html`<p role="status" data-testid="privacy-pending">${t.pending(formatDate(opts.pendingDeletion.dueAt, opts.lang))}</p>
<form method="post" action="/profile/privacy/deletion/cancel">${back}
<p>${t.cancelIntro}</p>
<button type="submit" data-testid="privacy-cancel">${t.cancel}</button>
</form>`
    : html`<form method="post" action="/profile/privacy/deletion">${back}
<p>${t.deleteIntro(opts.graceDays ?? 7)}</p>
<p><label><input type="checkbox" name="confirm" value="yes" required data-testid="privacy-confirm"> ${t.confirm}</label></p>
<button type="submit" class="danger" data-testid="privacy-delete">${t.delete}</button>
</form>`;
  return html`<section class="privacy" aria-labelledby="privacy-title" data-testid="privacy-section">
<h2 id="privacy-title">${t.title}</h2>
<p>${t.downloadIntro}</p>
<p><a href="/api/v1/me/export" download data-testid="privacy-download">${t.download}</a></p>
<h3>${t.deleteTitle}</h3>
${deletion}
</section>`;
}
