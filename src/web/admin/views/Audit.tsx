import { useEffect, useState } from 'preact/hooks';
import { admin, type AuditEntry } from '../api.js';
import { fmt, t } from '../i18n.js';

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** A stored value in words: a status in the console's language, yes/no, a date, a quoted text. */
function word(key: string, v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'boolean') return v ? t.yes : t.no;
  if (key === 'status' && typeof v === 'string') return t.statuses[v] ?? v;
  if (typeof v === 'number') return fmt.number(v);
  if (typeof v === 'string') return /^\d{4}-\d\d-\d\dT/.test(v) ? fmt.date(v) : t.quote(v.length > 120 ? `${v.slice(0, 120)}…` : v);
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}

/** "statut : publié → rejeté; raison : « Hors sujet. »": only what changed, before → after. */
export function change(e: AuditEntry): string[] {
  const before = obj(e.before);
  const after = obj(e.after);
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  if (e.action === 'settings.update' && keys.length > 4) return [t.changed(keys.length) + t.colon + ' ' + keys.join(', ')];
  return keys.map((k) => `${t.fields[k] ?? k}${t.colon} ${k in before ? `${word(k, before[k])} → ` : ''}${word(k, after[k])}`);
}

/** Every moderation and settings action, in words: who did what to what, when, and what changed. */
export function Audit({ siteId }: { siteId: string }) {
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [done, setDone] = useState(false);
  const [actorId, setActorId] = useState('');
  const [action, setAction] = useState('');
  const [people, setPeople] = useState<Map<string, string>>(new Map());
  const filters = { ...(siteId ? { siteId } : {}), ...(actorId ? { actorId } : {}), ...(action ? { action } : {}) };
  const seen = (list: AuditEntry[]) =>
    setPeople((m) => {
      const next = new Map(m);
      for (const e of list) if (e.actorId && e.actorName) next.set(e.actorId, e.actorName);
      return next;
    });
  useEffect(() => {
    setDone(false);
    void admin.audit(filters).then((r) => (setEntries(r.entries), seen(r.entries)));
  }, [siteId, actorId, action]);
  const more = async () => {
    const last = entries[entries.length - 1];
    const r = await admin.audit({ ...filters, ...(last ? { before: last.createdAt } : {}) });
    if (r.entries.length === 0) setDone(true);
    seen(r.entries);
    setEntries([...entries, ...r.entries]);
  };
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t.auditTitle}</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t.auditFilterPerson}{' '}
          <select value={actorId} onChange={(e) => setActorId((e.target as HTMLSelectElement).value)} data-testid="audit-person">
            <option value="">{t.anyone}</option>
            {[...people.entries()].map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.auditFilterAction}{' '}
          <select value={action} onChange={(e) => setAction((e.target as HTMLSelectElement).value)} data-testid="audit-action">
            <option value="">{t.anyAction}</option>
            {Object.entries(t.auditActions).map(([code, words]) => (
              <option key={code} value={code}>
                {words}
              </option>
            ))}
          </select>
        </label>
      </form>
      <ol class="audit" data-testid="audit">
        {entries.map((e) => (
          <li key={e.id} data-testid="audit-entry">
            <time dateTime={e.createdAt}>{fmt.date(e.createdAt)}</time>{' '}
            <strong>{e.actorName ?? t.system}</strong> {t.auditActions[e.action] ?? e.action}
            {e.targetLabel && <span class="target"> {t.quote(e.targetLabel)}</span>}
            <ul class="change">
              {change(e).map((line, i) => (
                <li key={i}>{line}</li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
      {!done && entries.length >= 50 && (
        <button type="button" onClick={() => void more()}>
          {t.older}
        </button>
      )}
    </section>
  );
}
