import { compactVerify, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { AppError, type ErrorCode } from '../errors.js';
import type { PublisherSettings, SsoAlgorithm } from '../sites/settings.js';
import type { JwksCache } from './jwks.js';

/** Clock difference tolerated between the publisher's servers and ours, on exp, nbf and iat. */
export const CLOCK_SKEW_SECONDS = 60;

/** The claims Agora reads from a publisher's token, validated. */
export interface SsoClaims {
  sub: string;
  name: string | null;
  email: string | null;
  avatar: string | null;
  badges: string[];
  role: string | null;
  /** Seconds since the epoch; null when the publisher did not set it (then revocation refuses the token). */
  iat: number | null;
}

/** How to check one site's tokens. */
export interface SiteKeys {
  siteId: string;
  secret: string;
  sso: PublisherSettings['sso'];
  /** Where the site's public keys are fetched and kept (sso/jwks.ts: guarded, cached, refreshes bounded). */
  jwks: JwksCache;
}

/** The site a token is addressed to, read before verification only to pick the key; verification checks it again. */
export function unverifiedAudience(token: string): string | null {
  try {
    const aud = decodeJwt(token).aud;
    if (typeof aud === 'string') return aud;
    if (Array.isArray(aud) && aud.length === 1 && typeof aud[0] === 'string') return aud[0];
    return null;
  } catch {
    throw new AppError('SSO_INVALID_TOKEN');
  }
}

/** Throws the right 401 for the algorithm in the header, before any key is touched; returns the accepted algorithm. */
function checkAlgorithm(token: string, keys: SiteKeys): SsoAlgorithm {
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw new AppError('SSO_INVALID_TOKEN');
  }
  if (typeof alg !== 'string') throw new AppError('SSO_INVALID_TOKEN');
  // "none" in any case: the classic bypass of libraries that trusted the header.
  if (alg.toLowerCase() === 'none') throw new AppError('SSO_UNSIGNED_TOKEN');
  const accepted = keys.sso.algorithms as string[];
  if (!accepted.includes(alg)) throw new AppError('SSO_WRONG_ALGORITHM', `(${alg})`);
  // An asymmetric algorithm needs the publisher's public keys; without them the only key is the HMAC secret, and
  // accepting RS256 against an HMAC secret (or HS256 against a public key) is the key-confusion attack.
  if (alg !== 'HS256' && !keys.sso.jwksUrl) throw new AppError('SSO_WRONG_ALGORITHM', `(${alg}: the site has no JWKS URL)`);
  return alg as SsoAlgorithm;
}

function keyFor(alg: SsoAlgorithm, keys: SiteKeys): Uint8Array | JWTVerifyGetKey {
  return alg === 'HS256' ? new TextEncoder().encode(keys.secret) : keys.jwks.keysFor(keys.siteId, keys.sso.jwksUrl as string);
}

/** Maps jose's errors onto our stable codes; anything unexpected (a JWKS that cannot be used) is not the reader's fault. */
function mapJoseError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  let code: ErrorCode = 'SSO_INVALID_TOKEN';
  if (err instanceof errors.JWTExpired) code = 'SSO_TOKEN_EXPIRED';
  else if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') code = 'SSO_WRONG_AUDIENCE';
    else if (err.claim === 'nbf' || err.claim === 'iat') code = 'SSO_TOKEN_NOT_YET_VALID';
    else code = 'SSO_INVALID_TOKEN';
  } else if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) code = 'SSO_BAD_SIGNATURE';
  else if (err instanceof errors.JOSEAlgNotAllowed) code = 'SSO_WRONG_ALGORITHM';
  else if (err instanceof errors.JWKSInvalid) return new AppError('UNAVAILABLE', '(the site’s JWKS is not a key set)', { cause: err });
  else if (err instanceof errors.JOSEError) code = 'SSO_INVALID_TOKEN';
  else return new AppError('UNAVAILABLE', undefined, { cause: err });
  return new AppError(code, undefined, { cause: err });
}

const str = (v: unknown, max: number): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, max) : null);

function claimsOf(p: JWTPayload): SsoClaims {
  const sub = typeof p.sub === 'string' ? p.sub : '';
  if (sub.length < 1 || sub.length > 255) throw new AppError('SSO_INVALID_TOKEN', '(sub)');
  const avatar = str(p.avatar, 2048);
  return {
    sub,
    name: str(p.name, 200),
    email: str(p.email, 254),
    // Only http(s) pictures: a javascript: or data: URL in a claim must not reach a page.
    avatar: avatar && /^https?:\/\//i.test(avatar) ? avatar : null,
    badges: Array.isArray(p.badges) ? p.badges.filter((b): b is string => typeof b === 'string').map((b) => b.slice(0, 40)).slice(0, 10) : [],
    role: str(p.role, 40),
    iat: typeof p.iat === 'number' ? p.iat : null,
  };
}

/** Verifies a sign-in token for a site: algorithm, signature, audience, exp/nbf/iat with clock skew; throws SSO_* codes. */
export async function verifySsoToken(token: string, keys: SiteKeys, now: Date = new Date()): Promise<SsoClaims> {
  const alg = checkAlgorithm(token, keys);
  try {
    const { payload } = await jwtVerify(token, keyFor(alg, keys) as Uint8Array, {
      algorithms: [alg],
      audience: keys.siteId,
      clockTolerance: CLOCK_SKEW_SECONDS,
      requiredClaims: ['sub', 'exp'],
      currentDate: now,
    });
    // jose leaves iat in the future alone unless a max age is set; a token from the future is not valid yet.
    if (typeof payload.iat === 'number' && payload.iat > now.getTime() / 1000 + CLOCK_SKEW_SECONDS) throw new AppError('SSO_TOKEN_NOT_YET_VALID');
    return claimsOf(payload);
  } catch (err) {
    throw mapJoseError(err);
  }
}

/**
 * Verifies signature and audience only, so a publisher can revoke a token that has already expired: the Agora
 * sessions opened with it outlive it and must end too.
 */
export async function verifySsoSignature(token: string, keys: SiteKeys): Promise<SsoClaims> {
  const alg = checkAlgorithm(token, keys);
  try {
    const { payload } = await compactVerify(token, keyFor(alg, keys) as Uint8Array, { algorithms: [alg] });
    const claims = JSON.parse(new TextDecoder().decode(payload)) as JWTPayload;
    const aud = claims.aud;
    if (!(aud === keys.siteId || (Array.isArray(aud) && aud.includes(keys.siteId)))) throw new AppError('SSO_WRONG_AUDIENCE');
    return claimsOf(claims);
  } catch (err) {
    if (err instanceof SyntaxError) throw new AppError('SSO_INVALID_TOKEN');
    throw mapJoseError(err);
  }
}
