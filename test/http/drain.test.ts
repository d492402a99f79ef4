// A node told to stop (SIGTERM, main.ts) drains before it stops listening: not ready, still serving, every
// response closing its connection and the idle kept-alive connections closed, so that a proxy holds no connection
// to it when it closes and never sees a 503 for a request it may not send again (a POST).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import type { Socket } from 'node:net';
import { startTestServer } from '../fixtures/server.js';

/** One request on `agent`; resolves with the status, headers, body and the socket it used. */
function get(url: string, agent: Agent, method = 'GET', body?: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string; socket: Socket }>((resolve, reject) => {
    const req = request(url, { agent, method, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, socket: req.socket as Socket }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('draining: /readyz turns 503, requests are still answered with Connection: close, idle connections are closed', async () => {
  const server = await startTestServer();
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  try {
    const su = await fetch(`${server.url}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `drain-${Date.now()}@example.com`, password: 'correct horse battery', displayName: 'Drain Reader' }),
    });
    const token = ((await su.json()) as { token: string }).token;
    const st = await fetch(`${server.url}/api/v1/stories/lookup?url=${encodeURIComponent(`${server.url}/articles/etats-unis-mexique-fentanyl`)}`);
    const storyId = ((await st.json()) as { story: { id: string } }).story.id;

    const before = await get(`${server.url}/readyz`, agent);
    assert.equal(before.status, 200);
    assert.notEqual(before.headers.connection, 'close', 'kept alive before the drain');
    const idle = before.socket;
    const idleClosed = new Promise((r) => idle.once('close', r));

    server.app.drain();
    await idleClosed;

    const ready = await get(`${server.url}/readyz`, agent);
    assert.equal(ready.status, 503);
    assert.deepEqual(JSON.parse(ready.body), { ready: false, draining: true, database: true, broker: true });
    assert.equal(ready.headers.connection, 'close');

    const read = await get(`${server.url}/api/v1/stories/${storyId}/comments`, agent);
    assert.equal(read.status, 200);
    assert.equal(read.headers.connection, 'close');
    const post = await get(`${server.url}/api/v1/stories/${storyId}/comments`, agent, 'POST', JSON.stringify({ body: 'Posted while the node drains.' }), { 'content-type': 'application/json', authorization: `Bearer ${token}` });
    assert.equal(post.status, 201, post.body);
    assert.equal(post.headers.connection, 'close');
  } finally {
    agent.destroy();
    await server.close();
  }
});
