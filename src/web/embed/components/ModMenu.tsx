import { useEffect, useRef, useState } from 'preact/hooks';
import { useD, useUid } from '../context.js';
import { streamModeration } from '../strings/mod.js';
import { updateComment } from '../tree.js';
import type { Comment } from '../types.js';
import { FormStyle } from './FormStyle.js';
import { sheet } from '../sheet.js';

// The panel takes the whole width under the comment's action buttons (a flex row that wraps).
const css = '.mod{flex-basis:100%}.mod select{max-width:100%}';

type Decided = { comment: { status: string; featured: boolean } };

/**
 * The in-stream moderation menu on one comment (issue 13, point 4): reject with a reason shown to the author (the
 * console's presets), feature or unfeature, ban or suspend the author. Each action is one request to the routes of
 * src/server/http/stream-moderation-routes.ts; a reject reaches every reader through the live stream, and this
 * moderator's list is updated at once.
 */
export function ModMenu({ c }: { c: Comment }) {
  const d = useD();
  const t = streamModeration[d.cfg.lang];
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const id = useUid();
  const box = useRef<HTMLDivElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const name = c.author?.displayName ?? '';
  const path = `/comments/${encodeURIComponent(c.id)}`;
  // The standing of staff is an administrator's business, in the console (STAFF_STANDING_ADMIN_ONLY); and nobody bans
  // themself by a slip of the finger.
  const canBan = !!c.author && !c.author.staff && c.author.id !== d.user?.id;

  useEffect(() => void (open && box.current?.querySelector<HTMLElement>('select')?.focus()), [open]);

  function close() {
    setOpen(false);
    setConfirming(false);
    opener.current?.focus();
  }

  /** Runs one action; its message (or the server's error) goes to the live region; the panel closes on success. */
  async function act(fn: () => Promise<string>) {
    if (busy) return;
    setBusy(true);
    const ok = await d.run(async () => d.setStatus(await fn()));
    setBusy(false);
    if (ok) {
      setOpen(false);
      setConfirming(false);
    }
  }

  const decide = (body: object) => d.req<Decided>('POST', `${path}/moderation`, body);

  function reject(e: Event) {
    e.preventDefault();
    const kind = new FormData(e.currentTarget as HTMLFormElement).get('kind');
    void act(async () => {
      await decide({ action: 'reject', kind, ...(reason.trim() ? { reason: reason.trim() } : {}) });
      // As the live stream shows it to every other reader: the text is gone, replies stay. Focus goes to what remains.
      d.setComments((l) => updateComment(l, c.id, (o) => ({ ...o, status: 'deleted', author: null, bodyHtml: '' })));
      d.setFocus({ id: c.id });
      return t.rejected;
    });
  }

  const feature = () =>
    act(async () => {
      const r = await decide({ action: c.featured ? 'unfeature' : 'feature' });
      d.setComments((l) => updateComment(l, c.id, (o) => ({ ...o, featured: r.comment.featured || undefined })));
      return r.comment.featured ? t.featured : t.unfeatured;
    });

  const standing = (body: { banned: true } | { suspendHours: number }) =>
    act(async () => {
      const r = await d.req<{ standing: { suspendedUntil: string | null } }>('POST', `${path}/author-standing`, body);
      const until = r.standing.suspendedUntil;
      return 'banned' in body || !until ? t.banned(name) : t.suspended(name, new Intl.DateTimeFormat(d.cfg.lang, { dateStyle: 'long', timeStyle: 'short' }).format(new Date(until)));
    });

  return (
    <>
      <button type="button" ref={opener} aria-expanded={open} aria-label={t.menuFor(name)} onClick={() => (open ? close() : setOpen(true))} data-testid="mod-menu">
        {t.menu}
      </button>
      {open && (
        <div ref={box} class="box mod" role="group" aria-label={t.menuFor(name)} onKeyDown={(e) => e.key === 'Escape' && close()} data-testid="mod-panel">
          <FormStyle />
          {sheet(d.cfg.root, css, d.cfg.nonce)}
          <form onSubmit={reject}>
            <fieldset>
              <legend>{t.reject}</legend>
              <label for={`${id}p`}>{t.reasonPreset}</label>
              <select id={`${id}p`} onChange={(e) => setReason(e.currentTarget.value)} data-testid="mod-preset">
                <option value="">{t.choose}</option>
                {t.presets.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
              <label for={`${id}r`}>{t.reason}</label>
              <input id={`${id}r`} value={reason} maxLength={500} onInput={(e) => setReason(e.currentTarget.value)} data-testid="mod-reason" />
              <label for={`${id}k`}>{t.kind}</label>
              <select id={`${id}k`} name="kind" data-testid="mod-kind">
                {(['abuse', 'spam', 'other'] as const).map((k) => (
                  <option key={k} value={k}>
                    {t.kinds[k]}
                  </option>
                ))}
              </select>
              <div class="row">
                <button type="submit" class="primary" disabled={busy} data-testid="mod-reject">
                  {t.reject}
                </button>
              </div>
            </fieldset>
          </form>
          <div class="row">
            {c.status === 'published' && (
              <button type="button" disabled={busy} onClick={() => void feature()} data-testid="mod-feature">
                {c.featured ? t.unfeature : t.feature}
              </button>
            )}
            {canBan && !confirming && (
              <button type="button" disabled={busy} onClick={() => setConfirming(true)} data-testid="mod-ban">
                {t.ban}
              </button>
            )}
            <button type="button" onClick={close}>
              {t.cancel}
            </button>
          </div>
          {canBan && confirming && (
            <p class="row" role="alert">
              {t.confirmBan(name)}{' '}
              <button type="button" class="primary" disabled={busy} onClick={() => void standing({ banned: true })} data-testid="mod-ban-confirm">
                {t.confirm}
              </button>
              <button type="button" onClick={() => setConfirming(false)}>
                {t.cancel}
              </button>
            </p>
          )}
          {canBan && (
            <form class="row" onSubmit={(e) => (e.preventDefault(), void standing({ suspendHours: Number(new FormData(e.currentTarget).get('hours')) }))}>
              <label for={`${id}h`}>{t.hours}</label>
              <select id={`${id}h`} name="hours" data-testid="mod-hours">
                {t.durations.map(([h, label]) => (
                  <option key={h} value={h}>
                    {label}
                  </option>
                ))}
              </select>
              <button type="submit" disabled={busy} data-testid="mod-suspend">
                {t.suspend}
              </button>
            </form>
          )}
        </div>
      )}
    </>
  );
}
