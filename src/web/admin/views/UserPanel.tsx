import { useEffect, useState } from 'preact/hooks';
import { admin, type AuditEntry, type UserFile } from '../api.js';
import { change as changed } from './Audit.js';
import { Modal } from './dialogs.js';
import { fmt, t } from '../i18n.js';

/** A commenter on a site: standing (ban, suspend, always pre-moderate), counts and moderators' notes. */
export function UserPanel({ siteId, userId, onClose }: { siteId: string; userId: string; onClose: () => void }) {
  const [file, setFile] = useState<UserFile | null>(null);
  const [note, setNote] = useState('');
  const [hours, setHours] = useState('24');
  const [problem, setProblem] = useState<string | null>(null);
  // Bans, suspensions and their lifts, from the audit log: who decided, when, and what changed.
  const [history, setHistory] = useState<AuditEntry[]>([]);
  const load = () =>
    Promise.all([
      admin.user(siteId, userId).then(setFile),
      admin.audit({ siteId, targetId: userId, action: 'user.standing' }).then((r) => setHistory(r.entries)),
    ]).catch((e: Error) => setProblem(e.message));
  useEffect(() => void load(), [siteId, userId]);
  const change = async (c: { banned?: boolean; suspendHours?: number; premoderate?: boolean }) => {
    try {
      await admin.standing(siteId, userId, c);
      await load();
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
    }
  };
  const s = file?.standing;
  const suspended = s?.suspendedUntil && Date.parse(s.suspendedUntil) > Date.now();
  return (
    <Modal title={file ? file.user.displayName : t.user} onClose={onClose} testId="user-panel" closeButton>
      {problem && <p class="error">{problem}</p>}
      {file && s && (
        <>
          <p>
            {t.memberSince(fmt.day(file.user.createdAt), file.counts.published, file.counts.pending, file.counts.rejected)}
          </p>
          <p>
            {t.status}{t.colon} {s.banned ? t.banned : suspended ? t.suspendedUntil(fmt.date(s.suspendedUntil as string)) : t.goodStanding}
            {s.premoderate ? t.alwaysPremoderated : ''}
          </p>
          <div class="actions">
            <button type="button" class="danger" onClick={() => void change({ banned: !s.banned })}>
              {s.banned ? t.liftBan : t.ban}
            </button>
            {suspended ? (
              <button type="button" onClick={() => void change({ suspendHours: 0 })}>
                {t.liftSuspension}
              </button>
            ) : (
              <span>
                <input aria-label={t.suspendHours} type="number" min={1} max={8760} value={hours} onInput={(e) => setHours((e.target as HTMLInputElement).value)} style="width:5rem" /> h{' '}
                <button type="button" onClick={() => void change({ suspendHours: Math.max(1, Number(hours) || 24) })}>
                  {t.suspend}
                </button>
              </span>
            )}
            <button type="button" onClick={() => void change({ premoderate: !s.premoderate })}>
              {s.premoderate ? t.stopPremoderate : t.premoderate}
            </button>
          </div>
          <h3>{t.standingHistory}</h3>
          {history.length ? (
            <ul data-testid="standing-history">
              {history.map((e) => (
                <li key={e.id}>
                  <time dateTime={e.createdAt}>{fmt.date(e.createdAt)}</time> <strong>{e.actorName ?? t.system}</strong>{t.colon} {changed(e).join(' · ')}
                </li>
              ))}
            </ul>
          ) : (
            <p data-testid="standing-history">{t.noStandingHistory}</p>
          )}
          <h3>{t.recentComments}</h3>
          <ul class="recent" data-testid="recent">
            {file.recent.map((c) => (
              <li key={c.id}>
                <span class="badge">{t.statuses[c.status] ?? c.status}</span> {c.excerpt}{' '}
                <small>
                  — <a href={c.permalink} target="_blank" rel="noopener noreferrer">{c.storyTitle}</a>, {fmt.date(c.createdAt)}
                </small>
              </li>
            ))}
          </ul>
          <h3>{t.notes}</h3>
          <ul>
            {file.notes.map((n) => (
              <li key={n.id}>
                {n.body} <small>— {n.authorName}, {fmt.date(n.createdAt)}</small>
              </li>
            ))}
          </ul>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (note.trim()) void admin.note(siteId, userId, note).then(() => (setNote(''), load()));
            }}
          >
            <label class="field">
              {t.addNote}
              <textarea rows={2} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} maxLength={2000} />
            </label>
            <button type="submit">{t.saveNote}</button>
          </form>
        </>
      )}
    </Modal>
  );
}
