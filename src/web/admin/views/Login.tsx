import { useState } from 'preact/hooks';
import { admin } from '../api.js';
import { t } from '../i18n.js';

const value = (e: Event) => (e.target as HTMLInputElement).value;

/** Sign-in form for moderators and admins. */
export function Login({ onDone, error }: { onDone: (token: string) => void; error: string | null }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(error);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      onDone((await admin.login(email, password)).token);
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <main>
      <form class="panel" onSubmit={(e) => void submit(e)} style="max-width:26rem;margin:3rem auto">
        <h1>{t.consoleTitle}</h1>
        <label class="field">
          {t.email}
          <input type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(value(e))} />
        </label>
        <label class="field">
          {t.password}
          <input type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(value(e))} />
        </label>
        {problem && <p class="error" role="alert">{problem}</p>}
        <p>
          <button class="primary" type="submit">
            {t.signIn}
          </button>
        </p>
      </form>
    </main>
  );
}

/** First run: the setup token from the server log creates the first admin. */
export function Setup({ onDone }: { onDone: (token: string) => void }) {
  const [f, setF] = useState({ token: '', email: '', password: '', displayName: '' });
  const [problem, setProblem] = useState<string | null>(null);
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: value(e) });
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      onDone((await admin.setup(f)).token);
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <main>
      <form class="panel" onSubmit={(e) => void submit(e)} style="max-width:30rem;margin:3rem auto">
        <h1>{t.setupTitle}</h1>
        <p>{t.setupIntro}</p>
        <label class="field">
          {t.setupToken}
          <input required autocomplete="off" value={f.token} onInput={set('token')} />
        </label>
        <label class="field">
          {t.yourName}
          <input required value={f.displayName} onInput={set('displayName')} />
        </label>
        <label class="field">
          {t.email}
          <input type="email" required autocomplete="username" value={f.email} onInput={set('email')} />
        </label>
        <label class="field">
          {t.newPassword}
          <input type="password" required minLength={10} autocomplete="new-password" value={f.password} onInput={set('password')} />
        </label>
        {problem && <p class="error" role="alert">{problem}</p>}
        <p>
          <button class="primary" type="submit">
            {t.createAdmin}
          </button>
        </p>
      </form>
    </main>
  );
}
