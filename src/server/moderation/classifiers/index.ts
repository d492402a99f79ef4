/**
 * Offline moderation classifiers: toxicity (French, English), comment spam and language
 * identification. Pure TypeScript linear models over hashed word and character n-grams
 * plus word lists; the models are JSON files in the repository's `models/` directory.
 *
 *   const c = await loadClassifiers();
 *   const lang = c.detectLang(text);            // 'fr' | 'en' | 'und'
 *   if (c.toxicity(text, lang) >= c.thresholds.toxicity[lang === 'fr' ? 'fr' : 'en']) holdForReview();
 *
 * Scoring is synchronous and cheap: ~0.2 ms for a typical comment; texts are cut at 10,000
 * characters, which bounds the worst case at ~12 ms on a 2-core box, so no worker thread is needed.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import type { ModelFile } from './model-file.js';
import { TextModel } from './text-model.js';
import { normalize, NORMALIZE_VERSION, tokenize } from './normalize.js';
import { lexiconHits, type Category } from './lexicon.js';
import { langidFeaturesOf, langidLetterCount, langidTokens } from './langid-features.js';

export type Lang = 'fr' | 'en' | 'und';
export type ModelTask = 'toxicity-fr' | 'toxicity-en' | 'spam';

export interface LabelledText {
  text: string;
  /** 1 = rejected by a moderator (toxic / spam), 0 = approved. */
  label: 0 | 1;
  lang?: string;
}

export interface Assessment {
  /** Language used for toxicity: the given one, else detected; 'und' texts are checked with both models. */
  lang: Lang;
  toxicity: number;
  spam: number;
  /** toxicity ≥ the threshold of the model that produced it. */
  toxic: boolean;
  /** spam ≥ the spam threshold. */
  isSpam: boolean;
}

export interface Classifiers {
  /** Scores plus the held-for-review decisions at the shipped thresholds. */
  assess(text: string, lang?: string): Assessment;
  /** Probability-like toxicity score 0..1. `lang` other than fr/en (or omitted) is detected. */
  toxicity(text: string, lang?: string): number;
  /** Probability-like spam score 0..1 (trained on English comments; language-independent cues only for others). */
  spam(text: string): number;
  /** 'fr' or 'en', or 'und' when the text is too short or the model is unsure. */
  detectLang(text: string): Lang;
  /** Scores at or above which a comment should be held for moderation (FPR ≤ 1% on news-style sentences). */
  readonly thresholds: { toxicity: { fr: number; en: number }; spam: number };
  /**
   * Update one model in place from labelled examples (moderators' decisions); returns the new
   * model file to persist for the site. By default training starts again from the *shipped*
   * model, so pass all of the site's examples each time: calling it twice with the same list
   * gives the same model (no compounding). `from: 'current'` continues from the model in use
   * with only new examples instead (cheaper, but repeated examples then count twice).
   * Cost: about 0.1–0.3 ms per example plus ~5 ms, synchronous.
   */
  retrain(task: ModelTask, examples: readonly LabelledText[], opts?: { from?: 'shipped' | 'current' }): ModelFile;
  /** Current model file of a task (to persist a site's retrained model). */
  exportModel(task: ModelTask): ModelFile;
}

export const MODEL_FILES: Record<ModelTask | 'langid', string> = {
  'toxicity-fr': 'toxicity-fr.json',
  'toxicity-en': 'toxicity-en.json',
  spam: 'spam.json',
  langid: 'langid.json',
};

/** Find `models/` by walking up from this file (works from src/ with tsx and from dist/ after a build). */
export function defaultModelsDir(): string {
  if (process.env.AGORA_MODELS_DIR) return process.env.AGORA_MODELS_DIR;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'models');
    if (existsSync(join(candidate, MODEL_FILES.langid))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('moderation models not found (set AGORA_MODELS_DIR)');
}

export async function readModel(path: string): Promise<TextModel> {
  return TextModel.fromFile(JSON.parse(await readFile(path, 'utf8')) as ModelFile);
}

