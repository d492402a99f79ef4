import { useState } from 'preact/hooks';
import { useD } from '../context.js';
import { MAIN_COMPOSER } from '../useDiscussion.js';
import { AuthForm } from './AuthForm.js';
import { Composer } from './Composer.js';
import { Field } from './Field.js';

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
        {/* The proof of work needs WebCrypto, which plain-http pages do not have: no form that cannot work. */}
        {story?.guests && crypto.subtle && <Guest />}
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

/** "Comment without an account", then the composer with the guest's name and email (never shown). */
function Guest() {
  const d = useD();
  const { s } = d;
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" class="link" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="guest-toggle">
        {s.asGuest}
      </button>
      {open && (
        <Composer label={s.yourComment} submitLabel={s.post} onSubmit={(body, fields) => d.post(body, null, fields)}>
          <Field name="name" label={s.displayName} autoComplete="nickname" testid="guest-name" />
          <Field name="email" type="email" label={s.email} autoComplete="email" hint={s.emailNeverShown} testid="guest-email" />
        </Composer>
      )}
    </>
  );
}
