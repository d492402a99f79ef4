/**
 * Permalinks on the widget's side (issue 12, point 4; docs/adr/0019): a comment's link is its story's URL +
 * `#comment-<id>`. Opening one shows that comment even when it is not on the loaded pages (its whole thread comes
 * from the context API and goes on top of the list), scrolls to it and highlights it. In a chunk of its own: most
 * readers never follow a permalink.
 */
import { has } from './tree.js';
import type { Comment } from './types.js';
import type { Discussion } from './useDiscussion.js';
import { allStrings } from './strings.js';

/** The comment highlighted last: its ring goes when another link is opened. */
let lit: HTMLElement | undefined;

/**
 * Shows comment `id` in the Discussion whose root element is `at`: from the list if it is there, else with its
 * thread fetched from the context API.
 */
export async function openPermalink(d: Discussion, at: Element, id: string): Promise<void> {
  const find = () => (at.getRootNode() as ShadowRoot).getElementById(`comment-${id}`);
  if (!find()) {
    try {
      const { thread } = await d.req<{ thread: Comment }>('GET', `/comments/${encodeURIComponent(id)}/context`);
      // The thread replaces its copy if it was loaded without this reply shown; else it goes on top.
      d.setComments((l) => (has(l, thread.id) ? l.map((c) => (c.id === thread.id ? thread : c)) : [thread, ...l]));
    } catch {
      // Deleted, held or unknown: the server answers 404 alike, and the reader sees the discussion as it is.
      d.setStatus(allStrings(d.cfg.lang).permalinkGone);
      return;
    }
  }
  // After the render that shows it: focus scrolls it into view, and the ring stays until another link is opened.
  // Styled here rather than in the reading path's stylesheet, which every reader downloads.
  requestAnimationFrame(() => {
    const el = find();
    if (!el) return;
    if (lit) {
      lit.style.boxShadow = '';
      delete lit.dataset.highlighted;
    }
    lit = el;
    el.style.boxShadow = '0 0 0 3px var(--agora-accent)';
    el.dataset.highlighted = '';
    el.scrollIntoView({ block: 'center' });
    el.focus({ preventScroll: true });
  });
}

/** Copies comment `c`'s link to the clipboard and says so in the live region. */
export async function copyLink(d: Discussion, c: Comment): Promise<void> {
  const s = allStrings(d.cfg.lang);
  const url = `${(d.story?.url ?? location.href).split('#')[0]}#comment-${c.id}`;
  try {
    await navigator.clipboard.writeText(url);
    d.setStatus(s.linkCopied);
  } catch {
    // No clipboard (an insecure page, a refused permission): the link is shown to copy by hand.
    d.setStatus(url);
  }
}
