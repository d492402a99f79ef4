// Memory per live stream: `node --import tsx bench/stream-memory.ts <sqlite|postgres> [streams=3000]` starts Agora's
// build on a seeded story, reads its RSS and heap (from /metrics) idle, opens the streams, reads them again and
// prints the difference per stream. Heap figures include garbage not yet collected: for where the memory goes,
// add `--snapshot`, which takes a heap snapshot (after a full GC) of the node with its streams open, into this
// tree's folder (Heap.*.heapsnapshot; open it in Chrome DevTools, Memory tab).
import { Agent, request } from 'node:http';
import { seedStory } from './lib/seed.js';
import { freePort, rssMb, sleep, startAgora } from './lib/proc.js';

const kind = (process.argv[2] ?? 'postgres') as 'sqlite' | 'postgres';
const N = Number(process.argv[3] ?? 3000);
const snapshot = process.argv.includes('--snapshot');
const seeded = await seedStory(kind, { comments: 1000, users: 10, publicUrl: `http://localhost:${await freePort()}`, pgBase: process.env.AGORA_TEST_PG || 'postgres://postgres@127.0.0.1:5432' });
const agora = await startAgora({ ...seeded.env, AGORA_RUN_JOBS: 'false', AGORA_SECRET: 'bench-secret', AGORA_MAX_STREAMS: '20000', AGORA_STREAMS_PER_CLIENT: '1000000' }, snapshot ? ['--heapsnapshot-signal=SIGUSR2'] : []);
const metric = async (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await (await fetch(`${agora.url}/metrics`)).text())?.[1]);
const sample = async () => {
  await sleep(2000);
  return { rss: rssMb(agora.child.pid as number), heap: (await metric('nodejs_heap_size_used_bytes')) / 2 ** 20 };
};
// Warm: the first page built and cached, the routes compiled.
for (let i = 0; i < 200; i++) await (await fetch(`${agora.url}/api/v1/stories/${seeded.storyId}/comments`)).arrayBuffer();
const idle = await sample();
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
let open = 0;
const url = `${agora.url}/api/v1/stories/${seeded.storyId}/events`;
await Promise.all(
  Array.from({ length: N }, () => new Promise<void>((resolve) => {
    const req = request(url, { agent, headers: { accept: 'text/event-stream' } }, (res) => {
      open++;
      res.on('data', () => {});
      resolve();
    });
    req.on('error', () => resolve());
    req.end();
  })),
);
const full = await sample();
const kb = (mb: number) => Math.round(((mb * 1024) / Math.max(1, open)) * 10) / 10;
console.log(`${kind}: idle RSS ${Math.round(idle.rss)} MB, heap ${Math.round(idle.heap)} MB; with ${open} streams RSS ${Math.round(full.rss)} MB, heap ${Math.round(full.heap)} MB; per stream: RSS ${kb(full.rss - idle.rss)} KB, heap ${kb(full.heap - idle.heap)} KB`);
if (snapshot) {
  process.kill(agora.child.pid as number, 'SIGUSR2');
  await sleep(15_000);
}
agent.destroy();
await agora.stop();
await seeded.drop();
process.exit(0);
