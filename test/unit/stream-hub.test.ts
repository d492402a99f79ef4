import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { EventLog, StoryMessage } from '../../src/server/realtime/event-log.js';
import { streamHub } from '../../src/server/realtime/hub.js';

// A log holding the messages the "database" has, and a response that records what the reader was sent.
function fakeLog(rows: StoryMessage[]): EventLog {
  return {
    since: async (storyId, seq, limit) => rows.filter((r) => r.storyId === storyId && r.seq > seq).slice(0, limit),
    currentSeq: async (storyId) => rows.filter((r) => r.storyId === storyId).reduce((m, r) => Math.max(m, r.seq), 0),
    prune: async () => {},
  };
}
function fakeRes() {
  const res = Object.assign(new EventEmitter(), { writableLength: 0, sent: '' as string, write(t: string) { res.sent += t; return true; }, destroy() { res.emit('close'); }, end() { res.emit('close'); } });
  return res;
}
const ids = (sent: string) => [...sent.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
const msg = (seq: number): StoryMessage => ({ storyId: 's', seq, type: 'comment.created', data: `{"n":${seq}}` });
const tick = () => new Promise((r) => setTimeout(r, 10));
const opts = { maxStreams: 10, heartbeatMs: 60_000, maxReplay: 100, maxQueuedBytes: 1 << 20 };

test('messages arriving out of order or with a gap are filled from the log, each sent once, in order', async () => {
  const rows = [msg(1), msg(2), msg(3), msg(4), msg(5)];
  const hub = streamHub(fakeLog(rows), opts);
  const res = fakeRes();
  await hub.open('s', res as unknown as ServerResponse, 1);
  assert.deepEqual(ids(res.sent), [2, 3, 4, 5], 'replayed after Last-Event-ID 1');
  rows.push(msg(6), msg(7), msg(8));
  hub.dispatch(msg(8)); // 6 and 7 were lost between nodes
  await tick();
  hub.dispatch(msg(6));
  hub.dispatch(msg(7));
  await tick();
  assert.deepEqual(ids(res.sent), [2, 3, 4, 5, 6, 7, 8]);
  hub.closeAll();
});

test('a reader too far behind is told to reset and starts from now', async () => {
  const rows = Array.from({ length: 150 }, (_, i) => msg(i + 1));
  const hub = streamHub(fakeLog(rows), opts);
  const res = fakeRes();
  await hub.open('s', res as unknown as ServerResponse, 3);
  assert.match(res.sent, /^event: reset$/m);
  assert.deepEqual(ids(res.sent), []);
  rows.push(msg(151));
  hub.dispatch(msg(151));
  assert.deepEqual(ids(res.sent), [151]);
  hub.closeAll();
});

test('closed readers are forgotten and a slow reader is dropped rather than buffered without end', async () => {
  const hub = streamHub(fakeLog([]), { ...opts, maxQueuedBytes: 10 });
  const a = fakeRes();
  const b = fakeRes();
  await hub.open('s', a as unknown as ServerResponse, null);
  await hub.open('s', b as unknown as ServerResponse, null);
  assert.equal(hub.size, 2);
  a.emit('close');
  assert.equal(hub.size, 1);
  b.writableLength = 1000;
  hub.dispatch(msg(1));
  assert.equal(hub.size, 0);
  hub.closeAll();
});
