import { useEffect, useRef, useState } from '../hooks.js';
import { formatDate } from '../../../i18n/discussion.js';
import { useD } from '../context.js';
import type { Comment } from '../types.js';
import { Lazy, chunks, withChunk } from '../lazy.js';
import { ModHook } from '../mod-hook.js';

/** Direct replies shown before "Show N more replies", so one busy thread does not bury the next ones. */
const SHOWN_REPLIES = 3;

type Mode = 'reply' | 'edit' | 'report' | null;

/** One comment (`<li><article>`), its actions and inline forms, then its replies as a nested list. */
export function CommentItem({ c }: { c: Comment }) {
  const d = useD();
  const { s, cfg } = d;
  const [mode, setMode] = useState<Mode>(null);
  const [all, setAll] = useState(false);
  const [unfolded, unfold] = useState(false);
  const art = useRef<HTMLElement>(null);

  useEffect(() => {
    if (d.focus?.id === c.id) art.current?.focus();
  }, [d.focus]);

  // Signed in after this comment's Reply, Respect or Report asked for it: the reader's action, done or opened.
  useEffect(() => {
    const p = d.pending.current;
    if (!d.user || p?.id !== c.id) return;
    d.pending.current = null;
    if (p.act == 'react') react();
    else setMode(p.act);
  }, [d.user]);
  const react = () => withChunk(d, chunks.composer, (m) => m.react(d, c));

  /** Closes the inline form and gives focus back to the button that opened it. */
  function close() {
    const opener = art.current?.querySelector<HTMLElement>(`.actions [data-testid="${mode}"]`);
    setMode(null);
    opener?.focus();
  }
  const toggle = (m: Mode) => (mode === m ? close() : setMode(m));
  const done = (ok: boolean) => (ok && setMode(null), ok);

  // An ignored reader's comment is folded, for this reader only; "Show" unfolds it. Its replies stay.
  const folded = !unfolded && !!c.author && d.ignored.includes(c.author.id);
  const published = c.status === 'published';
  const deleted = c.status === 'deleted';
  // Only the author (a guest too, who has no account) sees these: a pending or rejected comment's note, Edit and
  // Delete. They come with the writing chunk.
  const own = c.viewer.isAuthor || c.viewer.canEdit || (!published && !deleted);
  // The reader's own new replies stay visible even inside a collapsed thread.
  const visible = all ? c.replies : c.replies.filter((r, i) => i < SHOWN_REPLIES || r.fresh);
  const hidden = c.replies.length - visible.length;

  function showAll() {
    const first = c.replies.find((r, i) => i >= SHOWN_REPLIES && !r.fresh);
    setAll(true);
    if (first) d.setFocus({ id: first.id });
  }

  return (
    <li>
      <article ref={art} tabIndex={-1} id={`comment-${c.id}`} class={`c ${c.status}`} data-testid="comment" data-comment-id={c.id}>
        <p class="meta">
          <span>
            {c.author && (
              <>
                {c.author.avatarUrl ? (
                  <img class="av" src={c.author.avatarUrl} alt="" width={24} height={24} loading="lazy" referrerpolicy="no-referrer" />
                ) : (
                  // Local accounts have no picture: their initials, decorative (the name follows).
                  <span class="av in" aria-hidden="true">
                    {c.author.displayName
                      .split(/\s+/)
                      .slice(0, 2)
                      .map((w) => w.charAt(0))
                      .join('')
                      .toUpperCase()}
                  </span>
                )}
                <strong>{c.author.displayName}</strong>
                {c.author.staff && <span class="badge">{s.staffLabels[c.author.staff]}</span>}
                {c.author.badges?.map((b) => (
                  <span class="badge">{b}</span>
                ))}
              </>
            )}{' '}
            {c.featured && <span class="badge note">{s.sorts.featured}</span>}
            {c.inReplyTo && <span class="muted">{s.inReplyTo(c.inReplyTo.displayName)}</span>}
          </span>
          <span class="muted">
            {/* The comment's permalink (its story's URL + #comment-<id>): the permalink chunk opens it. */}
            <a href={`#comment-${c.id}`} class="muted">
              <time dateTime={c.createdAt} title={new Date(c.createdAt).toLocaleString(cfg.lang)}>
                {formatDate(c.createdAt, cfg.lang)}
              </time>
            </a>
            {c.editedAt && !deleted && ` · ${s.edited}`}
          </span>
        </p>
        {own && <Lazy c={chunks.composer}>{(m) => <m.OwnNote c={c} />}</Lazy>}
        {folded ? (
          // Only a signed-in reader who ignores someone sees a fold: it comes with Ignore, in the report chunk.
          <Lazy c={chunks.report}>{(m) => <m.Folded onShow={() => unfold(true)} />}</Lazy>
        ) : deleted ? (
          <p class="muted">
            <em>{s.deleted}</em>
          </p>
        ) : mode === 'edit' ? (
          <Lazy c={chunks.composer}>
            {(m) => (
              <m.Composer
                kind="edit"
                initial={c.body}
                focus
                onCancel={close}
                onSubmit={async (body) => done(await m.edit(d, c.id, body))}
              />
            )}
          </Lazy>
        ) : (
          // Sanitised by the server (the only HTML we render); everything else goes through text nodes.
          <div class="body" dangerouslySetInnerHTML={{ __html: c.bodyHtml }} />
        )}
        {!deleted && !folded && (
          <div class="actions">
            {published && !d.story?.closed && (
              <button type="button" aria-expanded={mode === 'reply'} onClick={() => d.need({ id: c.id, act: 'reply' }) && toggle('reply')} data-testid="reply">
                {s.reply}
              </button>
            )}
            {published && (
              // Nobody can Respect their own comment (CANNOT_REACT_OWN): the count stays, the button is disabled.
              <button type="button" disabled={c.viewer.isAuthor} aria-pressed={c.viewer.reacted} onClick={() => d.need({ id: c.id, act: 'react' }) && react()} data-testid="react">
                {s.respect} <span class="n">{c.reactionCount}</span>
              </button>
            )}
            {own && <Lazy c={chunks.composer}>{(m) => <m.OwnActions c={c} editing={mode === 'edit'} onEdit={() => toggle('edit')} />}</Lazy>}
            {published && (
              <button type="button" onClick={() => withChunk(d, chunks.permalink, (m) => m.copyLink(d, c))} data-testid="copy-link">
                {s.copyLink}
              </button>
            )}
            {published && d.user && c.author && !c.viewer.isAuthor && (
              <button type="button" onClick={() => withChunk(d, chunks.report, (m) => m.ignore(d, c.author!))} data-testid="ignore">
                {s.ignore}
              </button>
            )}
            {published && !c.viewer.isAuthor && (
              <button type="button" disabled={c.reported} aria-expanded={mode === 'report'} onClick={() => d.need({ id: c.id, act: 'report' }) && toggle('report')} data-testid="report">
                {c.reported ? s.reportedMark : s.report}
              </button>
            )}
            {/* The site's moderators' menu (its own chunk, never fetched for readers: docs/adr/0025). */}
            {published && <ModHook c={c} />}
          </div>
        )}
        {mode === 'reply' && (
          <Lazy c={chunks.composer}>
            {(m) => (
              <m.Composer
                kind="reply"
                focus
                onCancel={close}
                onSubmit={async (body) => done(await m.post(d, body, c.id))}
              />
            )}
          </Lazy>
        )}
        {mode === 'report' && <Lazy c={chunks.report}>{(m) => <m.ReportForm id={c.id} onDone={close} />}</Lazy>}
      </article>
      {visible.length > 0 && (
        <ol>
          {visible.map((r) => (
            <CommentItem key={r.id} c={r} />
          ))}
        </ol>
      )}
      {hidden > 0 && (
        <button type="button" class="link more" onClick={showAll} data-testid="show-more-replies">
          {s.showMoreReplies(hidden)}
        </button>
      )}
    </li>
  );
}
