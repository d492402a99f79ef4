import { createHash } from 'node:crypto';
import { isoDate, type HeldReason, type SourceFormat, type SourceItem } from './model.js';
import { childText, ImportFileError, type XmlNode } from './xml-stream.js';

// WXR 1.0, 1.1 and 1.2 differ in the version of this namespace URI; elements of the wp: vocabulary are matched by
// URI, whatever prefix the file binds it to.
const WP_NS = /^https?:\/\/wordpress\.org\/export\/1\.[012]\/$/;
const isWp = (uri: string) => WP_NS.test(uri);

const sha = (s: string) => createHash('sha256').update(s).digest('base64url');

function wp(node: XmlNode, local: string): string {
  return node.children.find((c) => c.local === local && isWp(c.uri))?.text.trim() ?? '';
}

/** Post types whose items are pages of the site (attachments, menus, revisions are not). */
const PAGE_TYPES = new Set(['post', 'page', '']);

/**
 * Whether readers could see the post in WordPress: a password hides its content and comments from readers without
 * it; private, draft, pending, scheduled and trashed posts are seen by no reader. An attachment ('inherit') is as
 * visible as the post it belongs to. Any status WordPress does not publish counts as unpublished.
 */
function visibility(status: string, password: string): { hidden: HeldReason | null; inherits: boolean } {
  if (status === 'trash') return { hidden: 'trash', inherits: false };
  if (status === 'future') return { hidden: 'future', inherits: false };
  if (status === 'private') return { hidden: 'private', inherits: false };
  if (status !== '' && status !== 'publish' && status !== 'inherit') return { hidden: 'draft', inherits: false };
  if (password !== '') return { hidden: 'password', inherits: false };
  return { hidden: null, inherits: status === 'inherit' };
}

function itemOf(node: XmlNode, seq: number): SourceItem {
  const type = wp(node, 'post_type');
  const status = wp(node, 'status');
  // Attachments, drafts and menus are pages of the site only when readers commented on them.
  const onlyIfCommented = !PAGE_TYPES.has(type) || (status !== '' && status !== 'publish');
  const { hidden, inherits } = visibility(status, wp(node, 'post_password'));
  const parent = wp(node, 'post_parent');
  return {
    kind: 'thread',
    thread: {
      key: `item:${seq}`,
      url: childText(node, 'link'),
      title: childText(node, 'title').replace(/\s+/g, ' '),
      closed: wp(node, 'comment_status') === 'closed',
      createdAt: isoDate(wp(node, 'post_date_gmt')) ?? isoDate(childText(node, 'pubDate')) ?? isoDate(wp(node, 'post_date')),
      onlyIfCommented,
      hidden,
      postId: wp(node, 'post_id'),
      ...(inherits && parent && parent !== '0' ? { inheritFrom: parent } : {}),
    },
  };
}

function commentOf(node: XmlNode, itemSeq: number | null): SourceItem {
  const id = wp(node, 'comment_id');
  const parent = wp(node, 'comment_parent');
  const type = wp(node, 'comment_type');
  const approved = wp(node, 'comment_approved');
  const name = wp(node, 'comment_author');
  const email = wp(node, 'comment_author_email').toLowerCase();
  const userId = wp(node, 'comment_user_id');
  const message = node.children.find((c) => c.local === 'comment_content' && isWp(c.uri))?.text ?? '';
  const createdAt = isoDate(wp(node, 'comment_date_gmt')) ?? isoDate(wp(node, 'comment_date'));
  const basis = email || name.toLowerCase();
  const author = userId && userId !== '0' ? { subject: `user:${userId}`, name } : { subject: basis ? `guest:${sha(basis).slice(0, 24)}` : 'guest:', name };
  const key = id || `h:${sha([itemSeq, createdAt, author.subject, message].join('\u0000')).slice(0, 32)}`;
  let skip: 'spam' | 'pingback' | null = null;
  if (approved === 'spam') skip = 'spam';
  else if (type === 'pingback' || type === 'trackback') skip = 'pingback';
  // A trashed comment was deleted on the blog: kept as a tombstone so that replies stay in place. 'post-trashed'
  // marks the comments of a post sent to the trash: their text comes back if the post does, so they are held.
  const status = approved === '1' || approved === 'approve' ? 'published' : approved === 'trash' ? 'deleted' : 'pending';
  return {
    kind: 'post',
    post: {
      key,
      threadKey: itemSeq === null ? null : `item:${itemSeq}`,
      parentKey: parent && parent !== '0' ? parent : null,
      author,
      message,
      keepNewlines: true,
      status,
      createdAt,
      skip,
      ...(approved === 'post-trashed' ? { held: 'trash' as const } : {}),
    },
  };
}

/** A WordPress eXtended RSS (WXR 1.0–1.2) export: `<rss><channel><item>` with `<wp:comment>` inside items. */
export const wordpressFormat: SourceFormat = {
  name: 'wordpress',
  checkRoot(root) {
    if (root.local !== 'rss') throw new ImportFileError(`this is not a WordPress export (WXR): its root element is <${root.local}>, not <rss>`);
    if (!root.attrs.some((a) => a.uri === 'http://www.w3.org/2000/xmlns/' && isWp(a.value))) {
      throw new ImportFileError('this RSS file has no WordPress export namespace (http://wordpress.org/export/1.x/): not a WXR file');
    }
  },
  isRecord(uri, local, depth, insideRecord) {
    if (local === 'item' && depth === 3) return true;
    return insideRecord && local === 'comment' && isWp(uri);
  },
  map(record) {
    return record.node.local === 'item' ? itemOf(record.node, record.seq) : commentOf(record.node, record.containerSeq);
  },
  describe(record) {
    const id = wp(record.node, record.node.local === 'item' ? 'post_id' : 'comment_id');
    const what = record.node.local === 'item' ? 'post' : 'comment';
    return `${what} ${id || '(no id)'}${record.line === undefined ? '' : ` at line ${record.line}`}`;
  },
};
