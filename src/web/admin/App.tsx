import { useCallback, useEffect, useState } from 'preact/hooks';
import { admin, ApiError, session, type Me } from './api.js';
import { lang, t } from './i18n.js';
import { Audit } from './views/Audit.js';
import { Dashboard } from './views/Dashboard.js';
import { Login, Setup } from './views/Login.js';
import { Queue } from './views/Queue.js';
import { SettingsView } from './views/Settings.js';
import { Words } from './views/Words.js';
import { ModelQuality } from './views/ModelQuality.js';
import { tp } from './i18n-publisher.js';
import { Sites } from './views/Sites.js';
import { Staff } from './views/Staff.js';
import { Webhooks } from './views/Webhooks.js';

type View = 'dashboard' | 'queue' | 'settings' | 'words' | 'models' | 'audit' | 'sites' | 'webhooks' | 'staff';

/** The view named by the location hash: #/queue/pending, #/settings… (hash routing: the server serves one page). */
function route(): { view: View; arg: string } {
  const [, view = 'dashboard', arg = ''] = location.hash.split('/');
  const known: View[] = ['dashboard', 'queue', 'settings', 'words', 'models', 'audit', 'sites', 'webhooks', 'staff'];
  return { view: known.includes(view as View) ? (view as View) : 'dashboard', arg };
}

const NAV: [View, string, string][] = [
  ['dashboard', t.navDashboard, '#/dashboard'],
  ['queue', t.navQueues, '#/queue/pending'],
  ['settings', t.navSettings, '#/settings'],
  ['words', t.navWords, '#/words'],
  ['models', t.navModels, '#/models'],
  ['audit', t.navAudit, '#/audit'],
];
// Administrators only: the server refuses these to anyone else (issue 13: the one console).
const ADMIN_NAV: [View, string, string][] = [
  ['sites', tp.navSites, '#/sites'],
  ['webhooks', tp.navWebhooks, '#/webhooks'],
  ['staff', tp.navStaff, '#/staff'],
];

/** The console: signs the moderator in (or sets up the first admin), then shows the chosen view for the chosen site. */
export function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [where, setWhere] = useState(route);
  const [siteId, setSiteId] = useState<string>(() => localStorage.getItem('agora:admin-site') ?? '');

  const load = useCallback(async () => {
    try {
      const m = await admin.me();
      setMe(m);
      setError(null);
      if (m.sites.length && !m.sites.some((s) => s.id === siteId)) setSiteId(m.sites[0]?.id ?? '');
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
        if (e.status === 403) setError(t.notModerator);
        session.clear();
        setMe({ user: null, isAdmin: false, sites: [], needsSetup: false });
      } else setError(e instanceof Error ? e.message : String(e));
    }
  }, [siteId]);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t.brand;
    void load();
    const onHash = () => setWhere(route());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    if (siteId) localStorage.setItem('agora:admin-site', siteId);
  }, [siteId]);

  if (!me) return <main aria-busy="true">{error ? <p class="error">{error}</p> : <p>{t.loading}</p>}</main>;
  const signedIn = (token: string) => {
    session.set(token);
    void load();
  };
  if (!me.user) return me.needsSetup ? <Setup onDone={signedIn} /> : <Login onDone={signedIn} error={error} />;

  const signOut = async () => {
    await admin.logout().catch(() => undefined);
    session.clear();
    setMe({ user: null, isAdmin: false, sites: [], needsSetup: false });
  };

  return (
    <>
      <header class="top">
        <span class="brand">{t.brand}</span>
        <nav aria-label={t.brand}>
          {(me.isAdmin ? [...NAV, ...ADMIN_NAV] : NAV).map(([v, label, href]) => (
            <a key={v} href={href} aria-current={where.view === v ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <div class="who">
          <label class="visually-hidden" for="site">
            {t.site}
          </label>
          <select id="site" value={siteId} onChange={(e) => setSiteId((e.target as HTMLSelectElement).value)}>
            {me.sites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          <span class="hide-narrow">{me.user.displayName}</span>
          <button type="button" onClick={() => void signOut()}>
            {t.signOut}
          </button>
        </div>
      </header>
      <main>
        {where.view === 'dashboard' && <Dashboard siteId={siteId} />}
        {where.view === 'queue' && <Queue siteId={siteId} queue={where.arg} />}
        {where.view === 'settings' && <SettingsView siteId={siteId} />}
        {where.view === 'words' && <Words siteId={siteId} />}
        {where.view === 'models' && <ModelQuality siteId={siteId} />}
        {where.view === 'audit' && <Audit siteId={siteId} />}
        {where.view === 'sites' && (me.isAdmin ? <Sites arg={where.arg} onChanged={() => void load()} /> : <p>{tp.adminsOnly}</p>)}
        {where.view === 'webhooks' && (me.isAdmin ? <Webhooks siteId={where.arg || siteId} siteName={me.sites.find((s) => s.id === (where.arg || siteId))?.name ?? where.arg} /> : <p>{tp.adminsOnly}</p>)}
        {where.view === 'staff' && (me.isAdmin ? <Staff siteId={siteId} siteName={me.sites.find((s) => s.id === siteId)?.name ?? ''} /> : <p>{tp.adminsOnly}</p>)}
      </main>
    </>
  );
}
