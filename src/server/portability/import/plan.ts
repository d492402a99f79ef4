import { placeReply } from '../../comments/model.js';
import type { SkipReason, SourcePost } from './model.js';

/** A comment already in the database that a post of the file replies to (imported from an earlier file). */
export interface StoredParent {
  id: string;
  storyId: string;
  parentId: string | null;
  rootId: string | null;
  depth: number;
}

/** Where a post goes in its thread, as comment ids. */
export interface Placement {
  parentId: string | null;
  rootId: string | null;
  depth: number;
  inReplyToId: string | null;
}

const NONE = -1;
const STATUS = { published: 0, pending: 1, deleted: 2 } as const;

/**
 * Why a post of the file is not written: a skip reason counted in the summary, 'stored' when this site already has it
 * from an earlier import of the same source (it stays as it is, under its id, and replies of the file hang under it),
 * or 'conflict' when something else stands in its way (counted by the importer, see CONFLICTS).
 */
export type NotWritten = SkipReason | 'stored' | 'conflict';

/** A 32-bit FNV-1a hash: tells two posts with the same id apart by what they say, for 4 bytes a post. */
export function fingerprint(parts: readonly (string | null)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    // null and '' differ; a separator after each part keeps ('ab', 'c') apart from ('a', 'bc').
    const s = part ?? '\u0001';
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0xfffe, 0x01000193);
  }
  return h >>> 0;
}

/**
 * What the first pass learns about the posts of a file, and where each will sit in its thread.
 *
 * Memory is bounded by the number of posts, never by their text: per post it keeps its key, its parent's key (until
 * resolved), and a few integers in typed arrays, about 150 bytes. Messages are read again in the second pass.
 * Positions are file indexes; ids are derived from keys (`idOf`) only when written, so nothing else is held.
 */
export class ImportPlan {
  readonly keys: string[] = [];
  private readonly index = new Map<string, number>();
  private parentKeys: (string | null)[] = [];
  private readonly threadOfPost: number[] = [];
  private readonly threadKeys: string[] = [];
  private readonly threadIndex = new Map<string, number>();
  private readonly seqs: number[] = [];
  private readonly prints: number[] = [];
  readonly skip: (NotWritten | null)[] = [];
  private readonly status: number[] = [];
  /** Parent, root and "in reply to" of each post: a file index, NONE, or -2-e for the stored comment externals[e]. */
  private parent = new Int32Array(0);
  private root = new Int32Array(0);
  private inReplyTo = new Int32Array(0);
  private depth = new Uint8Array(0);
  private readonly externals: string[] = [];
  /** Replies whose parent was missing from the file (or unusable) and that were made top-level comments. */
  parentMissing = 0;

  get size(): number {
    return this.keys.length;
  }

  /**
   * Records a post of the first pass. A key already seen is 'duplicate' when the post says the same thing (the same
   * comment exported twice), 'conflict' when it differs (two comments under one id: the first one is imported).
   */
  add(post: Pick<SourcePost, 'key' | 'threadKey' | 'parentKey' | 'skip'> & { status?: SourcePost['status'] }, seq: number, print = 0): 'added' | 'duplicate' | 'conflict' {
    const seen = this.index.get(post.key);
    if (seen !== undefined) return this.prints[seen] === print ? 'duplicate' : 'conflict';
    this.index.set(post.key, this.keys.length);
    this.prints.push(print);
    this.keys.push(post.key);
    this.parentKeys.push(post.parentKey);
    let t = NONE;
    if (post.threadKey !== null) {
      t = this.threadIndex.get(post.threadKey) ?? NONE;
      if (t === NONE) {
        t = this.threadKeys.length;
        this.threadKeys.push(post.threadKey);
        this.threadIndex.set(post.threadKey, t);
      }
    }
    this.threadOfPost.push(t);
    this.seqs.push(seq);
    this.skip.push(post.skip);
    this.status.push(STATUS[post.status ?? 'published']);
    return 'added';
  }

  /** Index of the post with this key whose first occurrence is at `seq`; undefined for a later duplicate. */
  indexAt(key: string, seq: number): number | undefined {
    const i = this.index.get(key);
    return i !== undefined && this.seqs[i] === seq ? i : undefined;
  }

  /** Thread keys that at least one post names. */
  threadsWithPosts(): Set<string> {
    return new Set(this.threadKeys);
  }

  /** Index of the first post with this key, if any. */
  indexOf(key: string): number | undefined {
    return this.index.get(key);
  }

  /**
   * Parent keys that no post of the file will write: they may be comments stored by an earlier import (of another
   * file, or of this one: posts marked 'stored' are read from the database as parents, with the id they have there).
   */
  unknownParentKeys(): string[] {
    const out = new Set<string>();
    for (const k of this.parentKeys) {
      if (k === null) continue;
      const j = this.index.get(k);
      if (j === undefined || this.skip[j] === 'stored') out.add(k);
    }
    return [...out];
  }

  threadKeyOf(i: number): string | null {
    const t = this.threadOfPost[i] ?? NONE;
    return t === NONE ? null : (this.threadKeys[t] ?? null);
  }

