import { useEffect, useRef, useState } from './hooks.js';
import { ApiError, createClient } from './api.js';
import { emit, storyPath, type ReadyConfig } from './config.js';
import { chunks } from './lazy.js';
import { loadAllStrings } from './strings.js';
import { createSession, forgetSession, openSignInPopup, storeToken } from './session.js';
import { appendPage } from './tree.js';
import { SORTS, type Comment, type CommentPage, type Sort, type Story, type User } from './types.js';
import { useLive } from './live.js';

/** Focus key of the main composer; comment ids are used for comments. */
export const MAIN_COMPOSER = '';
const PAGE_SIZE = 20;
const enc = encodeURIComponent;
/** Where the reader's chosen sort is kept: the page's localStorage, so per publisher site. */
const SORT_KEY = 'agora-sort';

/** An action a signed-out reader asked for on a comment, done once they have signed in (issue 12, point 5). */
export interface Pending {
  id: string;
  act: 'reply' | 'react' | 'report';
}

/** State and actions of one Discussion; components reach it through context. */
export type Discussion = ReturnType<typeof useDiscussion>;

/**
 * Owns the data of one widget instance: story, session, comment pages, and the reading actions (sorts, load more,
 * live updates, starting sign-in). Writing actions live in the interaction chunks and change this state.
 */
