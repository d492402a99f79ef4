/**
 * A trained linear text model (weights + feature settings + threshold) and the code that
 * turns a text into its features for a given task. Shared by the runtime, the training
 * script and the benchmark, so all three score texts in exactly the same way.
 */
import type { FeatureConfig, SparseVec } from './features.js';
import { dot, sigmoid, trainLogistic, type Example, type LinearWeights, type TrainOptions } from './linear.js';
import { decodeModel, encodeModel, type ModelFile } from './model-file.js';
import { langidFeatures } from './langid-features.js';
import { spamFeatures, spamParts } from './spam-features.js';
import { toxicityFeatures, toxicityParts } from './toxicity-features.js';

export type Featurizer = (text: string, lang: string, cfg: FeatureConfig) => SparseVec;

export function featurizerFor(task: string): Featurizer {
  if (task.startsWith('toxicity')) return toxicityFeatures;
  if (task === 'spam') return (text, _lang, cfg) => spamFeatures(text, cfg);
  if (task === 'langid') return (text, _lang, cfg) => langidFeatures(text, cfg);
  throw new Error(`unknown task ${task}`);
}

/** Longest text scored in one piece; longer texts are scored by windows (see {@link TextModel.score}). */
export const WINDOW_CHARS = 1000;
/** Texts are cut here: a comment longer than this gets no more scrutiny, and scoring stays < ~5 ms. */
export const MAX_SCORED_CHARS = 10_000;

/** Split a long text into windows of about {@link WINDOW_CHARS}, cutting at whitespace. */
export function windows(text: string): string[] {
  const s = text.length > MAX_SCORED_CHARS ? text.slice(0, MAX_SCORED_CHARS) : text;
  if (s.length <= WINDOW_CHARS) return [s];
  const out: string[] = [];
  let start = 0;
  while (start < s.length) {
    let end = Math.min(s.length, start + WINDOW_CHARS);
    if (end < s.length) {
      const cut = s.lastIndexOf(' ', end);
      if (cut > start + WINDOW_CHARS / 2) end = cut;
    }
    out.push(s.slice(start, end));
    start = end;
  }
  return out;
}

export class TextModel {
  private readonly featurize: Featurizer;

  constructor(
    readonly task: string,
    readonly features: FeatureConfig,
    public weights: LinearWeights,
    public threshold: number,
    readonly meta: Record<string, unknown> = {},
  ) {
    this.featurize = featurizerFor(task);
    this.useRules = (task.startsWith('toxicity') || task === 'spam') && process.env.AGORA_MODERATION_NO_RULES !== '1';
  }

  static fromFile(file: ModelFile): TextModel {
    return new TextModel(file.task, file.features, decodeModel(file), file.threshold, file.meta);
  }

  toFile(meta: Record<string, unknown> = this.meta): ModelFile {
    return encodeModel(this.task, this.features, this.weights, this.threshold, meta);
  }

  featuresOf(text: string, lang = 'und'): SparseVec {
    return this.featurize(text, lang, this.features);
  }

  /** Features and word-list prior (0 when {@link useRules} is off) of one piece of text. */
  parts(text: string, lang = 'und'): { x: SparseVec; prior: number } {
    if (this.useRules && this.task.startsWith('toxicity')) return toxicityParts(text, lang, this.features);
    if (this.useRules && this.task === 'spam') return spamParts(text, this.features);
    return { x: this.featuresOf(text, lang), prior: 0 };
  }

  /** Raw logit of features already extracted (no word-list prior). */
  logitOf(x: SparseVec): number {
    return dot(this.weights, x);
  }

  /** Raw logit of one piece of text (no windowing), including the word-list prior. */
  logit(text: string, lang = 'und'): number {
    const { x, prior } = this.parts(text, lang);
    return dot(this.weights, x) + prior;
  }

  /** Whether {@link logit} adds the word-list prior (toxicity and spam; off to measure the model alone). */
  useRules = false;

  /**
   * Probability 0..1. Long texts are scored per window and the highest window wins: one
   * abusive paragraph in a long, otherwise calm comment must still be caught, and it would
   * be diluted if the whole text were one feature vector.
   */
  score(text: string, lang = 'und'): number {
    let best = -Infinity;
    for (const w of windows(text)) best = Math.max(best, this.logit(w, lang));
    return sigmoid(best);
  }

  /**
   * Continue training on new labelled texts (e.g. a site's moderator decisions), pulled
   * towards the current weights so that a few hundred examples adapt the model without
   * making it forget what it learnt from the large training sets.
   */
  retrained(examples: readonly { text: string; label: 0 | 1; lang?: string; weight?: number }[], opt: Partial<TrainOptions> = {}): TextModel {
    // The word-list prior is part of the score, so it is a fixed offset here: a site whose
    // moderators approve friendly banter ("t'es con lol") can outweigh it.
    const ex: Example[] = examples.map((e) => {
      const lang = e.lang ?? 'und';
      const { x, prior } = this.parts(e.text.slice(0, MAX_SCORED_CHARS), lang);
      return { x, y: e.label, w: e.weight ?? 1, o: prior };
    });
    // Gentle on purpose: with 100–400 decisions, larger steps or more epochs overfit and lose
    // ROC-AUC on the site's later comments (measured in the benchmark's simulation, see docs).
    const w = trainLogistic(ex, 1 << this.features.bits, {
      epochs: 3,
      lr: 0.03,
      l2: 1e-2,
      seed: 1,
      ...opt,
      prior: this.weights,
    });
    const next = new TextModel(this.task, this.features, w, this.threshold, { ...this.meta, retrainedOn: examples.length });
    next.useRules = this.useRules;
    return next;
  }
}
