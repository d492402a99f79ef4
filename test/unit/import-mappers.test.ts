import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { renderCommentBody } from '../../src/server/comments/markdown.js';
import { MAX_DEPTH } from '../../src/server/comments/model.js';
import { DISQUS_INTERNALS, disqusFormat } from '../../src/server/portability/import/disqus.js';
import { htmlToMarkdown } from '../../src/server/portability/import/html-to-markdown.js';
import { isoDate, type SourcePost, type SourceThread } from '../../src/server/portability/import/model.js';
import { ImportPlan } from '../../src/server/portability/import/plan.js';
import { foldUrl } from '../../src/server/portability/import/stories.js';
import { wordpressFormat } from '../../src/server/portability/import/wordpress.js';
import type { XmlNode } from '../../src/server/portability/import/xml-stream.js';

const el = (local: string, content: string | XmlNode[] = '', attrs: XmlNode['attrs'] = [], uri = 'http://disqus.com'): XmlNode => ({
  uri,
  local,
  attrs,
  text: typeof content === 'string' ? content : '',
  children: typeof content === 'string' ? [] : content,
});
const dsqId = (value: string) => [{ uri: DISQUS_INTERNALS, local: 'id', value }];

describe('HTML to our Markdown subset', () => {
  const show = (html: string, keepNewlines = false) => renderCommentBody(htmlToMarkdown(html, { keepNewlines }));

  test('keeps paragraphs, line breaks, bold, italic, quotes, code and links', () => {
    assert.equal(htmlToMarkdown('<p>One <b>two</b> <em>three</em></p><p>four<br>five</p>'), 'One **two** *three*\n\nfour\nfive');
    assert.equal(show('<blockquote>said</blockquote><p>reply</p>'), '<blockquote>\n<p>said</p>\n</blockquote>\n<p>reply</p>');
    assert.equal(show('<a href="https://example.org/a b">link</a>'), '<p><a href="https://example.org/a%20b" rel="nofollow ugc noopener">link</a></p>');
    assert.match(show('<pre><code>if (a &lt; b) {}</code></pre>'), /<pre><code>if \(a &lt; b\) \{\}\n<\/code><\/pre>/);
  });

  test('what was text stays text: Markdown characters, entities and a leading ">" are escaped', () => {
    assert.equal(show('<p>2*3*4 and _x_ &amp;amp; [y]</p>'), '<p>2*3*4 and _x_ &amp;amp; [y]</p>');
    assert.equal(show('<p>&gt; not a quote</p>'), '<p>&gt; not a quote</p>');
  });

  test('scripts, styles, event handlers and unsafe links do not survive', () => {
    const out = show('<p onclick="x()">hi</p><script>alert(1)</script><style>p{}</style><a href="javascript:alert(1)">bad</a><img src="x" onerror="alert(1)"><iframe src="https://evil.example"></iframe>');
    assert.equal(out, '<p>hi</p>\n<p>bad</p>');
  });

  test('an empty or whitespace-only message converts to nothing', () => {
    assert.equal(htmlToMarkdown('<p> &nbsp; </p><br>'), '');
  });

  test('WordPress text keeps its line breaks and paragraphs', () => {
    assert.equal(htmlToMarkdown('line one\nline two\n\n<strong>next</strong> para', { keepNewlines: true }), 'line one\nline two\n\n**next** para');
  });
});

