// Baseline for the deep-page read: a bare Fastify server that reads 20 rows from Agora's own seeded database and
// answers them as JSON: better-sqlite3 on AGORA_DATA_DIR/agora.db (opened as Agora opens it), or a pg pool of 10 on
// DATABASE_URL. The rows are those of Agora's deep page (page 5 of STORY_ID, newest first, top-level, with the
// author's name), found with the same keyset seek on the same index; no replies, no counts, no auth, no validation:
// the floor under any page read on that database and this machine.
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { join } from 'node:path';
import pg from 'pg';

const storyId = process.env.STORY_ID as string;
// Page 5 starts after the 80th top-level comment.
const SKIP = 80;
const SELECT = `SELECT c.id, c.parent_id, c.depth, c.author_id, u.display_name, c.body_html, c.status, c.created_at, c.edited_at,
  c.reaction_count, c.reply_count FROM comments c JOIN users u ON u.id = c.author_id`;
const WHERE = "c.story_id = $1 AND c.parent_id IS NULL AND c.status = 'published'";
const ORDER = 'ORDER BY c.created_at DESC, c.id DESC';

let read: () => Promise<unknown[]>;
if (process.env.DATABASE_URL) {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const anchor = (await pool.query<{ created_at: string; id: string }>(`SELECT c.created_at, c.id FROM comments c WHERE ${WHERE} ${ORDER} OFFSET ${SKIP - 1} LIMIT 1`, [storyId])).rows[0];
  if (!anchor) throw new Error('story too short');
  const text = `${SELECT} WHERE ${WHERE} AND (c.created_at, c.id) < ($2, $3) ${ORDER} LIMIT 20`;
  read = async () => (await pool.query({ name: 'page', text, values: [storyId, anchor.created_at, anchor.id] })).rows;
} else {
  const db = new Database(join(process.env.AGORA_DATA_DIR as string, 'agora.db'), { readonly: true });
  db.pragma('journal_mode = WAL');
  const q = (s: string) => s.replaceAll(/\$\d/g, '?');
  const anchor = db.prepare(q(`SELECT c.created_at, c.id FROM comments c WHERE ${WHERE} ${ORDER} LIMIT 1 OFFSET ${SKIP - 1}`)).get(storyId) as { created_at: string; id: string } | undefined;
  if (!anchor) throw new Error('story too short');
  const stmt = db.prepare(q(`${SELECT} WHERE ${WHERE} AND (c.created_at, c.id) < ($2, $3) ${ORDER} LIMIT 20`));
  read = async () => stmt.all(storyId, anchor.created_at, anchor.id);
}

const app = Fastify({ logger: false });
app.get('/health', async () => 'ok');
app.get('/bench', async () => ({ comments: await read() }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
