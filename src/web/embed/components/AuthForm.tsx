import { useEffect, useRef, useState } from '../hooks.js';
import { FormStyle } from './FormStyle.js';
import { useD, useUid } from '../context.js';
import { useS } from '../lazy.js';
import { metaCsrf } from '../session.js';
import type { AuthResult } from '../types.js';
import { MAIN_COMPOSER } from '../useDiscussion.js';
import { Field } from './Field.js';

/** Inline sign-in / sign-up form, first-party (cookie) mode only; third-party pages use the popup. */
export function AuthForm() {
  const d = useD();
  const s = useS();
  const [signup, setSignup] = useState(false);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const titleId = useUid();

  // Each request to sign in (CTA, Reply, Respect…) brings the reader to the form's first field.
  useEffect(() => form.current?.querySelector('input')?.focus(), [d.authOpen, signup]);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    const fields: Record<string, string> = {};
    new FormData(e.currentTarget as HTMLFormElement).forEach((v, k) => (fields[k] = String(v)));
    setBusy(true);
    await d.run(async () => {
      const r = await d.req<AuthResult>('POST', signup ? '/auth/signup' : '/auth/login', fields);
      // First-party only: the HttpOnly cookie is the credential; the bearer token in `r` is deliberately not kept.
      d.session.csrf = r.csrfToken ?? metaCsrf();
      d.setAuthOpen(0);
      d.setUser(r.user);
      // Back to the comment whose Reply, Respect or Report asked for sign-in, else to the composer.
      d.setFocus({ id: d.pending.current?.id ?? MAIN_COMPOSER });
    });
    setBusy(false);
  }

  // Keys keep each input bound to its own DOM node when the name field appears above them.
  return (
    <form ref={form} class="box" onSubmit={submit} aria-labelledby={titleId}>
      <FormStyle />
      <h4 id={titleId}>{signup ? s.signUp : s.signInTitle}</h4>
      {signup && (
        <Field key="n" name="displayName" label={s.displayName} autoComplete="nickname" testid="auth-name" />
      )}
      <Field
        key="e"
        name="email"
        type="email"
        label={s.email}
        autoComplete="email"
        testid="auth-email"
      />
      <Field
        key="p"
        name="password"
        type="password"
        label={s.password}
        autoComplete={signup ? 'new-password' : 'current-password'}
        minLength={signup ? 10 : undefined}
        hint={signup ? s.passwordHint : undefined}
        testid="auth-password"
      />
      <div class="row">
        <button type="submit" class="primary" data-testid="auth-submit">
          {signup ? s.signUp : s.signIn}
        </button>
        <button type="button" class="link" onClick={() => setSignup(!signup)} data-testid="auth-toggle">
          {signup ? s.haveAccount : s.noAccount}
        </button>
      </div>
      {/* Agora's own reset page (issue 12); the words stay here so the shared catalog is not grown for one link. */}
      {!signup && <a href={`${d.cfg.api}/auth/forgot?lang=${d.cfg.lang}`} target="_blank" rel="noopener" data-testid="auth-forgot">{d.cfg.lang === 'fr' ? 'Mot de passe oublié ?' : 'Forgot password?'}</a>}
    </form>
  );
}
