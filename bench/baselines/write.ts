// Baseline for the write case: a bare Fastify server whose POST inserts one row and answers 201 with JSON, on the
// same database as Agora's case: better-sqlite3 (WAL, synchronous=NORMAL, as Agora opens it) in AGORA_DATA_DIR, or a
// pg pool of 10 on DATABASE_URL (a temporary database the suite made, and drops). No auth, no moderation, one
// autocommitted statement: the floor under any write path on that database and this machine.
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';

interface Row {
  id: string;
  author: string;
  body: string;
  createdAt: string;
}
const TABLE = 'CREATE TABLE IF NOT EXISTS comments (id text PRIMARY KEY, author text NOT NULL, body text NOT NULL, created_at text NOT NULL)';

let insert: (r: Row) => Promise<unknown>;
if (process.env.DATABASE_URL) {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  await pool.query(TABLE);
  insert = (r) => pool.query('INSERT INTO comments (id, author, body, created_at) VALUES ($1, $2, $3, $4)', [r.id, r.author, r.body, r.createdAt]);
} else {
  const db = new Database(join(process.env.AGORA_DATA_DIR as string, 'baseline.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(TABLE);
  const stmt = db.prepare('INSERT INTO comments (id, author, body, created_at) VALUES (?, ?, ?, ?)');
  insert = async (r) => stmt.run(r.id, r.author, r.body, r.createdAt);
}

const app = Fastify({ logger: false });
app.get('/health', async () => 'ok');
app.post('/bench', async (req, reply) => {
  const body = (req.body as { body?: unknown } | undefined)?.body;
  if (typeof body !== 'string') return reply.code(400).send({ error: 'body' });
  const row = { id: randomUUID(), author: req.headers.authorization ?? '', body, createdAt: new Date().toISOString() };
  await insert(row);
  return reply.code(201).send({ comment: { id: row.id, status: 'published', createdAt: row.createdAt } });
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
