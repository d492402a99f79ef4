import { AppError } from '../errors.js';
import type { CommentSort } from './model.js';

/** Position after the last comment of a page: the sort key, then creation time and id to break ties. */
export interface Cursor {
  key: number | null;
  createdAt: string;
  id: string;
}

/** Opaque to clients: base64url JSON, tagged with the sort so a cursor cannot be replayed under another. */
export function encodeCursor(sort: CommentSort, c: Cursor): string {
  return Buffer.from(JSON.stringify([sort, c.key, c.createdAt, c.id])).toString('base64url');
}

// Sort keys are counts stored as 32-bit integers: a forged larger one must be refused, not sent to the database.
const MAX_KEY = 2 ** 31 - 1;

/** Parses a cursor; throws INVALID_CURSOR on anything that was not made by encodeCursor for this sort. */
export function decodeCursor(sort: CommentSort, raw: string): Cursor {
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 4 && v[0] === sort && (v[1] === null || (Number.isInteger(v[1]) && v[1] >= 0 && v[1] <= MAX_KEY)) && typeof v[2] === 'string' && typeof v[3] === 'string') {
      return { key: v[1] as number | null, createdAt: v[2], id: v[3] };
    }
  } catch {
    // fall through
  }
  throw new AppError('INVALID_CURSOR');
}
