import { useEffect, useState } from 'preact/hooks';
import { call } from '../api.js';
import { lang } from '../i18n.js';

interface Figures {
  holdPrecision: number | null;
  missedRejections: number | null;
}
interface ModelRow {
  task: string;
  decisions: number;
  rejected: number;
  shipped: Figures;
  site: (Figures & { trainedAt: string; examples: number }) | null;
}

// Kept here rather than in the shared i18n file so that this view merges without conflicts (issue 15, point 3).
const S = {
  en: {
    title: 'Model quality',
    intro: 'How each model would have decided your last decisions: precision of its holds, and the share of comments you rejected that it would have let through.',
    model: 'Model',
    decisions: 'Decisions (rejected)',
    shipped: 'Shipped model',
    site: 'Your site’s model',
    none: 'not trained yet',
    holds: 'holds right',
    missed: 'rejections missed',
    note: 'Your model learnt from most of these decisions, so its figures are optimistic; retraining reports agreement on decisions it did not see.',
  },
  fr: {
    title: 'Qualité des modèles',
    intro: 'Comment chaque modèle aurait tranché vos dernières décisions : justesse de ses mises en attente, et part des commentaires que vous avez refusés qu’il aurait laissés passer.',
    model: 'Modèle',
    decisions: 'Décisions (refusées)',
    shipped: 'Modèle livré',
    site: 'Modèle de votre site',
    none: 'pas encore entraîné',
    holds: 'attentes justes',
    missed: 'refus manqués',
    note: 'Votre modèle a appris de la plupart de ces décisions : ses chiffres sont optimistes ; le réentraînement mesure l’accord sur des décisions qu’il n’a pas vues.',
  },
} as const;

const pct = (x: number | null) => (x === null ? '–' : `${Math.round(x * 100)} %`);
const cell = (f: Figures, s: (typeof S)['en' | 'fr']) => `${pct(f.holdPrecision)} ${s.holds} · ${pct(f.missedRejections)} ${s.missed}`;

/** Per site: the shipped model against the site's own on the last decisions (read-only; retraining is a job). */
export function ModelQuality({ siteId }: { siteId: string }) {
  const s = S[lang === 'fr' ? 'fr' : 'en'];
  const [rows, setRows] = useState<ModelRow[]>([]);
  useEffect(() => {
    if (!siteId) return;
    void call<{ models: ModelRow[] }>('GET', `/api/v1/admin/moderation/sites/${encodeURIComponent(siteId)}/model-quality?last=200`).then((r) => setRows(r.models));
  }, [siteId]);
  return (
    <section>
      <h1>{s.title}</h1>
      <p>{s.intro}</p>
      <table data-testid="model-quality">
        <thead>
          <tr>
            <th>{s.model}</th>
            <th>{s.decisions}</th>
            <th>{s.shipped}</th>
            <th>{s.site}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.task}>
              <td>{r.task}</td>
              <td>
                {r.decisions} ({r.rejected})
              </td>
              <td>{cell(r.shipped, s)}</td>
              <td>{r.site ? cell(r.site, s) : s.none}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>{s.note}</p>
    </section>
  );
}
