import { useEffect, useState } from 'preact/hooks';
import { publisher, type Provider, type Site, type SitePatch } from '../api-publisher.js';
import { tp } from '../i18n-publisher.js';
import { FormStatus } from './dialogs.js';
import { failed, RotateButton, Secret, type Msg } from './publisher-parts.js';

const lines = (s: string) => s.split(/[\s,]+/).map((l) => l.trim()).filter(Boolean);
const value = (e: Event) => (e.target as HTMLInputElement).value;
const checked = (e: Event) => (e.target as HTMLInputElement).checked;

/** Every site (admins): a list leading to each site's settings, and a form for a new one. */
export function Sites({ arg, onChanged }: { arg: string; onChanged: () => void }) {
  const [sites, setSites] = useState<Site[] | null>(null);
  const [msg, setMsg] = useState<Msg>(null);
  const [draft, setDraft] = useState({ id: '', name: '', origins: '', lang: 'fr' });
  const load = () => void publisher.sites().then((r) => setSites(r.sites), (e) => setMsg(failed(e)));
  useEffect(load, [arg]);
  if (arg) return <SiteEditor siteId={arg} onChanged={onChanged} />;
  const create = async (e: Event) => {
    e.preventDefault();
    try {
      const { site } = await publisher.createSite({ id: draft.id, name: draft.name || draft.id, origins: lines(draft.origins), lang: draft.lang });
      onChanged();
      location.hash = `#/sites/${site.id}`;
    } catch (err) {
      // What was typed stays in the form, to be corrected.
      setMsg(failed(err));
    }
  };
  return (
    <>
      <h1>{tp.sitesTitle}</h1>
      <p>{tp.sitesIntro}</p>
      <ul>
        {sites?.map((s) => (
          <li key={s.id}>
            <a href={`#/sites/${s.id}`}>{s.name}</a> <code>{s.id}</code> — {s.origins.join(', ')}
          </li>
        ))}
      </ul>
      <form class="panel" onSubmit={(e) => void create(e)} data-testid="new-site">
        <h2>{tp.newSite}</h2>
        <div class="grid">
          <label class="field">
            {tp.siteId}
            <input required value={draft.id} onInput={(e) => setDraft({ ...draft, id: value(e) })} />
          </label>
          <label class="field">
            {tp.siteName}
            <input value={draft.name} onInput={(e) => setDraft({ ...draft, name: value(e) })} />
          </label>
          <label class="field">
            {tp.language}
            <select value={draft.lang} onChange={(e) => setDraft({ ...draft, lang: value(e) })}>
              <option value="fr">{tp.langFr}</option>
              <option value="en">{tp.langEn}</option>
            </select>
          </label>
        </div>
        <label class="field">
          {tp.origins}
          <textarea rows={2} value={draft.origins} onInput={(e) => setDraft({ ...draft, origins: value(e) })} />
        </label>
        <p>
          <button class="primary" type="submit">
            {tp.create}
          </button>
        </p>
        <FormStatus msg={msg} />
      </form>
    </>
  );
}

