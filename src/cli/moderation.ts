import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { loadClassifiers } from '../server/moderation/classifiers/index.js';
import { moderationRepository } from '../server/moderation/repository.js';
import { retrainSite, retrainAll } from '../server/moderation/retrain.js';
import { scorerSource } from '../server/moderation/scorers.js';
import { textScorer } from '../server/moderation/score.js';
import { withDatabase } from './db.js';

/** Longest input line accepted: a comment is at most 100,000 characters, JSON escaping may double it. */
const MAX_LINE = 1_000_000;

/** Reads JSON lines `{"text": "…"}` and writes one JSON line of scores per input, in order. */
async function score(opts: { site?: string }): Promise<void> {
  const judge = opts.site
    ? await withDatabase(async (db) => {
        const siteId = opts.site as string;
        const [settings, scorer] = await Promise.all([moderationRepository(db).settings(siteId), scorerSource(db).forSite(siteId)]);
        return textScorer(scorer, settings);
      })
    : textScorer(await loadClassifiers());
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    if (line.length > MAX_LINE) throw new Error(`line ${n}: longer than ${MAX_LINE} characters`);
    let text: unknown;
    try {
      text = (JSON.parse(line) as { text?: unknown } | null)?.text;
    } catch {
      throw new Error(`line ${n}: not JSON; expected {"text": "…"}`);
    }
    if (typeof text !== 'string') throw new Error(`line ${n}: expected a JSON object with a string "text", like {"text": "…"}`);
    const out = await judge(text);
    // Waits for the pipe to drain so a slow reader (| head) never makes us buffer the whole input.
    if (!process.stdout.write(`${JSON.stringify(out)}\n`)) await new Promise((r) => process.stdout.once('drain', r));
  }
}

/** `agora moderation score | retrain`. */
export function registerModeration(program: Command): void {
  const moderation = program.command('moderation').description('offline moderation: score texts, retrain from moderators’ decisions');
  moderation
    .command('score')
    .description('read JSON lines {"text": "…"} on stdin, write {"toxicity","spam","lang","decision","reasons"} per line')
    .option('--site <id>', 'use this site’s settings, word lists and retrained models (reads the database)')
    .action(score);
  moderation
    .command('retrain')
    .description('update a site’s models from its moderators’ approvals and rejections')
    .option('--site <id>', 'only this site (default: every site with decisions)')
    .action(async (opts: { site?: string }) => {
      await withDatabase(async (db) => {
        const results = opts.site ? [await retrainSite({ db }, opts.site, null)] : await retrainAll({ db });
        for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
        if (results.length === 0) process.stdout.write('no site has moderator decisions yet\n');
      });
    });
}
