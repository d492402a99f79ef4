import { useState } from 'preact/hooks';
import { tp } from '../i18n-publisher.js';
import { Modal } from './dialogs.js';

export type Msg = { ok: boolean; text: string } | null;
/** An error's message for a FormStatus (the server's, already in the console's language). */
export const failed = (err: unknown): Msg => ({ ok: false, text: err instanceof Error ? err.message : String(err) });

/** A secret, masked until the admin asks to see it (shoulder-surfing in a newsroom, screen sharing). */
export function Secret({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const [shown, setShown] = useState(false);
  return (
    <span>
      <span class="visually-hidden">{label}</span>
      <code data-testid={testId}>{shown ? value : '••••••••••••'}</code>{' '}
      <button type="button" class="link" aria-pressed={shown} onClick={() => setShown(!shown)}>
        {tp.reveal}
        <span class="visually-hidden"> {label}</span>
      </button>
    </span>
  );
}

/** "Rotate the secret", behind a dialog that says what rotating breaks. */
export function RotateButton({ warning, onConfirm }: { warning: string; onConfirm: () => Promise<void> }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        {tp.rotate}
      </button>
      {open && (
        <Modal title={tp.rotate} onClose={() => setOpen(false)} testId="rotate-dialog">
          <p>{warning}</p>
          <p class="actions">
            <button type="button" class="danger" onClick={() => void onConfirm().finally(() => setOpen(false))}>
              {tp.confirm}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              {tp.cancel}
            </button>
          </p>
        </Modal>
      )}
    </>
  );
}
