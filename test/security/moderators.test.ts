/**
 * Issue 11, finding 8 (staff standing): a moderator could ban or pre-moderate a fellow moderator, although staff are
 * not the moderators' to silence. Only an admin changes a staff member's standing on a site.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { buildTestApp } from '../fixtures/server.js';
import { api, code, type Reader } from '../fixtures/moderation-http.js';

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let h: ReturnType<typeof api>;
let admin: Reader;
let modA: Reader;
let fellow: Reader;
let globalMod: Reader;
let otherSiteMod: Reader;
let commenter: Reader;

const standing = (who: Reader, userId: string, payload: Record<string, unknown>, lang = 'en') =>
  app.inject({ method: 'PATCH', url: `/api/v1/admin/moderation/sites/demo/users/${userId}`, headers: { ...who.auth, 'accept-language': lang }, payload });
const standingOf = async (userId: string) => deps.moderation.repo.standing('demo', userId);

before(async () => {
  ({ app, deps, close } = await buildTestApp());
  h = api(app, () => new URL(deps.config.publicUrl).origin, 'staffstanding');
  await deps.sites.createIfAbsent({ id: 'other', name: 'Other Paper', origins: ['https://other-staff.example'], lang: 'en' });
  deps.origins.invalidate();
  admin = await h.reader('Admin');
  await deps.moderation.staff.setRole(deps.db, admin.id, 'admin');
  globalMod = await h.reader('Global moderator');
  await deps.moderation.staff.setRole(deps.db, globalMod.id, 'moderator');
  modA = await h.reader('Moderator of demo');
  await deps.moderation.staff.addModerator(deps.db, 'demo', modA.id);
  fellow = await h.reader('Fellow moderator of demo');
  await deps.moderation.staff.addModerator(deps.db, 'demo', fellow.id);
  otherSiteMod = await h.reader('Moderator of another site');
  await deps.moderation.staff.addModerator(deps.db, 'other', otherSiteMod.id);
  commenter = await h.reader('Commenter');
});
after(async () => close());

describe('only an admin changes the standing of staff', () => {
  test('a site moderator cannot ban, suspend or pre-moderate a fellow moderator of the site, a global moderator or an admin', async () => {
    for (const target of [fellow, globalMod, admin]) {
      for (const change of [{ banned: true }, { premoderate: true }, { suspendHours: 24 }, { banned: true, hideComments: true }]) {
        const res = await standing(modA, target.id, change);
        assert.equal(res.statusCode, 403, `${target.name} ${JSON.stringify(change)}: ${res.body}`);
        assert.equal(code(res), 'STAFF_STANDING_ADMIN_ONLY');
      }
      assert.deepEqual(await standingOf(target.id), { banned: false, premoderate: false, suspendedUntil: null }, `${target.name} untouched`);
    }
    const fr = await standing(modA, fellow.id, { banned: true }, 'fr');
    assert.match(fr.json<{ error: { message: string } }>().error.message, /Seul un administrateur/);
  });

  test('a global moderator cannot either; an admin can, and the moderators keep their ordinary powers', async () => {
    assert.equal(code(await standing(globalMod, modA.id, { premoderate: true })), 'STAFF_STANDING_ADMIN_ONLY');
    const byAdmin = await standing(admin, fellow.id, { premoderate: true });
    assert.equal(byAdmin.statusCode, 200, byAdmin.body);
    assert.equal((await standingOf(fellow.id)).premoderate, true);
    assert.equal((await standing(admin, fellow.id, { premoderate: false })).statusCode, 200);
    const ordinary = await standing(modA, commenter.id, { banned: true });
    assert.equal(ordinary.statusCode, 200, ordinary.body);
    assert.equal((await standingOf(commenter.id)).banned, true);
  });

  test('a moderator of another site is an ordinary reader here', async () => {
    const res = await standing(modA, otherSiteMod.id, { premoderate: true });
    assert.equal(res.statusCode, 200, res.body);
  });
});