describe('Disqus records', () => {
  test('ids are read by namespace URI, never by prefix', () => {
    const post = el('post', [el('message', '<p>hi</p>'), el('createdAt', '2020-01-01T00:00:00Z'), el('thread', '', dsqId('t1')), el('parent', '', [{ uri: 'urn:other', local: 'id', value: 'decoy' }])], [
      { uri: 'urn:other', local: 'id', value: 'decoy' },
      { uri: DISQUS_INTERNALS, local: 'id', value: 'p1' },
    ]);
    const item = disqusFormat.map({ node: post, seq: 0, containerSeq: null });
    assert.ok(item.kind === 'post');
    assert.equal(item.post.key, 'p1');
    assert.equal(item.post.threadKey, 't1');
    assert.equal(item.post.parentKey, null, 'a parent id in another namespace is not a parent');
  });

  test('a post without dsq:id gets a stable key from its <id>, else from its content', () => {
    const base = [el('message', 'x'), el('createdAt', '2020-01-01T00:00:00Z'), el('thread', '', dsqId('t1'))];
    const withId = disqusFormat.map({ node: el('post', [...base, el('id', 'legacy-7')]), seq: 0, containerSeq: null });
    assert.ok(withId.kind === 'post' && withId.post.key === 'id:legacy-7');
    const a = disqusFormat.map({ node: el('post', base), seq: 0, containerSeq: null });
    const b = disqusFormat.map({ node: el('post', base), seq: 5, containerSeq: null });
    assert.ok(a.kind === 'post' && b.kind === 'post');
    assert.match(a.post.key, /^h:/);
    assert.equal(a.post.key, b.post.key, 'the same post read twice has the same key');
  });

  test('spam is marked to skip, deleted posts become tombstones, guests are told apart by email or name', () => {
    const author = (email: string, name: string) => el('author', [el('email', email), el('name', name), el('isAnonymous', 'true')]);
    const spam = disqusFormat.map({ node: el('post', [el('isSpam', 'true'), author('', 'S')], dsqId('1')), seq: 0, containerSeq: null });
    const gone = disqusFormat.map({ node: el('post', [el('isDeleted', 'true'), author('', 'S')], dsqId('2')), seq: 1, containerSeq: null });
    const g1 = disqusFormat.map({ node: el('post', [author('Guest@Example.org', 'G')], dsqId('3')), seq: 2, containerSeq: null });
    const g2 = disqusFormat.map({ node: el('post', [author('guest@example.org', 'Other name')], dsqId('4')), seq: 3, containerSeq: null });
    assert.ok(spam.kind === 'post' && gone.kind === 'post' && g1.kind === 'post' && g2.kind === 'post');
    assert.equal(spam.post.skip, 'spam');
    assert.equal(gone.post.status, 'deleted');
    assert.equal(g1.post.author.subject, g2.post.author.subject);
    assert.doesNotMatch(g1.post.author.subject, /example/, 'the email itself is not kept');
  });

  test('threads: closed flag, date, and an empty id reported as a problem', () => {
    const t = disqusFormat.map({ node: el('thread', [el('link', 'https://a.example/x'), el('title', ' T  1 '), el('isClosed', 'true'), el('createdAt', '2019-05-02T08:00:00Z')], dsqId('9')), seq: 0, containerSeq: null });
    assert.ok(t.kind === 'thread' && !('problem' in t.thread));
    const thread = t.thread as SourceThread;
    assert.deepEqual([thread.key, thread.title, thread.closed, thread.createdAt], ['9', 'T 1', true, '2019-05-02T08:00:00.000Z']);
    const noId = disqusFormat.map({ node: el('thread', [el('link', 'https://a.example/y')], dsqId(' ')), seq: 1, containerSeq: null });
    assert.ok(noId.kind === 'thread' && 'problem' in noId.thread && noId.thread.problem === 'noId');
  });
});

describe('WordPress records', () => {
  const WP = 'http://wordpress.org/export/1.2/';
  const wp = (local: string, text: string) => el(local, text, [], WP);
  const comment = (fields: Record<string, string>) => el('comment', Object.entries(fields).map(([k, v]) => wp(k, v)), [], WP);

  test('comment_approved maps to published, pending, tombstone or skipped spam; pingbacks are skipped', () => {
    const status = (approved: string, type = '') => {
      const item = wordpressFormat.map({ node: comment({ comment_id: '1', comment_approved: approved, comment_type: type, comment_date_gmt: '2020-01-06 11:00:00' }), seq: 3, containerSeq: 0 });
      assert.ok(item.kind === 'post');
      return [item.post.status, item.post.skip];
    };
    assert.deepEqual(status('1'), ['published', null]);
    assert.deepEqual(status('0'), ['pending', null]);
    assert.deepEqual(status('trash'), ['deleted', null]);
    assert.deepEqual(status('spam'), ['pending', 'spam']);
    assert.deepEqual(status('1', 'pingback'), ['published', 'pingback']);
    assert.deepEqual(status('1', 'trackback'), ['published', 'pingback']);
  });

  test('GMT dates are read as UTC, parent 0 means top level, the item is the thread', () => {
    const item = wordpressFormat.map({ node: comment({ comment_id: '7', comment_parent: '0', comment_date_gmt: '2020-01-06 11:00:00', comment_approved: '1' }), seq: 4, containerSeq: 2 });
    assert.ok(item.kind === 'post');
    assert.deepEqual([item.post.key, item.post.parentKey, item.post.threadKey, item.post.createdAt], ['7', null, 'item:2', '2020-01-06T11:00:00.000Z']);
    const reply = wordpressFormat.map({ node: comment({ comment_id: '8', comment_parent: '7', comment_date_gmt: '0000-00-00 00:00:00', comment_date: '2020-01-06 12:00:00' }), seq: 5, containerSeq: 2 });
    assert.ok(reply.kind === 'post' && reply.post.parentKey === '7' && reply.post.createdAt === '2020-01-06T12:00:00.000Z');
  });

  test('elements of another namespace with the same local name are ignored', () => {
    const node = el('comment', [wp('comment_id', '1'), el('comment_approved', 'spam', [], 'urn:other'), wp('comment_approved', '1')], [], WP);
    const item = wordpressFormat.map({ node, seq: 0, containerSeq: 0 });
    assert.ok(item.kind === 'post' && item.post.skip === null && item.post.status === 'published');
  });
});

