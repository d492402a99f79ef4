import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { verifyWebhook } from '../../src/server/webhooks/signing.js';
import { buildTestApp } from '../fixtures/server.js';
import { codeOf, signUp, signUpAdmin } from '../fixtures/publisher.js';
import { until } from '../fixtures/wait.js';

// The server side of the console's sites, webhooks and staff views (issue 13): what the console needed that the
// admin API lacked (a test event, a retry, one origin per site, accounts.requireVerifiedEmail).
let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let admin: Record<string, string>;
let hookUrl: string;
const got: { headers: Record<string, unknown>; body: string }[] = [];
const statuses: number[] = [];
const server: Server = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    got.push({ headers: req.headers, body });
    res.writeHead(statuses.shift() ?? 200).end();
  });
});

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, headers = admin) => app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

before(async () => {
  ({ app, deps, close } = await buildTestApp({ webhookRetryBaseMs: 60_000, jobPollMs: 20, webhookAllowPrivate: true }));
  admin = (await signUpAdmin(app, deps)).auth;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
after(async () => {
  await close();
  await new Promise((r) => server.close(r));
});

describe('sites in the console', () => {
  test('two sites cannot claim the same origin: 409 ORIGIN_TAKEN, on create and on update', async () => {
    assert.equal((await api('POST', '/api/v1/admin/sites', { id: 'le-matin', origins: ['https://www.lematin.example'] })).statusCode, 201);
    const twin = await api('POST', '/api/v1/admin/sites', { id: 'le-soir', origins: ['https://www.lematin.example/'] });
    assert.equal(twin.statusCode, 409, twin.body);
    assert.equal(codeOf(twin), 'ORIGIN_TAKEN');
    assert.equal((await api('POST', '/api/v1/admin/sites', { id: 'le-soir', origins: ['https://www.lesoir.example'] })).statusCode, 201);
    const grab = await api('PATCH', '/api/v1/admin/sites/le-soir', { origins: ['https://www.lesoir.example', 'https://www.lematin.example'] });
    assert.equal(grab.statusCode, 409);
    assert.equal(codeOf(grab), 'ORIGIN_TAKEN');
    // A site keeps its own origins when saved again.
    assert.equal((await api('PATCH', '/api/v1/admin/sites/le-matin', { origins: ['https://www.lematin.example', 'https://m.lematin.example'] })).statusCode, 200);
  });

  test('accounts.requireVerifiedEmail is read and set with the site', async () => {
    const before = await api('GET', '/api/v1/admin/sites/le-matin');
    assert.equal(before.json<{ site: { accounts: { requireVerifiedEmail: boolean } } }>().site.accounts.requireVerifiedEmail, false);
    const on = await api('PATCH', '/api/v1/admin/sites/le-matin', { accounts: { requireVerifiedEmail: true }, settings: { guests: { enabled: true } } });
    assert.equal(on.statusCode, 200, on.body);
    const site = on.json<{ site: { accounts: { requireVerifiedEmail: boolean }; settings: { guests: { enabled: boolean } } } }>().site;
    assert.equal(site.accounts.requireVerifiedEmail, true);
    assert.equal(site.settings.guests.enabled, true, 'the other settings are kept and changed beside it');
    const listed = (await api('GET', '/api/v1/admin/sites')).json<{ sites: { id: string; accounts: { requireVerifiedEmail: boolean } }[] }>().sites;
    assert.equal(listed.find((s) => s.id === 'le-matin')?.accounts.requireVerifiedEmail, true);
  });
});

describe('webhooks in the console', () => {
  let hookId: string;
  let secret: string;
  test('"send a test event" queues a signed ping delivery that shows in the log', async () => {
    const made = await api('POST', '/api/v1/admin/sites/le-matin/webhooks', { url: hookUrl, events: ['comment.created'] });
    assert.equal(made.statusCode, 201, made.body);
    ({ id: hookId, secret } = made.json<{ webhook: { id: string; secret: string } }>().webhook);
    const res = await api('POST', `/api/v1/admin/sites/le-matin/webhooks/${hookId}/test`);
    assert.equal(res.statusCode, 202, res.body);
    const deliveryId = res.json<{ delivery: { id: string } }>().delivery.id;
    await until(() => got.length >= 1);
    const ping = got[0]!;
    assert.equal(ping.headers['agora-event'], 'ping');
    assert.equal(JSON.parse(ping.body).type, 'ping');
    assert.ok(verifyWebhook(secret, ping.body, String(ping.headers['agora-signature'])), 'signed with the webhook secret');
    const log = await until(async () => {
      const d = (await api('GET', '/api/v1/admin/sites/le-matin/webhook-deliveries')).json<{ deliveries: { id: string; eventType: string; state: string }[] }>().deliveries;
      return d.find((x) => x.id === deliveryId && x.state === 'delivered');
    });
    assert.equal(log.eventType, 'ping');
  });

  test('a failed delivery is sent again as a new delivery of the same payload', async () => {
    statuses.push(500);
    const first = (await api('POST', `/api/v1/admin/sites/le-matin/webhooks/${hookId}/test`)).json<{ delivery: { id: string } }>().delivery.id;
    await until(() => got.length >= 2);
    const retried = await api('POST', `/api/v1/admin/sites/le-matin/webhook-deliveries/${first}/retry`);
    assert.equal(retried.statusCode, 202, retried.body);
    const second = retried.json<{ delivery: { id: string } }>().delivery.id;
    assert.notEqual(second, first);
    await until(() => got.length >= 3);
    assert.equal(got[2]!.body, got[1]!.body, 'the same payload');
    const d = (await api('GET', '/api/v1/admin/sites/le-matin/webhook-deliveries')).json<{ deliveries: { id: string; state: string }[] }>().deliveries;
    assert.equal(d.find((x) => x.id === first)?.state, 'retrying', 'the old delivery keeps its own log');
  });

  test('another site, an unknown delivery or webhook: 404, and no one but an admin', async () => {
    const other = await api('POST', `/api/v1/admin/sites/le-soir/webhooks/${hookId}/test`);
    assert.equal(other.statusCode, 404);
    assert.equal(codeOf(other), 'WEBHOOK_NOT_FOUND');
    const none = await api('POST', '/api/v1/admin/sites/le-matin/webhook-deliveries/nope/retry');
    assert.equal(none.statusCode, 404);
    assert.equal(codeOf(none), 'DELIVERY_NOT_FOUND');
    const reader = (await signUp(app, 'Rita Reader')).auth;
    assert.equal((await api('POST', `/api/v1/admin/sites/le-matin/webhooks/${hookId}/test`, undefined, reader)).statusCode, 403);
    assert.equal((await api('POST', `/api/v1/admin/sites/le-matin/webhooks/${hookId}/test`, undefined, {})).statusCode, 401);
  });
});

describe('staff in the console', () => {
  test('a site moderator is added by email or, for a single sign-on reader, by account id; a wrong id is a 404', async () => {
    const rita = await signUp(app, 'Sami Sso');
    const byId = await api('POST', '/api/v1/admin/moderation/sites/le-matin/moderators', { userId: rita.user.id });
    assert.equal(byId.statusCode, 201, byId.body);
    const list = (await api('GET', '/api/v1/admin/moderation/sites/le-matin/moderators')).json<{ moderators: { id: string }[] }>().moderators;
    assert.ok(list.some((m) => m.id === rita.user.id));
    const ghost = await api('POST', '/api/v1/admin/moderation/sites/le-matin/moderators', { userId: 'no-such-account' });
    assert.equal(ghost.statusCode, 404);
    assert.equal(codeOf(ghost), 'USER_NOT_FOUND');
    const neither = await api('POST', '/api/v1/admin/moderation/sites/le-matin/moderators', {});
    assert.equal(neither.statusCode, 400);
    assert.equal(codeOf(neither), 'VALIDATION_FAILED');
    const both = await api('POST', '/api/v1/admin/moderation/sites/le-matin/moderators', { email: 'a@example.com', userId: rita.user.id });
    assert.equal(both.statusCode, 400);
  });
});
