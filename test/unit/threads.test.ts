import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DEPTH, placeReply, type CommentNode, type CommentRecord } from '../../src/server/comments/model.js';
import { buildThreads } from '../../src/server/comments/tree.js';

let clock = Date.parse('2026-01-21T08:00:00.000Z');

function record(id: string, author: string, place: Pick<CommentRecord, 'parentId' | 'rootId' | 'depth' | 'inReplyToId'>, extra: Partial<CommentRecord> = {}): CommentRecord {
  clock += 1000;
  return {
    id,
    siteId: 'site',
    storyId: 'story',
    ...place,
    authorId: `u-${author}`,
    authorName: author,
    body: `body of ${id}`,
    bodyHtml: `<p>body of ${id}</p>`,
    status: 'published',
    createdAt: new Date(clock).toISOString(),
    editedAt: null,
    deletedAt: null,
    reactionCount: 0,
    replyCount: 0,
    ...extra,
  };
}

const top = (id: string, author = 'Ana') => record(id, author, { parentId: null, rootId: null, depth: 0, inReplyToId: null });
const replyTo = (parent: CommentRecord, id: string, author = 'Ben') => record(id, author, placeReply(parent));

/** Builds threads with every reply's "in reply to" name resolved, as listComments does. */
function threads(roots: CommentRecord[], replies: CommentRecord[], reacted: string[] = []): CommentNode[] {
  const all = [...roots, ...replies];
  const names = new Map(all.map((c) => [c.id, c.authorName]));
  return buildThreads(roots, replies, { reacted: new Set(reacted), replyToNames: names });
}

function find(nodes: CommentNode[], id: string): CommentNode | undefined {
  for (const n of nodes) {
    if (n.id === id) return n;
    const hit = find(n.replies, id);
    if (hit) return hit;
  }
  return undefined;
}

/** Nesting level as the reader sees it (0 = top level). */
function levelOf(nodes: CommentNode[], id: string, level = 0): number | undefined {
  for (const n of nodes) {
    if (n.id === id) return level;
    const hit = levelOf(n.replies, id, level + 1);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

describe('placeReply', () => {
  test('a reply to a top-level comment is one level down and belongs to its thread', () => {
    const root = top('r');
    assert.deepEqual(placeReply(root), { parentId: 'r', rootId: 'r', depth: 1, inReplyToId: null });
  });

  test('replies keep the thread root however deep they go', () => {
    const root = top('r');
    const a = replyTo(root, 'a');
    const b = replyTo(a, 'b');
    assert.deepEqual(placeReply(b), { parentId: 'b', rootId: 'r', depth: 3, inReplyToId: null });
  });

  test(`the cap is depth ${MAX_DEPTH}: a reply to a depth-5 comment goes beside it and says to whom it replies`, () => {
    assert.equal(MAX_DEPTH, 5);
    let c = top('c0');
    for (let d = 1; d <= 5; d++) c = replyTo(c, `c${d}`);
    assert.equal(c.depth, 5);
    assert.deepEqual(placeReply(c), { parentId: 'c4', rootId: 'c0', depth: 5, inReplyToId: 'c5' });
  });

  test('replying to such a sibling keeps it at depth 5 too', () => {
    let c = top('c0');
    for (let d = 1; d <= 5; d++) c = replyTo(c, `c${d}`);
    const beside = replyTo(c, 'c6');
    assert.deepEqual(placeReply(beside), { parentId: 'c4', rootId: 'c0', depth: 5, inReplyToId: 'c6' });
  });
});

describe('buildThreads', () => {
  test('replies nest under their parents, oldest first', () => {
    const root = top('r');
    const a = replyTo(root, 'a');
    const b = replyTo(root, 'b');
    const a1 = replyTo(a, 'a1');
    const [tree] = threads([root], [a, b, a1]);
    assert.deepEqual(
      tree?.replies.map((n) => n.id),
      ['a', 'b'],
    );
    assert.deepEqual(
      tree?.replies[0]?.replies.map((n) => n.id),
      ['a1'],
    );
    assert.deepEqual(tree?.replies[1]?.replies, []);
  });

  test('top-level comments keep the page order they were given', () => {
    const roots = [top('x'), top('y'), top('z')].reverse();
    assert.deepEqual(
      threads(roots, []).map((n) => n.id),
      ['z', 'y', 'x'],
    );
  });

  test('a conversation 8 replies long never nests deeper than level 5, and the deep ones name whom they answer', () => {
    const root = top('c0', 'Ana');
    const chain: CommentRecord[] = [];
    let parent = root;
    for (let d = 1; d <= 8; d++) {
      parent = replyTo(parent, `c${d}`, d % 2 ? 'Ben' : 'Ana');
      chain.push(parent);
    }
    const tree = threads([root], chain);
    for (let d = 0; d <= 8; d++) assert.ok((levelOf(tree, `c${d}`) ?? 99) <= MAX_DEPTH, `c${d} is at level ${levelOf(tree, `c${d}`)}`);
    assert.equal(levelOf(tree, 'c5'), 5);
    assert.equal(levelOf(tree, 'c6'), 5);
    assert.equal(levelOf(tree, 'c8'), 5);
    // c6..c8 hang beside c5 under c4, in the order they were written.
    assert.deepEqual(
      find(tree, 'c4')?.replies.map((n) => n.id),
      ['c5', 'c6', 'c7', 'c8'],
    );
    assert.equal(find(tree, 'c5')?.inReplyTo, null);
    assert.deepEqual(find(tree, 'c6')?.inReplyTo, { id: 'c5', displayName: 'Ben' });
    assert.deepEqual(find(tree, 'c7')?.inReplyTo, { id: 'c6', displayName: 'Ana' });
    assert.deepEqual(find(tree, 'c8')?.inReplyTo, { id: 'c7', displayName: 'Ben' });
  });

  test('a reply whose parent is not visible to this reader hangs under the thread root instead of vanishing', () => {
    const root = top('r');
    const hidden = replyTo(root, 'hidden');
    const child = replyTo(hidden, 'child');
    const tree = threads([root], [child]);
    assert.deepEqual(
      tree[0]?.replies.map((n) => n.id),
      ['child'],
    );
  });

  test('the viewer’s reactions are marked on exactly their comments', () => {
    const root = top('r');
    const a = replyTo(root, 'a');
    const b = replyTo(root, 'b');
    const tree = threads([root], [a, b], ['a']);
    assert.equal(find(tree, 'r')?.reacted, false);
    assert.equal(find(tree, 'a')?.reacted, true);
    assert.equal(find(tree, 'b')?.reacted, false);
  });

  test('without a known name, inReplyTo is null rather than a half-filled object', () => {
    const root = top('c0');
    const chain: CommentRecord[] = [];
    let c = root;
    for (let d = 1; d <= 6; d++) {
      c = replyTo(c, `c${d}`);
      chain.push(c);
    }
    const tree = buildThreads([root], chain, { reacted: new Set(), replyToNames: new Map() });
    assert.equal(find(tree, 'c6')?.inReplyToId, 'c5');
    assert.equal(find(tree, 'c6')?.inReplyTo, null);
  });
});
