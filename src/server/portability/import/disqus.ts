import { createHash } from 'node:crypto';
import { isoDate, type SourceAuthor, type SourceFormat, type SourceItem } from './model.js';
import { attr, childText, ImportFileError, type XmlNode } from './xml-stream.js';

// Disqus puts its ids in the "internals" namespace. Files differ in the prefix they bind to it (dsq:, or another),
// so ids are matched by this URI and never by the prefix.
export const DISQUS_INTERNALS = 'http://disqus.com/disqus-internals';

const sha = (s: string) => createHash('sha256').update(s).digest('base64url');

function child(node: XmlNode, local: string): XmlNode | undefined {
  return node.children.find((c) => c.local === local);
}

/** An author's stable subject: the Disqus username when registered, else a hash of the guest's email or name. */
export function disqusAuthor(node: XmlNode | undefined): SourceAuthor {
  const name = node ? childText(node, 'name') : '';
  const username = node ? childText(node, 'username') : '';
  const email = node ? childText(node, 'email').toLowerCase() : '';
  const anonymous = node ? childText(node, 'isAnonymous') === 'true' : true;
  if (username && !anonymous) return { subject: `user:${username}`, name: name || username };
  // Guests have no account: the same email (or, without one, the same name) is taken as the same person.
  // The address itself is not stored, only a hash that tells guests apart.
  const basis = email || name.trim().toLowerCase();
  return { subject: basis ? `guest:${sha(basis).slice(0, 24)}` : 'guest:', name };
}

function threadOf(node: XmlNode): SourceItem {
  const key = attr(node, DISQUS_INTERNALS, 'id');
  if (!key) return { kind: 'thread', thread: { problem: 'noId', key: '' } };
  return {
    kind: 'thread',
    thread: {
      key,
      url: childText(node, 'link'),
      title: childText(node, 'title').replace(/\s+/g, ' '),
      closed: childText(node, 'isClosed') === 'true',
      createdAt: isoDate(childText(node, 'createdAt')),
    },
  };
}

function postOf(node: XmlNode): SourceItem {
  const threadKey = attr(child(node, 'thread'), DISQUS_INTERNALS, 'id') || null;
  const parentKey = attr(child(node, 'parent'), DISQUS_INTERNALS, 'id') || null;
  const message = node.children.find((c) => c.local === 'message')?.text ?? '';
  const createdRaw = childText(node, 'createdAt');
  const author = disqusAuthor(child(node, 'author'));
  // Some exports have posts without dsq:id. Their <id> (the site's own identifier) is used when present; else a
  // hash of what makes the post itself, so that importing the same file twice still finds the same key.
  let key = attr(node, DISQUS_INTERNALS, 'id');
  if (!key) {
    const own = childText(node, 'id');
    key = own ? `id:${own}` : `h:${sha([threadKey, createdRaw, author.subject, author.name, message].join('\u0000')).slice(0, 32)}`;
  }
  const spam = childText(node, 'isSpam') === 'true';
  const deleted = childText(node, 'isDeleted') === 'true';
  return {
    kind: 'post',
    post: {
      key,
      threadKey,
      parentKey,
      author,
      message,
      keepNewlines: false,
      status: deleted ? 'deleted' : 'published',
      createdAt: isoDate(createdRaw),
      skip: spam ? 'spam' : null,
    },
  };
}

/** The Disqus XML export: `<disqus>` with `<category>`, `<thread>` and `<post>` children. */
export const disqusFormat: SourceFormat = {
  name: 'disqus',
  checkRoot(root) {
    if (root.local !== 'disqus') throw new ImportFileError(`this is not a Disqus export: its root element is <${root.local}>, not <disqus>`);
  },
  isRecord(_uri, local, depth) {
    return depth === 2 && (local === 'thread' || local === 'post');
  },
  map(record) {
    return record.node.local === 'thread' ? threadOf(record.node) : postOf(record.node);
  },
  describe(record) {
    const id = attr(record.node, DISQUS_INTERNALS, 'id');
    return `${record.node.local} ${id ? `dsq:id ${id}` : '(no dsq:id)'}${record.line === undefined ? '' : ` at line ${record.line}`}`;
  },
};
