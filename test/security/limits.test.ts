/**
 * Issue 11, finding 8 (write limit): the per-user write limit was per route, so 75 writes in a minute passed (30 posts,
 * 30 reactions, 15 reports...). One budget per reader now covers every write route.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { buildTestApp } from '../fixtures/server.js';
import { codeOf, makeSite, publishEverything, signUp } from '../fixtures/publisher.js';

const BUDGET = 12;
let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let storyId: string;

before(async () => {
  ({ app, deps, close } = await buildTestApp({ writesPerMinute: BUDGET }));
  publishEverything(deps);
  await makeSite(deps, 'limits-paper', ['https://limits.example']);
  storyId = (await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent('https://limits.example/story')}` })).json<{ story: { id: string } }>().story.id;
});
after(async () => close());

describe('one write budget per reader across every write route', () => {
  test('mixed writes (post, reply, edit, react, un-react, report, delete) hit 429 at the budget; another reader still writes', async () => {
    const ann = await signUp(app, 'Ann');
    const ben = await signUp(app, 'Ben');
    const as = (who: { auth: Record<string, string> }, o: InjectOptions) => app.inject({ ...o, headers: { ...who.auth } });
    const bens = await as(ben, { method: 'POST', url: `/api/v1/stories/${storyId}/comments`, payload: { body: 'Ben speaks first' } });
    assert.equal(bens.statusCode, 201, bens.body);
    const target = bens.json<{ comment: { id: string } }>().comment.id;

    const own: string[] = [];
    const post = async (body: string, parentId?: string) => {
      const res = await as(ann, { method: 'POST', url: `/api/v1/stories/${storyId}/comments`, payload: { body, ...(parentId ? { parentId } : {}) } });
      if (res.statusCode === 201) own.push(res.json<{ comment: { id: string } }>().comment.id);
      return res;
    };
    const writes: (() => Promise<{ statusCode: number; body: string }>)[] = [
      () => post('One'),
      () => post('Two'),
      () => post('A reply to Ben', target),
      () => as(ann, { method: 'PATCH', url: `/api/v1/comments/${own[0]}`, payload: { body: 'One, edited' } }),
      () => as(ann, { method: 'POST', url: `/api/v1/comments/${target}/reaction` }),
      () => as(ann, { method: 'DELETE', url: `/api/v1/comments/${target}/reaction` }),
      () => as(ann, { method: 'POST', url: `/api/v1/comments/${target}/reaction` }),
      () => as(ann, { method: 'POST', url: `/api/v1/comments/${target}/reports`, payload: { reason: 'spam' } }),
      () => as(ann, { method: 'DELETE', url: `/api/v1/comments/${own[1]}` }),
      () => post('Three'),
      () => as(ann, { method: 'PATCH', url: `/api/v1/comments/${own[2]}`, payload: { body: 'A reply to Ben, edited' } }),
      () => post('Four'),
    ];
    assert.equal(writes.length, BUDGET);
    for (const [i, write] of writes.entries()) {
      const res = await write();
      assert.ok(res.statusCode < 300, `write ${i + 1}: ${res.statusCode} ${res.body}`);
    }
    // The budget is spent: any write route refuses now, including ones used only once or never.
    for (const o of [
      { method: 'DELETE', url: `/api/v1/comments/${target}/reaction` },
      { method: 'POST', url: `/api/v1/stories/${storyId}/comments`, payload: { body: 'Five' } },
      { method: 'PATCH', url: `/api/v1/comments/${own[3]}`, payload: { body: 'Three, edited' } },
    ] as InjectOptions[]) {
      const res = await as(ann, o);
      assert.equal(res.statusCode, 429, `${o.method} ${o.url}`);
      assert.equal(codeOf(res), 'RATE_LIMITED');
      assert.ok(Number(res.headers['retry-after']) > 0, 'says when to come back');
    }
    // A reader's budget is theirs: Ben's writes are not counted against it, nor Ann's against Ben.
    const other = await as(ben, { method: 'POST', url: `/api/v1/comments/${own[0]}/reaction` });
    assert.equal(other.statusCode, 200, other.body);
    // Reading is not writing.
    assert.equal((await as(ann, { method: 'GET', url: `/api/v1/stories/${storyId}/comments` })).statusCode, 200);
  });
});
