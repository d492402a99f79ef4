import { useEffect, useState } from 'preact/hooks';
import { admin, type Settings } from '../api.js';
import { t } from '../i18n.js';
import { FormStatus } from './dialogs.js';
import { ThresholdField } from './Threshold.js';

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
  if (!s) return <p>{msg?.text ?? t.loading}</p>;
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      setS((await admin.saveSettings(siteId, s)).settings);
      setMsg({ ok: true, text: t.saved });
    } catch (err) {
      setMsg({ ok: false, text: err instanceof Error ? err.message : String(err) });
    }
  };
  const retrain = async () => {
    setTraining(true);
    try {
      const r = await admin.retrain(siteId);
      const done = r.models.map((m) => `${m.task}: ${t.decisions(m.examples)}${m.agreementBefore !== null && m.agreementAfter !== null ? t.agreement(m.agreementBefore, m.agreementAfter) : ''}`);
      const skipped = r.skipped.map((m) => `${m.task}: ${t.needed(m.examples)}`);
      setMsg({ ok: true, text: `${done.length ? t.retrained(done.join('; ')) : t.noRetrain}${skipped.length ? t.leftAsShipped(skipped.join('; ')) : ''}` });
    } catch (err) {
      setMsg({ ok: false, text: err instanceof Error ? err.message : String(err) });
    } finally {
      setTraining(false);
    }
  };
  const threshold = (which: 'toxicity' | 'spam', key: 'hold' | 'reject', label: string) => (
    <ThresholdField siteId={siteId} s={s} task={which} which={key} label={label} onChange={(v) => setS({ ...s, [which]: { ...s[which], [key]: v } })} />
  );
  const group = (title: string, help: string) => (
    <legend>
      {title}
      <small>{help}</small>
    </legend>
  );
  return (
    <form onSubmit={(e) => void save(e)}>
      <h1>{t.settings}</h1>
      <fieldset class="panel grid">
        {group(t.groupWho, t.groupWhoHelp)}
        <label class="field">
          {t.mode}
          <select value={s.mode} onChange={(e) => setS({ ...s, mode: (e.target as HTMLSelectElement).value as Settings['mode'] })}>
            <option value="post">{t.modePost}</option>
            <option value="pre">{t.modePre}</option>
          </select>
        </label>
        <label class="field">
          {t.links}
          <select value={s.links} onChange={(e) => setS({ ...s, links: (e.target as HTMLSelectElement).value as Settings['links'] })}>
            <option value="allow">{t.linksAllow}</option>
            <option value="hold-new">{t.linksHoldNew}</option>
            <option value="hold-all">{t.linksHoldAll}</option>
            <option value="reject">{t.linksReject}</option>
          </select>
        </label>
        <label class="field">
          {t.newHours}
          <input type="number" min={0} value={s.newUserHours} onInput={(e) => setS({ ...s, newUserHours: num(e) })} />
        </label>
        <label class="field">
          {t.newComments}
          <input type="number" min={0} value={s.newUserComments} onInput={(e) => setS({ ...s, newUserComments: num(e) })} />
        </label>
        <label class="field">
          {t.firstN}
          <input type="number" min={0} max={100} value={s.premoderateFirst} onInput={(e) => setS({ ...s, premoderateFirst: num(e) })} />
        </label>
      </fieldset>
      <fieldset class="panel grid">
        {group(t.groupScores, t.groupScoresHelp)}
        {threshold('toxicity', 'hold', t.toxHold)}
        {threshold('toxicity', 'reject', t.toxReject)}
        {threshold('spam', 'hold', t.spamHold)}
        {threshold('spam', 'reject', t.spamReject)}
      </fieldset>
      <fieldset class="panel grid">
        {group(t.groupLimits, t.groupLimitsHelp)}
        <label class="field">
          {t.autoClose}
          <input type="number" min={1} value={s.autoCloseDays ?? ''} onInput={(e) => setS({ ...s, autoCloseDays: optNum(e) })} />
        </label>
        <label class="field">
          {t.rateMax}
          <input type="number" min={1} value={s.rate.max} onInput={(e) => setS({ ...s, rate: { ...s.rate, max: num(e) } })} />
        </label>
        <label class="field">
          {t.rateWindow}
          <input type="number" min={1} value={s.rate.windowSeconds} onInput={(e) => setS({ ...s, rate: { ...s.rate, windowSeconds: num(e) } })} />
        </label>
        <label class="field">
          {t.floodMax}
          <input type="number" min={1} value={s.flood.max} onInput={(e) => setS({ ...s, flood: { ...s.flood, max: num(e) } })} />
        </label>
        <label class="field">
          {t.floodWindow}
          <input type="number" min={1} value={s.flood.windowSeconds} onInput={(e) => setS({ ...s, flood: { ...s.flood, windowSeconds: num(e) } })} />
        </label>
        <label class="field">
          {t.duplicateHours}
          <input type="number" min={0} value={s.duplicateHours} onInput={(e) => setS({ ...s, duplicateHours: num(e) })} />
        </label>
        <label class="field">
          {t.languages}
          <select
            value={s.languages ? s.languages.join(',') : ''}
            onChange={(e) => {
              const v = (e.target as HTMLSelectElement).value;
              setS({ ...s, languages: v ? (v.split(',') as ('fr' | 'en')[]) : null });
            }}
          >
            <option value="">{t.langAny}</option>
            <option value="fr">{t.langFr}</option>
            <option value="en">{t.langEn}</option>
            <option value="fr,en">{t.langBoth}</option>
          </select>
        </label>
      </fieldset>
      <p class="actions">
        <button class="primary" type="submit">
          {t.saveSettings}
        </button>
        <button type="button" onClick={() => void retrain()} disabled={training} data-testid="retrain">
          {training ? t.retraining : t.retrain}
        </button>
      </p>
      <FormStatus msg={msg} />
    </form>
  );
}
