// Issue 11, finding 3: one client took every live-stream slot of a node (100 of 100). Now a client (a signed-in user,
// else an address) holds at most AGORA_STREAMS_PER_CLIENT streams per node and gets a 429 beyond; the node's own cap
// (503) stays; a closed or failed stream gives its slot back; X-Forwarded-For counts only from trusted proxies.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { ConfigError, loadConfig, type Config } from '../../src/server/config.js';
import { addressKey } from '../../src/server/http/client-key.js';
import { startTestServer, type TestServer } from '../fixtures/server.js';
import { signUp } from '../fixtures/publisher.js';
import type { SseClient } from '../fixtures/sse.js';
import { until } from '../fixtures/wait.js';

const PER_CLIENT = 3;
const SLUG = 'etats-unis-mexique-fentanyl';

interface Refused {
  status: number;
  retryAfter: string | undefined;
  body: { error?: { code: string; message: string } };
}

/**
 * Opens an event stream, from `from` when given (Linux routes all of 127/8 to loopback: each address is another
 * client). A refusal is read as its JSON body.
 */
function open(server: TestServer, storyId: string, o: { from?: string; headers?: Record<string, string> } = {}): Promise<SseClient | Refused> {
  const url = `${server.url.replace('localhost', '127.0.0.1')}/api/v1/stories/${storyId}/events`;
  return new Promise((resolve, reject) => {
    const req = request(url, { ...(o.from ? { localAddress: o.from } : {}), headers: { accept: 'text/event-stream', ...o.headers } }, (res) => {
      if (res.statusCode === 200) {
        res.resume();
        const closed = new Promise<void>((r) => res.on('close', () => r()));
        resolve({ status: 200, headers: res.headers, events: [], comments: 0, waitFor: () => Promise.reject(new Error('not collected')), closed, close: () => req.destroy() });
        return;
      }
      let text = '';
      res
        .setEncoding('utf8')
        .on('data', (c: string) => (text += c))
        .on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined, body: JSON.parse(text) as Refused['body'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

const isOpen = (r: SseClient | Refused): r is SseClient => r.status === 200 && 'close' in r;

async function serverWith(config: Partial<Config>): Promise<{ server: TestServer; storyId: string }> {
  const server = await startTestServer({ config: { streamsPerClient: PER_CLIENT, ...config } });
  const site = await server.deps.origins.siteForOrigin(server.url);
  const storyId = (await server.deps.articles.bySlug(site?.id ?? '', SLUG))?.storyId ?? '';
  assert.ok(storyId, 'the demo article has a story');
  return { server, storyId };
}

/** The refusal of one more stream, read with fetch so its JSON body is checked. */
async function refusal(server: TestServer, storyId: string, headers: Record<string, string> = {}): Promise<Refused> {
  const res = await fetch(`${server.url}/api/v1/stories/${storyId}/events`, { headers: { accept: 'text/event-stream', ...headers } });
  if (res.status === 200) {
    await res.body?.cancel();
    return { status: 200, retryAfter: undefined, body: {} };
  }
  return { status: res.status, retryAfter: res.headers.get('retry-after') ?? undefined, body: (await res.json()) as Refused['body'] };
}

const held: SseClient[] = [];
const keep = (r: SseClient | Refused): SseClient => {
  assert.ok(isOpen(r), `expected a stream, got ${r.status} ${JSON.stringify((r as Refused).body ?? '')}`);
  held.push(r);
  return r;
};
const closeAll = () => held.splice(0).forEach((s) => s.close());

describe('live streams per client', () => {
  let server: TestServer;
  let storyId: string;
  before(async () => ({ server, storyId } = await serverWith({ maxStreams: 8 })));
  after(async () => {
    closeAll();
    await server.close();
  });

  test(`the ${PER_CLIENT + 1}th stream of one client gets 429 TOO_MANY_STREAMS in the error format, in its language`, async () => {
    for (let i = 0; i < PER_CLIENT; i++) keep(await open(server, storyId));
    const refused = await refusal(server, storyId, { 'accept-language': 'fr' });
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error?.code, 'TOO_MANY_STREAMS');
    assert.match(refused.body.error?.message ?? '', /flux en direct/);
    assert.equal(refused.retryAfter, '30');
  });

  test('sending X-Forwarded-For does not make a new client when no proxy is trusted', async () => {
    const r = await refusal(server, storyId, { 'x-forwarded-for': '198.51.100.23' });
    assert.equal(r.status, 429);
  });

  test('another client still gets a stream: another address, and a signed-in reader on the same address', async () => {
    keep(await open(server, storyId, { from: '127.0.0.2' }));
    const { auth } = await signUp(server.app, 'Stream Reader');
    keep(await open(server, storyId, { headers: auth }));
  });

  test('closing a stream frees its slot for the same client', async () => {
    const first = held[0] as SseClient;
    first.close();
    held.splice(0, 1);
    const again = await until(async () => {
      const r = await open(server, storyId);
      if (isOpen(r)) return r;
      return undefined;
    });
    keep(again);
  });

  test('a request for an unknown story gives its slot back', async () => {
    closeAll();
    await until(() => (server.deps.realtime.hub.size === 0 ? true : undefined));
    for (let i = 0; i < PER_CLIENT * 3; i++) assert.equal((await refusal(server, 'no-such-story')).status, 404);
    for (let i = 0; i < PER_CLIENT; i++) keep(await open(server, storyId));
    closeAll();
    await until(() => (server.deps.realtime.hub.size === 0 ? true : undefined));
  });

  test('a burst of parallel requests from one client gets exactly its share, not one per request', async () => {
    const all = await Promise.all(Array.from({ length: 10 }, () => open(server, storyId, { from: '127.0.0.3' })));
    const opened = all.filter(isOpen);
    opened.forEach((s) => held.push(s));
    assert.equal(opened.length, PER_CLIENT);
    assert.deepEqual(
      all.filter((r) => !isOpen(r)).map((r) => [r.status, (r as Refused).body.error?.code]),
      Array.from({ length: 10 - PER_CLIENT }, () => [429, 'TOO_MANY_STREAMS']),
    );
    closeAll();
    await until(() => (server.deps.realtime.hub.size === 0 ? true : undefined));
  });

  test('the node cap stays: a full node answers 503 UNAVAILABLE to a new client, and metrics count both refusals', async () => {
    for (const from of ['127.0.0.4', '127.0.0.5']) for (let i = 0; i < PER_CLIENT; i++) keep(await open(server, storyId, { from }));
    keep(await open(server, storyId, { from: '127.0.0.6' }));
    keep(await open(server, storyId, { from: '127.0.0.7' }));
    assert.equal(server.deps.realtime.hub.size, 8);
    const full = await open(server, storyId, { from: '127.0.0.8' });
    assert.equal(full.status, 503);
    assert.equal((full as Refused).body.error?.code, 'UNAVAILABLE');
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /^agora_sse_refused_total\{reason="node"\} 1$/m);
    assert.match(metrics, /^agora_sse_refused_total\{reason="client"\} [1-9]\d*$/m);
    closeAll();
  });
});

describe('behind a trusted proxy', () => {
  let server: TestServer;
  let storyId: string;
  before(async () => ({ server, storyId } = await serverWith({ trustProxy: 1 })));
  after(async () => {
    closeAll();
    await server.close();
  });

  test('the address the proxy saw is the client: a forged left-hand X-Forwarded-For entry changes nothing', async () => {
    for (let i = 0; i < PER_CLIENT; i++) keep(await open(server, storyId, { headers: { 'x-forwarded-for': `10.9.9.${i}, 198.51.100.7` } }));
    assert.equal((await refusal(server, storyId, { 'x-forwarded-for': '10.9.9.99, 198.51.100.7' })).status, 429);
    keep(await open(server, storyId, { headers: { 'x-forwarded-for': '198.51.100.8' } }));
  });

  test('an IPv6 client counts by its /64: rotating addresses inside it does not buy more streams', async () => {
    for (let i = 1; i <= PER_CLIENT; i++) keep(await open(server, storyId, { headers: { 'x-forwarded-for': `2001:db8:1:2::${i}` } }));
    assert.equal((await refusal(server, storyId, { 'x-forwarded-for': '2001:db8:1:2:ffff::9' })).status, 429);
    keep(await open(server, storyId, { headers: { 'x-forwarded-for': '2001:db8:1:3::1' } }));
  });
});

test('addressKey: IPv4 as is, IPv4-mapped IPv6 as IPv4, IPv6 by /64 whatever its spelling', () => {
  assert.equal(addressKey('203.0.113.9'), '203.0.113.9');
  assert.equal(addressKey('::ffff:203.0.113.9'), '203.0.113.9');
  assert.equal(addressKey('2001:db8:1:2::1'), '2001:db8:1:2::/64');
  assert.equal(addressKey('2001:0DB8:0001:0002:ffff:0:0:9'), '2001:db8:1:2::/64');
  assert.equal(addressKey('2001:db8::1'), '2001:db8:0:0::/64');
  assert.equal(addressKey('::1'), '0:0:0:0::/64');
  assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
});

test('configuration: AGORA_STREAMS_PER_CLIENT defaults to 8; AGORA_TRUST_PROXY takes hops or addresses, and refuses typos', () => {
  const env = (e: Record<string, string>) => e as NodeJS.ProcessEnv;
  assert.equal(loadConfig(env({})).streamsPerClient, 8);
  assert.equal(loadConfig(env({ AGORA_STREAMS_PER_CLIENT: '2' })).streamsPerClient, 2);
  assert.throws(() => loadConfig(env({ AGORA_STREAMS_PER_CLIENT: '0' })), /AGORA_STREAMS_PER_CLIENT/);
  assert.equal(loadConfig(env({})).trustProxy, false);
  assert.equal(loadConfig(env({ AGORA_TRUST_PROXY: 'true' })).trustProxy, true);
  assert.equal(loadConfig(env({ AGORA_TRUST_PROXY: '1' })).trustProxy, 1);
  assert.deepEqual(loadConfig(env({ AGORA_TRUST_PROXY: '10.0.0.0/8, loopback' })).trustProxy, ['10.0.0.0/8', 'loopback']);
  for (const bad of ['yes', 'nginx', '10.0.0.0/8;rm']) assert.throws(() => loadConfig(env({ AGORA_TRUST_PROXY: bad })), (e) => e instanceof ConfigError && /AGORA_TRUST_PROXY/.test(e.message), bad);
});
