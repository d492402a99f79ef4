import { useUid } from '../context.js';
interface FieldProps {
  name: string;
  label: string;
  type?: string;
  autoComplete: string;
  minLength?: number;
  hint?: string;
  testid: string;
}

/** A labelled, required text input with an optional hint tied to it by aria-describedby. */
export function Field(p: FieldProps) {
  const id = useUid();
  const hintId = `${id}h`;
  return (
    <div>
      <label for={id}>{p.label}</label>
      <input
        id={id}
        name={p.name}
        type={p.type ?? 'text'}
        required
        autoComplete={p.autoComplete}
        minLength={p.minLength}
        aria-describedby={p.hint ? hintId : undefined}
        data-testid={p.testid}
      />
      {p.hint && (
        <span id={hintId} class="muted small">
          {p.hint}
        </span>
      )}
    </div>
  );
}