  /**
   * Decides, once every post is known, which are imported and under which parent. A reply whose parent is skipped
   * (spam…) climbs to the nearest imported ancestor; one whose parent is nowhere (or in another story) becomes a
   * top-level comment. Cycles in corrupt files are broken the same way.
   */
  resolve(opts: { storyOf: (threadKey: string | null) => { storyId: string; held?: boolean } | { skip: SkipReason }; stored: Map<string, StoredParent> }): void {
    const n = this.size;
    const story: (string | null)[] = new Array<string | null>(n).fill(null);
    for (let i = 0; i < n; i++) {
      if (this.skip[i] !== null) continue;
      const s = opts.storyOf(this.threadKeyOf(i));
      if ('skip' in s) this.skip[i] = s.skip;
      else {
        story[i] = s.storyId;
        // Held for review: not counted among the visible replies of its parent.
        if (s.held && this.status[i] === STATUS.published) this.status[i] = STATUS.pending;
      }
    }
    // Effective parent: a file index, NONE, or an external stored comment.
    const eff = new Int32Array(n).fill(NONE);
    for (let i = 0; i < n; i++) {
      if (this.skip[i] !== null) continue;
      let k = this.parentKeys[i] ?? null;
      const hadParent = k !== null;
      let steps = 0;
      eff[i] = NONE;
      while (k !== null && steps++ <= n) {
        const j = this.index.get(k);
        if (j === undefined || this.skip[j] === 'stored') {
          const s = opts.stored.get(k);
          if (s && s.storyId === story[i]) eff[i] = this.external(s.id);
          break;
        }
        if (j === i) break;
        if (this.skip[j] === null && story[j] === story[i]) {
          eff[i] = j;
          break;
        }
        if (story[j] !== null && story[j] !== story[i]) break;
        k = this.parentKeys[j] ?? null;
      }
      if (hadParent && eff[i] === NONE) this.parentMissing++;
    }
    this.parentKeys = [];
    this.place(eff, opts.stored);
  }

  private external(id: string): number {
    this.externals.push(id);
    return -2 - (this.externals.length - 1);
  }

  private place(eff: Int32Array, stored: Map<string, StoredParent>): void {
    const n = this.size;
    this.parent = new Int32Array(n).fill(NONE);
    this.root = new Int32Array(n).fill(NONE);
    this.inReplyTo = new Int32Array(n).fill(NONE);
    this.depth = new Uint8Array(n);
    const storedById = new Map([...stored.values()].map((s) => [s.id, s]));
    // 0 = not placed, 1 = being placed (on the stack), 2 = placed.
    const state = new Uint8Array(n);
    const enc = (v: number): string | null => (v === NONE ? null : String(v));
    const dec = (v: string | null): number => (v === null ? NONE : Number(v));
    for (let start = 0; start < n; start++) {
      if (state[start] === 2 || this.skip[start] !== null) continue;
      const stack = [start];
      while (stack.length > 0) {
        const i = stack[stack.length - 1] as number;
        const p = eff[i] as number;
        if (p >= 0 && state[p] !== 2) {
          if (state[p] === 1) {
            eff[i] = NONE; // a cycle: this post becomes top-level
          } else {
            state[i] = 1;
            stack.push(p);
            continue;
          }
        }
        stack.pop();
        state[i] = 2;
        if (eff[i] === NONE) continue;
        let parent: { id: string; parentId: string | null; rootId: string | null; depth: number };
        if (p >= 0) parent = { id: String(p), parentId: enc(this.parent[p] as number), rootId: enc(this.root[p] as number), depth: this.depth[p] as number };
        else {
          const s = storedById.get(this.externals[-2 - p] as string) as StoredParent;
          parent = { id: String(p), parentId: s.parentId === null ? null : String(this.external(s.parentId)), rootId: String(this.external(s.rootId ?? s.id)), depth: s.depth };
        }
        // The same rule as a reply posted today, so imported threads nest exactly like live ones.
        const place = placeReply(parent);
        this.parent[i] = dec(place.parentId);
        this.root[i] = dec(place.rootId);
        this.inReplyTo[i] = dec(place.inReplyToId);
        this.depth[i] = place.depth;
      }
    }
  }

  // Ids made while writing, kept so that a parent's id is derived once for all its replies (a keyed hash is not free).
  private ids: (string | undefined)[] = [];

  /**
   * Visible direct replies of each post (published ones, and tombstones that still hold some), counted from the
   * tree, with the meaning the comment use cases keep in reply_count: comments of new stories are written with
   * their final counts and need no recount. Replies to stored comments are not counted here (their story is not
   * new and is recounted in the database).
   */
  replyCounts(): Int32Array {
    const n = this.size;
    const counts = new Int32Array(n);
    const byDepth: number[][] = [];
    for (let i = 0; i < n; i++) if (this.skip[i] === null) (byDepth[this.depth[i] as number] ??= []).push(i);
    // A stored parent is always shallower than its replies, so children are all counted before their parent.
    for (let d = byDepth.length - 1; d >= 0; d--) {
      for (const i of byDepth[d] ?? []) {
        const p = this.parent[i] as number;
        const st = this.status[i];
        if (p >= 0 && (st === STATUS.published || (st === STATUS.deleted && (counts[i] as number) > 0))) counts[p] = (counts[p] as number) + 1;
      }
    }
    return counts;
  }

  /** The comment id of post i, made by `idOf` from its key. */
  idOf(i: number, idOf: (key: string) => string): string {
    return (this.ids[i] ??= idOf(this.keys[i] as string));
  }

  /** Where post i goes, with ids made by `idOf` from the keys. */
  placementOf(i: number, idOf: (key: string) => string): Placement {
    const id = (v: number): string | null => (v === NONE ? null : v >= 0 ? this.idOf(v, idOf) : (this.externals[-2 - v] as string));
    return { parentId: id(this.parent[i] as number), rootId: id(this.root[i] as number), depth: this.depth[i] as number, inReplyToId: id(this.inReplyTo[i] as number) };
  }

  /** True when post i's parent comes later in the file, so it is linked after the parent is written. */
  parentComesLater(i: number): boolean {
    const p = this.parent[i] as number;
    return p >= 0 && (this.seqs[p] as number) > (this.seqs[i] as number);
  }
}
