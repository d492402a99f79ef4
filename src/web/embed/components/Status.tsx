import { useD } from '../context.js';

/**
 * The one live region for errors and confirmations. It stays mounted (empty) so screen readers are
 * already watching it when a message arrives; it sticks to the bottom of the viewport so a message about
 * an action far down the thread is seen.
 */
export function Status() {
  const { s, status, setStatus } = useD();
  return (
    <div class={status ? 'toast on' : 'toast'}>
      <p role="status" aria-live="polite" data-testid="status">
        {status}
      </p>
      {status && (
        <button type="button" class="link" onClick={() => setStatus('')}>
          {s.dismiss}
        </button>
      )}
    </div>
  );
}
