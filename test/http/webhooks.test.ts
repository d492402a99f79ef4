import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { verifyWebhook } from '../../src/server/webhooks/signing.js';
import { buildTestApp } from '../fixtures/server.js';
import { codeOf, signUp, signUpAdmin, publishEverything } from '../fixtures/publisher.js';
import { until } from '../fixtures/wait.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A webhook receiver on localhost: answers with the next status of `script` (then 200), records everything. */
function receiver() {
  const got: Received[] = [];
  const script: number[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const status = script.shift() ?? 200;
      got.push({ headers: req.headers, body, status });
      res.writeHead(status).end();
    });
  });
  return {
    got,
    script,
    server,
    async listen(): Promise<string> {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    },
  };
}


let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let admin: Record<string, string>;
const recv = receiver();
const recvB = receiver();
let hookUrl: string;
let hookUrlB: string;

before(async () => {
  // The receivers listen on 127.0.0.1, an internal address: allowed as for a self-hoster whose receiver is on the LAN.
  // Refusing internal targets is tested in webhook-targets.test.ts.
  ({ app, deps, close } = await buildTestApp({ webhookRetryBaseMs: 60, jobPollMs: 20, webhookAllowPrivate: true }));
  publishEverything(deps);
  admin = (await signUpAdmin(app, deps)).auth;
  hookUrl = await recv.listen();
  hookUrlB = await recvB.listen();
  for (const id of ['hooked', 'other']) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/admin/sites', headers: admin, payload: { id, origins: [`https://${id}.example`] } });
    assert.equal(res.statusCode, 201, res.body);
  }
});
after(async () => {
  recv.server.close();
  recvB.server.close();
  await close();
});

