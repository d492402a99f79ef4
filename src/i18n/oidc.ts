/**
 * Strings of sign-in with identity providers (OpenID Connect): the buttons of the sign-in window and the pages the
 * provider sends the reader back to. Server-rendered only. `fr` is typed against `en`: a missing key fails to compile.
 */
import type { Lang } from './discussion.js';

const en = {
  continueWith: (label: string) => `Continue with ${label}`,
  providersLabel: 'Sign in with another account',
  orWithEmail: 'or with your email',
  signingIn: 'Signing you in…',
  signedIn: (name: string) => `You are signed in as ${name}.`,
  handOver: (name: string) => `Continue as ${name}`,
  failedTitle: 'Sign-in failed',
  tryAgain: 'Back to sign-in',
  close: 'You can close this window.',
};

const fr: typeof en = {
  continueWith: (label: string) => `Continuer avec ${label}`,
  providersLabel: 'Se connecter avec un autre compte',
  orWithEmail: 'ou avec votre adresse e-mail',
  signingIn: 'Connexion en cours…',
  signedIn: (name: string) => `Vous êtes connecté en tant que ${name}.`,
  handOver: (name: string) => `Continuer en tant que ${name}`,
  failedTitle: 'Échec de la connexion',
  tryAgain: 'Revenir à la connexion',
  close: 'Vous pouvez fermer cette fenêtre.',
};

export type OidcStrings = typeof en;
export const oidcStrings: Record<Lang, OidcStrings> = { en, fr };
