import { useD } from '../context.js';
import { useS } from '../lazy.js';
import type { Comment } from '../types.js';
import { remove } from '../write.js';

/** Where the author's own pending or rejected comment stands (nobody else is shown such a comment). */
export function OwnNote({ c }: { c: Comment }) {
  const s = useS();
  return c.status === 'pending' || c.status === 'rejected' ? (
    <p class="note">
      {s[c.status]} {c.rejectionReason}
    </p>
  ) : null;
}

/** Edit and Delete, on the reader's own comment. */
export function OwnActions({ c, editing, onEdit }: { c: Comment; editing: boolean; onEdit(): void }) {
  const d = useD();
  const s = useS();
  return (
    <>
      {/* `body` (the Markdown) is needed to prefill the editor; without it an edit would start from nothing. */}
      {c.viewer.canEdit && c.body !== undefined && (
        <button type="button" aria-expanded={editing} onClick={onEdit} data-testid="edit">
          {s.edit}
        </button>
      )}
      {c.viewer.isAuthor && (
        <button type="button" onClick={() => void remove(d, c)} data-testid="delete">
          {s.delete}
        </button>
      )}
    </>
  );
}