const addHook = async (site: string, url: string, events?: string[]) => {
  const res = await app.inject({ method: 'POST', url: `/api/v1/admin/sites/${site}/webhooks`, headers: admin, payload: events ? { url, events } : { url } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json<{ webhook: { id: string; secret: string; events: string[] } }>().webhook;
};
const lookup = async (url: string) => (await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent(url)}` })).json<{ story: { id: string } }>().story;

describe('webhooks', () => {
  test('only admins manage them; unknown events and non-http URLs are refused', async () => {
    const reader = await signUp(app, 'Nosy');
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/admin/sites/hooked/webhooks', headers: reader.auth })).statusCode, 403);
    const bad = await app.inject({ method: 'POST', url: '/api/v1/admin/sites/hooked/webhooks', headers: admin, payload: { url: 'ftp://x.example/' } });
    assert.equal(codeOf(bad), 'INVALID_WEBHOOK_URL');
    const badEvent = await app.inject({ method: 'POST', url: '/api/v1/admin/sites/hooked/webhooks', headers: admin, payload: { url: hookUrl, events: ['comment.exploded'] } });
    assert.equal(badEvent.statusCode, 400);
  });

  test('a receiver on localhost verifies the HMAC signature and sees retries after answering 500', async () => {
    const hook = await addHook('hooked', hookUrl);
    assert.deepEqual(hook.events.length, 6, 'all events by default');
    recv.script.push(500, 500);
    const story = await lookup('https://hooked.example/2026/story');
    const created = await until(() => recv.got.find((r) => r.headers['agora-event'] === 'story.created' && r.status === 200));
    const deliveryId = created.headers['agora-delivery'];
    const attempts = recv.got.filter((r) => r.headers['agora-delivery'] === deliveryId);
    assert.deepEqual(attempts.map((a) => a.status), [500, 500, 200], 'retried after each 500');
    for (const a of attempts) {
      assert.ok(verifyWebhook(hook.secret, a.body, String(a.headers['agora-signature'])), 'signature verifies');
      assert.equal(verifyWebhook('whsec_wrong', a.body, String(a.headers['agora-signature'])), false);
      assert.equal(verifyWebhook(hook.secret, `${a.body} `, String(a.headers['agora-signature'])), false, 'a changed body fails');
    }
    const payload = JSON.parse(created.body) as { type: string; siteId: string; data: { story: { id: string; url: string } } };
    assert.equal(payload.type, 'story.created');
    assert.equal(payload.siteId, 'hooked');
    assert.equal(payload.data.story.id, story.id);

    // The receiver answered before the worker recorded the attempt: the log says so a moment later.
    const d = await until(async () => {
      const log = await app.inject({ method: 'GET', url: `/api/v1/admin/sites/hooked/webhook-deliveries?webhookId=${hook.id}`, headers: admin });
      assert.equal(log.statusCode, 200, log.body);
      const found = log.json<{ deliveries: { id: string; state: string; attempts: number; attemptLog: { status: number }[] }[] }>().deliveries.find((x) => x.id === deliveryId);
      return found?.state === 'delivered' ? found : undefined;
    });
    assert.equal(d.attempts, 3);
    assert.deepEqual(d.attemptLog.map((a) => a.status), [500, 500, 200]);
  });

  test('comments: created, reply_created, edited, deleted; each signed; nothing of another site', async () => {
    await addHook('other', hookUrlB, ['comment.created']);
    const reader = await signUp(app, 'Hook Reader');
    const story = await lookup('https://hooked.example/2026/comments');
    const c = (await app.inject({ method: 'POST', url: `/api/v1/stories/${story.id}/comments`, headers: reader.auth, payload: { body: 'First **post**' } })).json<{ comment: { id: string } }>().comment;
    const r = (await app.inject({ method: 'POST', url: `/api/v1/stories/${story.id}/comments`, headers: reader.auth, payload: { body: 'A reply', parentId: c.id } })).json<{ comment: { id: string } }>().comment;
    await app.inject({ method: 'PATCH', url: `/api/v1/comments/${r.id}`, headers: reader.auth, payload: { body: 'A reply, edited' } });
    await app.inject({ method: 'DELETE', url: `/api/v1/comments/${r.id}`, headers: reader.auth });
    const types = async () => {
      const mine = recv.got.filter((x) => x.status === 200 && (JSON.parse(x.body) as { data: { comment?: { storyId: string } } }).data.comment?.storyId === story.id);
      return mine.length >= 5 ? mine.map((x) => x.headers['agora-event']) : undefined;
    };
    const seen = await until(types);
    assert.deepEqual([...seen].sort(), ['comment.created', 'comment.created', 'comment.deleted', 'comment.edited', 'comment.reply_created']);
    const reply = recv.got.find((x) => x.headers['agora-event'] === 'comment.reply_created');
    const body = JSON.parse(reply?.body ?? '{}') as { data: { parentId: string; comment: { body: string; author: { displayName: string } | null; redacted?: boolean } } };
    assert.equal(body.data.parentId, c.id);
    // The reply was deleted: whether its deliveries went out before or after, the log keeps none of its text.
    const log = await app.inject({ method: 'GET', url: '/api/v1/admin/sites/hooked/webhook-deliveries?limit=200', headers: admin });
    const logged = log.json<{ deliveries: { eventType: string; payload: string }[] }>().deliveries.filter((d) => d.payload.includes(r.id));
    assert.ok(logged.length >= 3, 'created, reply_created, edited and deleted of the reply are logged');
    assert.doesNotMatch(logged.map((d) => d.payload).join('\n'), /A reply/);
    const loggedReply = JSON.parse(logged.find((d) => d.eventType === 'comment.reply_created')?.payload ?? '{}') as { data: { comment: { author: unknown; body: string; redacted?: boolean } } };
    assert.deepEqual([loggedReply.data.comment.author, loggedReply.data.comment.body, loggedReply.data.comment.redacted], [null, '', true]);
    const first = recv.got.find((x) => x.headers['agora-event'] === 'comment.created' && x.body.includes(c.id));
    const created = JSON.parse(first?.body ?? '{}') as { data: { comment: { body: string; author: { displayName: string } } } };
    assert.deepEqual([created.data.comment.author.displayName, created.data.comment.body], ['Hook Reader', 'First **post**']);
    assert.doesNotMatch(reply?.body ?? '', /@example\.com/, 'no email in webhook bodies');
    // The other site's receiver listens to comment.created of its own site only.
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(recvB.got.length, 0);
    const otherLog = await app.inject({ method: 'GET', url: '/api/v1/admin/sites/other/webhook-deliveries', headers: admin });
    assert.equal(otherLog.json<{ deliveries: unknown[] }>().deliveries.length, 0);
  });

  test('a disabled webhook gets nothing; a removed one is gone from the list', async () => {
    const hook = await addHook('hooked', hookUrl, ['story.created']);
    await app.inject({ method: 'PATCH', url: `/api/v1/admin/sites/hooked/webhooks/${hook.id}`, headers: admin, payload: { active: false } });
    const before = recv.got.length;
    await lookup('https://hooked.example/2026/quiet');
    await new Promise((res) => setTimeout(res, 200));
    const forHook = recv.got.slice(before).filter((x) => (JSON.parse(x.body) as { data: { story?: { url: string } } }).data.story?.url === 'https://hooked.example/2026/quiet');
    assert.equal(forHook.length, 1, 'only the first (all-events) webhook got it');
    assert.equal((await app.inject({ method: 'DELETE', url: `/api/v1/admin/sites/hooked/webhooks/${hook.id}`, headers: admin })).statusCode, 204);
    assert.equal((await app.inject({ method: 'DELETE', url: `/api/v1/admin/sites/other/webhooks/${hook.id}`, headers: admin })).statusCode, 404, 'not through another site');
  });
});
