import { useEffect, useRef } from '../hooks.js';
import { DiscussionProvider, useD, useUid } from '../context.js';
import { emit, type ReadyConfig } from '../config.js';
import { Lazy, chunks, prefetch, withChunk } from '../lazy.js';
import { useDiscussion } from '../useDiscussion.js';
import { CommentList } from './CommentList.js';
import { Join } from './Join.js';
import { Status } from './Status.js';

/** Root of the widget: heading, sign-in and composer, the comment list, and the live status region. */
export function DiscussionView({ cfg }: { cfg: ReadyConfig }) {
  const d = useDiscussion(cfg);
  const { s, story, phase } = d;
  const headingId = useUid();
  const el = useRef<HTMLElement>(null);
  // `data-theme` on the script tag (or `theme` of Agora.render) goes onto the host element, where the stylesheet's
  // :host([data-theme]) rules and the publisher's CSS can see it (README, "Theming").
  const theme = (cfg.hooks as { theme?: string }).theme;
  useEffect(() => void (theme && cfg.root.host.setAttribute('data-theme', theme)), [theme]);
  // Once the comments are shown: the page is told, and the chunks this reader may use next are fetched.
  useEffect(() => {
    if (phase !== 'ready') return;
    emit(cfg, 'onReady', { story: story!, user: d.user });
    prefetch(cfg.lang, Object.values(chunks).filter((c) => c !== chunks.guest || story?.guests));
    // A permalink (#comment-<id>) on arrival or followed later: the permalink chunk shows that comment.
    const go = () => {
      const id = /^#comment-([\w-]+)$/.exec(location.hash)?.[1];
      if (id) withChunk(d, chunks.permalink, (m) => m.openPermalink(d, el.current!, id));
    };
    go();
    addEventListener('hashchange', go);
    return () => removeEventListener('hashchange', go);
  }, [phase === 'ready']);
  return (
    <DiscussionProvider value={d}>
      <section ref={el} class="agora" lang={cfg.lang} dir={s.dir as 'ltr' | 'rtl'} aria-labelledby={headingId} data-testid="discussion">
        <div class="top">
          <h2 id={headingId}>
            {s.discussion}{' '}
            {story && (
              <span class="count" data-testid="comment-count">
                {s.commentCount(story.commentCount)}
              </span>
            )}
          </h2>
          {story && <Who />}
        </div>
        {story?.message && <p class="muted">{story.message}</p>}
        {phase === 'loading' && <p class="muted">{s.loading}</p>}
        {phase === 'failed' && (
          <p class="row">
            {s.networkError}
            <button type="button" onClick={d.retry}>
              {s.retry}
            </button>
          </p>
        )}
        {story && <Join />}
        {story && phase === 'ready' && <CommentList />}
        <Status />
      </section>
    </DiscussionProvider>
  );
}

/** The signed-in reader's bar (a chunk of its own), or the Sign in button. */
function Who() {
  const { s, user, openSignIn } = useD();
  return user ? (
    <Lazy c={chunks.account}>{(m) => <m.Account />}</Lazy>
  ) : (
    <p class="who">
      <button type="button" class="link" onClick={openSignIn} data-testid="sign-in">
        {s.signIn}
      </button>
    </p>
  );
}
