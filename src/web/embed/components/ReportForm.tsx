import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { useD } from '../context.js';
import { REASONS } from '../types.js';

/** Longest note we let a reader type; the reason carries the signal, the note is context. */
const MAX_NOTE = 500;

/** Small inline form to report a comment: a reason and an optional note. */
export function ReportForm({ id, onDone }: { id: string; onDone(): void }) {
  const d = useD();
  const { s } = d;
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const fid = useId();

  useEffect(() => form.current?.querySelector('select')?.focus(), []);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    const f = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    const ok = await d.report(id, String(f.get('reason')), String(f.get('note') ?? '').trim());
    setBusy(false);
    if (ok) onDone();
  }

  return (
    <form ref={form} class="box" onSubmit={submit}>
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
