// The security headers are computed once per route (http/security-headers.ts) instead of by @fastify/helmet on
// every request: each policy must still give exactly the headers @fastify/helmet gives, on a route of each kind and
// on errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import fastifyHelmet from '@fastify/helmet';
import { loadConfig } from '../../src/server/config.js';
import { securityHeaders, securityHeadersPlugin, securityPolicy, type HeaderPolicy } from '../../src/server/http/security-headers.js';

const SECURITY = /^(content-security-policy|cross-origin-|origin-agent-cluster|referrer-policy|strict-transport-security|x-)/;

/** A server with one route per policy (and the default), and a route that throws, under `plugin`. */
async function serve(register: (app: ReturnType<typeof Fastify>) => Promise<void>) {
  const app = Fastify({ logger: false });
  await register(app);
  app.get('/api', async () => ({ ok: true }));
  for (const [name, policy] of Object.entries(securityPolicy) as [string, HeaderPolicy][]) app.get(`/${name}`, { helmet: policy }, async () => 'ok');
  app.get('/none', { helmet: false }, async () => 'ok');
  app.get('/fails', async () => {
    throw new Error('boom');
  });
  await app.ready();
  return app;
}

const headersOf = async (app: Awaited<ReturnType<typeof serve>>, url: string) =>
  Object.fromEntries(Object.entries((await app.inject({ url })).headers).filter(([k]) => SECURITY.test(k)));

for (const publicUrl of ['http://localhost:8080', 'https://comments.example.com']) {
  test(`every policy gives the headers @fastify/helmet gives (${publicUrl})`, async () => {
    const config = loadConfig({ AGORA_PUBLIC_URL: publicUrl, AGORA_DATA_DIR: ':memory:' } as NodeJS.ProcessEnv);
    const ours = await serve(async (app) => app.register(securityHeadersPlugin, { config }));
    const theirs = await serve(async (app) => app.register(fastifyHelmet, securityHeaders(config)));
    for (const url of ['/api', ...Object.keys(securityPolicy).map((n) => `/${n}`), '/none', '/fails', '/missing']) {
      const expected = await headersOf(theirs, url);
      if (url !== '/none') assert.ok(Object.keys(expected).length >= 8, `${url}: helmet set its headers`);
      assert.deepEqual(await headersOf(ours, url), expected, url);
    }
    await ours.close();
    await theirs.close();
  });
}
