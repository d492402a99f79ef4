import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { buildTestApp } from '../fixtures/server.js';
import { codeOf, signUpAdmin } from '../fixtures/publisher.js';

// The default configuration: internal webhook targets are refused (AGORA_WEBHOOK_ALLOW_PRIVATE unset).
let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let admin: Record<string, string>;
let receiver: Server;
let received = 0;
let port = 0;
// Names this test owns, answered without the network; any other name is an error, so a test that resolves a name
// it did not mean to shows up.
const dnsTable: Record<string, string[]> = {};
const asked: string[] = [];

before(async () => {
  ({ app, deps, close } = await buildTestApp({ webhookRetryBaseMs: 60, jobPollMs: 20 }));
  deps.publisher.webhookDeps.egress.resolve = async (hostname: string): Promise<LookupAddress[]> => {
    asked.push(hostname);
    const found = dnsTable[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  admin = (await signUpAdmin(app, deps)).auth;
  for (const id of ['guarded', 'quiet']) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/admin/sites', headers: admin, payload: { id, origins: [`https://${id}.example`] } });
    assert.equal(res.statusCode, 201, res.body);
  }
  receiver = createServer((req, res) => {
    received++;
    req.resume();
    res.writeHead(200).end();
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  port = (receiver.address() as AddressInfo).port;
});
after(async () => {
  receiver.close();
  await close();
});

const create = (site: string, url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: `/api/v1/admin/sites/${site}/webhooks`, headers: { ...admin, ...headers }, payload: { url } });

describe('webhook targets on the default configuration', () => {
  const internal = [
    'http://127.0.0.1/hook',
    'http://127.0.0.1:8080/hook',
    'http://[::1]/hook',
    'http://[fe80::1]/hook',
    'http://[fc00::1]/hook',
    'http://[fd00:ec2::254]/latest/meta-data/',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[::ffff:10.0.0.1]/hook',
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
    'http://10.0.0.5/hook',
    'http://172.16.0.1/hook',
    'http://172.31.255.254/hook',
    'http://192.168.1.20/hook',
    'http://100.64.0.1/hook',
    'http://0.0.0.0:8080/hook',
    'http://[::]/hook',
    'http://224.0.0.1/hook',
    'http://2130706433/hook', // 127.0.0.1 as one decimal number
    'http://0x7f.0.0.1/hook',
    'http://localhost:3000/hook',
    'https://LOCALHOST./hook',
    'http://admin.localhost/hook',
  ];
  for (const url of internal) {
    test(`${url} is refused at creation with WEBHOOK_URL_FORBIDDEN`, async () => {
      const res = await create('quiet', url);
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(codeOf(res), 'WEBHOOK_URL_FORBIDDEN');
      assert.match(res.json<{ error: { message: string } }>().error.message, /internal address|cloud metadata address|is the local host/);
    });
  }

  test('the refusal is explained in the reader’s language, and nothing is saved', async () => {
    const res = await create('quiet', 'http://192.168.0.1/', { 'accept-language': 'fr' });
    assert.equal(res.json<{ error: { message: string } }>().error.message, 'Un webhook ne peut pas viser une adresse privée, de bouclage, de lien local ou autrement interne. (192.168.0.1 is an internal address)');
    const list = await app.inject({ method: 'GET', url: '/api/v1/admin/sites/quiet/webhooks', headers: admin });
    assert.deepEqual(list.json<{ webhooks: unknown[] }>().webhooks, []);
  });

  test('URLs with a user name or password are invalid', async () => {
    for (const url of ['https://user:pass@example.com/hook', 'https://token@example.com/hook']) {
      const res = await create('quiet', url);
      assert.equal(codeOf(res), 'INVALID_WEBHOOK_URL', url);
    }
  });

  test('public URLs are accepted without resolving anything', async () => {
    const before = asked.length;
    for (const url of ['https://example.com/hook', 'http://hooks.example.org:8080/agora?site=1', 'https://93.184.215.14/hook', 'https://[2606:4700::1111]/hook', 'https://localhost.example.com/hook']) {
      const res = await create('quiet', url);
      assert.equal(res.statusCode, 201, `${url}: ${res.body}`);
    }
    assert.equal(asked.length, before, 'creation made no DNS query');
  });

  test('changing a webhook’s URL to an internal one is refused and keeps the old URL', async () => {
    const hook = (await create('quiet', 'https://example.net/hook')).json<{ webhook: { id: string } }>().webhook;
    const res = await app.inject({ method: 'PATCH', url: `/api/v1/admin/sites/quiet/webhooks/${hook.id}`, headers: admin, payload: { url: 'http://[::ffff:192.168.1.1]/' } });
    assert.equal(res.statusCode, 400);
    assert.equal(codeOf(res), 'WEBHOOK_URL_FORBIDDEN');
    assert.equal((await deps.publisher.webhooks.get('quiet', hook.id))?.url, 'https://example.net/hook');
  });

  test('a name that resolves to 127.0.0.1 at delivery time: refused, logged as failed with the reason, not retried', async () => {
    dnsTable['hooks.guarded.example'] = ['127.0.0.1'];
    const created = await create('guarded', `http://hooks.guarded.example:${port}/hook`);
    assert.equal(created.statusCode, 201, 'a public name passes creation: DNS may change afterwards anyway');
    const hook = created.json<{ webhook: { id: string } }>().webhook;
    await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent('https://guarded.example/2026/rebind')}` });
    type Logged = { state: string; attempts: number; lastError: string | null; nextAttemptAt: string | null; attemptLog: { status: number | null; error: string | null }[] };
    const log = async () => (await app.inject({ method: 'GET', url: `/api/v1/admin/sites/guarded/webhook-deliveries?webhookId=${hook.id}`, headers: admin })).json<{ deliveries: Logged[] }>().deliveries;
    const end = Date.now() + 8000;
    let d: Logged | undefined;
    while (!(d = (await log()).find((x) => x.state === 'failed')) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.ok(d, 'the delivery failed');
    assert.equal(d.lastError, `refused: hooks.guarded.example resolves to 127.0.0.1, an internal address`);
    assert.equal(d.nextAttemptAt, null);
    // Retries would come every 60 ms here: wait for several and see none.
    await new Promise((r) => setTimeout(r, 400));
    const again = (await log()).find((x) => x.state === 'failed');
    assert.equal(again?.attempts, 1, 'not retried');
    assert.deepEqual(again?.attemptLog.map((a) => [a.status, a.error]), [[null, d.lastError]]);
    assert.equal(received, 0, 'the receiver on 127.0.0.1 saw nothing');
    assert.ok(asked.includes('hooks.guarded.example'), 'resolved at delivery time');
  });
});
