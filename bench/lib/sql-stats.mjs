// Preloaded into an Agora node by `bench/run.ts --sql-stats=<dir>` (`node --import`): counts every statement the node
// runs (better-sqlite3 and pg) with its time, and writes them to <dir>/sql-<pid>.json at exit. Patches the drivers'
// prototypes rather than Agora's code, so the same count is taken of an older build measured with --agora-dir.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.AGORA_BENCH_SQL_STATS;
const require = createRequire(join(process.cwd(), 'package.json'));
const stats = new Map();
const note = (sql, ns) => {
  const key = String(sql).replace(/\s+/g, ' ').slice(0, 400);
  const s = stats.get(key) ?? { n: 0, ms: 0, max: 0, over1ms: 0 };
  s.n++;
  s.ms += ns / 1e6;
  s.max = Math.max(s.max, ns / 1e6);
  if (ns > 1e6) s.over1ms++;
  stats.set(key, s);
};
try {
  const Database = require('better-sqlite3');
  const proto = Object.getPrototypeOf(new Database(':memory:').prepare('select 1'));
  for (const m of ['run', 'get', 'all', 'iterate']) {
    const orig = proto[m];
    proto[m] = function (...args) {
      const t = process.hrtime.bigint();
      try {
        return orig.apply(this, args);
      } finally {
        note(this.source, Number(process.hrtime.bigint() - t));
      }
    };
  }
} catch {
  // No better-sqlite3 in this tree: nothing to count there.
}
try {
  const pg = require('pg');
  const orig = pg.Client.prototype.query;
  pg.Client.prototype.query = function (config, ...rest) {
    const sql = typeof config === 'string' ? config : config?.text;
    const t = process.hrtime.bigint();
    const r = orig.call(this, config, ...rest);
    if (r && typeof r.then === 'function') r.then(() => note(sql, Number(process.hrtime.bigint() - t)), () => note(sql, Number(process.hrtime.bigint() - t)));
    else note(sql, 0);
    return r;
  };
} catch {
  // No pg in this tree.
}
process.on('exit', () => {
  if (!dir) return;
  const rows = [...stats].map(([sql, s]) => ({ sql, ...s })).sort((a, b) => b.n - a.n);
  writeFileSync(join(dir, `sql-${process.pid}.json`), JSON.stringify(rows, null, 1));
});
