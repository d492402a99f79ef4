import type { Db } from '../storage/db.js';
import { loadClassifiers, type Classifiers, type ModelFile, type ModelTask } from './classifiers/index.js';
import type { Scorer } from './context.js';

/** How long a node trusts its copy of a site's retrained models before checking the database for a newer one. */
const RECHECK_MS = 30_000;

/**
 * The classifiers of each site: the shipped models, or the site's retrained ones when it has some. Loaded once and
 * cached per site; another node's retrain is picked up within RECHECK_MS.
 */
export function scorerSource(db: Db, opts: { modelsDir?: string } = {}) {
  let base: Promise<Classifiers> | undefined;
  const perSite = new Map<string, { stamp: string; checkedAt: number; classifiers: Promise<Classifiers> }>();
  // Sites found without models of their own, and when: the shipped models serve them until the next check.
  const noModels = new Map<string, number>();

  async function stampOf(siteId: string): Promise<{ stamp: string; rows: { task: string; model: string }[] } | null> {
    const rows = await db.selectFrom('moderation_models').select(['task', 'model', 'trained_at']).where('site_id', '=', siteId).execute();
    if (rows.length === 0) return null;
    return { stamp: rows.map((r) => `${r.task}@${r.trained_at}`).sort().join(','), rows };
  }

  return {
    /** The shipped models, shared by every site without models of its own. */
    base(): Promise<Classifiers> {
      base ??= loadClassifiers(opts.modelsDir ? { modelsDir: opts.modelsDir } : {});
      return base;
    },
    /** The classifiers a site's comments are scored with. */
    async forSite(siteId: string): Promise<Scorer & Classifiers> {
      const cached = perSite.get(siteId);
      if (cached && Date.now() - cached.checkedAt < RECHECK_MS) return cached.classifiers;
      const none = noModels.get(siteId);
      if (none !== undefined && Date.now() - none < RECHECK_MS) return this.base();
      const found = await stampOf(siteId);
      if (!found) {
        perSite.delete(siteId);
        noModels.set(siteId, Date.now());
        return this.base();
      }
      noModels.delete(siteId);
      if (cached && cached.stamp === found.stamp) {
        cached.checkedAt = Date.now();
        return cached.classifiers;
      }
      const overrides: Partial<Record<ModelTask, ModelFile>> = {};
      for (const r of found.rows) overrides[r.task as ModelTask] = JSON.parse(r.model) as ModelFile;
      const classifiers = loadClassifiers({ ...(opts.modelsDir ? { modelsDir: opts.modelsDir } : {}), overrides });
      perSite.set(siteId, { stamp: found.stamp, checkedAt: Date.now(), classifiers });
      return classifiers;
    },
    /** Forgets a site's cached models (after a retrain on this node). */
    invalidate(siteId: string): void {
      perSite.delete(siteId);
      noModels.delete(siteId);
    },
  };
}
export type ScorerSource = ReturnType<typeof scorerSource>;
