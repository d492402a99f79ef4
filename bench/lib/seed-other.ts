// Seeds with another tree's own bench/lib/seed.ts, run by seedIn() with that tree as cwd (--agora-dir). The other
// tree's server migrates at start and Kysely's migrator refuses a database that holds a migration it does not
// know, so a database seeded (and migrated) by this tree's newer src would stop an older build from starting;
// seeding with the measured tree's own code keeps its schema exactly that build's. That tree's seed.ts must export
// seedStory(kind, opts) returning { env, storyId, tokens } (true of every tree since the write benchmark exists).
// Input: argv[2] is the kind, argv[3] the options as JSON. Output: the last stdout line, JSON.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

type SeedStory = (kind: string, opts: object) => Promise<{ env: Record<string, string>; storyId: string; tokens: string[] }>;
const { seedStory } = (await import(pathToFileURL(join(process.cwd(), 'bench/lib/seed.ts')).href)) as { seedStory: SeedStory };
const s = await seedStory(process.argv[2] as string, JSON.parse(process.argv[3] as string) as object);
console.log(JSON.stringify({ env: s.env, storyId: s.storyId, tokens: s.tokens }));
// The seed may leave handles open (pools, timers) that would keep this process alive.
process.exit(0);
