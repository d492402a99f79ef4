import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkIssuer } from '../../src/server/oidc/admin.js';
import { openFlow, sealFlow, type Flow } from '../../src/server/oidc/flow.js';
import { AppError } from '../../src/server/errors.js';

const flow: Flow = { providerId: 'p', siteId: 's', origin: 'https://paper.example', lang: 'fr', state: 'st', nonce: 'no', verifier: 'v'.repeat(43), expiresAt: Date.now() + 60_000 };

describe('the flow cookie', () => {
  test('opens with the key that sealed it, until it expires', () => {
    const sealed = sealFlow('k', flow);
    assert.deepEqual(openFlow('k', sealed), flow);
    assert.equal(openFlow('other key', sealed), null);
    assert.equal(openFlow('k', sealed, flow.expiresAt), null, 'expired');
  });

  test('a changed payload, a cut signature or a malformed value is refused', () => {
    const [payload, sig] = sealFlow('k', flow).split('.') as [string, string];
    const evil = Buffer.from(JSON.stringify({ ...flow, origin: 'https://evil.example' })).toString('base64url');
    for (const v of [`${evil}.${sig}`, `${payload}.${sig.slice(1)}`, payload, `${payload}.${sig}.x`, '', undefined]) assert.equal(openFlow('k', v), null, String(v));
    // Well signed but not a flow (a field missing): refused too.
    const { nonce: _n, ...partial } = flow;
    const odd = sealFlow('k', partial as Flow);
    assert.equal(openFlow('k', odd), null);
  });
});

describe('an issuer typed by an admin', () => {
  const refused = (issuer: string, internal: string[] = []) =>
    assert.throws(() => checkIssuer(issuer, internal), (e: unknown) => e instanceof AppError && ['OIDC_ISSUER_FORBIDDEN', 'VALIDATION_FAILED'].includes(e.code), issuer);

  test('public https issuers pass, kept as typed (a bare origin without its slash)', () => {
    assert.equal(checkIssuer('https://accounts.google.com/', []), 'https://accounts.google.com');
    assert.equal(checkIssuer('https://id.example.com/realms/news', []), 'https://id.example.com/realms/news');
  });

  test('plain http, internal addresses, localhost names, queries and credentials are refused', () => {
    for (const i of ['http://id.example.com', 'https://127.0.0.1', 'https://10.1.2.3/x', 'https://[::1]', 'https://localhost', 'https://a.localhost', 'https://169.254.169.254', 'https://id.example.com?x=1', 'https://u:p@id.example.com', 'not a url']) refused(i);
  });

  test('AGORA_OIDC_INTERNAL_ISSUERS lets the listed origins through, http included, and nothing else', () => {
    assert.equal(checkIssuer('http://127.0.0.1:9000', ['http://127.0.0.1:9000']), 'http://127.0.0.1:9000');
    assert.equal(checkIssuer('http://keycloak.lan:8080/realms/x', ['http://keycloak.lan:8080']), 'http://keycloak.lan:8080/realms/x');
    refused('http://127.0.0.1:9001', ['http://127.0.0.1:9000']);
  });
});
