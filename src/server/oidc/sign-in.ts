import type { Lang } from '../../i18n/discussion.js';
import type { Db } from '../storage/db.js';
import { withTx } from '../storage/tx.js';
import { findOrCreateIdentity } from '../users/identities.js';
import { normaliseDisplayName } from '../users/use-cases.js';
import type { ProviderClaims } from './client.js';
import { accountByEmail, claimEmail, identityProvider, identityUser, type OidcProvider } from './repository.js';

/** How a sign-in found its account. */
export type Outcome = 'returning' | 'linked' | 'created';

/**
 * The subject of an identity. Issuer and sub together name a person (OpenID Connect Core §5.7); a provider's issuer
 * is fixed, except Microsoft's `common` endpoint, whose tokens carry the reader's tenant in `iss`: there, the tenant's
 * issuer is part of the subject.
 */
export function subjectOf(p: Pick<OidcProvider, 'issuer'>, claims: Pick<ProviderClaims, 'iss' | 'sub'>): string {
  const same = claims.iss.replace(/\/+$/, '') === p.issuer.replace(/\/+$/, '');
  return same ? claims.sub : `${claims.iss} ${claims.sub}`;
}

function displayNameOf(claims: ProviderClaims, lang: Lang): string {
  const fromEmail = claims.email?.split('@')[0] ?? '';
  for (const candidate of [claims.name ?? '', fromEmail]) {
    try {
      return normaliseDisplayName(candidate.slice(0, 50));
    } catch {
      // The next candidate; a provider's odd name must not block the reader.
    }
  }
  return lang === 'fr' ? 'Lecteur' : 'Reader';
}

/**
 * The account of a reader the provider vouched for. Known identity: its account. Otherwise the linking rule: a
 * **verified** email (`email_verified: true`) that is the login of a reader's account links to that account; an
 * unverified or absent email never links, and a staff account (moderator, admin) is never linked by a provider,
 * however verified: both get a new, separate account. A new account takes the verified email as its own when no
 * account uses it, so the next provider that verifies the same email finds it. Made through the one identity
 * findOrCreate (users/identities.ts), which settles two first sign-ins racing.
 */
export async function accountFor(db: Db, p: OidcProvider, claims: ProviderClaims, lang: Lang): Promise<{ userId: string; outcome: Outcome }> {
  const provider = identityProvider(p.slug);
  const subject = subjectOf(p, claims);
  const known = await identityUser(db, p.siteId, provider, subject);
  if (known) return { userId: known, outcome: 'returning' };

  const verified = claims.emailVerified && claims.email ? claims.email : null;
  const match = verified ? await accountByEmail(db, verified) : undefined;
  const linkTo = match && match.role === 'commenter' ? match.id : undefined;
  const { userId, created } = await withTx(db, (tx) => findOrCreateIdentity(tx, { siteId: p.siteId, provider, subject, displayName: displayNameOf(claims, lang), linkTo }));
  if (!created) return { userId, outcome: 'returning' };
  if (linkTo) return { userId, outcome: 'linked' };
  if (verified && !match) await claimEmail(db, userId, verified);
  return { userId, outcome: 'created' };
}
