/**
 * Trains the shipped moderation models and writes them to models/:
 *   node --import tsx scripts/moderation/train.ts [--data DIR] [--out DIR]
 *
 * Every model is trained on the *training part* of the data only (80% of each toxicity set
 * by text hash; YouTube videos 01–03 for spam), so that bench/moderation/run.ts can measure
 * the exact shipped files on rows they never saw. Thresholds are set from the news-style
 * sentences in bench/moderation/news-sentences.jsonl (FPR ≤ 1% there).
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MODEL_FILES, writeModel } from '../../src/server/moderation/classifiers/index.js';
import { TextModel } from '../../src/server/moderation/classifiers/text-model.js';
import { dataDir, EN_TOX_SETS, FR_TOX_SETS, loadNewsSentences, loadSet, type Row } from './data.js';
import { isTrainRow, pickThreshold, SPAM_EXTRA_HAM_SETS, SPAM_HELDOUT_GROUP, SPAM_SET, TOX_TRAIN_SETS, trainLangid, trainSpam, trainToxicity } from './recipes.js';

/** Target false-positive rate on the news sentences, per language. */
export const NEWS_MAX_FPR = 0.01;

export interface TrainedModels {
  'toxicity-fr': TextModel;
  'toxicity-en': TextModel;
  spam: TextModel;
  langid: TextModel;
}

export function trainAll(dir: string, log: (s: string) => void = () => {}): TrainedModels {
  const sets = new Map<string, Row[]>();
  for (const s of [...FR_TOX_SETS, ...EN_TOX_SETS, SPAM_SET]) sets.set(s, loadSet(s, dir));
  const trainRows = (names: readonly string[]): Row[] => names.flatMap((n) => sets.get(n) ?? []).filter(isTrainRow);
  const news = loadNewsSentences();
  const out: Partial<TrainedModels> = {};
  for (const task of ['toxicity-fr', 'toxicity-en'] as const) {
    const rows = trainRows(TOX_TRAIN_SETS[task]);
    const t0 = Date.now();
    // Round-trip through the int8 file format first: the threshold must fit the weights that ship.
    const m = TextModel.fromFile(trainToxicity(task, rows).toFile());
    const lang = task === 'toxicity-fr' ? 'fr' : 'en';
    m.threshold = pickThreshold(news.filter((n) => n.lang === lang).map((n) => m.score(n.text, lang)), NEWS_MAX_FPR);
    Object.assign(m.meta, { trainedOn: TOX_TRAIN_SETS[task], rows: rows.length, split: 'text-hash bucket >= 20 (80%)' });
    log(`${task}: ${rows.length} rows, ${Date.now() - t0} ms, threshold ${m.threshold.toFixed(3)}`);
    out[task] = m;
  }
  {
    const yt = (sets.get(SPAM_SET) ?? []).filter((r) => r.group !== SPAM_HELDOUT_GROUP);
    const ham = SPAM_EXTRA_HAM_SETS.flatMap((s) => sets.get(s) ?? []).filter(isTrainRow);
    const m = TextModel.fromFile(trainSpam(yt, ham).toFile());
    m.threshold = pickThreshold(news.map((n) => m.score(n.text)), NEWS_MAX_FPR);
    Object.assign(m.meta, { trainedOn: [`${SPAM_SET} (videos except ${SPAM_HELDOUT_GROUP})`, `${SPAM_EXTRA_HAM_SETS.join(', ')} train parts as ham (half with a link)`], rows: yt.length + ham.length });
    log(`spam: ${yt.length}+${ham.length} rows, threshold ${m.threshold.toFixed(3)}`);
    out.spam = m;
  }
  {
    const m = TextModel.fromFile(trainLangid(trainRows([...FR_TOX_SETS.filter((s) => s !== 'fr_hatecheck_synthetic'), ...EN_TOX_SETS])).toFile());
    Object.assign(m.meta, { classes: 'logit > 0 = fr, < 0 = en' });
    out.langid = m;
  }
  return out as TrainedModels;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { data: { type: 'string' }, out: { type: 'string' } } });
  const dir = values.data ?? dataDir();
  const outDir = resolve(values.out ?? new URL('../../models', import.meta.url).pathname);
  const models = trainAll(dir, (s) => console.log(s));
  for (const [task, m] of Object.entries(models) as [keyof TrainedModels, TextModel][]) {
    const path = join(outDir, MODEL_FILES[task]);
    await writeModel(path, m.toFile({ ...m.meta, trainedAt: new Date().toISOString().slice(0, 10) }));
    console.log(`wrote ${path}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
