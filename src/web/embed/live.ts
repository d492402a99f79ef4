import { useEffect, useRef, useState } from './hooks.js';
import { has, insertComment, updateComment } from './tree.js';
import type { Comment } from './types.js';

type Setter = (fn: (l: Comment[]) => Comment[]) => void;

function findAuthor(list: Comment[], id: string): string | undefined {
  for (const c of list) {
    if (c.id === id) return c.author?.id;
    const a = findAuthor(c.replies, id);
    if (a) return a;
  }
  return undefined;
}

/**
 * Live updates of one story over Server-Sent Events. New comments wait behind "N new comments" so the text a reader
 * is reading never moves; a reply to the reader's own comment, edits, deletions and reaction counts apply at once.
 * EventSource reconnects by itself with Last-Event-ID; the first connection starts from the list's `eventSeq`, so
 * nothing between loading the list and connecting is missed. `reload` is called when the server says too much was
 * missed. Without EventSource (an old browser, or a page that removed it) there are no live updates, and `off`
 * says so to the reader.
 */
export function useLive(o: { api: string; storyId: string | undefined; eventSeq: number | null; userId: string | undefined; featured: boolean; setComments: Setter; onPublished: (n: number) => void; reload: () => void; off: () => void }) {
  const [waiting, setWaiting] = useState<Comment[]>([]);
  const ref = useRef(o);
  ref.current = o;
  const started = o.storyId && o.eventSeq !== null;
  useEffect(() => {
    if (!started) return;
    if (typeof EventSource == 'undefined') return o.off();
    const es = new EventSource(`${o.api}/api/v1/stories/${encodeURIComponent(o.storyId as string)}/events?lastEventId=${o.eventSeq}`);
    const on = (type: string, fn: (data: { comment: Comment; commentId: string; reactionCount: number }) => void) =>
      es.addEventListener(type, (e) => fn(JSON.parse((e as MessageEvent<string>).data)));
    const arrive = (c: Comment) =>
      ref.current.setComments((l) => {
        // The Featured tab lists the moderators' picks only: a new thread there is not one (yet).
        if (has(l, c.id) || (ref.current.featured && !c.parentId && !c.featured)) return l;
        const fresh = { ...c, replies: [] };
        // The reader's own comment (its event may beat the POST's answer) and a reply to it are worth moving for.
        const me = ref.current.userId;
        if (me && (c.author?.id === me || (c.parentId && findAuthor(l, c.parentId) === me))) {
          // The reader's own post is counted by the POST's answer.
          if (c.author?.id !== me) ref.current.onPublished(1);
          return insertComment(l, fresh, false);
        }
        setWaiting((w) => (w.some((x) => x.id === c.id) ? w : [...w, fresh]));
        return l;
      });
    const replace = (c: Comment) => ref.current.setComments((l) => updateComment(l, c.id, (old) => ({ ...c, viewer: old.viewer, body: old.body, replies: old.replies })));
    on('comment.created', ({ comment }) => arrive(comment));
    on('comment.edited', ({ comment }) => replace(comment));
    on('comment.deleted', ({ comment }) => replace(comment));
    on('comment.moderated', ({ comment }) => {
      if (comment.status === 'published') arrive(comment);
      else ref.current.setComments((l) => updateComment(l, comment.id, (old) => ({ ...old, status: 'deleted', author: null, bodyHtml: '' })));
    });
    on('comment.reaction', ({ commentId, reactionCount }) => ref.current.setComments((l) => updateComment(l, commentId, (c) => ({ ...c, reactionCount }))));
    es.addEventListener('reset', () => ref.current.reload());
    return () => es.close();
  }, [started, o.storyId]);

  /** Puts the waiting comments in: replies under their parents, new threads on top. */
  const show = () => {
    const list = waiting;
    setWaiting([]);
    ref.current.onPublished(list.length);
    ref.current.setComments((l) => list.reduce((acc, c) => (has(acc, c.id) ? acc : insertComment(acc, c, false)), l));
  };
  return { waiting: waiting.length, show };
}
