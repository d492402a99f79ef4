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
const opts = { maxStreams: 10, heartbeatMs: 60_000, maxReplay: 100, maxQueuedBytes: 1 << 20, coalesceMs: 0 };

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

test('a story\'s messages within the window reach each reader as one frame, one write, each event with its own id', async () => {
  const rows: StoryMessage[] = [];
  const hub = streamHub(fakeLog(rows), { ...opts, coalesceMs: 30 });
  const readers = [fakeRes(), fakeRes(), fakeRes()];
  const writes = readers.map(() => 0);
  readers.forEach((r, i) => {
    const write = r.write.bind(r);
    r.write = (t: string) => ((writes[i] = (writes[i] ?? 0) + 1), write(t));
  });
  for (const r of readers) await hub.open('s', r as unknown as ServerResponse, null);
  const before = [...writes];
  for (const seq of [2, 1, 3, 4]) {
    rows.push(msg(seq));
    hub.dispatch(msg(seq)); // out of order within the window: sorted in the frame
  }
  assert.deepEqual(ids(readers[0]!.sent), [], 'nothing before the window closes');
  await new Promise((r) => setTimeout(r, 60));
  for (const [i, r] of readers.entries()) {
    assert.deepEqual(ids(r.sent), [1, 2, 3, 4]);
    assert.equal((writes[i] ?? 0) - (before[i] ?? 0), 1, 'one write for the four events');
  }
  // A reader that resumes after event 2 of that frame gets exactly 3 and 4.
  const late = fakeRes();
  await hub.open('s', late as unknown as ServerResponse, 2);
  assert.deepEqual(ids(late.sent), [3, 4]);
  hub.closeAll();
});

test('a message of a scrubbed event still in memory (a frame, the broker) is never replayed past the log', async () => {
  // The story's counter says 3; event 3 (a comment removed since) was deleted from the log, but its broker message,
  // with the comment's text, reaches this node only while a reader replays from 0.
  const rows = [msg(1), msg(2)];
  const log = fakeLog(rows);
  const hub = streamHub({ ...log, currentSeq: async () => 3 }, opts);
  const res = fakeRes();
  const opening = hub.open('s', res as unknown as ServerResponse, 0);
  hub.dispatch({ ...msg(3), data: '{"text":"removed"}' });
  await opening;
  await tick();
  assert.deepEqual(ids(res.sent), [1, 2], 'the log is the truth up to the counter read on opening');
  assert.doesNotMatch(res.sent, /removed/);
  // What comes after is delivered as usual.
  rows.push(msg(4));
  hub.dispatch(msg(4));
  assert.deepEqual(ids(res.sent), [1, 2, 4]);
  hub.closeAll();
});
