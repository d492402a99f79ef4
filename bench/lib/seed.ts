import { sql } from 'kysely';
import { loadConfig, type Config } from '../../src/server/config.js';
import { createDeps } from '../../src/server/deps.js';
import { seedDemo } from '../../src/server/sites/seed.js';
import { migrate, openDatabase } from '../../src/server/storage/db.js';
import { newId } from '../../src/server/storage/ids.js';
import { renderCommentBody } from '../../src/server/comments/markdown.js';
import { hashPassword } from '../../src/server/users/passwords.js';
import { moderationRepository } from '../../src/server/moderation/repository.js';
import { DEFAULT_SETTINGS } from '../../src/server/moderation/settings.js';
import { tempDb } from './tempdb.js';

export interface Seeded {
  env: Record<string, string>;
  storyId: string;
  tokens: string[];
  drop(): Promise<void>;
}

/**
 * The demo site with one story of `comments` comments (30% replies, up to 3 levels), `users` readers and a bearer
 * token for each, written straight to the database in batches (the HTTP path is what the benchmark measures).
 */
export async function seedStory(kind: 'sqlite' | 'postgres', opts: { comments: number; users: number; publicUrl: string; pgBase: string }): Promise<Seeded> {
  const db0 = await tempDb(kind, opts.pgBase);
  const config: Config = loadConfig({ ...process.env, ...db0.env, AGORA_PUBLIC_URL: opts.publicUrl } as NodeJS.ProcessEnv);
  const db = openDatabase(config);
  await migrate(db);
  const deps = await createDeps(config, db);
  await seedDemo(deps);
  const article = (await deps.articles.list('demo'))[0];
  if (!article) throw new Error('demo article missing');
  const storyId = article.storyId;
  const hash = await hashPassword('benchmark password', 2 ** 12);
  const users = Array.from({ length: opts.users }, (_, i) => ({ id: newId(), email: `bench${i}@example.com`, display_name: `Reader ${i}`, password_hash: hash, role: 'commenter', created_at: new Date(Date.now() - 90 * 86_400_000).toISOString() }));
  for (let i = 0; i < users.length; i += 200) await db.insertInto('users').values(users.slice(i, i + 200)).execute();
  const tokens: string[] = [];
  for (const u of users) tokens.push((await deps.sessions.create(u.id, 'bearer')).token);

  const topLevel: { id: string; depth: number; root: string | null }[] = [];
  const rows = [];
  const replyCounts = new Map<string, number>();
  const start = Date.now() - opts.comments * 60_000;
  for (let i = 0; i < opts.comments; i++) {
    const isReply = topLevel.length > 0 && i % 10 < 3;
    const parent = isReply ? topLevel[Math.floor(Math.random() * topLevel.length)] : undefined;
    const id = newId();
    const body = `Comment ${i}: a reader’s view on the story, with *some* emphasis and a [link](https://example.com/${i}).`;
    rows.push({
      id,
      site_id: 'demo',
      story_id: storyId,
      parent_id: parent?.id ?? null,
      root_id: parent ? (parent.root ?? parent.id) : null,
      depth: parent ? parent.depth + 1 : 0,
      in_reply_to_id: null,
      author_id: users[i % users.length]?.id as string,
      body,
      body_html: renderCommentBody(body),
      status: 'published',
      created_at: new Date(start + i * 60_000).toISOString(),
      edited_at: null,
      deleted_at: null,
      reaction_count: i % 7,
    });
    if (parent) replyCounts.set(parent.id, (replyCounts.get(parent.id) ?? 0) + 1);
    if (!parent) topLevel.push({ id, depth: 0, root: null });
    else if (parent.depth < 2) topLevel.push({ id, depth: parent.depth + 1, root: parent.root ?? parent.id });
  }
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('comments').values(rows.slice(i, i + 500)).execute();
  for (const [id, n] of replyCounts) await db.updateTable('comments').set({ reply_count: n }).where('id', '=', id).execute();
  await db.updateTable('stories').set({ comment_count: opts.comments }).where('id', '=', storyId).execute();
  // Planner statistics, as a running database has them (autovacuum, or ANALYZE after a restore): without them
  // PostgreSQL plans with default selectivities that no deployment runs. SQLite gathers its own when Agora opens it.
  if (kind === 'postgres') await sql`ANALYZE`.execute(db);
  // Every phase of the pipeline runs, but the per-person rate limit is raised: the write benchmark measures how
  // many comments the pipeline can take, not how fast one reader may type.
  await moderationRepository(db).saveSettings(db, 'demo', { ...DEFAULT_SETTINGS, rate: { max: 10_000, windowSeconds: 1 } });
  await deps.realtime.close();
  await db.destroy();
  return { env: db0.env, storyId, tokens, drop: db0.drop };
}
