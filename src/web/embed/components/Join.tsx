import { useState } from '../hooks.js';
import { useD } from '../context.js';
import { Lazy, chunks } from '../lazy.js';
import { MAIN_COMPOSER } from '../useDiscussion.js';

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
        {d.authOpen > 0 && <Lazy c={chunks.auth}>{(m) => <m.AuthForm />}</Lazy>}
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
      <Lazy c={chunks.composer}>
        {(m) => (
          <m.Composer
            kind="comment"
            focus={d.focus?.id === MAIN_COMPOSER ? d.focus : null}
            onSubmit={(body) => m.post(d, body, null)}
          />
        )}
      </Lazy>
    </div>
  );
}

/** "Comment without an account", then the guest's form (a chunk of its own). */
function Guest() {
  const { s } = useD();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" class="link" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="guest-toggle">
        {s.asGuest}
      </button>
      {open && <Lazy c={chunks.guest}>{(m) => <m.GuestForm />}</Lazy>}
    </>
  );
}