export function useDiscussion(cfg: ReadyConfig) {
  const s = cfg.s;
  const [user, setUser] = useState<User | null>(null);
  const [story, setStory] = useState<Story | null>(null);
  const [comments, setComments] = useState<Comment[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [total, setTotal] = useState(0);
  // Remembered across visits; storage may be refused (privacy settings, sandboxed frames): then newest first.
  const [sort, pickSort] = useState<Sort>(() => {
    try {
      const v = localStorage.getItem(SORT_KEY) as Sort;
      return SORTS.includes(v) ? v : 'newest';
    } catch {
      return 'newest';
    }
  });
  const setSort = (v: Sort) => {
    pickSort(v);
    try {
      localStorage.setItem(SORT_KEY, v);
    } catch {
      // not remembered, still applied
    }
  };
  const pending = useRef<Pending | null>(null);
  /** Ids of the readers this reader ignores: their comments are folded (GET /me's `ignored`). */
  const [ignored, setIgnored] = useState<string[]>([]);
  const [phase, setPhase] = useState<'loading' | 'ready' | 'failed'>('loading');
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  // A counter rather than a boolean so asking again (from another Reply button) moves focus back to the form.
  const [authOpen, setAuthOpen] = useState(0);
  // A fresh object per request so focusing the same element twice still triggers the effect.
  const [focus, setFocus] = useState<{ id: string } | null>(null);
  const [epoch, setEpoch] = useState(0);
  const [eventSeq, setEventSeq] = useState<number | null>(null);
  // Numbers every list load so an answer for an older sort or session cannot overwrite a newer one.
  const seq = useRef(0);
  const reacting = useRef(new Set<string>());
  const [{ session, req }] = useState(() => {
    const session = createSession(cfg.firstParty);
    const onUnauthorized = () => {
      forgetSession(session);
      setUser(null);
    };
    return { session, req: createClient({ api: cfg.api, lang: cfg.lang, session, offline: s.offline, onUnauthorized }) };
  });

  /** Says `key` of the interaction strings (rare messages, not worth the reading path's bytes) in the live region. */
  const say = (key: 'pageError' | 'liveOff' | 'popupBlocked') => void loadAllStrings(cfg.lang).then((all) => setStatus(all[key]), () => setStatus(s.offline));
  // An ApiError names what failed (the server's message, or ours when it could not be reached); anything else failed
  // in this browser, before or after a request, and is not blamed on the network (issue 19). The console has the rest.
  const fail = (e: unknown) => (e instanceof ApiError ? setStatus(e.message) : (console.error(e), say('pageError')));
  /** Runs a reader's action: clears the last message, reports a failure in the live region, never throws. */
  async function run(fn: () => Promise<unknown>): Promise<boolean> {
    setStatus('');
    try {
      await fn();
      return true;
    } catch (e) {
      fail(e);
      return false;
    }
  }

  async function me(): Promise<User | null> {
    try {
      // The publisher signs its reader in (a token, or a hook that gives one): exchanged for our session.
      const sso = cfg.ssoToken || cfg.hooks.getToken ? await (await chunks.auth()).ssoSignIn(req, session, cfg) : undefined;
      if (sso !== undefined) return sso;
      // Nobody to ask about: no token, or a first-party page (Agora's article page, rendered for each reader) that
      // printed no CSRF token, which it prints only for a signed-in reader. Asking anyway answers 401, a console
      // error on every anonymous reader's page view (issue 19).
      if (!(session.firstParty ? session.csrf : session.token)) return null;
      const r = await req<{ user: User; csrfToken?: string; ignored?: string[] }>('GET', '/me');
      if (r.csrfToken) session.csrf = r.csrfToken;
      setIgnored(r.ignored ?? []);
      return r.user;
    } catch {
      return null; // signed out (or unreachable: the story load reports that)
    }
  }

  async function start() {
    setPhase('loading');
    setStatus('');
    try {
      const [r, u] = await Promise.all([req<{ story: Story }>('GET', storyPath(cfg)), me()]);
      setStory(r.story);
      setUser(u);
      setEpoch((n) => n + 1);
    } catch (e) {
      fail(e);
      setPhase('failed');
      // The client's errors are ApiErrors (a network failure too): code and message, in the reader's language.
      emit(cfg, 'onError', e as ApiError);
    }
  }

  useEffect(() => void start(), []);

  // Third-party pages sign in through the popup, whose answer the auth chunk listens for (from the first opening).
  const stopListening = useRef<Promise<() => void>>();
  useEffect(() => () => void stopListening.current?.then((stop) => stop()), []);
  function listen() {
    stopListening.current ??= chunks.auth().then((m) =>
      m.listenForSignIn(cfg.apiOrigin, async (token, u) => {
        storeToken(session, token);
        setStatus('');
        setUser(u ?? (await me()));
        // Back to the comment whose Reply, Respect or Report asked for sign-in, else to the composer.
        setFocus({ id: pending.current?.id ?? MAIN_COMPOSER });
      }),
    );
    stopListening.current.catch(() => (stopListening.current = undefined));
  }

  const fetchPage = (storyId: string, cursor: string | null) =>
    sort === 'featured'
      ? // The moderators' picks: one short list, no pages.
        req<CommentPage>('GET', `/stories/${enc(storyId)}/featured`).then((p) => ({ ...p, nextCursor: null, totalCount: p.comments.length }))
      : req<CommentPage>(
          'GET',
          `/stories/${enc(storyId)}/comments?sort=${sort}&limit=${PAGE_SIZE}${cursor ? `&cursor=${enc(cursor)}` : ''}`,
        );

  // First page again whenever the sort or the reader changes: `viewer` flags depend on who asks.
  const storyId = story?.id;
  useEffect(() => {
    if (!storyId) return;
    const n = ++seq.current;
    setBusy(true);
    fetchPage(storyId, null)
      .then((p) => {
        if (n !== seq.current) return;
        // The Featured tab shows the moderators' picks only, not the reader's just-posted comments.
        setComments((l) => (sort != 'featured' && chunks.composer.m?.keepFresh(l, p.comments, sort === 'oldest' && !p.nextCursor)) || p.comments);
        setNext(p.nextCursor);
        setTotal(p.totalCount);
        setEventSeq((e) => e ?? p.eventSeq ?? null);
        setPhase('ready');
      })
      .catch((e: unknown) => {
        if (n !== seq.current) return;
        fail(e);
        setPhase((ph) => (ph === 'ready' ? ph : 'failed'));
      })
      .finally(() => n === seq.current && setBusy(false));
  }, [storyId, sort, user?.id, epoch]);

  const loadMore = () =>
    storyId &&
    next &&
    !busy &&
    run(async () => {
      const n = seq.current;
      setBusy(true);
      try {
        const p = await fetchPage(storyId, next);
        if (n !== seq.current) return;
        setComments((l) => appendPage(l, p.comments));
        // Keyboard and screen-reader users carry on from the first comment of the new page.
        if (p.comments[0]) setFocus({ id: p.comments[0].id });
        setNext(p.nextCursor);
        setTotal(p.totalCount);
      } finally {
        setBusy(false);
      }
    });

  function openSignIn() {
    setStatus('');
    // A publisher with its own accounts sends the reader to its sign-in.
    if (cfg.hooks.onLoginRequest) emit(cfg, 'onLoginRequest');
    else if (cfg.firstParty) setAuthOpen((n) => n + 1);
    else if (openSignInPopup(cfg.api, cfg.lang)) listen();
    // Rare enough that its message comes with the interaction strings.
    else say('popupBlocked');
  }

  /**
   * True when signed in; otherwise starts sign-in, says why, and keeps `p` so that the comment's item does the
   * action once the reader is signed in.
   */
  function need(p?: Pending): boolean {
    if (user) return true;
    openSignIn();
    if (p) {
      pending.current = p;
      // Said with the interaction strings (the sign-in form's chunk needs them anyway): not on the reading path.
      void loadAllStrings(cfg.lang).then((all) => setStatus(all.signInTo[p.act]), () => undefined);
    }
    return false;
  }

  const bumpCount = (delta: number) =>
    setStory((st) => st && { ...st, commentCount: Math.max(0, st.commentCount + delta) });

  const live = useLive({
    api: cfg.api,
    storyId,
    eventSeq,
    userId: user?.id,
    featured: sort == 'featured',
    setComments,
    onPublished: (n) => {
      bumpCount(n);
      setTotal((t) => t + n);
    },
    reload: () => setEpoch((n) => n + 1),
    off: () => say('liveOff'),
  });

  return {
    s,
    cfg,
    user,
    story,
    comments,
    next,
    total,
    sort,
    phase,
    busy,
    status,
    authOpen,
    focus,
    setSort,
    setStatus,
    setFocus,
    req,
    run,
    retry: start,
    loadMore,
    openSignIn,
    need,
    pending,
    ignored,
    setIgnored,
    live,
    // For the interaction chunks' actions (src/web/embed/write.ts and the forms), which change this state.
    session,
    setUser,
    setAuthOpen,
    setComments,
    setTotal,
    bumpCount,
    reacting,
  };
}
