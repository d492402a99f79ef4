import type { Item, Reason } from '../api.js';
import { t } from '../i18n.js';

const PHASES = t.phases;

const when = (iso: string) => new Date(iso).toLocaleString();

/** A reason in the console's language: from its code and evidence, else the stored (English) sentence. */
function explain(r: Reason): string {
  if (r.words && (r.phase === 'suspect_words' || r.phase === 'banned_words')) return t.matched;
  if (r.score !== undefined && r.threshold !== undefined) return `${r.score} ≥ ${r.threshold}`;
  return t.reasonCodes[r.code] ?? r.message;
}
const pct = (x: number | undefined) => (x === undefined ? '–' : `${Math.round(x * 100)}%`);

/** One comment in a queue: text, author, story, why the pipeline held it, reports, and the actions. */
export function CommentCard(p: {
  item: Item;
  current: boolean;
  selected: boolean;
  onSelect: (on: boolean) => void;
  onFocus: () => void;
  onApprove: () => void;
  onReject: () => void;
  onFeature: () => void;
  onAuthor: () => void;
  onStory: () => void;
}) {
  const c = p.item;
  const v = c.moderation;
  return (
    <li>
      <article class={`item${p.current ? ' current' : ''}`} data-testid="queue-item" data-comment-id={c.id} aria-current={p.current ? 'true' : undefined} onClick={p.onFocus}>
        <div class="meta">
          <input type="checkbox" aria-label={t.selectForBulk} checked={p.selected} onClick={(e) => e.stopPropagation()} onChange={(e) => p.onSelect((e.target as HTMLInputElement).checked)} />
          <button type="button" class="link" onClick={(e) => (e.stopPropagation(), p.onAuthor())} data-testid="author">
            {c.author.displayName}
          </button>
          <span>{when(c.createdAt)}</span>
          <button type="button" class="link" title={t.onlyThisStory} onClick={(e) => (e.stopPropagation(), p.onStory())}>
            {c.storyTitle}
          </button>
          <span class="badge">{t.statuses[c.status] ?? c.status}</span>
          {c.featured && <span class="badge featured">{t.featuredBadge}</span>}
          {v && (
            <span class="hide-narrow">
              {t.scores(v.scores.lang ?? '–', pct(v.scores.toxicity), pct(v.scores.spam))}
            </span>
          )}
        </div>
        {/* bodyHtml is the server's sanitised rendering (escaped text, http(s) links only), the same readers get. */}
        <div class="body" dangerouslySetInnerHTML={{ __html: c.bodyHtml }} />
        {v && v.reasons.length > 0 && (
          <div class="reasons" data-testid="reasons">
            <strong>{t.whyHeld(v.action)}</strong>
            <ul>
              {v.reasons.map((r, i) => (
                <li key={i}>
                  <strong>{PHASES[r.phase] ?? r.phase}</strong>: {explain(r)}{' '}
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
          <p class="reports">
            {t.reported(c.reports.length, c.reports.map((r) => r.reason + (r.note ? ` (“${r.note}”)` : '')).join(', '))}
          </p>
        )}
        {c.rejectionReason && <p class="meta">{t.reasonGiven(c.rejectionReason)}</p>}
        <div class="actions">
          <button type="button" class="primary" onClick={(e) => (e.stopPropagation(), p.onApprove())} disabled={c.status === 'published' && c.reports.length === 0}>
            {t.approve} <kbd>a</kbd>
          </button>
          <button type="button" class="danger" onClick={(e) => (e.stopPropagation(), p.onReject())} disabled={c.status === 'rejected'}>
            {t.reject} <kbd>r</kbd>
          </button>
          <button type="button" onClick={(e) => (e.stopPropagation(), p.onFeature())}>
            {c.featured ? t.unfeature : t.feature} <kbd>f</kbd>
          </button>
        </div>
      </article>
    </li>
  );
}
