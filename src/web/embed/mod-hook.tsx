import { useD } from './context.js';
import { Lazy, chunk } from './lazy.js';
import type { Comment } from './types.js';

/**
 * The moderation menu's chunk (docs/adr/0025). Not in `chunks`: those are prefetched for every reader, and this one
 * is for the site's moderators only.
 */
const mod = chunk(() => import('./chunks/mod.js'));

/**
 * The hook point on each comment: for a viewer who moderates the story's site (a staff role, or GET /me's
 * `moderates`), the menu from its chunk; for everyone else nothing, and no byte of the menu is fetched.
 */
export function ModHook({ c }: { c: Comment }) {
  const { user: u, story } = useD();
  return u && story && (u.role == 'admin' || u.role == 'moderator' || u.moderates?.includes(story.siteId)) ? <Lazy c={mod}>{(m) => <m.ModMenu c={c} />}</Lazy> : null;
}
