import { ApiError } from '../api.js';
import { emit } from '../config.js';
import { useD } from '../context.js';
import { forgetSession } from '../session.js';
import { Lazy, chunks, useS } from '../lazy.js';

/** The signed-in reader's bar: "Signed in as X · My account · Sign out", then the notifications bell. */
export function Account() {
  const d = useD();
  const s = useS();
  const { user } = d;
  const signOut = () =>
    d.run(async () => {
      try {
        await d.req('POST', '/auth/logout');
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 401)) throw e; // already signed out server-side
      } finally {
        forgetSession(d.session);
        d.setUser(null);
        emit(d.cfg, 'onLogout');
      }
    });
  return (
    <div class="who">
      {s.signedInAs(user!.displayName)}{' '}
      {/* Agora's profile page: name, notifications, the reader's data download and deletion. */}
      <a class="link" href={`${d.cfg.api}/profile`} target="_blank" rel="noopener" data-testid="my-account">
        {s.myAccount}
      </a>{' '}
      <button type="button" class="link" onClick={signOut} data-testid="sign-out">
        {s.signOut}
      </button>
      <Lazy c={chunks.bell}>{(m) => <m.Bell />}</Lazy>
    </div>
  );
}
