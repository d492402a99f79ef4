import { useUid } from '../context.js';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from '../hooks.js';
import { useS } from '../lazy.js';
import { FormStyle } from './FormStyle.js';

/** Longest body the API accepts, in UTF-16 units like the textarea's maxlength. */
const MAX_BODY = 5000;

/** Labels per use: a new comment, a reply, or an edit of the reader's own comment. */
const KINDS = { comment: ['yourComment', 'post'], reply: ['yourReply', 'postReply'], edit: ['yourComment', 'save'] } as const;

interface ComposerProps {
  kind: keyof typeof KINDS;
  initial?: string;
  /** Moves focus to the textarea whenever this value changes to something truthy. */
  focus?: unknown;
  /** Resolves true when the text was accepted, which clears the textarea. `fields`: the named inputs of `children`. */
  onSubmit(body: string, fields: Record<string, string>): Promise<boolean>;
  onCancel?(): void;
  /** Extra fields above the textarea (the guest's name and email). */
  children?: ComponentChildren;
}

/** Textarea with a visible label, remaining-characters counter, formatting hint and submit button. */
export function Composer(p: ComposerProps) {
  const s = useS();
  const [label, submitLabel] = KINDS[p.kind];
  const [text, setText] = useState(p.initial ?? '');
  const [busy, setBusy] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const id = useUid();
  const empty = !text.trim();

  useEffect(() => {
    if (p.focus) area.current?.focus();
  }, [p.focus]);

  async function submit(e: Event) {
    e.preventDefault();
    // Guarded here rather than by disabling the button while busy: a disabled button drops keyboard focus.
    if (empty || busy) return;
    setBusy(true);
    if (await p.onSubmit(text, Object.fromEntries(new FormData(area.current!.form!)) as Record<string, string>)) setText('');
    setBusy(false);
  }

  return (
    // Esc closes a reply or edit form (the main composer has no Cancel, so Esc leaves it be).
    <form class="composer" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && p.onCancel?.()}>
      <FormStyle />
      {p.children}
      <label for={id}>{s[label]}</label>
      <textarea
        id={id}
        ref={area}
        rows={4}
        maxLength={MAX_BODY}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => e.key === 'Enter' && (e.ctrlKey || e.metaKey) && void submit(e)}
        aria-describedby={`${id}c ${id}h`}
        data-testid="composer"
      />
      <p class="meta small muted">
        <span id={`${id}h`}>{s.formattingHint}</span>
        <span id={`${id}c`}>{s.charactersLeft(MAX_BODY - text.length)}</span>
      </p>
      <div class="row">
        <button type="submit" class="primary" disabled={empty} data-testid="post">
          {s[submitLabel]}
        </button>
        {p.onCancel && (
          <button type="button" onClick={p.onCancel}>
            {s.cancel}
          </button>
        )}
      </div>
    </form>
  );
}
