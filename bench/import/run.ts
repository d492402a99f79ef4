// Import benchmark: generates a 100,000-comment Disqus export and imports it into a fresh SQLite database, the way
// `npx agora import disqus` does, then records time, rate and peak memory in bench/results/import.{json,md}.
//   npm run bench:import [-- --comments 100000]
import { mkdtempSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { disqusFormat } from '../../src/server/portability/import/disqus.js';
import { importFile } from '../../src/server/portability/import/importer.js';
import { migrate, openSqlite } from '../../src/server/storage/db.js';
import { generateDisqus } from './generate-disqus.js';

const { values } = parseArgs({ options: { comments: { type: 'string', default: '100000' } } });
const comments = Number(values.comments);
const TARGET_SECONDS = 30;

const work = mkdtempSync(join(tmpdir(), 'agora-bench-import-'));
const file = join(work, `disqus-${comments}.xml`);
await generateDisqus({ comments, out: file });
const bytes = statSync(file).size;

const db = openSqlite(join(work, 'data'));
await migrate(db);
await db.insertInto('sites').values({ id: 'bench', name: 'Bench', origins: JSON.stringify(['https://news.example.com']), lang: 'en', created_at: new Date().toISOString() }).execute();

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const cpu0 = process.cpuUsage();
const load = loadavg()[0] ?? 0;
const started = process.hrtime.bigint();
const summary = await importFile({ db, siteId: 'bench', path: file, format: disqusFormat });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
const again = Date.now();
const rerun = await importFile({ db, siteId: 'bench', path: file, format: disqusFormat });
const rerunSeconds = (Date.now() - again) / 1000;
await db.destroy();
rmSync(work, { recursive: true, force: true });

const written = summary.comments.imported;
const result = {
  benchmark: 'import-disqus',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  file: { comments, megabytes: Math.round((bytes / 2 ** 20) * 10) / 10 },
  seconds: Math.round(seconds * 100) / 100,
  /** CPU time of this process (plus SQLite, which runs in it): what the import costs when the machine is shared. */
  cpuSeconds: Math.round(cpuSeconds * 100) / 100,
  loadAverageAtStart: Math.round(load * 100) / 100,
  commentsPerSecond: Math.round(comments / seconds),
  imported: written,
  skipped: summary.skipped,
  stories: summary.stories.created,
  users: summary.users.created,
  peakRssMiB: Math.round(peakRss / 2 ** 20),
  rerun: { seconds: Math.round(rerunSeconds * 100) / 100, imported: rerun.comments.imported },
  targetSeconds: TARGET_SECONDS,
  pass: seconds < TARGET_SECONDS && rerun.comments.imported === 0,
};

const out = fileURLToPath(new URL('../results/', import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'import.json'), `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(
  join(out, 'import.md'),
  `# Import benchmark (Disqus, ${comments.toLocaleString('en')} comments)

Measured ${result.date} on ${result.machine.cpus} × ${result.machine.cpuModel}, ${result.machine.memoryGiB} GiB, Node ${result.machine.node}, SQLite.
Command: \`npm run bench:import\` (generator: \`bench/import/generate-disqus.ts\`).

| | |
|---|---|
| file | ${result.file.megabytes} MB, ${comments.toLocaleString('en')} posts over ${result.stories} stories |
| import time | **${result.seconds} s** (target < ${TARGET_SECONDS} s) |
| rate | **${result.commentsPerSecond.toLocaleString('en')} comments/s** (two passes over the file included) |
| CPU time | ${result.cpuSeconds} s (load average ${result.loadAverageAtStart} at start, on ${result.machine.cpus} cores) |
| written | ${written.toLocaleString('en')} comments, ${result.users.toLocaleString('en')} authors; skipped ${Object.entries(result.skipped).map(([k, v]) => `${v} ${k}`).join(', ') || 'none'} |
| peak memory (RSS) | ${result.peakRssMiB} MiB |
| re-run of the same file | ${result.rerun.seconds} s, ${result.rerun.imported} comments added |
| verdict | ${result.pass ? 'pass' : 'FAIL'} |
`,
);
console.log(JSON.stringify(result, null, 2));
if (!result.pass) process.exitCode = 1;
