// Profiles one read case: `node --import tsx bench/profile.ts <sqlite|postgres> <first|deep> <dir>` seeds a story of
// 1,000 comments, starts Agora's build (`npm run build` first) with --cpu-prof, loads the anonymous first page or
// page 5 (cursor) with wrk for 2 + 8 s, and stops it: the V8 CPU profile is written to <dir> (open it in Chrome
// DevTools). A profile's shares stay valid on a busy machine, where rates do not.
import { seedStory } from './lib/seed.js';
import { freePort, startAgora } from './lib/proc.js';
import { wrk } from './load/wrk.js';

const kind = (process.argv[2] ?? 'sqlite') as 'sqlite' | 'postgres';
const which = process.argv[3] ?? 'first';
const dir = process.argv[4] ?? 'bench/results/profiles';
const seeded = await seedStory(kind, { comments: 1000, users: 300, publicUrl: `http://localhost:${await freePort()}`, pgBase: process.env.AGORA_TEST_PG || 'postgres://postgres@127.0.0.1:5432' });
const agora = await startAgora({ ...seeded.env, AGORA_RUN_JOBS: 'false', AGORA_SECRET: 'bench-secret' }, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
const first = `${agora.url}/api/v1/stories/${seeded.storyId}/comments`;
let url = first;
if (which === 'deep') {
  for (let page = 1; page < 5; page++) url = `${first}?cursor=${encodeURIComponent(((await (await fetch(url)).json()) as { nextCursor: string }).nextCursor)}`;
}
await wrk([url], { connections: 50, durationSec: 2, threads: 1 });
const r = await wrk([url], { connections: 50, durationSec: 8, threads: 1 });
console.log(`${kind} ${which}: ${Math.round(r.requestsPerSec)} req/s; profile in ${dir}`);
await agora.stop();
await seeded.drop();
