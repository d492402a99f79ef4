import { useEffect, useRef } from 'preact/hooks';
import type { Item, QueueName, Reason } from '../api.js';
import { fmt, t } from '../i18n.js';
import { highlight } from './highlight.js';

const PHASES = t.phases;

/** A reason in the console's language: from its code and evidence, else the stored (English) sentence. */
function explain(r: Reason): string {
  if (r.words && (r.phase === 'suspect_words' || r.phase === 'banned_words')) return t.matched;
  if (r.score !== undefined && r.threshold !== undefined) return `${fmt.percent(r.score)} ≥ ${fmt.percent(r.threshold)}`;
  return t.reasonCodes[r.code] ?? r.message;
}

/** "Hors sujet ×2, Désinformation ×1": reports grouped by reason, most frequent first. */
function grouped(reports: Item['reports']): string {
  const n = new Map<string, number>();
  for (const r of reports) n.set(r.reason, (n.get(r.reason) ?? 0) + 1);
  return [...n.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([reason, k]) => `${t.reportReasons[reason] ?? reason} ×${k}`)
    .join(', ');
}

/**
 * Which actions make sense for a comment in a queue. The buttons and the keys (a, r, d) both ask this, so the
 * mouse and the keyboard can always do the same things.
 */
export function can(c: Item, queue: QueueName) {
  return {
    approve: c.status !== 'deleted' && queue !== 'approved',
    reject: c.status !== 'rejected' && c.status !== 'deleted',
    dismiss: queue === 'reported' && c.reports.length > 0,
  };
}

/** One comment in a queue: text, author, story, its parent, why the pipeline held it, reports, and the actions. */
export function CommentCard(p: {
  item: Item;
  queue: QueueName;
  current: boolean;
  selected: boolean;
  onSelect: (on: boolean) => void;
  onFocus: () => void;
  onApprove: () => void;
  onReject: () => void;
  onDismiss: () => void;
  onFeature: () => void;
  onAuthor: () => void;
  onStory: () => void;
}) {
  const c = p.item;
  const v = c.moderation;
  const ok = can(c, p.queue);
  const body = useRef<HTMLDivElement>(null);
  const words = v?.reasons.flatMap((r) => r.words ?? []) ?? [];
  useEffect(() => {
    if (body.current) highlight(body.current, words);
  }, [c.bodyHtml, words.join('\u0000')]);
  const stop = (run: () => void) => (e: Event) => (e.stopPropagation(), run());
  return (
    <li>
      <article
        class={`item${p.current ? ' current' : ''}`}
        data-testid="queue-item"
        data-comment-id={c.id}
        aria-current={p.current ? 'true' : undefined}
        aria-labelledby={`a-${c.id}`}
        tabIndex={p.current ? 0 : -1}
        onClick={p.onFocus}
        onFocus={p.onFocus}
      >
        <div class="meta">
          <input type="checkbox" aria-label={t.selectForBulk} checked={p.selected} onClick={(e) => e.stopPropagation()} onChange={(e) => p.onSelect((e.target as HTMLInputElement).checked)} />
          <button type="button" class="link" id={`a-${c.id}`} onClick={stop(p.onAuthor)} data-testid="author">
            {c.author.displayName}
          </button>
          <time dateTime={c.createdAt}>{fmt.date(c.createdAt)}</time>
          <button type="button" class="link" title={t.onlyThisStory} onClick={stop(p.onStory)}>
            {c.storyTitle}
          </button>
          <a href={c.permalink} target="_blank" rel="noopener noreferrer" data-testid="permalink" onClick={(e) => e.stopPropagation()}>
            {t.inArticle}
          </a>
          <span class="badge">{t.statuses[c.status] ?? c.status}</span>
          {c.featured && <span class="badge featured">{t.featuredBadge}</span>}
          {v && <span class="hide-narrow">{t.scores(v.scores.lang ?? '–', fmt.percent(v.scores.toxicity), fmt.percent(v.scores.spam))}</span>}
        </div>
        {c.parent && (
          <blockquote class="parent" data-testid="parent">
            <strong>{t.inReplyTo(c.parent.authorName)}</strong> {c.parent.body ? c.parent.body.slice(0, 400) + (c.parent.body.length > 400 ? '…' : '') : t.parentGone}
          </blockquote>
        )}
        {/* bodyHtml is the server's sanitised rendering (escaped text, http(s) links only), the same readers get. */}
        <div class="body" ref={body} dangerouslySetInnerHTML={{ __html: c.bodyHtml }} />
        {v && v.reasons.length > 0 && (
          <div class="reasons" data-testid="reasons">
            <strong>{t.whyHeld(v.action)}</strong>
            <ul>
              {v.reasons.map((r, i) => (
                <li key={i}>
                  <strong>{PHASES[r.phase] ?? r.phase}</strong>
                  {t.colon} {explain(r)}{' '}
                  {r.words?.map((w) => (
                    <span class="word" key={w}>
                      {w}
                    </span>
                  ))}
                </li>
              ))}
            </ul>
          </div>
        )}
        {c.reports.length > 0 && (
          <details class="reports" data-testid="reports">
            <summary>{t.reportsGrouped(grouped(c.reports))}</summary>
            <ul>
              {c.reports.map((r, i) => (
                <li key={i}>
                  {t.reportedBy} <strong>{r.by}</strong> · {t.reportReasons[r.reason] ?? r.reason} · {fmt.date(r.createdAt)}
                  {r.note && <span class="note"> · {t.quote(r.note)}</span>}
                </li>
              ))}
            </ul>
          </details>
        )}
        {c.rejectionReason && <p class="meta">{t.reasonGiven(c.rejectionReason)}</p>}
        <div class="actions">
          <button type="button" class="primary" onClick={stop(p.onApprove)} disabled={!ok.approve}>
            {t.approve} <kbd>a</kbd>
          </button>
          {ok.dismiss && (
            <button type="button" onClick={stop(p.onDismiss)} data-testid="dismiss">
              {t.dismissReports} <kbd>d</kbd>
            </button>
          )}
          <button type="button" class="danger" onClick={stop(p.onReject)} disabled={!ok.reject}>
            {t.reject} <kbd>r</kbd>
          </button>
          <button type="button" onClick={stop(p.onFeature)}>
            {c.featured ? t.unfeature : t.feature} <kbd>f</kbd>
          </button>
        </div>
      </article>
    </li>
  );
}
