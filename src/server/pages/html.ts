// A tagged template that escapes every interpolation unless it is marked raw. Hand-written because it is a dozen
// lines and a template engine would add a dependency and a second syntax for the few pages the server renders.

/** Markup that is already safe and must not be escaped again. */
export class Raw {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ESC[ch] ?? ch);
}

/** Marks a string as safe HTML (only for output of our own renderers or the comment sanitiser). */
export function raw(s: string): Raw {
  return new Raw(s);
}

type Value = string | number | Raw | null | undefined | false | Value[];

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return v.map(render).join('');
  if (v instanceof Raw) return v.value;
  return escapeHtml(String(v));
}

/** Builds HTML: interpolated values are escaped, arrays are joined, Raw passes through. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Raw {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i] as Value) + (strings[i + 1] ?? '');
  return new Raw(out);
}
