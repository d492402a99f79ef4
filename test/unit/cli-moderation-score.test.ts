import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs `agora moderation score` from the sources with `input` on stdin. */
function score(input: string) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'moderation', 'score'], { cwd: ROOT, input, encoding: 'utf8', timeout: 60_000 });
  return { code: res.status, lines: res.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>), stderr: res.stderr };
}

test('one JSON line per input, in order, with scores, language, decision and reasons', () => {
  const texts = ['Merci pour cet article, très instructif sur la situation à Bitche.', 'Ce type est un vrai c0nn4rd', 'go back home you n1gg3r', 'Thanks, a clear and useful explanation of the new budget.'];
  const { code, lines, stderr } = score(`${texts.map((text) => JSON.stringify({ text })).join('\n')}\n\n`);
  assert.equal(code, 0, stderr);
  assert.equal(lines.length, 4, 'blank lines are skipped');
  for (const l of lines) {
    assert.deepEqual(Object.keys(l).sort(), ['decision', 'lang', 'reasons', 'spam', 'toxicity']);
    assert.ok(typeof l.toxicity === 'number' && l.toxicity >= 0 && l.toxicity <= 1);
    assert.ok(typeof l.spam === 'number' && l.spam >= 0 && l.spam <= 1);
  }
  assert.deepEqual(
    lines.map((l) => l.decision),
    ['publish', 'hold', 'reject', 'publish'],
  );
  assert.deepEqual(
    lines.map((l) => l.lang),
    ['fr', 'fr', 'en', 'en'],
  );
  const held = lines[1]?.reasons as { phase: string; words?: string[] }[];
  assert.ok(held.some((r) => r.phase === 'suspect_words' && r.words?.includes('connard*')), JSON.stringify(held));
});

test('bad input: a clear message on stderr naming the line, and a non-zero exit', () => {
  const notJson = score('{"text": "ok"}\nnot json\n');
  assert.equal(notJson.code, 1);
  assert.equal(notJson.lines.length, 1, 'lines before the bad one were answered');
  assert.match(notJson.stderr, /line 2: not JSON/);
  const noText = score('{"body": "hello"}\n');
  assert.equal(noText.code, 1);
  assert.match(noText.stderr, /line 1: expected a JSON object with a string "text"/);
  assert.doesNotMatch(noText.stderr, /at .*\.ts:\d+/, 'no stack trace');
});
