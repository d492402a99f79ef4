import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n.js';

/** A modal dialog (native <dialog>): focus is trapped by the browser, Escape closes it. */
export function Modal({ title, onClose, children, testId, closeButton }: { title: string; onClose: () => void; children: ComponentChildren; testId?: string; closeButton?: boolean }) {
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
      {closeButton && (
        <p>
          <button type="button" onClick={onClose}>
            {t.close}
          </button>
        </p>
      )}
    </dialog>
  );
}

const PRESETS = t.presets;

/** Asks why a comment is rejected: the reason is shown to its author. */
export function RejectDialog({ count, onReject, onCancel }: { count: number; onReject: (reason: string, kind: 'abuse' | 'spam' | 'other') => void; onCancel: () => void }) {
  const [reason, setReason] = useState('');
  const [kind, setKind] = useState<'abuse' | 'spam' | 'other'>('abuse');
  return (
    <Modal title={count > 1 ? t.rejectMany(count) : t.rejectOne} onClose={onCancel} testId="reject-dialog">
      <form onSubmit={(e) => (e.preventDefault(), onReject(reason, kind))}>
        <label class="field">
          {t.reasonForAuthor}
          <input autoFocus value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} list="reject-presets" maxLength={500} />
        </label>
        <datalist id="reject-presets">
          {PRESETS.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
        <label class="field">
          {t.itIs}
          <select value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value as typeof kind)}>
            <option value="abuse">{t.kindAbuse}</option>
            <option value="spam">{t.kindSpam}</option>
            <option value="other">{t.kindOther}</option>
          </select>
        </label>
        <p class="actions">
          <button type="submit" class="danger">
            {t.reject}
          </button>
          <button type="button" onClick={onCancel}>
            {t.cancel}
          </button>
        </p>
      </form>
    </Modal>
  );
}

/** The keyboard shortcuts. */
export function HelpDialog({ onClose }: { onClose: () => void }) {
  const rows = t.help;
  return (
    <Modal title={t.shortcuts} onClose={onClose} testId="help" closeButton>
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
    </Modal>
  );
}

/** The outcome of a form's last save, read out by screen readers. */
export function FormStatus({ msg }: { msg: { ok: boolean; text: string } | null }) {
  return (
    msg && (
      <p class={msg.ok ? 'ok' : 'error'} role="status">
        {msg.text}
      </p>
    )
  );
}