describe('dates and URLs', () => {
  test('isoDate accepts ISO and WordPress forms, refuses garbage', () => {
    assert.equal(isoDate('2012-02-11T21:19:24Z'), '2012-02-11T21:19:24.000Z');
    assert.equal(isoDate('Mon, 06 Jan 2020 10:00:00 +0000'), '2020-01-06T10:00:00.000Z');
    assert.equal(isoDate('yesterday'), null);
    assert.equal(isoDate(''), null);
  });

  test('http, https and tracking parameters fold to one page', () => {
    assert.equal(foldUrl('http://n.example/a?utm_source=x&id=2#c')?.key, foldUrl('https://n.example/a?id=2')?.key);
    assert.notEqual(foldUrl('https://n.example/a')?.key, foldUrl('https://n.example/b')?.key);
    assert.equal(foldUrl('file:///tmp/x'), null);
  });
});

describe('the import plan (comment tree)', () => {
  const post = (key: string, parentKey: string | null, skip: SourcePost['skip'] = null, threadKey = 't') => ({ key, parentKey, threadKey, skip });
  const resolve = (plan: ImportPlan) => plan.resolve({ storyOf: (t) => (t === 't' ? { storyId: 's' } : { skip: 'orphan' }), stored: new Map() });
  const id = (k: string) => `id-${k}`;

  test('a chain deeper than the display limit nests like live replies, whatever the file order', () => {
    const plan = new ImportPlan();
    const n = MAX_DEPTH + 4;
    for (let i = n; i >= 1; i--) plan.add(post(`p${i}`, i > 1 ? `p${i - 1}` : null), n - i);
    resolve(plan);
    const at = (k: string) => plan.placementOf(plan.keys.indexOf(k), id);
    assert.deepEqual(at('p1'), { parentId: null, rootId: null, depth: 0, inReplyToId: null });
    assert.deepEqual(at('p2'), { parentId: 'id-p1', rootId: 'id-p1', depth: 1, inReplyToId: null });
    const deepest = at(`p${n}`);
    assert.equal(deepest.depth, MAX_DEPTH);
    assert.equal(deepest.rootId, 'id-p1');
    assert.equal(deepest.inReplyToId, `id-p${n - 1}`);
    assert.ok(plan.parentComesLater(plan.keys.indexOf('p2')), 'p2 is before p1 in the file');
  });

  test('a reply climbs over a skipped parent; a missing parent or a cycle makes it top-level', () => {
    const plan = new ImportPlan();
    plan.add(post('a', null), 0);
    plan.add(post('spam', 'a', 'spam'), 1);
    plan.add(post('r', 'spam'), 2);
    plan.add(post('lost', 'nowhere'), 3);
    plan.add(post('x', 'y'), 4);
    plan.add(post('y', 'x'), 5);
    plan.add(post('o', null, null, 'missing-thread'), 6);
    assert.equal(plan.add(post('a', null), 7), 'duplicate');
    resolve(plan);
    const at = (k: string) => plan.placementOf(plan.keys.indexOf(k), id);
    assert.equal(at('r').parentId, 'id-a');
    assert.equal(at('lost').parentId, null);
    assert.ok(at('x').parentId === null || at('y').parentId === null, 'the cycle is broken');
    assert.equal(plan.skip[plan.keys.indexOf('o')], 'orphan');
    assert.equal(plan.indexAt('a', 7), undefined, 'the duplicate is not imported');
  });
});
