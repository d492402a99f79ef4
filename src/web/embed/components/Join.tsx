import { useD } from '../context.js';
import { MAIN_COMPOSER } from '../useDiscussion.js';
import { AuthForm } from './AuthForm.js';
import { Composer } from './Composer.js';

/** The call to action, then the composer for a signed-in reader or the way to sign in. */
export function Join() {
  const d = useD();
  const { s, user, story, cfg } = d;
  if (story?.closed) return <p class="note">{s.closed}</p>;
  if (!user) {
    return (
      <div class="join">
        <h3 class="cta">
          <button
            type="button"
            class="primary"
            onClick={d.openSignIn}
            // Only the inline form expands in place; the popup is another window.
            aria-expanded={cfg.firstParty ? d.authOpen > 0 : undefined}
            data-testid="cta"
          >
            {s.cta}
          </button>
        </h3>
        {d.authOpen > 0 && <AuthForm />}
      </div>
    );
  }
  return (
    <div class="join">
      <h3 class="cta" data-testid="cta">
        {s.cta}
      </h3>
      <Composer
        label={s.yourComment}
        submitLabel={s.post}
        focus={d.focus?.id === MAIN_COMPOSER ? d.focus : null}
        onSubmit={(body) => d.post(body, null)}
      />
    </div>
  );
}