export async function writeModel(path: string, file: ModelFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(file)}\n`);
}

/** Short stable id of a model's weights (first 12 hex of their SHA-256). */
export function modelId(m: TextModel): string {
  const w = m.weights.weights;
  return createHash('sha256').update(Buffer.from(w.buffer, w.byteOffset, w.byteLength)).update(String(m.weights.bias)).digest('hex').slice(0, 12);
}

/** Langid: |logit| below this, or fewer letters than {@link LANGID_MIN_LETTERS}, gives 'und'. */
export const LANGID_MIN_MARGIN = 1;
export const LANGID_MIN_LETTERS = 6;

const ABUSE: readonly Category[] = ['insult', 'slur', 'profanity', 'threat', 'sexual', 'dehuman', 'extremism', 'stem'];

/**
 * A text of a few letters ("c3", "ok", "a") gives the n-gram models almost nothing to read, and their
 * score is then mostly the model's bias (after issue 15's retraining "c3" scored 0.60 in French, above
 * the threshold). Such texts are judged by the word lists alone: without an abusive entry ("tg", "fdp",
 * "🖕" keep their score) the toxicity score is capped just under 0.5, the lowest possible threshold.
 */
function capShortText(text: string, score: number): number {
  if (score < 0.5 || langidLetterCount(langidTokens(text.slice(0, 200))) >= LANGID_MIN_LETTERS) return score;
  const hits = lexiconHits(tokenize(normalize(text)), 'und', tokenize(normalize(text, 'one')));
  return ABUSE.some((c) => (hits.get(c) ?? 0) > 0) ? score : 0.49;
}

export function makeClassifiers(
  models: Record<ModelTask | 'langid', TextModel>,
  shipped: Record<ModelTask, TextModel> = models,
): Classifiers {
  const m = { ...models };
  const detectLang = (text: string): Lang => {
    const tokens = langidTokens(text.slice(0, 2000));
    if (langidLetterCount(tokens) < LANGID_MIN_LETTERS) return 'und';
    // Positive logit = French. Only the first 2000 characters: enough to tell, and bounded. The language model has
    // no word-list prior, so its logit is that of the tokens' features (made once).
    const z = m.langid.logitOf(langidFeaturesOf(tokens, m.langid.features));
    if (Math.abs(z) < LANGID_MIN_MARGIN) return 'und';
    return z > 0 ? 'fr' : 'en';
  };
  const toxModel = (text: string, lang?: string): TextModel => {
    const l = lang === 'fr' || lang === 'en' ? lang : detectLang(text);
    return l === 'fr' ? m['toxicity-fr'] : m['toxicity-en'];
  };
  return {
    assess(text, lang) {
      const l: Lang = lang === 'fr' || lang === 'en' ? lang : detectLang(text);
      const spam = m.spam.score(text);
      const isSpam = spam >= m.spam.threshold;
      if (l !== 'und') {
        const model = l === 'fr' ? m['toxicity-fr'] : m['toxicity-en'];
        const toxicity = capShortText(text, model.score(text, l));
        return { lang: l, toxicity, spam, toxic: toxicity >= model.threshold, isSpam };
      }
      // Short or mixed text: ask both models and keep the one furthest above its own threshold,
      // so "ta gueule" and "stfu" are both caught without knowing the language.
      const fr = capShortText(text, m['toxicity-fr'].score(text, 'fr'));
      const en = capShortText(text, m['toxicity-en'].score(text, 'en'));
      const frMargin = fr - m['toxicity-fr'].threshold;
      const enMargin = en - m['toxicity-en'].threshold;
      const toxicity = frMargin >= enMargin ? fr : en;
      return { lang: 'und', toxicity, spam, toxic: Math.max(frMargin, enMargin) >= 0, isSpam };
    },
    toxicity(text, lang) {
      const model = toxModel(text, lang);
      return capShortText(text, model.score(text, model === m['toxicity-fr'] ? 'fr' : 'en'));
    },
    spam: (text) => m.spam.score(text),
    detectLang,
    get thresholds() {
      return { toxicity: { fr: m['toxicity-fr'].threshold, en: m['toxicity-en'].threshold }, spam: m.spam.threshold };
    },
    retrain(task, examples, opts = {}) {
      const lang = task === 'toxicity-fr' ? 'fr' : task === 'toxicity-en' ? 'en' : 'und';
      const from = opts.from === 'current' ? m[task] : shipped[task];
      const next = from.retrained(examples.map((e) => ({ ...e, lang: e.lang ?? lang })));
      // Record which shipped model the site model grew from: after an upgrade ships new base
      // models, the server can tell that a site's model is stale and retrain it.
      Object.assign(next.meta, { base: modelId(shipped[task]), retrainedFrom: opts.from ?? 'shipped', retrainedAt: new Date().toISOString() });
      m[task] = next;
      return next.toFile();
    },
    exportModel: (task) => m[task].toFile(),
  };
}

export async function loadClassifiers(opts: { modelsDir?: string; overrides?: Partial<Record<ModelTask, ModelFile>> } = {}): Promise<Classifiers> {
  const dir = resolve(opts.modelsDir ?? defaultModelsDir());
  const load = async (task: ModelTask | 'langid'): Promise<TextModel> => {
    // A site model trained under an older text normalisation cannot be read by this runtime: the
    // site falls back to the shipped model until its next retrain (which restarts from it anyway),
    // instead of every comment of the site failing after an upgrade.
    const given = task === 'langid' ? undefined : opts.overrides?.[task];
    const o = given && given.normalizeVersion === NORMALIZE_VERSION ? given : undefined;
    if (o && o.task !== task) throw new Error(`override for ${task} is a ${o.task} model`);
    return o ? TextModel.fromFile(o) : readModel(join(dir, MODEL_FILES[task]));
  };
  const [tfr, ten, spam, langid] = await Promise.all([load('toxicity-fr'), load('toxicity-en'), load('spam'), load('langid')]);
  const models = { 'toxicity-fr': tfr, 'toxicity-en': ten, spam, langid };
  // Retraining starts from the shipped models, so keep them too when a site's own models are in use.
  const hasOverrides = Object.keys(opts.overrides ?? {}).length > 0;
  const shipped = hasOverrides
    ? {
        'toxicity-fr': opts.overrides?.['toxicity-fr'] ? await readModel(join(dir, MODEL_FILES['toxicity-fr'])) : tfr,
        'toxicity-en': opts.overrides?.['toxicity-en'] ? await readModel(join(dir, MODEL_FILES['toxicity-en'])) : ten,
        spam: opts.overrides?.spam ? await readModel(join(dir, MODEL_FILES.spam)) : spam,
      }
    : models;
  const c = makeClassifiers(models, shipped);
  // Warm up the JIT and the regular expressions: the first long text otherwise takes ~5× longer.
  const sample = 'Merci pour cet article, the comments below are interesting. '.repeat(40);
  for (let i = 0; i < 3; i++) c.assess(sample);
  return c;
}

export { TextModel } from './text-model.js';
export type { ModelFile } from './model-file.js';
