#!/usr/bin/env node
// Runs every test file with Node's own test runner through tsx, once on SQLite and once on PostgreSQL (each test
// app then gets a fresh database of its own on AGORA_TEST_PG), and ends with one summary line for both runs.
// Node 20's --test does not expand globs or find .ts files by itself, so the list is made here.
//   node scripts/run-tests.mjs [--db=sqlite|postgres|both] [folders…]   (default: both; unit, http, security, e2e)
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const dbArg = (args.find((a) => a.startsWith('--db=')) ?? '--db=both').slice(5);
const roots = args.filter((a) => !a.startsWith('--'));
const folders = roots.length ? roots : ['test/unit', 'test/http', 'test/security', 'test/e2e'];
const PG = process.env.AGORA_TEST_PG || 'postgres://postgres@127.0.0.1:5432';

function list(dirs) {
  const files = [];
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of entries.sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.test.ts')) files.push(p);
    }
  };
  dirs.forEach(walk);
  return files;
}

function run(label, files, env) {
  return new Promise((resolve) => {
    console.log(`\n=== ${label}: ${files.length} test files`);
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let tail = '';
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      tail = (tail + d.toString()).slice(-200_000);
    });
    child.on('close', (code) => {
      const num = (k) => Number(new RegExp(`ℹ ${k} (\\d+)`).exec(tail)?.[1] ?? 0);
      resolve({ code: code ?? 1, pass: num('pass'), fail: num('fail'), skipped: num('skipped') });
    });
  });
}

const files = list(folders);
if (files.length === 0) {
  console.error(`no test files under ${folders.join(', ')}`);
  process.exit(1);
}
const results = [];
if (dbArg === 'sqlite' || dbArg === 'both') results.push(await run('SQLite', files, { AGORA_TEST_PG: '' }));
if (dbArg === 'postgres' || dbArg === 'both') {
  // The two-node tests (cluster, nginx) run on PostgreSQL in both passes anyway; once is enough.
  results.push(await run(`PostgreSQL (${PG})`, files.filter((f) => !f.endsWith('cluster.test.ts') && !f.endsWith('nginx.test.ts')), { AGORA_TEST_PG: PG }));
}
const total = results.reduce((a, r) => ({ pass: a.pass + r.pass, fail: a.fail + r.fail, skipped: a.skipped + r.skipped }), { pass: 0, fail: 0, skipped: 0 });
const failed = results.some((r) => r.code !== 0) || total.fail > 0;
console.log(`\nall databases: ${total.pass} passed, ${total.fail} failed, ${total.skipped} skipped`);
process.exit(failed ? 1 : 0);
