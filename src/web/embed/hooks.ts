/**
 * The hooks the widget uses (useState, useEffect, useRef, and a context), in under 1 KB minified where
 * preact/hooks took 2.7 KB: 562 B gzip less for every reader, on the reading path (docs/adr/0020). Same contract
 * for what the widget does with them: state setters take a value or an updater and re-render only on a change;
 * effects run after the render has been committed, each cleanup before its effect runs again and on unmount;
 * a component rendering again first runs the effects still pending from its last render (as preact/hooks does).
 * useMemo and useCallback are here too (dropped from the bundle while no component uses them). Left out, as the
 * widget needs none: layout effects, reducers, imperative handles, ids, error boundaries, devtools hooks; a widget
 * component that imports one fails the build ("No matching export"), and this file is where to add it.
 *
 * It plugs into Preact's `options` through Preact 10's mangled names (stable across 10.x; preact/hooks and
 * preact/debug use the same): `__r` is called with a component's vnode before it renders, `vnode.__c` is the
 * component. The embed build maps any `preact/hooks` import in the widget to this file (scripts/build-web.mjs),
 * so two hook runtimes never ship.
 */
import { options, type RefObject } from 'preact';

/** One hook's slot: a state's value and component, or an effect's function, cleanup and dependencies. */
interface Slot {
  v?: unknown;
  k?: Hooked;
  f?: () => unknown;
  c?: unknown;
  d?: unknown[];
}
interface Hooked {
  /** This file's state of the component: its slots, and its effects waiting for the render to be committed. */
  $h?: { l: Slot[]; e: Slot[] };
  setState(s: object): void;
  context: Record<string, unknown>;
}
interface VNode {
  __c?: Hooked | null;
}
const o = options as unknown as { __r?: (v: VNode) => void; diffed?: (v: VNode) => void; unmount?: (v: VNode) => void };

let cur: Hooked;
let at = 0;
/** Components with effects to run once the current render is committed. */
let waiting: Hooked[] = [];

const cleanup = (s: Slot) => typeof s.c == 'function' && (s.c as () => void)();

/** Runs `c`'s pending effects: every cleanup first, then the effects (preact/hooks' order). */
function flush(c: Hooked) {
  const h = c.$h;
  if (!h) return; // unmounted meanwhile: its cleanups have run
  const e = h.e;
  h.e = [];
  e.forEach(cleanup);
  e.forEach((s) => (s.c = s.f!()));
}

const before = o.__r;
o.__r = (v) => {
  before?.(v);
  cur = v.__c!;
  at = 0;
  if (cur.$h?.e.length) flush(cur);
};
const diffed = o.diffed;
o.diffed = (v) => {
  diffed?.(v);
  const c = v.__c;
  // After the whole render has been committed (a task later, as preact/hooks' fallback to requestAnimationFrame).
  if (c?.$h?.e.length && !waiting.includes(c) && waiting.push(c) == 1)
    setTimeout(() => {
      const all = waiting;
      waiting = [];
      // Each component's in a microtask of its own: one effect that throws does not stop the other components'.
      all.forEach((c) => queueMicrotask(() => flush(c)));
    });
};
const unmount = o.unmount;
o.unmount = (v) => {
  unmount?.(v);
  const c = v.__c;
  if (c?.$h) {
    c.$h.l.forEach(cleanup);
    c.$h = undefined;
  }
};

const slot = (): Slot => ((cur.$h ??= { l: [], e: [] }).l[at++] ??= {});

export function useState<S>(init: S | (() => S)): [S, (next: S | ((prev: S) => S)) => void] {
  const s = slot();
  if (!s.k) {
    s.k = cur;
    s.v = [
      typeof init == 'function' ? (init as () => S)() : init,
      (next: S | ((prev: S) => S)) => {
        const [was, set] = s.v as [S, unknown];
        const now = typeof next == 'function' ? (next as (prev: S) => S)(was) : next;
        if (now !== was) {
          s.v = [now, set];
          s.k!.setState({});
        }
      },
    ];
  }
  return s.v as [S, (next: S | ((prev: S) => S)) => void];
}

export function useEffect(effect: () => unknown, deps?: unknown[]): void {
  const s = slot();
  if (!deps || !s.d || deps.some((x, i) => x !== s.d![i])) {
    s.f = effect;
    s.d = deps;
    cur.$h!.e.push(s);
  }
}

/** `make()`'s value, made again when a dependency changes. Costs no reader a byte until a component uses it. */
export function useMemo<T>(make: () => T, deps: unknown[]): T {
  const s = slot();
  if (!s.d || deps.some((x, i) => x !== s.d![i])) {
    s.v = make();
    s.d = deps;
  }
  return s.v as T;
}

export const useCallback = <T>(fn: T, deps: unknown[]): T => useMemo(() => fn, deps);

export function useRef<T>(initial: T): { current: T };
export function useRef<T>(initial: T | null): RefObject<T>;
export function useRef<T = undefined>(): { current: T | undefined };
export function useRef(initial?: unknown): { current: unknown } {
  const s = slot();
  return (s.v ??= { current: initial }) as { current: unknown };
}

/**
 * What an ancestor's `getChildContext()` gave under `key` (Preact's context of class components, context.ts): the
 * widget's one context needs no Provider, Consumer or subscriptions, as no component of the widget ever skips its
 * children's render (none has shouldComponentUpdate or memo), so every consumer renders again with a new value.
 * Preact gives a component the context it was created with whenever it renders by itself: give something stable.
 */
export const useProvided = <T>(key: string): T => cur.context[key] as T;
