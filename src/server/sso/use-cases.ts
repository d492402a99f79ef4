import { AppError } from '../errors.js';
import type { SessionStore } from '../auth/sessions.js';
import type { ReaderSettingsRepository } from '../notifications/settings.js';
import type { SiteRecord, SiteStore } from '../sites/store.js';
import type { User, UsersRepository } from '../users/repository.js';
import { normaliseDisplayName } from '../users/use-cases.js';
import type { JwksCache } from './jwks.js';
import type { SsoRepository } from './repository.js';
import { unverifiedAudience, verifySsoSignature, verifySsoToken, type SiteKeys, type SsoClaims } from './tokens.js';

/** What single sign-on needs. */
export interface SsoDeps {
  siteStore: SiteStore;
  sso: SsoRepository;
  users: UsersRepository;
  sessions: SessionStore;
  readerSettings: ReaderSettingsRepository;
  jwks: JwksCache;
}

/** The site a token is for: the one the caller names must match the token's audience (checked again on verify). */
async function siteAndKeys(deps: SsoDeps, token: string, siteId: string | undefined): Promise<{ site: SiteRecord; keys: SiteKeys }> {
  const aud = unverifiedAudience(token);
  const id = siteId ?? aud;
  if (!id || (siteId !== undefined && aud !== siteId)) throw new AppError('SSO_WRONG_AUDIENCE');
  const site = await deps.siteStore.get(id);
  if (!site) throw new AppError('SSO_WRONG_AUDIENCE');
  return { site, keys: { siteId: site.id, secret: await deps.siteStore.ssoSecret(site.id), sso: site.settings.sso, jwks: deps.jwks } };
}

/** A display name from the `name` claim; a publisher's odd value must not block the reader from signing in. */
function displayNameOf(claims: SsoClaims, lang: 'en' | 'fr'): string {
  try {
    return normaliseDisplayName((claims.name ?? '').slice(0, 50));
  } catch {
    return lang === 'fr' ? 'Lecteur' : 'Reader';
  }
}

/**
 * Exchanges a publisher's token for an Agora session. The reader is matched by (site, sub) only, never by email:
 * an email claim is any string the publisher chose and must not take over an account of another site or a local one.
 */
export async function signInWithSso(
  deps: SsoDeps,
  input: { token: string; siteId?: string | undefined; current?: { userId: string; token: string; siteId: string | null } | undefined },
): Promise<{ user: User; token: string; siteId: string }> {
  const { site, keys } = await siteAndKeys(deps, input.token, input.siteId);
  const claims = await verifySsoToken(input.token, keys);
  const revokedBefore = await deps.sso.revokedBefore(site.id, claims.sub);
  // A token without iat cannot prove it was issued after the logout, so a revocation refuses it too.
  if (revokedBefore !== undefined && (claims.iat === null || claims.iat <= revokedBefore)) throw new AppError('SSO_TOKEN_REVOKED');

  const name = displayNameOf(claims, site.lang);
  const userId = (await deps.sso.userFor(site.id, claims.sub)) ?? (await deps.sso.createUser(site.id, claims.sub, name));
  const before = await deps.sso.profile(userId);
  // The publisher's name wins only when it changed there, so a name the reader chose on their profile page stays.
  if (before && before.nameClaim !== name) await deps.sso.setDisplayName(userId, name);
  await deps.sso.saveProfile(userId, site.id, { nameClaim: name, avatar: claims.avatar, badges: claims.badges, role: claims.role });
  await deps.readerSettings.rememberContact(userId, claims.email, site.lang);

  const user = await deps.users.get(userId);
  if (!user) throw new Error('SSO user vanished');
  // The embed exchanges the token on every page view; a reader who already holds a session of this account for this
  // site keeps it, rather than leaving one more row per article read.
  if (input.current?.userId === userId && input.current.siteId === site.id) return { user, token: input.current.token, siteId: site.id };
  // The token goes to the publisher's page: an embed token, for commenting on this site only.
  const { token } = await deps.sessions.create(userId, 'bearer', { scope: 'embed', siteId: site.id });
  return { user, token, siteId: site.id };
}

/**
 * The publisher signs a reader out: this token and every token of the same reader issued at or before it (iat) are
 * refused from now on, and the reader's Agora sessions end. Accepted even after the token expired, because the
 * sessions it opened outlive it.
 */
export async function revokeSso(deps: SsoDeps, input: { token: string; siteId?: string | undefined }): Promise<void> {
  const { site, keys } = await siteAndKeys(deps, input.token, input.siteId);
  const claims = await verifySsoSignature(input.token, keys);
  await deps.sso.revoke(site.id, claims.sub, claims.iat ?? Math.floor(Date.now() / 1000));
  const userId = await deps.sso.userFor(site.id, claims.sub);
  if (userId) await deps.sso.endSessions(userId);
}
