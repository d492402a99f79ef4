import type { Item } from '../api.js';

const PHASES: Record<string, string> = {
  story_closed: 'Story closed',
  author_status: 'Author status',
  rate_limit: 'Rate / flood',
  duplicate: 'Duplicate',
  banned_words: 'Banned words',
  links: 'Links',
  suspect_words: 'Suspect words',
  language: 'Language',
  toxicity: 'Toxicity',
  spam: 'Spam',
  trust: 'Trust',
  mode: 'Pre-moderation',
};

const when = (iso: string) => new Date(iso).toLocaleString();
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
          <input type="checkbox" aria-label="Select for a bulk action" checked={p.selected} onClick={(e) => e.stopPropagation()} onChange={(e) => p.onSelect((e.target as HTMLInputElement).checked)} />
          <button type="button" class="link" onClick={(e) => (e.stopPropagation(), p.onAuthor())} data-testid="author">
            {c.author.displayName}
          </button>
          <span>{when(c.createdAt)}</span>
          <button type="button" class="link" title="Show only this story’s comments" onClick={(e) => (e.stopPropagation(), p.onStory())}>
            {c.storyTitle}
          </button>
          <span class="badge">{c.status}</span>
          {c.featured && <span class="badge featured">featured</span>}
          {v && (
            <span class="hide-narrow">
              lang {v.scores.lang ?? '–'} · toxicity {pct(v.scores.toxicity)} · spam {pct(v.scores.spam)}
            </span>
          )}
        </div>
        {/* bodyHtml is the server's sanitised rendering (escaped text, http(s) links only), the same readers get. */}
        <div class="body" dangerouslySetInnerHTML={{ __html: c.bodyHtml }} />
        {v && v.reasons.length > 0 && (
          <div class="reasons" data-testid="reasons">
            <strong>Why it was {v.action === 'reject' ? 'rejected' : v.action === 'hold' ? 'held' : 'flagged'}:</strong>
            <ul>
              {v.reasons.map((r, i) => (
                <li key={i}>
                  <strong>{PHASES[r.phase] ?? r.phase}</strong>: {r.message.replace(/^(Suspect|Banned) words: .*$/, 'matched')}{' '}
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
            Reported {c.reports.length}×: {c.reports.map((r) => r.reason + (r.note ? ` (“${r.note}”)` : '')).join(', ')}
          </p>
        )}
        {c.rejectionReason && <p class="meta">Reason given to the author: {c.rejectionReason}</p>}
        <div class="actions">
          <button type="button" class="primary" onClick={(e) => (e.stopPropagation(), p.onApprove())} disabled={c.status === 'published' && c.reports.length === 0}>
            Approve <kbd>a</kbd>
          </button>
          <button type="button" class="danger" onClick={(e) => (e.stopPropagation(), p.onReject())} disabled={c.status === 'rejected'}>
            Reject <kbd>r</kbd>
          </button>
          <button type="button" onClick={(e) => (e.stopPropagation(), p.onFeature())}>
            {c.featured ? 'Unfeature' : 'Feature'} <kbd>f</kbd>
          </button>
        </div>
      </article>
    </li>
  );
}
