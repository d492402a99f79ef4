import { useEffect, useState } from 'preact/hooks';
import { admin, type AuditEntry } from '../api.js';
import { t } from '../i18n.js';

const show = (v: unknown) => (v === null || v === undefined ? '–' : JSON.stringify(v, null, 1));

/** Every moderation and settings action: who, what, when, before and after. */
export function Audit({ siteId }: { siteId: string }) {
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [done, setDone] = useState(false);
  useEffect(() => {
    setDone(false);
    void admin.audit(siteId || undefined).then((r) => setEntries(r.entries));
  }, [siteId]);
  const more = async () => {
    const last = entries[entries.length - 1];
    const r = await admin.audit(siteId || undefined, last?.createdAt);
    if (r.entries.length === 0) setDone(true);
    setEntries([...entries, ...r.entries]);
  };
  return (
    <section>
      <h1>{t.auditTitle}</h1>
      <div style="overflow-x:auto">
        <table data-testid="audit">
          <thead>
            <tr>
              <th>{t.when}</th>
              <th>{t.who}</th>
              <th>{t.what}</th>
              <th>{t.target}</th>
              <th>{t.before}</th>
              <th>{t.after}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>{new Date(e.createdAt).toLocaleString()}</td>
                <td>{e.actorName ?? t.system}</td>
                <td>{e.action}</td>
                <td>
                  {e.targetType} {e.targetId}
                </td>
                <td>
                  <pre>{show(e.before)}</pre>
                </td>
                <td>
                  <pre>{show(e.after)}</pre>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!done && entries.length >= 50 && (
        <button type="button" onClick={() => void more()}>
          {t.older}
        </button>
      )}
    </section>
  );
}
