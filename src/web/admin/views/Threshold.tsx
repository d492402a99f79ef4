import { useEffect, useState } from 'preact/hooks';
import { admin, type Settings } from '../api.js';
import { fmt, t } from '../i18n.js';

type Task = 'toxicity' | 'spam';
type Defaults = { toxicity: { fr: number; en: number }; spam: number };

/**
 * One score threshold, typed as a percentage (stored as 0–1), with the model's own default beside it and what it
 * would have caught over the last week (the server counts stored scores; nothing is re-run).
 */
export function ThresholdField(p: { siteId: string; s: Settings; task: Task; which: 'hold' | 'reject'; label: string; onChange: (v: number | null) => void }) {
  const value = p.s[p.task][p.which];
  const [preview, setPreview] = useState<{ scored: number; atOrAbove: number; days: number; modelDefault: Defaults } | null>(null);
  const modelDefault = preview?.modelDefault;
  const fallback = modelDefault ? (p.task === 'spam' ? modelDefault.spam : modelDefault.toxicity.fr) : null;
  const effective = value ?? (p.which === 'hold' ? fallback : null);
  useEffect(() => {
    const asked = effective ?? 0.5;
    const timer = setTimeout(() => void admin.thresholdPreview(p.siteId, p.task, asked).then(setPreview, () => setPreview(null)), 250);
    return () => clearTimeout(timer);
  }, [p.siteId, p.task, effective]);
  const id = `th-${p.task}-${p.which}`;
  const defaults = modelDefault ? (p.task === 'spam' ? fmt.percent(modelDefault.spam) : `${fmt.percent(modelDefault.toxicity.fr)} (fr), ${fmt.percent(modelDefault.toxicity.en)} (en)`) : '…';
  return (
    <div class="field">
      <label for={id}>{p.label}</label>
      <span class="pct">
        <input
          id={id}
          type="number"
          min={0}
          max={100}
          step={1}
          inputMode="numeric"
          placeholder={p.which === 'hold' ? t.modelDefault : t.never}
          value={value === null ? '' : Math.round(value * 100)}
          aria-describedby={`${id}-help`}
          onInput={(e) => {
            const v = (e.target as HTMLInputElement).value.trim();
            p.onChange(v === '' ? null : Math.min(100, Math.max(0, Number(v))) / 100);
          }}
        />{' '}
        %
      </span>
      <small id={`${id}-help`} data-testid={`${id}-help`}>
        {p.which === 'hold' ? t.modelDefaultIs(defaults) : t.emptyNever}
        {preview && effective !== null && <> {t.wouldHave(p.which === 'hold', preview.atOrAbove, preview.scored, preview.days)}</>}
      </small>
    </div>
  );
}
