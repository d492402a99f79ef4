import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// One module owns the writes to a table (ADR 0026): other modules call its functions inside their own transaction.
// A write found anywhere else fails here with its file and line, so a new writer is a decision, not an accident.
const SRC = fileURLToPath(new URL('../../src', import.meta.url));
const OWNERS: Record<string, string> = { users: 'server/users/', comments: 'server/comments/' };

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

for (const [table, owner] of Object.entries(OWNERS)) {
  test(`only ${owner} writes to ${table}`, () => {
    const write = new RegExp(`(insertInto|updateTable|deleteFrom)\\(\\s*'${table}(\\s+as\\s+\\w+)?'`);
    const found: string[] = [];
    let ownerWrites = 0;
    for (const file of files(SRC)) {
      const rel = relative(SRC, file);
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (!write.test(line)) return;
          if (rel.startsWith(owner)) ownerWrites++;
          else found.push(`${rel}:${i + 1}: ${line.trim()}`);
        });
    }
    // The pattern must match the owner's own writes, or this test would pass whatever the others do.
    assert.ok(ownerWrites > 0, `no write to ${table} found in ${owner}: the pattern is stale`);
    assert.deepEqual(found, [], `writes to ${table} outside ${owner}`);
  });
}

test('HTTP routes never hold the database handle: they call use cases and repositories (use-case-wiring.ts)', () => {
  const dir = join(SRC, 'server/http');
  const found: string[] = [];
  let routeFiles = 0;
  for (const file of files(dir)) {
    const text = readFileSync(file, 'utf8');
    if (/\bapp\.(get|post|put|patch|delete)\(/.test(text)) routeFiles++;
    text.split('\n').forEach((line, i) => {
      if (/\.db\b|\bdb:|\b(selectFrom|insertInto|updateTable|deleteFrom)\(/.test(line) && !/^\s*(\/\/|\*)/.test(line)) found.push(`${relative(SRC, file)}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.ok(routeFiles > 10, `only ${routeFiles} route files found: the folder moved?`);
  assert.deepEqual(found, []);
});
