import { useEffect, useRef, useState } from '../hooks.js';
import { FormStyle } from './FormStyle.js';
import { useD, useUid } from '../context.js';
import { useS } from '../lazy.js';
import { updateComment } from '../tree.js';
import type { Comment, ReportReason } from '../types.js';
import type { Discussion } from '../useDiscussion.js';
import { allStrings } from '../strings.js';

/** Every reason, in the order the form lists them (here, not in types.ts: the reading path never needs them). */
const REASONS: readonly ReportReason[] = ['spam', 'abuse', 'offtopic', 'misinformation', 'other'];

/** Longest note we let a reader type; the reason carries the signal, the note is context. */
const MAX_NOTE = 500;

/** Small inline form to report a comment: a reason and an optional note. */
export function ReportForm({ id, onDone }: { id: string; onDone(): void }) {
  const d = useD();
  const s = useS();
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const fid = useUid();

  useEffect(() => form.current?.querySelector('select')?.focus(), []);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    const f = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    const reason = String(f.get('reason'));
    const note = String(f.get('note') ?? '').trim();
    const ok = await d.run(async () => {
      await d.req('POST', `/comments/${encodeURIComponent(id)}/reports`, note ? { reason, note } : { reason });
      d.setStatus(s.reported);
      // The Report button becomes "Reported ✓" for the rest of the page view.
      d.setComments((l) => updateComment(l, id, (c) => ({ ...c, reported: true })));
    });
    setBusy(false);
    if (ok) onDone();
  }

  return (
    <form ref={form} class="box" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onDone()}>
      <FormStyle />
      <fieldset>
        <legend>{s.report}</legend>
        <label for={`${fid}r`}>{s.reportReason}</label>
        <select id={`${fid}r`} name="reason" data-testid="report-reason">
          {REASONS.map((r) => (
            <option key={r} value={r}>
              {s.reasons[r]}
            </option>
          ))}
        </select>
        <label for={`${fid}n`}>{s.reportNote}</label>
        <textarea id={`${fid}n`} name="note" rows={2} maxLength={MAX_NOTE} data-testid="report-note" />
        <div class="row">
          <button type="submit" class="primary" data-testid="report-submit">
            {s.sendReport}
          </button>
          <button type="button" onClick={onDone}>
            {s.cancel}
          </button>
        </div>
      </fieldset>
    </form>
  );
}

/** An ignored reader's comment, folded for this reader only; "Show" unfolds it (its replies stay). */
export function Folded({ onShow }: { onShow(): void }) {
  const s = useS();
  return (
    <p class="muted">
      {s.ignoredFold}{' '}
      <button type="button" class="link" onClick={onShow} data-testid="unfold">
        {s.show}
      </button>
    </p>
  );
}

/** Ignores `author` (POST /me/ignored/:id): their comments are folded for this reader from now on, here too. */
export const ignore = (d: Discussion, author: NonNullable<Comment['author']>) =>
  d.run(async () => {
    const r = await d.req<{ ignored: string[] }>('POST', `/me/ignored/${encodeURIComponent(author.id)}`);
    d.setIgnored(r.ignored);
    d.setStatus(allStrings(d.cfg.lang).ignoredDone(author.displayName));
  });
