import * as oidc from 'openid-client';
import { AppError } from '../errors.js';
import { guardedFetch, isInternalAllowed, ProviderUnreachable, type OidcEgressOptions } from './egress.js';
import type { OidcProvider } from './repository.js';

/** What Agora reads of a provider's answer about the reader. */
export interface ProviderClaims {
  /** The issuer of this ID token: the configured one, or for Microsoft's `common` endpoint, the reader's tenant. */
  iss: string;
  sub: string;
  email: string | null;
  /** True only when the provider says so (`email_verified: true`); Microsoft never does. */
  emailVerified: boolean;
  name: string | null;
}

/** The checks a code exchange must pass: the values sent when the flow started. */
export interface FlowChecks {
  state: string;
  nonce: string;
  verifier: string;
}

/** Discovery answers are kept this long: a provider rotating its endpoints is seen within it. */
const DISCOVERY_TTL_MS = 10 * 60_000;

/** The innermost reason of an error ("unexpected ID Token "nonce" claim value"): what an operator needs to read. */
function rootMessage(err: Error): string {
  let e: Error = err;
  while (e.cause instanceof Error) e = e.cause;
  return e.message;
}

/** Turns openid-client's and our fetch's errors into what the reader is told; the details name the failed check. */
function mapError(err: unknown): AppError {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e instanceof AppError) return e;
    if (e.name === 'RefusedTargetError') return new AppError('OIDC_ISSUER_FORBIDDEN', `(${e.message})`, { cause: err });
    if (e instanceof ProviderUnreachable) return new AppError('OIDC_PROVIDER_UNAVAILABLE', `(${e.message})`, { cause: err });
  }
  // Everything openid-client checked and refused: the token endpoint's error, the ID token's signature, iss, aud,
  // nonce, expiry, or a discovery document that names another issuer.
  if (err instanceof oidc.ClientError || err instanceof oidc.ResponseBodyError || err instanceof oidc.AuthorizationResponseError) {
    const code = err instanceof oidc.ResponseBodyError || err instanceof oidc.AuthorizationResponseError ? err.error : (err.code ?? '');
    return new AppError('OIDC_TOKEN_REFUSED', `(${rootMessage(err)}${code ? `; ${code}` : ''})`, { cause: err });
  }
  return new AppError('OIDC_PROVIDER_UNAVAILABLE', err instanceof Error ? `(${rootMessage(err)})` : undefined, { cause: err });
}

const str = (v: unknown, max: number): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, max) : null);

/**
 * Clients of the sites' providers: discovery (kept `DISCOVERY_TTL_MS`), the authorisation URL with PKCE, state and
 * nonce, and the code exchange with its checks, every call through the guarded, bounded fetch.
 */
export function oidcClients(o: { egress: OidcEgressOptions; redirectUri: string; now?: () => number; fetchForTests?: oidc.CustomFetch }) {
  const now = o.now ?? Date.now;
  // TEST ONLY: a provider answered in memory (Microsoft's tenant issuers cannot be served locally over https).
  const fetch = o.fetchForTests ?? guardedFetch(o.egress);
  const cache = new Map<string, { key: string; at: number; config: Promise<oidc.Configuration> }>();

  function discover(p: OidcProvider, secret: string): Promise<oidc.Configuration> {
    const issuer = new URL(p.issuer);
    const plainHttp = issuer.protocol === 'http:' && isInternalAllowed(issuer, o.egress);
    return oidc
      .discovery(issuer, p.clientId, { client_secret: secret, redirect_uris: [o.redirectUri], response_types: ['code'] }, oidc.ClientSecretPost(secret), {
        [oidc.customFetch]: fetch,
        timeout: Math.ceil(o.egress.timeoutMs / 1000),
        ...(plainHttp ? { execute: [oidc.allowInsecureRequests] } : {}),
      })
      .then((discovered) => {
        let config = discovered;
        // The secret goes in the form (client_secret_post) unless the provider takes it only in the Authorization
        // header; a provider that lists nothing takes Basic (RFC 8414 §2). Rebuilt only then: openid-client's
        // handling of Microsoft's issuer template lives in the discovered configuration (and Microsoft takes post).
        const metadata = config.serverMetadata();
        const methods = metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
        if (!metadata.issuer.includes('{tenantid}') && !methods.includes('client_secret_post') && methods.includes('client_secret_basic')) {
          config = new oidc.Configuration(metadata, p.clientId, { client_secret: secret, redirect_uris: [o.redirectUri], response_types: ['code'] }, oidc.ClientSecretBasic(secret));
          config[oidc.customFetch] = fetch;
          if (plainHttp) oidc.allowInsecureRequests(config);
        }
        config.timeout = Math.ceil(o.egress.timeoutMs / 1000);
        return config;
      });
  }

  /** The provider's configuration, discovered once per window; a failed discovery is not kept. */
  async function configFor(p: OidcProvider, secret: string): Promise<oidc.Configuration> {
    const key = `${p.issuer}\n${p.clientId}\n${secret}`;
    let entry = cache.get(p.id);
    if (!entry || entry.key !== key || now() - entry.at > DISCOVERY_TTL_MS) {
      entry = { key, at: now(), config: discover(p, secret) };
      cache.set(p.id, entry);
      entry.config.catch(() => cache.get(p.id) === entry && cache.delete(p.id));
    }
    try {
      return await entry.config;
    } catch (err) {
      throw mapError(err);
    }
  }

  return {
    /** Where to send the reader: the provider's authorisation endpoint with PKCE (S256), state and nonce. */
    async authorizationUrl(p: OidcProvider, secret: string, checks: FlowChecks, extra: { lang: string }): Promise<URL> {
      const config = await configFor(p, secret);
      return oidc.buildAuthorizationUrl(config, {
        redirect_uri: o.redirectUri,
        scope: 'openid email profile',
        response_type: 'code',
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(checks.verifier),
        code_challenge_method: 'S256',
        // The provider's pages in the reader's language, where it can.
        ui_locales: extra.lang,
      });
    },

    /**
     * Exchanges the code the provider sent back and checks the ID token (signature, iss, aud, exp, nonce), the state
     * and the PKCE verifier. The user info endpoint is asked only when the ID token lacks the email.
     */
    async exchange(p: OidcProvider, secret: string, callbackUrl: URL, checks: FlowChecks): Promise<ProviderClaims> {
      const config = await configFor(p, secret);
      try {
        const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: checks.verifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
        const id = tokens.claims();
        if (!id) throw new AppError('OIDC_TOKEN_REFUSED', '(no ID token)');
        let claims: Record<string, unknown> = { ...id };
        if (claims.email === undefined && tokens.access_token && config.serverMetadata().userinfo_endpoint) {
          claims = { ...(await oidc.fetchUserInfo(config, tokens.access_token, id.sub)), ...id };
        }
        return {
          iss: id.iss,
          sub: id.sub,
          email: str(claims.email, 254)?.toLowerCase() ?? null,
          emailVerified: claims.email_verified === true,
          name: str(claims.name, 200) ?? str(claims.preferred_username, 200),
        };
      } catch (err) {
        throw mapError(err);
      }
    },

    /** Forgets a provider's discovery (it was changed or removed). */
    forget(providerId: string): void {
      cache.delete(providerId);
    },
  };
}
export type OidcClients = ReturnType<typeof oidcClients>;
