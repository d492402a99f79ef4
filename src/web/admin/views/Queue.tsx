import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { followQueues } from '../live.js';
import { admin, QUEUE_NAMES, type Item, type QueueName } from '../api.js';
import { t } from '../i18n.js';
import { can, CommentCard } from './CommentCard.js';
import { RejectDialog, HelpDialog } from './dialogs.js';
import { StoryControls } from './StoryControls.js';
import { UserPanel } from './UserPanel.js';

const LABELS: Record<QueueName, string> = t.queues;

type Density = 'dense' | 'comfortable';
const DENSITY_KEY = 'agora:admin-density';

/** The layout, kept per browser: dense for a desk shift, comfortable (the default) for a phone or a tired eye. */
function useDensity(): [Density, (d: Density) => void] {
  const [density, set] = useState<Density>(() => (localStorage.getItem(DENSITY_KEY) === 'dense' ? 'dense' : 'comfortable'));
  useEffect(() => {
    document.documentElement.dataset.density = density;
    localStorage.setItem(DENSITY_KEY, density);
  }, [density]);
  return [density, set];
}

/** Keys handled by the queue; typing in a field never triggers them. */
function typing(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !!t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName)) && (t as HTMLInputElement).type !== 'checkbox';
}

/** A moderation queue: counts per queue, filters, the list, actions one by one or in bulk, keyboard shortcuts. */
export function Queue({ siteId, queue: q }: { siteId: string; queue: string }) {
  const queue: QueueName = (QUEUE_NAMES as string[]).includes(q) ? (q as QueueName) : 'pending';
  const [counts, setCounts] = useState<Record<QueueName, number> | null>(null);
  const [items, setItems] = useState<Item[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [current, setCurrent] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [search, setSearch] = useState('');
  const [storyId, setStoryId] = useState('');
  const [rejecting, setRejecting] = useState<string[] | null>(null);
  const [help, setHelp] = useState(false);
  const [person, setPerson] = useState<{ siteId: string; userId: string } | null>(null);
  const [status, setStatus] = useState<string>('');
  const listRef = useRef<HTMLOListElement>(null);
  const [density, setDensity] = useDensity();
  const filters = { siteId, ...(storyId ? { storyId } : {}), ...(search ? { q: search } : {}) };

  // Only the newest request's answer is shown: a slower answer to an earlier queue, site or search must not overwrite it.
  const latest = useRef(0);
  const refresh = useCallback(async () => {
    if (!siteId) return;
    const mine = ++latest.current;
    const [c, page] = await Promise.all([admin.counts(filters), admin.queue(queue, filters)]);
    if (mine !== latest.current) return;
    setCounts(c.counts);
    setItems(page.comments);
    setNext(page.nextCursor);
    setCurrent((i) => Math.min(i, Math.max(0, page.comments.length - 1)));
  }, [siteId, queue, search, storyId]);

  useEffect(() => {
    setSelected(new Set());
    setCurrent(0);
    void refresh().catch((e: Error) => setStatus(e.message));
  }, [refresh]);

  const act = async (what: string, run: () => Promise<unknown>, ids: string[]) => {
    try {
      await run();
      setStatus(t.done(what, ids.length));
      setSelected(new Set());
      await refresh();
    } catch (e) {
      setStatus(e instanceof Error ? e.message : String(e));
    }
  };
  const approve = (ids: string[]) => act(t.approved, () => (ids.length === 1 ? admin.approve(ids[0] as string) : admin.bulk(ids, 'approve')), ids);
  const dismiss = (ids: string[]) => act(t.reportsDismissed, () => (ids.length === 1 ? admin.dismissReports(ids[0] as string) : admin.bulk(ids, 'dismiss_reports')), ids);
  const feature = (c: Item) => act(c.featured ? t.unfeatured : t.featured, () => admin.feature(c.id, !c.featured), [c.id]);
  const reject = (ids: string[], reason: string, kind: 'abuse' | 'spam' | 'other') =>
    act(t.rejected, () => (ids.length === 1 ? admin.reject(ids[0] as string, reason, kind) : admin.bulk(ids, 'reject', reason)), ids);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.metaKey || e.ctrlKey || e.altKey || typing(e) || rejecting || person) return;
      if (help) {
        if (e.key === 'Escape' || e.key === '?') setHelp(false);
        return;
      }
      const c = items[current];
      const ok = c ? can(c, queue) : null;
      const keys: Record<string, () => void> = {
        j: () => move(Math.min(items.length - 1, current + 1)),
        k: () => move(Math.max(0, current - 1)),
        a: () => c && ok?.approve && void approve([c.id]),
        r: () => c && ok?.reject && setRejecting([c.id]),
        d: () => c && ok?.dismiss && void dismiss([c.id]),
        f: () => c && void feature(c),
        x: () => c && setSelected((s) => (s.has(c.id) ? new Set([...s].filter((id) => id !== c.id)) : new Set([...s, c.id]))),
        '?': () => setHelp(true),
      };
      const run = keys[e.key];
      if (run) {
        e.preventDefault();
        run();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [items, current, help, rejecting, person, queue]);

  // Counts follow new comments live: the console's stream (live.ts) says when this site's queues moved, and the
  // counts are asked once the burst is over; the list itself does not move under the moderator's keyboard. Polling
  // stays for what the stream does not carry (new reports) and for when it is down: every minute while it is up,
  // every 15 s otherwise, and as soon as the tab is looked at again.
  useEffect(() => {
    if (!siteId) return;
    const update = () => void admin.counts(filters).then((c) => setCounts(c.counts), () => undefined);
    let live = false;
    let soon: ReturnType<typeof setTimeout> | undefined;
    const stop = followQueues(
      (ids) => ids.includes(siteId) && (clearTimeout(soon), (soon = setTimeout(update, 300))),
      (up) => (live = up),
    );
    let ticks = 0;
    const timer = setInterval(() => document.visibilityState === 'visible' && (!live || ++ticks % 4 === 0) && update(), 15_000);
    const onVisible = () => document.visibilityState === 'visible' && update();
    document.addEventListener('visibilitychange', onVisible);
    return () => (stop(), clearTimeout(soon), clearInterval(timer), document.removeEventListener('visibilitychange', onVisible));
  }, [siteId, search, storyId]);

  /** j/k move the real focus (screen readers follow it and read the comment), not only a highlight. */
  const move = (i: number) => {
    setCurrent(i);
    const el = listRef.current?.querySelectorAll<HTMLElement>('[data-testid="queue-item"]')[i];
    el?.focus();
    el?.scrollIntoView({ block: 'nearest' });
  };

  const more = async () => {
    if (!next) return;
    const page = await admin.queue(queue, filters, next);
    setItems([...items, ...page.comments]);
    setNext(page.nextCursor);
  };

  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title" class="visually-hidden">
        {t.queueTitle(LABELS[queue])}
      </h1>
      <nav class="tabs" aria-label={t.navQueues}>
        {QUEUE_NAMES.map((name) => (
          <a key={name} href={`#/queue/${name}`} aria-current={name === queue ? 'page' : undefined} data-testid={`tab-${name}`}>
            {LABELS[name]}
            <span class="count">{counts ? counts[name] : '…'}</span>
          </a>
        ))}
      </nav>
      <form class="filters" role="search" onSubmit={(e) => (e.preventDefault(), void refresh())}>
        <input type="search" placeholder={t.search} aria-label={t.search} value={search} onChange={(e) => setSearch((e.target as HTMLInputElement).value)} />
        <input placeholder={t.storyFilter} aria-label={t.storyFilterLabel} value={storyId} onChange={(e) => setStoryId((e.target as HTMLInputElement).value.trim())} size={14} />
        <label>
          {t.density}{' '}
          <select value={density} onChange={(e) => setDensity((e.target as HTMLSelectElement).value as Density)} data-testid="density">
            <option value="comfortable">{t.comfortable}</option>
            <option value="dense">{t.dense}</option>
          </select>
        </label>
        <button type="button" onClick={() => setHelp(true)} aria-label={t.shortcuts}>
          ?
        </button>
        <span role="status" data-testid="status">
          {status}
        </span>
      </form>
      {storyId && <StoryControls storyId={storyId} />}
      {selected.size > 0 && (
        <div class="bulk" data-testid="bulk">
          <strong>{t.selected(selected.size)}</strong>
          <button type="button" class="primary" onClick={() => void approve([...selected])}>
            {t.approveAll}
          </button>
          {queue === 'reported' && (
            <button type="button" onClick={() => void dismiss([...selected])}>
              {t.dismissReports}
            </button>
          )}
          <button type="button" class="danger" onClick={() => setRejecting([...selected])}>
            {t.rejectAll}
          </button>
          <button type="button" onClick={() => setSelected(new Set())}>
            {t.clear}
          </button>
        </div>
      )}
      {items.length === 0 ? (
        <p class="empty">{t.nothingIn(LABELS[queue])}</p>
      ) : (
        <ol class="items" ref={listRef}>
          {items.map((c, i) => (
            <CommentCard
              key={c.id}
              item={c}
              queue={queue}
              current={i === current}
              selected={selected.has(c.id)}
              onSelect={(on) => setSelected((s) => (on ? new Set([...s, c.id]) : new Set([...s].filter((id) => id !== c.id))))}
              onFocus={() => setCurrent(i)}
              onApprove={() => void approve([c.id])}
              onReject={() => setRejecting([c.id])}
              onDismiss={() => void dismiss([c.id])}
              onFeature={() => void feature(c)}
              onAuthor={() => setPerson({ siteId: c.siteId, userId: c.author.id })}
              onStory={() => setStoryId(c.storyId)}
            />
          ))}
        </ol>
      )}
      {next && (
        <p>
          <button type="button" onClick={() => void more()}>
            {t.loadMore}
          </button>
        </p>
      )}
      {rejecting && (
        <RejectDialog
          count={rejecting.length}
          onCancel={() => setRejecting(null)}
          onReject={(reason, kind) => {
            const ids = rejecting;
            setRejecting(null);
            void reject(ids, reason, kind);
          }}
        />
      )}
      {help && <HelpDialog onClose={() => setHelp(false)} />}
      {person && <UserPanel {...person} onClose={() => setPerson(null)} />}
    </section>
  );
}
