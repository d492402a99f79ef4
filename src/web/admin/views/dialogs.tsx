import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/** A modal dialog (native <dialog>): focus is trapped by the browser, Escape closes it. */
export function Modal({ title, onClose, children, testId }: { title: string; onClose: () => void; children: ComponentChildren; testId?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    const onCancel = (e: Event) => (e.preventDefault(), onClose());
    d?.addEventListener('cancel', onCancel);
    return () => d?.removeEventListener('cancel', onCancel);
  }, []);
  return (
    <dialog ref={ref} aria-label={title} data-testid={testId}>
      <h2>{title}</h2>
      {children}
    </dialog>
  );
}

const PRESETS = ['Insults or personal attacks.', 'Off topic.', 'Spam or advertising.', 'Hateful content.'];

/** Asks why a comment is rejected: the reason is shown to its author. */
export function RejectDialog({ count, onReject, onCancel }: { count: number; onReject: (reason: string, kind: 'abuse' | 'spam' | 'other') => void; onCancel: () => void }) {
  const [reason, setReason] = useState('');
  const [kind, setKind] = useState<'abuse' | 'spam' | 'other'>('abuse');
  return (
    <Modal title={count > 1 ? `Reject ${count} comments` : 'Reject this comment'} onClose={onCancel} testId="reject-dialog">
      <form onSubmit={(e) => (e.preventDefault(), onReject(reason, kind))}>
        <label class="field">
          Reason shown to the author (optional)
          <input autoFocus value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} list="reject-presets" maxLength={500} />
        </label>
        <datalist id="reject-presets">
          {PRESETS.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
        <label class="field">
          It is
          <select value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value as typeof kind)}>
            <option value="abuse">abusive (teaches the toxicity model)</option>
            <option value="spam">spam (teaches the spam model)</option>
            <option value="other">something else</option>
          </select>
        </label>
        <p class="actions">
          <button type="submit" class="danger">
            Reject
          </button>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </p>
      </form>
    </Modal>
  );
}

/** The keyboard shortcuts. */
export function HelpDialog({ onClose }: { onClose: () => void }) {
  const rows: [string, string][] = [
    ['j / k', 'next / previous comment'],
    ['a', 'approve'],
    ['r', 'reject (asks for a reason)'],
    ['f', 'feature / unfeature'],
    ['x', 'select for a bulk action'],
    ['?', 'this help'],
    ['Esc', 'close a dialog'],
  ];
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} testId="help">
      <table>
        <tbody>
          {rows.map(([k, what]) => (
            <tr key={k}>
              <td>
                <kbd>{k}</kbd>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </p>
    </Modal>
  );
}
