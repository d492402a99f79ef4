// CPU per stored comment, in process, for a busy shared machine where wrk's rates move by ×2 between runs:
// `node --import tsx bench/write-cpu.ts <tree> <sqlite|postgres> [posts]` seeds a 1,000-comment story with the tree's
// own seed code, builds the tree's app from its sources (buildApp, no socket) and posts `posts` comments through
// app.inject() from 300 readers, 25 in flight (so SQLite's group commit still groups), after 200 to warm up. Prints
// one JSON line: the process's CPU time (user + system) per comment and how many were published. Alternate two
// trees in separate processes and compare medians: the work is the same, only the code differs.
import { join, resolve } from 'node:path';
import type * as SeedModule from './lib/seed.js';
import type * as ConfigModule from '../src/server/config.js';
import type * as AppModule from '../src/server/app.js';

const dir = resolve(process.argv[2] ?? '.');
const kind = (process.argv[3] ?? 'sqlite') as 'sqlite' | 'postgres';
const posts = Number(process.argv[4] ?? 2000);
const pgBase = process.env.AGORA_TEST_PG || 'postgres://postgres@127.0.0.1:5432';
Object.assign(process.env, { LOG_LEVEL: 'warn', AGORA_WRITES_PER_MINUTE: '1000000', AGORA_RUN_JOBS: 'false', AGORA_SECRET: 'bench-secret', AGORA_STORY_PAGE_CHECK: 'false' });

const { seedStory } = (await import(join(dir, 'bench/lib/seed.ts'))) as typeof SeedModule;
const { loadConfig } = (await import(join(dir, 'src/server/config.ts'))) as typeof ConfigModule;
const { buildApp } = (await import(join(dir, 'src/server/app.ts'))) as typeof AppModule;
const seeded = await seedStory(kind, { comments: 1000, users: 300, publicUrl: 'http://localhost:8080', pgBase });
const config = loadConfig({ ...process.env, ...seeded.env, AGORA_PUBLIC_URL: 'http://localhost:8080' } as NodeJS.ProcessEnv);
const { app } = await buildApp(config, { logger: false });

let published = 0;
let i = 0;
async function post(): Promise<void> {
  const n = i++;
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/stories/${seeded.storyId}/comments`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${seeded.tokens[n % seeded.tokens.length] as string}` },
    payload: JSON.stringify({ body: `Un avis de lecteur numéro ${n}, sur le sujet du jour, sans rien de méchant ${n % 7}.` }),
  });
  if (res.statusCode === 201 && res.body.includes('"status":"published"')) published++;
}
async function run(count: number): Promise<void> {
  const end = i + count;
  await Promise.all(Array.from({ length: 25 }, async () => {
    while (i < end) await post();
  }));
}
await run(200);
published = 0;
const c0 = process.cpuUsage();
const t0 = performance.now();
await run(posts);
const c = process.cpuUsage(c0);
const ms = performance.now() - t0;
console.log(JSON.stringify({ tree: dir, kind, posts, published, cpuMsPerComment: +((c.user + c.system) / 1000 / posts).toFixed(3), wallPerSec: Math.round((posts / ms) * 1000) }));
await app.close();
await seeded.drop();
