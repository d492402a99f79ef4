// Model quality per site (issue 15, point 3): shipped vs site model on the site's last moderator decisions.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deps } from '../../src/server/deps.js';
import { modelQuality } from '../../src/server/moderation/model-quality.js';
import { buildTestApp } from '../fixtures/server.js';

let deps: Deps;
let close: () => Promise<void>;

before(async () => {
  ({ deps, close } = await buildTestApp());
});
after(async () => close());

test('figures for the shipped model on the last decisions; no site model until a retrain', async () => {
  const site = await deps.db.selectFrom('sites').select('id').executeTakeFirstOrThrow();
  const rows = [
    ['Espèce de connard, ferme ta gueule', 'toxic'],
    ['Sale enfoiré, tu mérites de crever', 'toxic'],
    ['Merci pour cet article très clair sur le budget', 'approved'],
    ['Le maire a raison, les travaux étaient nécessaires', 'approved'],
    ['Gagnez 500 € par jour, lien dans mon profil', 'spam'],
  ] as const;
  let i = 0;
  for (const [text, kind] of rows) {
    i++;
    await deps.db
      .insertInto('moderation_examples')
      .values({ site_id: site.id, comment_id: `q${i}`, text, lang: 'fr', label: kind === 'approved' ? 0 : 1, kind, created_at: `2026-12-03T10:00:0${i}.000Z` })
      .execute();
  }
  const q = await modelQuality(deps.db, site.id, 50);
  const fr = q.find((m) => m.task === 'toxicity-fr');
  assert.ok(fr);
  assert.equal(fr.decisions, 4);
  assert.equal(fr.rejected, 2);
  assert.equal(fr.shipped.holdPrecision, 1);
  assert.equal(fr.shipped.missedRejections, 0);
  assert.equal(fr.site, null);
  const spam = q.find((m) => m.task === 'spam');
  assert.equal(spam?.decisions, 3);
  assert.equal(spam?.rejected, 1);
});
