import type { Lang } from '../i18n/discussion.js';

/**
 * The error catalog: every error a client can see, with its HTTP status and its message in each language.
 * Codes are stable API: clients switch on them, so never rename one. A test checks each is in the README.
 */
export const errorCatalog = {
  VALIDATION_FAILED: { status: 400, en: 'The request is invalid.', fr: 'La requête est invalide.' },
  INVALID_JSON: { status: 400, en: 'The request body is not valid JSON.', fr: 'Le corps de la requête n’est pas du JSON valide.' },
  INVALID_CURSOR: { status: 400, en: 'The page cursor is invalid.', fr: 'Le curseur de pagination est invalide.' },
  INVALID_URL: { status: 400, en: 'The URL is invalid.', fr: 'L’URL est invalide.' },
  INVALID_PARENT: { status: 400, en: 'The comment you reply to does not exist in this story.', fr: 'Le commentaire auquel vous répondez n’existe pas dans cet article.' },
  BODY_EMPTY: { status: 400, en: 'The comment is empty.', fr: 'Le commentaire est vide.' },
  // The details say why, in the reader's language (too short, or the strength estimator's warning): users/password-strength.ts.
  WEAK_PASSWORD: { status: 400, en: 'This password is too easy to guess.', fr: 'Ce mot de passe est trop facile à deviner.' },
  INVALID_EMAIL: { status: 400, en: 'The email address is invalid.', fr: 'L’adresse e-mail est invalide.' },
  INVALID_DISPLAY_NAME: { status: 400, en: 'The display name must be 1 to 50 visible characters.', fr: 'Le nom affiché doit compter de 1 à 50 caractères visibles.' },
  UNAUTHENTICATED: { status: 401, en: 'You need to sign in.', fr: 'Vous devez vous connecter.' },
  INVALID_CREDENTIALS: { status: 401, en: 'Wrong email or password.', fr: 'Adresse e-mail ou mot de passe incorrect.' },
  FORBIDDEN: { status: 403, en: 'You are not allowed to do this.', fr: 'Vous n’êtes pas autorisé à faire cela.' },
  CSRF_FAILED: { status: 403, en: 'The security token is missing or wrong. Reload the page and try again.', fr: 'Le jeton de sécurité est absent ou incorrect. Rechargez la page et réessayez.' },
  EDIT_WINDOW_CLOSED: { status: 403, en: 'Comments can only be edited within 5 minutes of posting.', fr: 'Un commentaire ne peut être modifié que dans les 5 minutes suivant sa publication.' },
  ORIGIN_NOT_ALLOWED: { status: 403, en: 'Comments are not enabled for this website.', fr: 'Les commentaires ne sont pas activés pour ce site.' },
  STORY_CLOSED: { status: 403, en: 'Comments are closed on this story.', fr: 'Les commentaires sont fermés pour cet article.' },
  NOT_FOUND: { status: 404, en: 'Not found.', fr: 'Introuvable.' },
  STORY_NOT_FOUND: { status: 404, en: 'This story does not exist.', fr: 'Cet article n’existe pas.' },
  // A new story's page, fetched by the server (issue 11): no page, no story.
  STORY_PAGE_NOT_FOUND: { status: 422, en: 'The page at this address does not exist, so no discussion can be opened for it.', fr: 'La page à cette adresse n’existe pas : aucune discussion ne peut être ouverte pour elle.' },
  STORY_PAGE_UNREACHABLE: { status: 422, en: 'The page at this address could not be reached, so no discussion can be opened for it.', fr: 'La page à cette adresse est injoignable : aucune discussion ne peut être ouverte pour elle.' },
  STORY_PAGE_TIMEOUT: { status: 422, en: 'The page at this address took too long to answer; try again in a moment.', fr: 'La page à cette adresse a mis trop de temps à répondre ; réessayez dans un instant.' },
  COMMENT_NOT_FOUND: { status: 404, en: 'This comment does not exist.', fr: 'Ce commentaire n’existe pas.' },
  EMAIL_TAKEN: { status: 409, en: 'An account already uses this email address.', fr: 'Un compte utilise déjà cette adresse e-mail.' },
  ALREADY_REPORTED: { status: 409, en: 'You have already reported this comment.', fr: 'Vous avez déjà signalé ce commentaire.' },
  COMMENT_DELETED: { status: 409, en: 'This comment was deleted.', fr: 'Ce commentaire a été supprimé.' },
  PAYLOAD_TOO_LARGE: { status: 413, en: 'The request is too large.', fr: 'La requête est trop volumineuse.' },
  BODY_TOO_LONG: { status: 413, en: 'The comment is too long.', fr: 'Le commentaire est trop long.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, en: 'Send the request body as application/json.', fr: 'Envoyez le corps de la requête en application/json.' },
  RATE_LIMITED: { status: 429, en: 'Too many attempts. Try again later.', fr: 'Trop de tentatives. Réessayez plus tard.' },
  // Publisher integration (issue 5): single sign-on, sites, guests, webhooks, notifications.
  SSO_INVALID_TOKEN: { status: 401, en: 'The sign-in token is malformed or lacks a required claim (sub, exp).', fr: 'Le jeton de connexion est mal formé ou il lui manque une donnée requise (sub, exp).' },
  SSO_UNSIGNED_TOKEN: { status: 401, en: 'Unsigned sign-in tokens (alg "none") are refused.', fr: 'Les jetons de connexion non signés (alg « none ») sont refusés.' },
  SSO_WRONG_ALGORITHM: { status: 401, en: 'The sign-in token uses an algorithm this site does not accept for its keys.', fr: 'Le jeton de connexion utilise un algorithme que ce site n’accepte pas pour ses clés.' },
  SSO_BAD_SIGNATURE: { status: 401, en: 'The sign-in token’s signature does not match the site’s key.', fr: 'La signature du jeton de connexion ne correspond pas à la clé du site.' },
  SSO_TOKEN_EXPIRED: { status: 401, en: 'The sign-in token has expired.', fr: 'Le jeton de connexion a expiré.' },
  SSO_TOKEN_NOT_YET_VALID: { status: 401, en: 'The sign-in token is not valid yet.', fr: 'Le jeton de connexion n’est pas encore valide.' },
  SSO_WRONG_AUDIENCE: { status: 401, en: 'The sign-in token was issued for another site.', fr: 'Le jeton de connexion a été émis pour un autre site.' },
  SSO_TOKEN_REVOKED: { status: 401, en: 'The sign-in token was revoked when the reader signed out.', fr: 'Le jeton de connexion a été révoqué à la déconnexion du lecteur.' },
  LOCAL_ACCOUNTS_DISABLED: { status: 403, en: 'This site signs readers in with its own accounts only.', fr: 'Ce site connecte ses lecteurs uniquement avec ses propres comptes.' },
  WRONG_SITE: { status: 403, en: 'This account belongs to another site.', fr: 'Ce compte appartient à un autre site.' },
  GUESTS_NOT_ALLOWED: { status: 403, en: 'This site does not accept comments from guests.', fr: 'Ce site n’accepte pas les commentaires d’invités.' },
  CHALLENGE_FAILED: { status: 403, en: 'The anti-spam challenge is missing, expired, already used or not solved.', fr: 'Le défi anti-spam est absent, expiré, déjà utilisé ou non résolu.' },
  INVALID_LINK: { status: 400, en: 'This link is invalid or has expired.', fr: 'Ce lien est invalide ou a expiré.' },
  INVALID_WEBHOOK_URL: { status: 400, en: 'A webhook URL must be an http(s) URL with a host and without a user name or password.', fr: 'L’URL d’un webhook doit être une URL http(s) avec un hôte, sans nom d’utilisateur ni mot de passe.' },
  WEBHOOK_URL_FORBIDDEN: { status: 400, en: 'A webhook cannot target a private, loopback, link-local or other internal address.', fr: 'Un webhook ne peut pas viser une adresse privée, de bouclage, de lien local ou autrement interne.' },
  SITE_NOT_FOUND: { status: 404, en: 'This site does not exist.', fr: 'Ce site n’existe pas.' },
  WEBHOOK_NOT_FOUND: { status: 404, en: 'This webhook does not exist.', fr: 'Ce webhook n’existe pas.' },
  SITE_EXISTS: { status: 409, en: 'A site with this id already exists.', fr: 'Un site avec cet identifiant existe déjà.' },
  // Moderation (issue 3).
  USER_BANNED: { status: 403, en: 'You are banned from commenting on this site.', fr: 'Vous êtes banni des commentaires de ce site.' },
  USER_SUSPENDED: { status: 403, en: 'Your account is suspended from commenting on this site for now.', fr: 'Votre compte est suspendu des commentaires de ce site pour le moment.' },
  DUPLICATE_COMMENT: { status: 409, en: 'You already posted this comment here.', fr: 'Vous avez déjà publié ce commentaire ici.' },
  USER_NOT_FOUND: { status: 404, en: 'This user does not exist.', fr: 'Cet utilisateur n’existe pas.' },
  SETUP_TOKEN_INVALID: { status: 403, en: 'The setup token is wrong, or an administrator already exists.', fr: 'Le jeton d’installation est incorrect, ou un administrateur existe déjà.' },
  // Live streams and metrics (issue 11).
  TOO_MANY_STREAMS: { status: 429, en: 'Too many live streams are open from your connection. Close another tab of this site or try again later.', fr: 'Trop de flux en direct sont ouverts depuis votre connexion. Fermez un autre onglet de ce site ou réessayez plus tard.' },
  METRICS_TOKEN_REQUIRED: { status: 401, en: 'Metrics need the operator’s metrics token, or a request from the server itself.', fr: 'Les métriques demandent le jeton de métriques de l’exploitant, ou une requête venant du serveur lui-même.' },
  // Sign-in and tokens (issue 11): spraying, busy hashing, tokens handed to publishers' pages, recent sign-in.
  TOO_MANY_FAILED_LOGINS: { status: 429, en: 'Too many failed sign-ins from your connection. Try again later.', fr: 'Trop de connexions échouées depuis votre connexion. Réessayez plus tard.' },
  AUTH_BUSY: { status: 503, en: 'Too many sign-ins are being checked right now. Try again in a few seconds.', fr: 'Trop de connexions sont en cours de vérification. Réessayez dans quelques secondes.' },
  TOKEN_SCOPE: { status: 403, en: 'Signing in on a news site’s page only lets you comment there. Manage your account from your profile page.', fr: 'La connexion depuis la page d’un site d’information permet seulement d’y commenter. Gérez votre compte depuis votre page de profil.' },
  TOKEN_WRONG_SITE: { status: 403, en: 'You signed in on another site. Sign in again on this one.', fr: 'Vous vous êtes connecté sur un autre site. Connectez-vous à nouveau sur celui-ci.' },
  FIRST_PARTY_REQUIRED: { status: 403, en: 'For your security, this is only possible from your profile page, signed in there.', fr: 'Pour votre sécurité, cela n’est possible que depuis votre page de profil, en vous y connectant.' },
  REAUTH_REQUIRED: { status: 403, en: 'For your security, enter your password again to do this.', fr: 'Pour votre sécurité, saisissez à nouveau votre mot de passe pour faire cela.' },
  // Moderators and single sign-on keys (issue 11).
  STAFF_STANDING_ADMIN_ONLY: { status: 403, en: 'Only an administrator can ban, suspend or pre-moderate a moderator or an administrator.', fr: 'Seul un administrateur peut bannir, suspendre ou pré-modérer un modérateur ou un administrateur.' },
  JWKS_URL_FORBIDDEN: { status: 400, en: 'The site’s JWKS URL points to a private, loopback, link-local or other internal address, which Agora does not fetch.', fr: 'L’URL JWKS du site vise une adresse privée, de bouclage, de lien local ou autrement interne, qu’Agora ne consulte pas.' },
  // Sign-in with identity providers, OpenID Connect (issue 12): src/server/oidc.
  OIDC_PROVIDER_NOT_FOUND: { status: 404, en: 'This site has no such sign-in provider.', fr: 'Ce site n’a pas ce fournisseur de connexion.' },
  OIDC_PROVIDER_EXISTS: { status: 409, en: 'This site already has a sign-in provider with this name.', fr: 'Ce site a déjà un fournisseur de connexion de ce nom.' },
  OIDC_ISSUER_FORBIDDEN: { status: 400, en: 'The provider’s issuer must be a public https URL (internal addresses only when the operator allows them).', fr: 'L’émetteur du fournisseur doit être une URL https publique (adresses internes seulement si l’exploitant les autorise).' },
  OIDC_STATE_INVALID: { status: 400, en: 'This sign-in could not be completed: it expired, or was started in another window. Start again.', fr: 'Cette connexion n’a pas pu aboutir : elle a expiré, ou a été commencée dans une autre fenêtre. Recommencez.' },
  OIDC_CANCELLED: { status: 401, en: 'The sign-in was cancelled at the provider.', fr: 'La connexion a été annulée chez le fournisseur.' },
  OIDC_TOKEN_REFUSED: { status: 401, en: 'The identity provider’s answer failed our security checks. Start again.', fr: 'La réponse du fournisseur d’identité n’a pas passé nos contrôles de sécurité. Recommencez.' },
  OIDC_PROVIDER_UNAVAILABLE: { status: 502, en: 'The identity provider could not be reached. Try again in a moment.', fr: 'Le fournisseur d’identité est injoignable. Réessayez dans un instant.' },
  // Accounts readers can recover (issue 12).
  EMAIL_NOT_VERIFIED: { status: 403, en: 'Confirm your email address to comment on this site: open the link we sent you, or ask for a new one from your profile.', fr: 'Confirmez votre adresse e-mail pour commenter sur ce site : ouvrez le lien que nous vous avons envoyé, ou demandez-en un nouveau depuis votre profil.' },
  // The Discussion (issue 12): Respect, ignored readers.
  CANNOT_REACT_OWN: { status: 403, en: 'You cannot give Respect to your own comment.', fr: 'Vous ne pouvez pas donner de Respect à votre propre commentaire.' },
  CANNOT_IGNORE_SELF: { status: 400, en: 'You cannot ignore yourself.', fr: 'Vous ne pouvez pas vous ignorer vous-même.' },
  TOO_MANY_IGNORED: { status: 409, en: 'You ignore too many readers already. Stop ignoring some first.', fr: 'Vous ignorez déjà trop de lecteurs. Cessez d’en ignorer certains d’abord.' },
  INTERNAL: { status: 500, en: 'Something went wrong on our side.', fr: 'Une erreur est survenue de notre côté.' },
  UNAVAILABLE: { status: 503, en: 'The service is temporarily unavailable.', fr: 'Le service est momentanément indisponible.' },
} as const satisfies Record<string, { status: number } & Record<Lang, string>>;

export type ErrorCode = keyof typeof errorCatalog;

/** An error a client may see: a stable code, optional details for the client, and a cause only the log sees. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly details?: string,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(details ? `${code}: ${details}` : code, options);
    this.status = errorCatalog[code].status;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
  readonly retryAfterSeconds: number | undefined;
}

/** The JSON body of an error response, localised. */
export function errorBody(code: ErrorCode, lang: Lang, details?: string): { error: { code: ErrorCode; message: string } } {
  const base = errorCatalog[code][lang];
  return { error: { code, message: details ? `${base} ${details}` : base } };
}
