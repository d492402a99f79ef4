import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Deps } from '../../src/server/deps.js';
import { hasLosses, importFile } from '../../src/server/portability/import/importer.js';
import { wordpressFormat } from '../../src/server/portability/import/wordpress.js';
import { buildTestApp } from '../fixtures/server.js';

// Several sites, one database: imported ids are scoped by site, "already imported" means this site has it from this
// source, and rows written before ids were scoped keep their ids.

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/import/${name}`, import.meta.url));
const SELF_HOSTED = fixture('wxr-1.1-selfhosted.xml');
const WORDPRESS_COM = fixture('wxr-1.2-wordpress-com.xml');

let deps: Deps;
let close: () => Promise<void>;

before(async () => {
  ({ deps, close } = await buildTestApp());
  for (const id of ['a', 'b', 'c', 'legacy', 'legacy-other', 'dry']) await deps.sites.createIfAbsent({ id, name: id, origins: ['https://carnet.example.org', 'https://marin.example.net'], lang: 'en' });
});
after(() => close());

const run = (path: string, siteId: string, dryRun = false) => importFile({ db: deps.db, siteId, path, format: wordpressFormat, dryRun });
const countOf = async (table: 'comments' | 'stories' | 'users' | 'user_identities' | 'meta' | 'moderation_audit', siteId?: string) => {
  let q = deps.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n'));
  if (siteId && table !== 'users' && table !== 'meta') q = q.where('site_id' as never, '=', siteId as never);
  return Number((await q.executeTakeFirstOrThrow()).n);
};

describe('imports into several sites of one database', () => {
  test('two blogs whose comment ids overlap, each into its own site: both complete, and each re-run adds nothing', async () => {
    const first = await run(SELF_HOSTED, 'a');
    const second = await run(WORDPRESS_COM, 'b');
    assert.deepEqual([first.comments.imported, first.comments.alreadyImported, first.conflicts], [26, 0, {}]);
    assert.deepEqual([second.comments.imported, second.comments.alreadyImported, second.conflicts], [8, 0, {}], 'nothing of site a stands in the way');
    assert.deepEqual([await countOf('comments', 'a'), await countOf('comments', 'b')], [26, 8]);
    // The same source id in two sites is two comments with two ids.
    const one = await deps.db.selectFrom('comments').select(['id', 'site_id']).where('external_id', '=', 'wordpress:1').orderBy('site_id').execute();
    assert.deepEqual(
      one.map((r) => r.site_id),
      ['a', 'b'],
    );
    assert.notEqual(one[0]?.id, one[1]?.id);

    const users = await countOf('users');
    for (const [path, site, n] of [
      [SELF_HOSTED, 'a', 26],
      [WORDPRESS_COM, 'b', 8],
    ] as const) {
      const again = await run(path, site);
      assert.deepEqual([again.comments.imported, again.comments.alreadyImported, again.stories.created, again.users.created, again.conflicts], [0, n, 0, 0, {}]);
    }
    assert.deepEqual([await countOf('comments', 'a'), await countOf('comments', 'b'), await countOf('users')], [26, 8, users]);
  });

  test('the same file into a third site is complete too: ids are derived from the site and the source id', async () => {
    const s = await run(WORDPRESS_COM, 'c');
    assert.deepEqual([s.comments.imported, s.comments.alreadyImported], [8, 0]);
  });

  test('a second blog into a site that already has a blog: the comments whose ids are taken are conflicts, named and counted, never "already imported"', async () => {
    const s = await run(WORDPRESS_COM, 'a');
    assert.equal(s.comments.alreadyImported, 0);
    assert.equal(s.comments.imported, 0);
    assert.equal(s.conflicts.otherComment?.count, 8);
    assert.deepEqual(s.conflicts.otherComment?.ids, ['1', '2', '3', '4', '7', '8', '9', '10']);
    assert.equal(hasLosses(s), true, 'the command line exits non-zero on this');
    assert.equal(await countOf('comments', 'a'), 26, 'the first blog is untouched');
  });

  test('comments imported before ids were scoped by site keep their ids; re-running the old import adds only what is new, under them', async () => {
    // What the importer wrote before: ids derived from the external id alone, with the database's salt.
    await deps.db.insertInto('meta').values({ key: 'import_id_salt', value: 'legacy-test-salt' }).onConflict((oc) => oc.column('key').doNothing()).execute();
    const salt = (await deps.db.selectFrom('meta').select('value').where('key', '=', 'import_id_salt').executeTakeFirstOrThrow()).value;
    const legacyId = (externalId: string) => createHmac('sha256', salt).update(externalId).digest('base64url').slice(0, 16);
    const at = '2022-04-10T09:00:00.000Z';
    await deps.db.insertInto('stories').values({ id: 'legacy-story', site_id: 'legacy', url: 'https://marin.example.net/2022/04/10/harbour-photos/', title: 'Harbour photos', lang: 'en', closed: 0, created_at: at }).execute();
    await deps.db.insertInto('stories').values({ id: 'legacy-members', site_id: 'legacy', url: 'https://marin.example.net/2022/05/01/members/', title: 'Members', lang: 'en', closed: 0, created_at: at }).execute();
    await deps.db.insertInto('users').values({ id: 'legacy-sam', email: null, display_name: 'Sam', password_hash: null, role: 'commenter', created_at: at }).execute();
    // Comment 8 is on the password-protected post: the old importer published it.
    const old = [
      { key: '1', parent: null, created: '2022-04-10T10:00:00.000Z', story: 'legacy-story' },
      { key: '2', parent: '1', created: '2022-04-10T11:00:00.000Z', story: 'legacy-story' },
      { key: '8', parent: null, created: '2022-05-01T10:00:00.000Z', story: 'legacy-members' },
    ];
    for (const c of old) {
      const parentId = c.parent ? legacyId(`wordpress:${c.parent}`) : null;
      await deps.db
        .insertInto('comments')
        .values({
          id: legacyId(`wordpress:${c.key}`),
          site_id: 'legacy',
          story_id: c.story,
          parent_id: parentId,
          root_id: parentId,
          depth: c.parent ? 1 : 0,
          in_reply_to_id: null,
          author_id: 'legacy-sam',
          body: `old ${c.key}`,
          body_html: `<p>old ${c.key}</p>`,
          status: 'published',
          created_at: c.created,
          edited_at: null,
          deleted_at: null,
          external_id: `wordpress:${c.key}`,
        })
        .execute();
    }
    const s = await run(WORDPRESS_COM, 'legacy');
    assert.deepEqual([s.comments.imported, s.comments.alreadyImported, s.conflicts], [5, 3, {}]);
    assert.deepEqual(s.publicOnHiddenPosts, { count: 1, ids: ['8'] }, 'what the old import made public on a protected post is pointed out');
    const rows = await deps.db.selectFrom('comments').select(['id', 'parent_id', 'external_id']).where('site_id', '=', 'legacy').execute();
    const byExt = new Map(rows.map((r) => [r.external_id, r]));
    assert.equal(byExt.get('wordpress:1')?.id, legacyId('wordpress:1'), 'kept its id');
    assert.equal(byExt.get('wordpress:2')?.id, legacyId('wordpress:2'), 'kept its id');
    assert.equal(byExt.get('wordpress:3')?.parent_id, legacyId('wordpress:2'), 'the new reply hangs under the old row');
    assert.equal(rows.length, 8);
    const again = await run(WORDPRESS_COM, 'legacy');
    assert.deepEqual([again.comments.imported, again.comments.alreadyImported, again.conflicts], [0, 8, {}]);

    // The legacy ids no longer stand in the way of another site importing the same file (they used to drop comments).
    const other = await run(WORDPRESS_COM, 'legacy-other');
    assert.deepEqual([other.comments.imported, other.conflicts], [8, {}], 'another site is not blocked by the legacy ids');
  });

  test('--dry-run reads, plans and counts exactly what the import then does, and writes nothing', async () => {
    const tables = ['comments', 'stories', 'users', 'user_identities', 'meta', 'moderation_audit'] as const;
    const before = await Promise.all(tables.map((t) => countOf(t)));
    const dry = await run(SELF_HOSTED, 'dry', true);
    assert.equal(dry.dryRun, true);
    assert.deepEqual(await Promise.all(tables.map((t) => countOf(t))), before, 'nothing was written');
    const real = await run(SELF_HOSTED, 'dry');
    const strip = (s: typeof dry) => ({ ...s, dryRun: false, durationMs: 0 });
    assert.deepEqual(strip(dry), strip(real));
  });
});
