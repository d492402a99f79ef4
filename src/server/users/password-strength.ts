import { Worker } from 'node:worker_threads';
import { AppError } from '../errors.js';
import type { Lang } from '../../i18n/discussion.js';
import { boundedGate } from './semaphore.js';

/** Shortest password accepted, in characters (code points). */
export const MIN_PASSWORD_LENGTH = 10;
/** Lowest zxcvbn score accepted: 3 is "safely unguessable" (about 10^8 guesses or more) in zxcvbn's scale of 0–4. */
export const MIN_PASSWORD_SCORE = 3;

/** zxcvbn's verdict on a password, with its feedback in both languages. */
export interface Strength {
  score: number;
  /** zxcvbn's warning key ('simpleRepeat', 'userInputs'…), or null. */
  warningKey: string | null;
  feedback: Record<Lang, { warning: string | null; suggestions: string[] }>;
}

// Only the first 64 characters are estimated: zxcvbn's matching grows much faster than the length (a 256-character
// pattern took seconds in our measurements), and 64 characters that are easy to guess make a weak password anyway.
const MAX_ESTIMATED_LENGTH = 64;
// Few l33t substitutions: each one multiplies the dictionary look-ups; three still catch "p@ssw0rd".
const L33T_SUBSTITUTIONS = 3;
const CHECK_TIMEOUT_MS = 10_000;
// The dictionaries take about 150 MB: a worker unused for this long is stopped, and started again when needed.
const IDLE_MS = 5 * 60_000;

