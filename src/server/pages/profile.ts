import { formatDate, type Lang } from '../../i18n/discussion.js';
import type { NotifyMode } from '../notifications/settings.js';
import type { OwnComment } from '../users/profile.js';
import { html, raw, type Raw } from './html.js';
import { layout } from './layout.js';

const en = {
  title: 'Your profile',
  signInFirst: 'Sign in to see your comments and settings.',
  signIn: 'Sign in',
  reloadAfter: 'Then come back to this page.',
  name: 'Display name',
  nameHint: 'Shown with your comments. You can change it 3 times a day.',
  save: 'Save',
  notifications: 'Email notifications',
  notificationsHint: 'Replies to your comments, and moderators’ decisions on them.',
  modes: { immediate: 'One email each time', digest: 'One email a day', none: 'No email' } as Record<NotifyMode, string>,
  language: 'Language of emails',
  noEmail: 'We have no email address for you, so no email can be sent.',
  comments: 'Your comments',
  none: 'You have not commented yet.',
  status: { published: 'published', pending: 'awaiting moderation', rejected: 'not published' } as Record<string, string>,
  saved: 'Saved.',
  on: 'on',
};
const fr: typeof en = {
  title: 'Votre profil',
  signInFirst: 'Connectez-vous pour voir vos commentaires et vos réglages.',
  signIn: 'Se connecter',
  reloadAfter: 'Revenez ensuite sur cette page.',
  name: 'Nom affiché',
  nameHint: 'Affiché avec vos commentaires. Vous pouvez le changer 3 fois par jour.',
  save: 'Enregistrer',
  notifications: 'Notifications par e-mail',
  notificationsHint: 'Les réponses à vos commentaires, et les décisions des modérateurs à leur sujet.',
  modes: { immediate: 'Un e-mail à chaque fois', digest: 'Un e-mail par jour', none: 'Aucun e-mail' },
  language: 'Langue des e-mails',
  noEmail: 'Nous n’avons pas d’adresse e-mail pour vous : aucun e-mail ne peut être envoyé.',
  comments: 'Vos commentaires',
  none: 'Vous n’avez pas encore commenté.',
  status: { published: 'publié', pending: 'en attente de modération', rejected: 'non publié' },
  saved: 'Enregistré.',
  on: 'sur',
};
const strings: Record<Lang, typeof en> = { en, fr };

/** The profile page for someone not signed in: a link to the first-party sign-in window. */
export function renderProfileSignedOut(lang: Lang, signInHref: string, siteName?: string): string {
  const t = strings[lang];
  return layout({ lang, title: t.title, ...(siteName ? { siteName } : {}), body: html`<h1>${t.title}</h1><p>${t.signInFirst}</p><p><a href="${signInHref}" target="agora-signin">${t.signIn}</a> — ${t.reloadAfter}</p>` });
}

