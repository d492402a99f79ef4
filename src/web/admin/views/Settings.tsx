import { useEffect, useState } from 'preact/hooks';
import { admin, type Settings } from '../api.js';

const num = (e: Event) => Number((e.target as HTMLInputElement).value);
const optNum = (e: Event): number | null => {
  const v = (e.target as HTMLInputElement).value.trim();
  return v === '' ? null : Number(v);
};

/** The site's moderation settings: mode, links policy, thresholds, limits, auto-close; and retraining. */
export function SettingsView({ siteId }: { siteId: string }) {
  const [s, setS] = useState<Settings | null>(null);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const [training, setTraining] = useState(false);
  useEffect(() => {
    if (siteId) void admin.settings(siteId).then((r) => setS(r.settings), (e: Error) => setMsg({ ok: false, text: e.message }));
  }, [siteId]);
  if (!s) return <p>{msg?.text ?? 'Loading…'}</p>;
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      setS((await admin.saveSettings(siteId, s)).settings);
      setMsg({ ok: true, text: 'Saved.' });
    } catch (err) {
      setMsg({ ok: false, text: err instanceof Error ? err.message : String(err) });
    }
  };
  const retrain = async () => {
    setTraining(true);
    try {
      const r = await admin.retrain(siteId);
      const done = r.models.map((m) => `${m.task}: ${m.examples} decisions${m.agreementBefore !== null ? `, agreement on held-back decisions ${m.agreementBefore} → ${m.agreementAfter}` : ''}`);
      const skipped = r.skipped.map((m) => `${m.task}: ${m.examples} decisions (10 needed)`);
      setMsg({ ok: true, text: `${done.length ? `Retrained ${done.join('; ')}.` : 'No model retrained.'}${skipped.length ? ` Left as shipped: ${skipped.join('; ')}.` : ''}` });
    } catch (err) {
      setMsg({ ok: false, text: err instanceof Error ? err.message : String(err) });
    } finally {
      setTraining(false);
    }
  };
  const threshold = (which: 'toxicity' | 'spam', key: 'hold' | 'reject', label: string) => (
    <label class="field">
      {label}
      <input type="number" min={0} max={1} step={0.01} placeholder={key === 'hold' ? 'model default' : 'never'} value={s[which][key] ?? ''} onInput={(e) => setS({ ...s, [which]: { ...s[which], [key]: optNum(e) } })} />
    </label>
  );
  return (
    <form onSubmit={(e) => void save(e)}>
      <h1>Settings</h1>
      <div class="panel grid">
        <label class="field">
          Mode
          <select value={s.mode} onChange={(e) => setS({ ...s, mode: (e.target as HTMLSelectElement).value as Settings['mode'] })}>
            <option value="post">Post-moderation: publish unless a rule objects</option>
            <option value="pre">Pre-moderation: every comment waits</option>
          </select>
        </label>
        <label class="field">
          Links
          <select value={s.links} onChange={(e) => setS({ ...s, links: (e.target as HTMLSelectElement).value as Settings['links'] })}>
            <option value="allow">Allow</option>
            <option value="hold-new">Hold links from new accounts</option>
            <option value="hold-all">Hold every comment with a link</option>
            <option value="reject">Reject comments with links</option>
          </select>
        </label>
        <label class="field">
          New account: younger than (hours)
          <input type="number" min={0} value={s.newUserHours} onInput={(e) => setS({ ...s, newUserHours: num(e) })} />
        </label>
        <label class="field">
          …or fewer published comments than
          <input type="number" min={0} value={s.newUserComments} onInput={(e) => setS({ ...s, newUserComments: num(e) })} />
        </label>
        <label class="field">
          Hold each user’s first N comments (0: off)
          <input type="number" min={0} max={100} value={s.premoderateFirst} onInput={(e) => setS({ ...s, premoderateFirst: num(e) })} />
        </label>
        <label class="field">
          Close stories after N days (empty: never)
          <input type="number" min={1} value={s.autoCloseDays ?? ''} onInput={(e) => setS({ ...s, autoCloseDays: optNum(e) })} />
        </label>
        {threshold('toxicity', 'hold', 'Toxicity: hold at')}
        {threshold('toxicity', 'reject', 'Toxicity: reject at')}
        {threshold('spam', 'hold', 'Spam: hold at')}
        {threshold('spam', 'reject', 'Spam: reject at')}
        <label class="field">
          Rate: at most N comments per author…
          <input type="number" min={1} value={s.rate.max} onInput={(e) => setS({ ...s, rate: { ...s.rate, max: num(e) } })} />
        </label>
        <label class="field">
          …per window (seconds)
          <input type="number" min={1} value={s.rate.windowSeconds} onInput={(e) => setS({ ...s, rate: { ...s.rate, windowSeconds: num(e) } })} />
        </label>
        <label class="field">
          Flood: hold new accounts after N comments on a story…
          <input type="number" min={1} value={s.flood.max} onInput={(e) => setS({ ...s, flood: { ...s.flood, max: num(e) } })} />
        </label>
        <label class="field">
          …within (seconds)
          <input type="number" min={1} value={s.flood.windowSeconds} onInput={(e) => setS({ ...s, flood: { ...s.flood, windowSeconds: num(e) } })} />
        </label>
        <label class="field">
          Duplicate window (hours)
          <input type="number" min={0} value={s.duplicateHours} onInput={(e) => setS({ ...s, duplicateHours: num(e) })} />
        </label>
        <label class="field">
          Languages accepted
          <select
            value={s.languages ? s.languages.join(',') : ''}
            onChange={(e) => {
              const v = (e.target as HTMLSelectElement).value;
              setS({ ...s, languages: v ? (v.split(',') as ('fr' | 'en')[]) : null });
            }}
          >
            <option value="">Any</option>
            <option value="fr">French only</option>
            <option value="en">English only</option>
            <option value="fr,en">French and English</option>
          </select>
        </label>
      </div>
      <p class="actions">
        <button class="primary" type="submit">
          Save settings
        </button>
        <button type="button" onClick={() => void retrain()} disabled={training} data-testid="retrain">
          {training ? 'Retraining…' : 'Retrain models from our decisions'}
        </button>
      </p>
      {msg && (
        <p class={msg.ok ? 'ok' : 'error'} role="status">
          {msg.text}
        </p>
      )}
    </form>
  );
}