/** One site's settings, its single sign-on secret and its sign-in providers. */
function SiteEditor({ siteId, onChanged }: { siteId: string; onChanged: () => void }) {
  const [site, setSite] = useState<Site | null>(null);
  const [secret, setSecret] = useState('');
  const [form, setForm] = useState<{ name: string; origins: string; lang: string; jwks: string }>({ name: '', origins: '', lang: 'fr', jwks: '' });
  const [msg, setMsg] = useState<Msg>(null);
  const [secretMsg, setSecretMsg] = useState<Msg>(null);
  const show = (s: Site) => {
    setSite(s);
    setForm({ name: s.name, origins: s.origins.join('\n'), lang: s.lang, jwks: s.settings.sso.jwksUrl ?? '' });
  };
  useEffect(() => {
    void publisher.site(siteId).then((r) => (show(r.site), setSecret(r.ssoSecret)), (e) => setMsg(failed(e)));
  }, [siteId]);
  if (!site) return msg ? <FormStatus msg={msg} /> : <p aria-busy="true">…</p>;
  const patch = (p: SitePatch) => setSite({ ...site, ...(p.accounts ? { accounts: p.accounts } : {}), settings: { ...site.settings, localAccounts: p.settings?.localAccounts ?? site.settings.localAccounts, guests: { ...site.settings.guests, ...p.settings?.guests } } });
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      const s = site.settings;
      const r = await publisher.updateSite(siteId, {
        name: form.name,
        origins: lines(form.origins),
        lang: form.lang,
        settings: { localAccounts: s.localAccounts, guests: { enabled: s.guests.enabled, holdForReview: s.guests.holdForReview }, sso: { jwksUrl: form.jwks.trim() || null } },
        accounts: { requireVerifiedEmail: site.accounts?.requireVerifiedEmail ?? false },
      });
      show(r.site);
      onChanged();
      setMsg({ ok: true, text: tp.saved });
    } catch (err) {
      setMsg(failed(err));
    }
  };
  const box = (label: string, on: boolean, change: (v: boolean) => void) => (
    <label>
      <input type="checkbox" checked={on} onChange={(e) => change(checked(e))} /> {label}
    </label>
  );
  return (
    <>
      <p>
        <a href="#/sites">← {tp.sitesTitle}</a>
      </p>
      <h1>{site.name}</h1>
      <form class="panel" onSubmit={(e) => void save(e)} data-testid="site-form">
        <div class="grid">
          <label class="field">
            {tp.siteName}
            <input value={form.name} onInput={(e) => setForm({ ...form, name: value(e) })} />
          </label>
          <label class="field">
            {tp.language}
            <select value={form.lang} onChange={(e) => setForm({ ...form, lang: value(e) })}>
              <option value="fr">{tp.langFr}</option>
              <option value="en">{tp.langEn}</option>
            </select>
          </label>
        </div>
        <label class="field">
          {tp.origins}
          <textarea rows={3} value={form.origins} onInput={(e) => setForm({ ...form, origins: value(e) })} data-testid="origins" />
        </label>
        <fieldset>
          <legend>{tp.signIn}</legend>
          <div class="grid">
            {box(tp.localAccounts, site.settings.localAccounts, (v) => patch({ settings: { localAccounts: v } }))}
            {box(tp.requireVerified, site.accounts?.requireVerifiedEmail ?? false, (v) => patch({ accounts: { requireVerifiedEmail: v } }))}
            {box(tp.guests, site.settings.guests.enabled, (v) => patch({ settings: { guests: { enabled: v } } }))}
            {box(tp.guestsHold, site.settings.guests.holdForReview, (v) => patch({ settings: { guests: { holdForReview: v } } }))}
          </div>
          <label class="field">
            {tp.jwksUrl}
            <input type="url" value={form.jwks} onInput={(e) => setForm({ ...form, jwks: value(e) })} />
          </label>
        </fieldset>
        <p>
          <button class="primary" type="submit">
            {tp.save}
          </button>
        </p>
        <FormStatus msg={msg} />
      </form>
      <section class="panel" aria-labelledby="sso-h">
        <h2 id="sso-h">{tp.ssoSecret}</h2>
        <p>
          <Secret label={tp.ssoSecret} value={secret} testId="sso-secret" />
        </p>
        <RotateButton
          warning={tp.rotateSsoWarn}
          onConfirm={async () => {
            try {
              setSecret((await publisher.rotateSso(siteId)).ssoSecret);
              setSecretMsg({ ok: true, text: tp.rotated });
            } catch (err) {
              setSecretMsg(failed(err));
            }
          }}
        />
        <FormStatus msg={secretMsg} />
      </section>
      <Providers siteId={siteId} />
    </>
  );
}

/** A site's OpenID Connect providers: a preset (Google, Microsoft) or any issuer; secrets shown by their last characters. */
function Providers({ siteId }: { siteId: string }) {
  const [list, setList] = useState<{ providers: Provider[]; redirectUri: string } | null>(null);
  const [draft, setDraft] = useState({ preset: 'google', issuer: '', label: '', slug: '', clientId: '', clientSecret: '' });
  const [msg, setMsg] = useState<Msg>(null);
  const load = () => void publisher.providers(siteId).then(setList, (e) => setMsg(failed(e)));
  useEffect(load, [siteId]);
  const add = async (e: Event) => {
    e.preventDefault();
    try {
      const d = draft;
      const preset = d.preset === 'google' || d.preset === 'microsoft' ? d.preset : undefined;
      await publisher.addProvider(siteId, { ...(preset ? { preset } : { issuer: d.issuer, label: d.label, slug: d.slug }), clientId: d.clientId, clientSecret: d.clientSecret });
      setDraft({ ...draft, clientId: '', clientSecret: '' });
      setMsg({ ok: true, text: tp.saved });
      load();
    } catch (err) {
      setMsg(failed(err));
    }
  };
  const field = (k: keyof typeof draft, label: string, type = 'text') => (
    <label class="field">
      {label}
      <input type={type} required value={draft[k]} onInput={(e) => setDraft({ ...draft, [k]: value(e) })} autocomplete="off" />
    </label>
  );
  return (
    <section class="panel" aria-labelledby="oidc-h">
      <h2 id="oidc-h">{tp.providers}</h2>
      {list && <p>{tp.redirectUri(list.redirectUri)}</p>}
      {list && list.providers.length === 0 && <p>{tp.noProviders}</p>}
      <ul>
        {list?.providers.map((p) => (
          <li key={p.slug}>
            {p.label} <code>{p.slug}</code> — {p.issuer} — {tp.secretHint(p.clientSecretHint)}{' '}
            <button type="button" onClick={() => void publisher.removeProvider(siteId, p.slug).then(load, (e) => setMsg(failed(e)))}>
              {tp.removeProvider(p.label)}
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={(e) => void add(e)}>
        <div class="grid">
          <label class="field">
            {tp.preset}
            <select value={draft.preset} onChange={(e) => setDraft({ ...draft, preset: value(e) })}>
              <option value="google">Google</option>
              <option value="microsoft">Microsoft</option>
              <option value="other">{tp.presetOther}</option>
            </select>
          </label>
          {draft.preset === 'other' && field('issuer', tp.issuer, 'url')}
          {draft.preset === 'other' && field('label', tp.label)}
          {draft.preset === 'other' && field('slug', tp.slug)}
          {field('clientId', tp.clientId)}
          {field('clientSecret', tp.clientSecret, 'password')}
        </div>
        <p>
          <button type="submit">{tp.addProvider}</button>
        </p>
        <FormStatus msg={msg} />
      </form>
    </section>
  );
}
