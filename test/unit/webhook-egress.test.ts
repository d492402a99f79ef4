import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardedLookup, refusedAddress, refusedHost, RefusedTargetError, type EgressPolicy } from '../../src/server/webhooks/egress.js';
import { postWebhook } from '../../src/server/webhooks/transport.js';

const closed = { allowPrivate: false };
const open = { allowPrivate: true };

/** A resolver that answers from a table, as DNS would for names we own, and counts the questions. */
function fakeDns(table: Record<string, string[]>) {
  const asked: string[] = [];
  const resolve = async (hostname: string): Promise<LookupAddress[]> => {
    asked.push(hostname);
    const found = table[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { asked, resolve };
}

describe('webhook targets: addresses', () => {
  const internal = [
    '127.0.0.1', '127.255.255.254', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.10', '100.64.0.1', '100.127.255.254',
    '169.254.169.254', '169.254.1.1', '0.0.0.0', '0.1.2.3', '224.0.0.1', '255.255.255.255', '198.18.0.1',
    '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.1.2.3',
    '::ffff:169.254.169.254', '64:ff9b::127.0.0.1', '64:ff9b::a00:1', '::127.0.0.1', '2002:7f00:1::1',
  ];
  for (const ip of internal) {
    test(`${ip} is refused, and allowed with AGORA_WEBHOOK_ALLOW_PRIVATE unless it is cloud metadata`, () => {
      assert.match(refusedAddress(ip, closed) ?? '', /^an? (internal|cloud metadata) address$/);
      assert.equal(refusedAddress(ip, open) === null, !['169.254.169.254', '::ffff:169.254.169.254'].includes(ip));
    });
  }

  for (const ip of ['93.184.215.14', '8.8.8.8', '172.32.0.1', '100.128.0.1', '192.169.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '2a00:1450::1']) {
    test(`${ip} is public`, () => assert.equal(refusedAddress(ip, closed), null));
  }

  test('cloud metadata stays refused even when private targets are allowed', () => {
    for (const ip of ['169.254.169.254', 'fd00:ec2::254', '100.100.100.200', '64:ff9b::169.254.169.254']) assert.match(refusedAddress(ip, open) ?? '', /cloud metadata/, ip);
  });
});

describe('webhook targets: hosts as written in the URL', () => {
  test('IP literals as the URL parser normalises them, bracketed IPv6, localhost names with or without the final dot', () => {
    for (const url of ['http://2130706433/', 'http://0x7f.1/', 'http://[::ffff:127.0.0.1]/', 'http://[fe80::1]/', 'http://localhost/', 'http://LOCALHOST./', 'http://api.localhost/', 'http://0/']) {
      assert.ok(refusedHost(new URL(url).hostname, closed), url);
    }
    for (const url of ['https://example.com/', 'https://localhost.example.com/', 'https://mylocalhost/', 'http://[2606:4700::1111]/']) {
      assert.equal(refusedHost(new URL(url).hostname, closed), null, url);
    }
    assert.equal(refusedHost('localhost', open), null);
    assert.match(refusedHost('[::ffff:a9fe:a9fe]', open) ?? '', /cloud metadata/);
  });
});

describe('webhook targets: resolving at connection time', () => {
  const got: { headers: IncomingHttpHeaders; url: string | undefined }[] = [];
  let server: Server;
  let port = 0;
  before(async () => {
    server = createServer((req, res) => {
      got.push({ headers: req.headers, url: req.url });
      req.resume();
      res.writeHead(204).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  const post = (url: string, policy: EgressPolicy) => postWebhook(url, { headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs: 2000, policy });

  test('a public-looking name that resolves to 127.0.0.1 is refused before any connection', async () => {
    const dns = fakeDns({ 'hooks.rebind.example': ['127.0.0.1'] });
    const before = got.length;
    await assert.rejects(post(`http://hooks.rebind.example:${port}/hook`, { ...closed, resolve: dns.resolve }), (err: unknown) => {
      assert.ok(err instanceof RefusedTargetError, String(err));
      assert.equal(err.message, 'hooks.rebind.example resolves to 127.0.0.1, an internal address');
      return true;
    });
    assert.deepEqual(dns.asked, ['hooks.rebind.example']);
    assert.equal(got.length, before, 'the receiver saw nothing');
  });

  test('one internal address among public ones refuses the name (the socket may try any of them)', async () => {
    const dns = fakeDns({ 'mixed.example': ['93.184.215.14', '::1'] });
    await assert.rejects(post(`http://mixed.example:${port}/`, { ...closed, resolve: dns.resolve }), RefusedTargetError);
  });

  test('an IP literal is checked without a lookup (sockets skip it for literals)', async () => {
    const dns = fakeDns({});
    await assert.rejects(post(`http://[::ffff:127.0.0.1]:${port}/`, { ...closed, resolve: dns.resolve }), RefusedTargetError);
    await assert.rejects(post(`http://127.0.0.1:${port}/`, { ...closed, resolve: dns.resolve }), RefusedTargetError);
    assert.deepEqual(dns.asked, []);
  });

  test('allowed, the connection goes to the address the check saw, once resolved, with the name as Host', async () => {
    const dns = fakeDns({ 'receiver.lan': ['127.0.0.1'] });
    const before = got.length;
    assert.equal(await post(`http://receiver.lan:${port}/hook?x=1`, { ...open, resolve: dns.resolve }), 204);
    assert.deepEqual(dns.asked, ['receiver.lan'], 'resolved once: no second answer to rebind');
    assert.equal(got.length, before + 1);
    assert.equal(got.at(-1)?.headers.host, `receiver.lan:${port}`);
    assert.equal(got.at(-1)?.url, '/hook?x=1');
  });

  test('resolver failures and empty answers are ordinary errors, not refusals', async () => {
    const dns = fakeDns({ 'empty.example': [] });
    await assert.rejects(post(`http://nowhere.example:${port}/`, { ...closed, resolve: dns.resolve }), (err: unknown) => !(err instanceof RefusedTargetError) && /ENOTFOUND/.test(String(err)));
    await assert.rejects(post(`http://empty.example:${port}/`, { ...closed, resolve: dns.resolve }), (err: unknown) => !(err instanceof RefusedTargetError) && /no address/.test(String(err)));
  });

  test('the lookup honours a requested family and the all flag', async () => {
    const lookup = guardedLookup({ ...open, resolve: fakeDns({ 'dual.lan': ['10.0.0.7', 'fd00::7'] }).resolve });
    const one = await new Promise<[string, number | undefined]>((res, rej) => lookup('dual.lan', { family: 6 }, (err, address, family) => (err ? rej(err) : res([address as string, family]))));
    assert.deepEqual(one, ['fd00::7', 6]);
    const all = await new Promise<unknown>((res, rej) => lookup('dual.lan', { all: true }, (err, address) => (err ? rej(err) : res(address))));
    assert.deepEqual(all, [{ address: '10.0.0.7', family: 4 }, { address: 'fd00::7', family: 6 }]);
  });
});
