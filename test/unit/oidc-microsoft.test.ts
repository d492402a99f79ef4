import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import type { CustomFetch } from 'openid-client';
import { PRESETS } from '../../src/server/oidc/admin.js';
import { oidcClients } from '../../src/server/oidc/client.js';
import type { OidcProvider } from '../../src/server/oidc/repository.js';
import { subjectOf } from '../../src/server/oidc/sign-in.js';
import { AppError } from '../../src/server/errors.js';

// Microsoft's `common` endpoint, answered in memory: its discovery names the issuer as a template, and each ID token
// carries the reader's tenant in `iss` and `tid`.
const MS = 'https://login.microsoftonline.com';
const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const keys = await generateKeyPair('RS256');
const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
const provider: OidcProvider = { id: 'p1', siteId: 'paper', slug: 'microsoft', label: 'Microsoft', issuer: PRESETS.microsoft.issuer, clientId: 'app-id', createdAt: '' };
const checks = { state: 'the-state', nonce: 'the-nonce', verifier: 'v'.repeat(43) };

function fakeMicrosoft(idToken: (claims: JWTPayload) => JWTPayload, o: { listAuthMethods?: boolean } = {}): CustomFetch {
  const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  return async (url) => {
    if (url === `${MS}/common/v2.0/.well-known/openid-configuration`) {
      return json({
        issuer: `${MS}/{tenantid}/v2.0`,
        authorization_endpoint: `${MS}/common/oauth2/v2.0/authorize`,
        token_endpoint: `${MS}/common/oauth2/v2.0/token`,
        jwks_uri: `${MS}/common/discovery/v2.0/keys`,
        response_types_supported: ['code'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        ...(o.listAuthMethods === false ? {} : { token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'] }),
      });
    }
    if (url === `${MS}/common/discovery/v2.0/keys`) return json({ keys: [jwk] });
    if (url === `${MS}/common/oauth2/v2.0/token`) {
      const now = Math.floor(Date.now() / 1000);
      const claims = idToken({ iss: `${MS}/${TENANT}/v2.0`, tid: TENANT, sub: 'pairwise-sub', aud: 'app-id', nonce: checks.nonce, iat: now, exp: now + 300, email: 'zoe@contoso.example', name: 'Zoé' });
      const id_token = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(keys.privateKey);
      return json({ access_token: 'at', token_type: 'Bearer', expires_in: 300, id_token });
    }
    return new Response('not found', { status: 404 });
  };
}

const exchange = (fetchForTests: CustomFetch) =>
  oidcClients({ egress: { internalOrigins: [], timeoutMs: 5000 }, redirectUri: 'https://agora.example/auth/oidc/callback', fetchForTests }).exchange(
    provider,
    'secret',
    new URL(`https://agora.example/auth/oidc/callback?code=the-code&state=${checks.state}`),
    checks,
  );

describe('Microsoft’s common endpoint: an issuer template filled with each token’s tenant', () => {
  test('a token of the reader’s tenant is accepted; the reader is keyed by that tenant’s issuer and sub', async () => {
    const claims = await exchange(fakeMicrosoft((c) => c));
    assert.equal(claims.iss, `${MS}/${TENANT}/v2.0`);
    assert.equal(claims.sub, 'pairwise-sub');
    assert.equal(claims.emailVerified, false, 'Microsoft sends no email_verified: its email never links an account');
    assert.equal(subjectOf(provider, claims), `${MS}/${TENANT}/v2.0 pairwise-sub`);
    assert.equal(subjectOf({ issuer: 'https://accounts.google.com' }, { iss: 'https://accounts.google.com', sub: '42' }), '42');
    // Without a list of client authentication methods (Basic by default), the tenant template still holds.
    assert.equal((await exchange(fakeMicrosoft((c) => c, { listAuthMethods: false }))).iss, `${MS}/${TENANT}/v2.0`);
  });

  /** Rejects with OIDC_TOKEN_REFUSED for the named claim. */
  const refusedFor = (claim: string) => (err: unknown) => err instanceof AppError && err.code === 'OIDC_TOKEN_REFUSED' && (err.details ?? '').includes(`"${claim}"`);

  test('a token whose iss names another tenant than its tid is refused', async () => {
    await assert.rejects(exchange(fakeMicrosoft((c) => ({ ...c, iss: `${MS}/00000000-0000-0000-0000-000000000000/v2.0` }))), refusedFor('iss'));
  });

  test('a token with another nonce, or for another client, is refused', async () => {
    await assert.rejects(exchange(fakeMicrosoft((c) => ({ ...c, nonce: 'other' }))), refusedFor('nonce'));
    await assert.rejects(exchange(fakeMicrosoft((c) => ({ ...c, aud: 'another-app' }))), refusedFor('aud'));
  });
});
