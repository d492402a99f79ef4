import { useEffect, useState } from 'preact/hooks';
import { publisher, type Moderator } from '../api-publisher.js';
import { tp } from '../i18n-publisher.js';
import { FormStatus } from './dialogs.js';
import { failed, type Msg } from './publisher-parts.js';

/** The moderators of one site (admins): add an existing account by its email, remove one. */
export function Staff({ siteId, siteName }: { siteId: string; siteName: string }) {
  const [mods, setMods] = useState<Moderator[] | null>(null);
  const [email, setEmail] = useState('');
  const [msg, setMsg] = useState<Msg>(null);
  const load = () => void (siteId && publisher.moderators(siteId).then((r) => setMods(r.moderators), (e) => setMsg(failed(e))));
  useEffect(load, [siteId]);
  if (!siteId) return <p>{tp.pickSite}</p>;
  const add = async (e: Event) => {
    e.preventDefault();
    try {
      await publisher.addModerator(siteId, email.trim());
      setEmail('');
      setMsg({ ok: true, text: tp.moderatorAdded });
      load();
    } catch (err) {
      setMsg(failed(err));
    }
  };
  const remove = async (m: Moderator) => {
    try {
      await publisher.removeModerator(siteId, m.id);
      setMsg({ ok: true, text: tp.moderatorRemoved });
      load();
    } catch (err) {
      setMsg(failed(err));
    }
  };
  return (
    <>
      <h1>{tp.staffTitle(siteName)}</h1>
      <p>{tp.staffIntro}</p>
      {mods && mods.length === 0 && <p>{tp.noModerators}</p>}
      <ul data-testid="moderators">
        {mods?.map((m) => (
          <li key={m.id}>
            {m.displayName} {m.email && <span>({m.email})</span>}{' '}
            <button type="button" onClick={() => void remove(m)}>
              {tp.removeModerator(m.displayName)}
            </button>
          </li>
        ))}
      </ul>
      <form class="panel" onSubmit={(e) => void add(e)}>
        <label class="field">
          {tp.staffEmail}
          <input type="text" required autocomplete="off" value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
        </label>
        <p>
          <button class="primary" type="submit">
            {tp.addModerator}
          </button>
        </p>
        <FormStatus msg={msg} />
      </form>
    </>
  );
}
