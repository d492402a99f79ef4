import type { Lang } from './discussion.js';

/**
 * The words of account recovery: the password-reset, email-verification and profile account pages, and their
 * emails. `fr` is typed against `en`, so a missing string fails to compile.
 */
const en = {
  // Forgotten password.
  forgotTitle: 'Forgot password?',
  forgotIntro: 'Enter the email address of your account. We will send it a link to choose a new password.',
  email: 'Email address',
  sendLink: 'Send the link',
  forgotSent: (minutes: number) =>
    `If an account with a password uses this address, we have just sent it a link to choose a new password. The link works once, for ${minutes} minutes. Check your spam folder if nothing arrives.`,
  forgotSso: 'Accounts made by signing in through a news site have no password here: sign in on that site.',
  // New password.
  resetTitle: 'Choose a new password',
  newPassword: 'New password',
  passwordHint: 'at least 10 characters, not easy to guess',
  savePassword: 'Save the password',
  resetDone: 'Your password is changed, and you are signed out everywhere. Go back to the article and sign in with your new password.',
  askAgain: 'Ask for a new link',
  // Email verification.
  verifyTitle: 'Confirm your email address',
  verifyIntro: (email: string) => `Confirm that ${email} is your address.`,
  confirm: 'Confirm',
  verifyDone: (email: string) => `Thank you: ${email} is confirmed.`,
  // The profile's account section.
  accountTitle: 'Your account',
  verified: 'confirmed',
  unverified: 'not confirmed yet',
  resend: 'Send the confirmation link again',
  verifySent: (email: string) => `We sent a confirmation link to ${email}.`,
  changeEmail: 'Change the email address',
  newEmail: 'New email address',
  changeEmailHint: 'We send a link to the new address; the change takes effect when you open it. Your current address is told.',
  emailChangeSent: (email: string) => `We sent a link to ${email}: open it to confirm the change.`,
  changePassword: 'Change the password',
  passwordChanged: 'Your password is changed; your other sessions are signed out.',
  reauthIntro: (minutes: number) => `To change your email address or password, enter your password again (asked when you signed in more than ${minutes} minutes ago).`,
  password: 'Password',
  noPassword: (site: string) => `Your account comes from ${site}: its email address and password are managed there.`,
  // Emails.
  mailResetSubject: (site: string) => `Choose a new password for ${site}`,
  mailResetBody: (site: string) => `Someone, probably you, asked to reset the password of your account on ${site}. To choose a new password, open this link:`,
  mailResetValidity: (minutes: number) => `The link works once, for ${minutes} minutes.`,
  mailResetIgnore: 'If you did not ask for this, ignore this email: your password stays as it is.',
  mailVerifySubject: (site: string) => `Confirm your email address for ${site}`,
  mailVerifyBody: (site: string) => `Welcome to the discussions of ${site}. To confirm that this address is yours, open this link:`,
  mailChangeSubject: (site: string) => `Confirm your new email address for ${site}`,
  mailChangeBody: (site: string) => `You asked to use this address for your account on ${site}. To confirm the change, open this link:`,
  mailVerifyValidity: (hours: number) => `The link works once, for ${hours} hours.`,
  mailVerifyIgnore: 'If you did not ask for this, ignore this email.',
  mailNoticeSubject: (site: string) => `Your email address on ${site} is being changed`,
  mailNoticeBody: (site: string, masked: string) =>
    `Someone signed in to your account on ${site} asked to replace this email address with ${masked}. The change takes effect only when the new address is confirmed.`,
  mailNoticeAct: 'If it was not you, choose a new password now:',
  mailFooter: 'This email was sent by the discussion service of this site.',
};
const fr: typeof en = {
  forgotTitle: 'Mot de passe oublié ?',
  forgotIntro: 'Saisissez l’adresse e-mail de votre compte. Nous y enverrons un lien pour choisir un nouveau mot de passe.',
  email: 'Adresse e-mail',
  sendLink: 'Envoyer le lien',
  forgotSent: (minutes) =>
    `Si un compte avec mot de passe utilise cette adresse, nous venons d’y envoyer un lien pour choisir un nouveau mot de passe. Le lien fonctionne une fois, pendant ${minutes} minutes. Vérifiez vos indésirables si rien n’arrive.`,
  forgotSso: 'Les comptes créés en vous connectant par un site d’information n’ont pas de mot de passe ici : connectez-vous sur ce site.',
  resetTitle: 'Choisissez un nouveau mot de passe',
  newPassword: 'Nouveau mot de passe',
  passwordHint: 'au moins 10 caractères, difficile à deviner',
  savePassword: 'Enregistrer le mot de passe',
  resetDone: 'Votre mot de passe est changé et vous êtes déconnecté partout. Revenez à l’article et connectez-vous avec votre nouveau mot de passe.',
  askAgain: 'Demander un nouveau lien',
  verifyTitle: 'Confirmez votre adresse e-mail',
  verifyIntro: (email) => `Confirmez que ${email} est bien votre adresse.`,
  confirm: 'Confirmer',
  verifyDone: (email) => `Merci : ${email} est confirmée.`,
  accountTitle: 'Votre compte',
  verified: 'confirmée',
  unverified: 'pas encore confirmée',
  resend: 'Renvoyer le lien de confirmation',
  verifySent: (email) => `Nous avons envoyé un lien de confirmation à ${email}.`,
  changeEmail: 'Changer d’adresse e-mail',
  newEmail: 'Nouvelle adresse e-mail',
  changeEmailHint: 'Nous envoyons un lien à la nouvelle adresse ; le changement prend effet quand vous l’ouvrez. Votre adresse actuelle en est informée.',
  emailChangeSent: (email) => `Nous avons envoyé un lien à ${email} : ouvrez-le pour confirmer le changement.`,
  changePassword: 'Changer de mot de passe',
  passwordChanged: 'Votre mot de passe est changé ; vos autres sessions sont déconnectées.',
  reauthIntro: (minutes) => `Pour changer d’adresse e-mail ou de mot de passe, saisissez à nouveau votre mot de passe (demandé quand vous vous êtes connecté il y a plus de ${minutes} minutes).`,
  password: 'Mot de passe',
  noPassword: (site) => `Votre compte vient de ${site} : son adresse e-mail et son mot de passe se gèrent là-bas.`,
  mailResetSubject: (site) => `Choisir un nouveau mot de passe pour ${site}`,
  mailResetBody: (site) => `Quelqu’un, sans doute vous, a demandé à réinitialiser le mot de passe de votre compte sur ${site}. Pour choisir un nouveau mot de passe, ouvrez ce lien :`,
  mailResetValidity: (minutes) => `Le lien fonctionne une fois, pendant ${minutes} minutes.`,
  mailResetIgnore: 'Si vous n’avez rien demandé, ignorez cet e-mail : votre mot de passe reste inchangé.',
  mailVerifySubject: (site) => `Confirmez votre adresse e-mail pour ${site}`,
  mailVerifyBody: (site) => `Bienvenue dans les discussions de ${site}. Pour confirmer que cette adresse est la vôtre, ouvrez ce lien :`,
  mailChangeSubject: (site) => `Confirmez votre nouvelle adresse e-mail pour ${site}`,
  mailChangeBody: (site) => `Vous avez demandé à utiliser cette adresse pour votre compte sur ${site}. Pour confirmer le changement, ouvrez ce lien :`,
  mailVerifyValidity: (hours) => `Le lien fonctionne une fois, pendant ${hours} heures.`,
  mailVerifyIgnore: 'Si vous n’avez rien demandé, ignorez cet e-mail.',
  mailNoticeSubject: (site) => `Changement de votre adresse e-mail sur ${site}`,
  mailNoticeBody: (site, masked) =>
    `Quelqu’un de connecté à votre compte sur ${site} a demandé à remplacer cette adresse e-mail par ${masked}. Le changement ne prend effet qu’une fois la nouvelle adresse confirmée.`,
  mailNoticeAct: 'Si ce n’était pas vous, choisissez dès maintenant un nouveau mot de passe :',
  mailFooter: 'Cet e-mail vous a été envoyé par le service de discussion de ce site.',
};

export type AccountStrings = typeof en;
export const accountStrings: Record<Lang, AccountStrings> = { en, fr };
