
import { useD, useUid } from '../context.js';
import { SORTS, type Sort } from '../types.js';
import { CommentItem } from './CommentItem.js';

/** Sort control, the threads of the loaded pages and "Load more", or the empty state. */
export function CommentList() {
  const d = useD();
  const { s, comments } = d;
  const sortId = useUid();
  if (!comments.length && !d.total && d.sort != 'featured') {
    return (
      <p class="empty" data-testid="empty-state">
        {s.empty}
      </p>
    );
  }
  return (
    <>
      <div class="row bar">
        <label for={sortId}>{s.sortBy}</label>
        <select id={sortId} value={d.sort} onChange={(e) => d.setSort(e.currentTarget.value as Sort)} data-testid="sort">
          {SORTS.map((k) => (
            <option key={k} value={k}>
              {s.sorts[k]}
            </option>
          ))}
        </select>
      </div>
      <div aria-live="polite">
        {d.live.waiting > 0 && (
          <button type="button" class="wide" onClick={d.live.show} data-testid="new-comments">
            {s.newComments(d.live.waiting)}
          </button>
        )}
      </div>
      {!comments.length && d.sort == 'featured' && !d.busy && (
        <p class="empty" data-testid="featured-empty">
          {s.noFeatured}
        </p>
      )}
      <ol class="thread" aria-busy={d.busy}>
        {comments.map((c) => (
          <CommentItem key={c.id} c={c} />
        ))}
      </ol>
      {d.next && (
        // Not disabled while loading: that would drop the keyboard focus; loadMore ignores repeats.
        <button type="button" class="wide" onClick={d.loadMore} data-testid="load-more">
          {d.busy ? s.loading : s.loadMore}
        </button>
      )}
    </>
  );
}
