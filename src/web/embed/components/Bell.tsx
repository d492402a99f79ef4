import { useEffect, useState } from '../hooks.js';
import { formatDate } from '../../../i18n/discussion.js';
import { useD } from '../context.js';
import { FormStyle } from './FormStyle.js';
import { useS } from '../lazy.js';
import type { Notice } from '../types.js';

/**
 * The signed-in reader's notifications: a button that says how many are new, opening the latest ones (replies,
 * moderators' decisions). Opening marks them read. The count is fetched on sign-in and again on each opening.
 */
export function Bell() {
  const d = useD();
  const s = useS();
  const { cfg } = d;
  const [list, setList] = useState<Notice[]>([]);
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);
  const load = () =>
    d.req<{ notifications: Notice[]; unreadCount: number }>('GET', '/notifications?limit=10').then((r) => {
      setList(r.notifications);
      setUnread(r.unreadCount);
      return r.unreadCount;
    });

  // A failure here is not worth a message: the bell just shows no count.
  useEffect(() => void load().catch(() => 0), [d.user?.id]);

  function toggle() {
    setOpen(!open);
    // Opening: the latest list first, then all of it is read.
    if (!open)
      void d.run(async () => {
        if (await load()) {
          await d.req('POST', '/notifications/read', {});
          setUnread(0);
        }
      });
  }

  return (
    <>
      <FormStyle />
      <button type="button" class="link" aria-expanded={open} onClick={toggle} data-testid="bell">
        {s.notifications(unread)}
      </button>
      {open && (
        <ul class="box notices" data-testid="notifications">
          {list.length ? (
            list.map((n) => (
              <li key={n.id} class={n.read ? '' : 'new'}>
                <a href={n.url ?? n.story.url}>{s.notice(n.kind, n.actorName, n.reason)}</a>
                <br />
                <span class="muted small">
                  {n.story.title} · {formatDate(n.createdAt, cfg.lang)}
                </span>
              </li>
            ))
          ) : (
            <li class="muted">{s.noNotifications}</li>
          )}
        </ul>
      )}
    </>
  );
}
