import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until } from '../fixtures/wait.js';
import { startTestServer } from '../fixtures/server.js';
import { openSse } from '../fixtures/sse.js';

async function setup() {
  const server = await startTestServer();
  const su = await fetch(`${server.url}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `ops-${Date.now()}@example.com`, password: 'correct horse battery', displayName: 'Ops Reader' }),
  });
  const token = ((await su.json()) as { token: string }).token;
  const st = await fetch(`${server.url}/api/v1/stories/lookup?url=${encodeURIComponent(`${server.url}/articles/etats-unis-mexique-fentanyl`)}`);
  const storyId = ((await st.json()) as { story: { id: string } }).story.id;
  return { server, token, storyId };
}

test('/healthz, /readyz and /metrics report the node, its database, streams and moderation outcomes', async () => {
  const { server, token, storyId } = await setup();
  try {
    assert.deepEqual(await (await fetch(`${server.url}/healthz`)).json(), { ok: true });
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { ready: true, database: true, broker: true });
    const stream = await openSse(`${server.url}/api/v1/stories/${storyId}/events`);
    await stream.waitFor((e) => e.event === 'ready');
    await fetch(`${server.url}/api/v1/stories/${storyId}/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ body: 'A measured comment about the council budget.' }),
    });
    // Outcomes are counted by the event dispatcher, once the comment's event is dispatched.
    const outcome = /^agora_moderation_outcomes_total\{status="(published|pending)"\} 1$/m;
    const metrics = await until(async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      return outcome.test(text) ? text : undefined;
    });
    assert.match(metrics, /^agora_sse_streams 1$/m);
    assert.match(metrics, /^agora_http_requests_total\{method="POST",route="\/api\/v1\/stories\/:storyId\/comments",status="201"\} 1$/m);
    assert.match(metrics, /^agora_moderation_outcomes_total\{status="(published|pending)"\} 1$/m);
    assert.match(metrics, /^agora_http_request_duration_seconds_bucket/m);
    stream.close();
  } finally {
    await server.close();
  }
});

test('graceful shutdown ends live streams and finishes a write already in flight', async () => {
  const { server, token, storyId } = await setup();
  const stream = await openSse(`${server.url}/api/v1/stories/${storyId}/events`);
  await stream.waitFor((e) => e.event === 'ready');
  const inFlight = fetch(`${server.url}/api/v1/stories/${storyId}/comments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ body: 'Posted just as the node was told to stop.' }),
  });
  // Let the request reach the server before shutdown begins.
  await new Promise((r) => setTimeout(r, 20));
  const closing = server.close();
  const res = await inFlight;
  assert.equal(res.status, 201);
  await stream.closed;
  await closing;
});