// The worker is plain JavaScript (it only runs zxcvbn), so it runs the same from the sources and from the build.
// It loads zxcvbn and the common, English and French dictionaries once, on its first check.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let ready;
const load = () => (ready ??= Promise.all(workerData.modules.map((m) => import(m))).then(([core, common, en, fr]) => ({
  zxcvbn: new core.ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary, ...fr.dictionary },
    graphs: common.adjacencyGraphs,
    maxLength: workerData.maxLength,
    l33tMaxSubstitutions: workerData.l33t,
  }),
  translations: { en: en.translations, fr: fr.translations },
})));
const say = (t, key, kind) => (key && t[kind] && t[kind][key]) || null;
parentPort.on('message', async ({ id, password, userInputs }) => {
  try {
    const { zxcvbn, translations } = await load();
    const r = zxcvbn.check(password, userInputs);
    const feedback = {};
    for (const lang of ['en', 'fr']) {
      const t = translations[lang];
      feedback[lang] = { warning: say(t, r.feedback.warning, 'warnings'), suggestions: r.feedback.suggestions.map((s) => say(t, s, 'suggestions')).filter(Boolean) };
    }
    parentPort.postMessage({ id, score: r.score, warningKey: r.feedback.warning || null, feedback });
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.message) || err) });
  }
});
`;

type Pending = { resolve: (s: Strength) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

/**
 * zxcvbn in a worker thread: its estimate takes tens of milliseconds (hundreds for some patterns) of synchronous
 * work that must not stall every other request, and its dictionaries (megabytes of words) stay out of the main heap
 * and, being server-only, out of the embed bundle. One check at a time, a few waiting: sign-up is rate-limited, so
 * a longer queue would only be an attacker's.
 */
function estimator() {
  let worker: Worker | null = null;
  let idle: NodeJS.Timeout | null = null;
  let seq = 0;
  const pending = new Map<number, Pending>();
  const gate = boundedGate({ concurrency: 1, queue: 16, full: () => new AppError('AUTH_BUSY', undefined, { retryAfterSeconds: 2 }) });

  const stop = (reason: Error) => {
    const w = worker;
    worker = null;
    if (idle) clearTimeout(idle);
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      p.reject(reason);
      pending.delete(id);
    }
    if (w) void w.terminate();
  };

  const start = (): Worker => {
    const modules = ['@zxcvbn-ts/core', '@zxcvbn-ts/language-common', '@zxcvbn-ts/language-en', '@zxcvbn-ts/language-fr'].map((m) => import.meta.resolve(m));
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { modules, maxLength: MAX_ESTIMATED_LENGTH, l33t: L33T_SUBSTITUTIONS } });
    w.on('message', (m: { id: number; score?: number; warningKey?: string | null; feedback?: Strength['feedback']; error?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.error !== undefined || m.score === undefined || !m.feedback) p.reject(new Error(`password strength: ${m.error ?? 'no answer'}`));
      else p.resolve({ score: m.score, warningKey: m.warningKey ?? null, feedback: m.feedback });
    });
    w.on('error', (err) => stop(err));
    w.on('exit', () => {
      if (worker === w) stop(new Error('password strength worker stopped'));
    });
    return w;
  };

  const ask = (password: string, userInputs: string[]) =>
    new Promise<Strength>((resolve, reject) => {
      worker ??= start();
      // Held while a check is pending, never otherwise: an idle worker must not keep a command or a test run alive.
      worker.ref();
      if (idle) clearTimeout(idle);
      const id = ++seq;
      // A check that does not answer in time (a stuck worker) fails this sign-up and restarts the worker.
      const timer = setTimeout(() => stop(new AppError('AUTH_BUSY', undefined, { retryAfterSeconds: 2 })), CHECK_TIMEOUT_MS).unref();
      pending.set(id, { resolve, reject, timer });
      worker.postMessage({ id, password, userInputs });
    }).finally(() => {
      if (pending.size === 0 && worker) {
        worker.unref();
        idle = setTimeout(() => stop(new Error('idle')), IDLE_MS);
        idle.unref();
      }
    });

  return {
    estimate: (password: string, userInputs: string[] = []) => gate.run(() => ask([...password].slice(0, MAX_ESTIMATED_LENGTH).join(''), userInputs)),
    /** Stops the worker now (tests; the worker is unref'd, so a process exits without this). */
    stop: () => stop(new Error('stopped')),
  };
}

const shared = estimator();

/** zxcvbn's score (0–4) and feedback for a password; `userInputs` are words of the account (email, name). */
export function estimateStrength(password: string, userInputs: string[] = []): Promise<Strength> {
  return shared.estimate(password, userInputs);
}

/** Stops the estimator's worker (it starts again on the next estimate). */
export function stopStrengthEstimator(): void {
  shared.stop();
}

const TOO_SHORT: Record<Lang, string> = {
  en: `Use at least ${MIN_PASSWORD_LENGTH} characters.`,
  fr: `Utilisez au moins ${MIN_PASSWORD_LENGTH} caractères.`,
};
// Where zxcvbn's own sentence is unclear to a reader.
const OWN_WARNINGS: Record<string, Record<Lang, string>> = {
  userInputs: { en: 'It contains your name or email address, which are easy to guess.', fr: 'Il contient votre nom ou votre adresse e-mail, faciles à deviner.' },
};
const GENERIC: Record<Lang, string> = {
  en: 'Add a few uncommon words: a short sentence of your own is easy to remember and hard to guess.',
  fr: 'Ajoutez quelques mots peu courants : une courte phrase de votre invention se retient facilement et se devine difficilement.',
};

/**
 * Throws WEAK_PASSWORD unless the password has at least MIN_PASSWORD_LENGTH characters and a zxcvbn score of at
 * least MIN_PASSWORD_SCORE against the common, English and French dictionaries and the account's own words. The
 * error's details say why, in `lang`: too short, or zxcvbn's warning and suggestions ("Repeated characters like
 * "aaa" are easy to guess.").
 */
export async function assertStrongPassword(password: string, opts: { lang: Lang; userInputs?: (string | null | undefined)[] }): Promise<void> {
  if ([...password].length < MIN_PASSWORD_LENGTH) throw new AppError('WEAK_PASSWORD', TOO_SHORT[opts.lang]);
  // The account's own words (the email's parts, the name) are as guessable as a dictionary's.
  const inputs = (opts.userInputs ?? []).flatMap((s) => (s ? [s, ...s.split(/[@.\s_+-]+/)] : [])).filter((s) => s.length >= 3);
  const { score, warningKey, feedback } = await estimateStrength(password, [...new Set(inputs)]);
  if (score >= MIN_PASSWORD_SCORE) return;
  const f = { ...feedback[opts.lang], ...(warningKey && OWN_WARNINGS[warningKey] ? { warning: OWN_WARNINGS[warningKey][opts.lang] } : {}) };
  // zxcvbn's French sentences lack their final full stop; they are joined into one message.
  const why = [f.warning, ...f.suggestions].filter((s): s is string => !!s).map((s) => (/[.!?…]$/.test(s) ? s : `${s}.`));
  throw new AppError('WEAK_PASSWORD', (why.length ? why : [GENERIC[opts.lang]]).join(' '));
}
