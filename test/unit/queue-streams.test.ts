import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { DomainEvent } from '../../src/server/events/domain.js';
import { queueEventSites, queueStreams } from '../../src/server/realtime/queue-streams.js';

/** A response that records what is written to it. */
function fakeRes() {
  const e = new EventEmitter() as EventEmitter & { chunks: string[]; write(s: string): boolean; end(): void };
  e.chunks = [];
  e.write = (s: string) => (e.chunks.push(s), true);
  e.end = () => void e.emit('close');
  return e;
}
const frames = (r: ReturnType<typeof fakeRes>) => r.chunks.filter((c) => c.startsWith('event: queues')).map((c) => (JSON.parse(c.split('data: ')[1] ?? '{}') as { siteIds: string[] }).siteIds);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a burst of announcements is one frame per stream, with only the sites the stream covers', async () => {
  const q = queueStreams({ maxStreams: 10, perUser: 2, heartbeatMs: 60_000, coalesceMs: 30 });
  const siteMod = fakeRes();
  const everySite = fakeRes();
  q.open(siteMod as unknown as ServerResponse, 'u1', ['a']);
  q.open(everySite as unknown as ServerResponse, 'u2', null);
  q.notify(['a']);
  q.notify(['b']);
  q.notify(['a', 'c']);
  await wait(60);
  assert.deepEqual(frames(siteMod), [['a']]);
  assert.deepEqual(frames(everySite).map((ids) => ids.sort()), [['a', 'b', 'c']]);
  q.notify(['b']);
  await wait(60);
  assert.deepEqual(frames(siteMod), [['a']], 'another site only: nothing');
  q.closeAll();
});

test('bounded: per moderator and per node; a closed stream frees its place', () => {
  const q = queueStreams({ maxStreams: 3, perUser: 2, heartbeatMs: 60_000, coalesceMs: 30 });
  const r1 = fakeRes();
  q.open(r1 as unknown as ServerResponse, 'u1', null);
  q.open(fakeRes() as unknown as ServerResponse, 'u1', null);
  assert.equal(q.admits('u1'), false);
  assert.equal(q.admits('u2'), true);
  q.open(fakeRes() as unknown as ServerResponse, 'u2', null);
  assert.equal(q.admits('u3'), false, 'the node is full');
  r1.emit('close');
  assert.equal(q.admits('u1'), true);
  q.closeAll();
  assert.equal(q.size(), 0);
});

test('reactions and new stories move no queue', () => {
  const c = { siteId: 's', storyId: 't' };
  const events = [
    { type: 'comment.reaction', ...c, commentId: 'x', reactionCount: 1, commentStatus: 'published' },
    { type: 'story.created', siteId: 'n', storyId: 't' },
    { type: 'comment.reports_dismissed', siteId: 'd', storyId: 't', commentId: 'x', reports: 1, moderatorId: null },
  ] as DomainEvent[];
  assert.deepEqual([...queueEventSites(events)], ['d']);
});