/** The reader's profile: name, notification settings, their comments, and the privacy section when there is one. */
export function renderProfile(opts: {
  lang: Lang;
  displayName: string;
  csrfToken: string;
  settings: { mode: NotifyMode; lang: Lang | null; hasEmail: boolean };
  comments: OwnComment[];
  message: { error: boolean; text: string } | null;
  privacySection: Raw | null;
  /** The publisher's site heading the page (not the demo's name). */
  siteName?: string;
  /** Email address and password (pages/accounts.ts). */
  accountSection?: Raw;
}): string {
  const t = strings[opts.lang];
  const now = Date.now();
  const csrf = html`<input type="hidden" name="csrf" value="${opts.csrfToken}">`;
  const modes = (Object.keys(t.modes) as NotifyMode[]).map(
    (m) => html`<label><input type="radio" name="mode" value="${m}"${opts.settings.mode === m ? raw(' checked') : ''}> ${t.modes[m]}</label><br>`,
  );
  const emailLang = opts.settings.lang ?? opts.lang;
  const body = html`<h1>${t.title}</h1>
${opts.message ? html`<p role="${opts.message.error ? 'alert' : 'status'}" class="${opts.message.error ? 'error' : 'saved'}">${opts.message.text}</p>` : ''}
<form method="post" action="/profile/name" class="profile">${csrf}
<p><label for="profile-name">${t.name}</label><br><input id="profile-name" name="displayName" value="${opts.displayName}" maxlength="50" required autocomplete="nickname"><br><small>${t.nameHint}</small></p>
<p><button type="submit">${t.save}</button></p>
</form>
<form method="post" action="/profile/notifications" class="profile">${csrf}
<fieldset><legend>${t.notifications}</legend><p><small>${t.notificationsHint}</small></p>${modes}
${opts.settings.hasEmail ? '' : html`<p><small>${t.noEmail}</small></p>`}
<p><label for="profile-lang">${t.language}</label>
<select id="profile-lang" name="lang"><option value="fr"${emailLang === 'fr' ? raw(' selected') : ''}>Français</option><option value="en"${emailLang === 'en' ? raw(' selected') : ''}>English</option></select></p>
<p><button type="submit">${t.save}</button></p></fieldset>
</form>
<section aria-labelledby="profile-comments"><h2 id="profile-comments">${t.comments}</h2>
${
  opts.comments.length === 0
    ? html`<p>${t.none}</p>`
    : html`<ol class="own-comments">${opts.comments.map(
        (c) =>
          html`<li><p class="meta"><time datetime="${c.createdAt}">${formatDate(c.createdAt, opts.lang, now)}</time> · ${t.on} <a href="${`${c.storyUrl.split('#')[0] ?? ''}#comment-${c.id}`}">${c.storyTitle}</a>${c.status !== 'published' ? html` · ${t.status[c.status] ?? c.status}` : ''}</p><div class="body">${raw(c.bodyHtml)}</div></li>`,
      )}</ol>`
}
</section>
${opts.accountSection ?? ''}
${opts.privacySection ?? ''}`;
  const head = html`<style>.profile input:not([type=radio]),.profile select{max-width:24rem;width:100%;padding:.4rem;font-size:1rem}.profile fieldset{border:1px solid #ddd;margin:1rem 0}.error{color:#a00}.saved{color:#060}.own-comments{padding-left:1rem}</style>`;
  return layout({ lang: opts.lang, title: t.title, body, head, ...(opts.siteName ? { siteName: opts.siteName } : {}) });
}

/** Messages of the profile forms. */
export const profileMessages = {
  saved: (lang: Lang) => strings[lang].saved,
};

const reauthText = {
  en: {
    title: 'Your data',
    intro: (minutes: number) => `To download your data or delete your account, enter your password again. This is asked when you signed in more than ${minutes} minutes ago, so that nobody else at this screen can do it.`,
    password: 'Password',
    confirm: 'Confirm',
  },
  fr: {
    title: 'Vos données',
    intro: (minutes: number) => `Pour télécharger vos données ou supprimer votre compte, saisissez à nouveau votre mot de passe. Il est demandé quand vous vous êtes connecté il y a plus de ${minutes} minutes, pour que personne d’autre devant cet écran ne puisse le faire.`,
    password: 'Mot de passe',
    confirm: 'Confirmer',
  },
} as const;

/**
 * In place of the "Your data" section when the session's password check is not recent: a plain form that checks
 * the password again (POST /profile/reauth, the session's CSRF token in a hidden field) and comes back to `returnTo`.
 */
export function renderReauthSection(opts: { lang: Lang; csrfToken: string; returnTo: string; minutes: number }): Raw {
  const t = reauthText[opts.lang];
  return html`<section class="privacy" aria-labelledby="reauth-title" data-testid="privacy-reauth">
<h2 id="reauth-title">${t.title}</h2>
<p>${t.intro(opts.minutes)}</p>
<form method="post" action="/profile/reauth" class="profile"><input type="hidden" name="csrf" value="${opts.csrfToken}"><input type="hidden" name="returnTo" value="${opts.returnTo}">
<p><label for="reauth-password">${t.password}</label><br><input id="reauth-password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit" data-testid="privacy-reauth-submit">${t.confirm}</button></p>
</form>
</section>`;
}
