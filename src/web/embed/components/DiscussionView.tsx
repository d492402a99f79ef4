import { useId } from 'preact/hooks';
import { DiscussionProvider, useD } from '../context.js';
import type { ReadyConfig } from '../config.js';
import { useDiscussion } from '../useDiscussion.js';
import { Bell } from './Bell.js';
import { CommentList } from './CommentList.js';
import { Join } from './Join.js';
import { Status } from './Status.js';

/** Root of the widget: heading, sign-in and composer, the comment list, and the live status region. */
export function DiscussionView({ cfg }: { cfg: ReadyConfig }) {
  const d = useDiscussion(cfg);
  const { s, story, phase } = d;
  const headingId = useId();
  return (
    <DiscussionProvider value={d}>
      <section class="agora" lang={cfg.lang} aria-labelledby={headingId} data-testid="discussion">
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

/** "Signed in as X · Sign out", or the Sign in button. */
function Who() {
  const { s, user, signOut, openSignIn } = useD();
  return user ? (
    <div class="who">
      {s.signedInAs(user.displayName)}{' '}
      <button type="button" class="link" onClick={signOut} data-testid="sign-out">
        {s.signOut}
      </button>
      <Bell />
    </div>
  ) : (
    <p class="who">
      <button type="button" class="link" onClick={openSignIn} data-testid="sign-in">
        {s.signIn}
      </button>
    </p>
  );
}
