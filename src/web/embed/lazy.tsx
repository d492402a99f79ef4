import type { VNode } from 'preact';
import type { Lang } from '../../i18n/discussion.js';
import { useEffect, useState } from './hooks.js';
import { useD } from './context.js';
import { allStrings, loadAllStrings } from './strings.js';
import type { Discussion } from './useDiscussion.js';

/** A part of the widget fetched on first use; `m` holds its module once it has arrived. */
export interface Chunk<T> {
  (): Promise<T>;
  m?: T;
}

/** A chunk loaded by `load` once, on first use; a failed load is tried again on the next. */
export function chunk<T>(load: () => Promise<T>): Chunk<T> {
  let p: Promise<T> | undefined;
  const get: Chunk<T> = () =>
    (p ??= load().then(
      (m) => (get.m = m),
      (e: unknown) => {
        p = undefined; // a network failure is not final: the next use tries again
        throw e;
      },
    ));
  return get;
}

/**
 * The interaction chunks (docs/adr/0020). Each import() is a split point: esbuild makes it a module of its own,
 * sharing the reading path's Preact, loaded from Agora's origin when a reader first needs it.
 */
export const chunks = {
  composer: chunk(() => import('./chunks/composer.js')),
  auth: chunk(() => import('./chunks/auth.js')),
  report: chunk(() => import('./chunks/report.js')),
  bell: chunk(() => import('./chunks/bell.js')),
  guest: chunk(() => import('./chunks/guest.js')),
  account: chunk(() => import('./chunks/account.js')),
  permalink: chunk(() => import('./chunks/permalink.js')),
};

/** Chunk `c` with the interaction strings of the widget's language, which every chunk's components show. */
const ready = <T,>(d: Discussion, c: Chunk<T>): Promise<T> => Promise.all([c(), loadAllStrings(d.cfg.lang)]).then(([m]) => m);

/**
 * Renders `children(module)` once chunk `c` (and the strings) have arrived, nothing until then. A chunk that cannot
 * be fetched is reported in the live region like any other network failure.
 */
export function Lazy<T>({ c, children }: { c: Chunk<T>; children: (m: T) => VNode }) {
  const d = useD();
  const [, arrived] = useState(0);
  // Keyed on `c`: Preact reuses this component where another Lazy stood (e.g. the composer after the sign-in form).
  const m = allStrings(d.cfg.lang) && c.m;
  useEffect(() => {
    if (!m) ready(d, c).then(() => arrived((n) => n + 1), () => d.setStatus(d.s.offline));
  }, [c]);
  return m ? children(m) : null;
}

/** Runs `fn` with chunk `c`'s module once it (and the strings) have arrived, or reports that it could not be. */
export function withChunk<T>(d: Discussion, c: Chunk<T>, fn: (m: T) => unknown): void {
  ready(d, c).then(fn, () => d.setStatus(d.s.offline));
}

/** The widget's whole catalog, for the chunks' components (rendered only once it has arrived). */
export const useS = () => allStrings(useD().cfg.lang);

/**
 * Fetches chunks (and the interaction strings of `lang`) once the browser is idle, so the first click on Reply or
 * Sign in does not wait for the network. Safari has no requestIdleCallback: there, a few seconds after the reading
 * path has rendered.
 */
export function prefetch(lang: Lang, list: Chunk<unknown>[]): void {
  const go = () => [() => loadAllStrings(lang), ...list].forEach((c) => c().catch(() => undefined));
  if (typeof requestIdleCallback === 'function') requestIdleCallback(go, { timeout: 5000 });
  else setTimeout(go, 3000);
}
