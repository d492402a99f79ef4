import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Db } from '../../storage/db.js';
import { prepareForBulkWrites } from '../../storage/bulk.js';
import type { ChangeRunner } from '../../events/change.js';
import { createChanges } from '../../events/wiring.js';
import { recount } from '../../comments/counters.js';
import { renderCommentBody } from '../../comments/markdown.js';
import { EXPORT_FORMAT, EXPORT_VERSION, TABLES, type ExportHeader, type TableSpec } from './format.js';
import { appliedMigrations, existingTables, loose, type LooseDb, type Row } from './tables.js';

/** An export file that cannot be restored here, with the line at fault. */
export class RestoreError extends Error {}

/** What a restore did, per table. */
export interface RestoreSummary {
  format: string;
  version: number;
  siteId: string;
  tables: Record<string, { inserted: number; existing: number; skipped?: number }>;
  /** Admin and moderator roles (users.role, site_moderators) restored, or left out (without restoreRoles). */
  roles: { restored: number; dropped: number };
}

export interface RestoreOptions {
  /** Keep the file's admin and moderator roles; otherwise every restored account is a commenter. */
  restoreRoles?: boolean;
}

const STAFF = new Set(['admin', 'moderator']);

/**
 * What a restore does not take from the file as it is, because a file can be edited: HTML is made again from the
 * Markdown by our renderer (a body_html written by hand would otherwise reach readers' pages unescaped), and roles
 * that give power over the site are kept only when the operator asks. False when the row is left out.
 */
function distrust(table: string, row: Row, opts: RestoreOptions, roles: RestoreSummary['roles']): boolean {
  if (table === 'comments') {
    const body = row.body === null || row.body === undefined ? '' : String(row.body);
    row.body_html = body === '' ? '' : renderCommentBody(body);
  } else if (table === 'users') {
    const staff = typeof row.role === 'string' && STAFF.has(row.role);
    if (staff && opts.restoreRoles) roles.restored++;
    else {
      if (staff) roles.dropped++;
      row.role = 'commenter';
    }
  } else if (table === 'site_moderators') {
    if (opts.restoreRoles) roles.restored++;
    else {
      roles.dropped++;
      return false;
    }
  }
  return true;
}

type Line = { kind: 'header'; header: ExportHeader } | { kind: 'row'; table: string; row: Row } | { kind: 'end'; rows: Record<string, number> };

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads and checks one line: every value must be text, a number or null, and the shape one of the three kinds. */
function parseLine(text: string, n: number): Line {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new RestoreError(`line ${n} is not JSON`);
  }
  if (!isPlain(v)) throw new RestoreError(`line ${n} is not a JSON object`);
  if (n === 1) {
    if (v.format !== EXPORT_FORMAT) throw new RestoreError(`this is not an Agora export (line 1 has no "format": "${EXPORT_FORMAT}")`);
    if (v.version !== EXPORT_VERSION) throw new RestoreError(`this export is version ${String(v.version)}; this Agora reads version ${EXPORT_VERSION}`);
    if (typeof v.site !== 'string' || !Array.isArray(v.migrations) || !Array.isArray(v.tables)) throw new RestoreError('line 1 is not a complete export header');
    return { kind: 'header', header: v as unknown as ExportHeader };
  }
  if (isPlain(v.end) && isPlain(v.end.rows)) return { kind: 'end', rows: v.end.rows as Record<string, number> };
  if (typeof v.table !== 'string' || !isPlain(v.row)) throw new RestoreError(`line ${n} is neither a row nor the end line`);
  for (const [k, x] of Object.entries(v.row)) {
    if (x !== null && typeof x !== 'string' && typeof x !== 'number') throw new RestoreError(`line ${n}: column ${k} of ${v.table} holds a ${typeof x}`);
  }
  return { kind: 'row', table: v.table, row: v.row as Row };
}

async function* lines(path: string): AsyncGenerator<{ line: Line; n: number }> {
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  for await (const text of rl) {
    n++;
    if (text.trim() === '') continue;
    yield { line: parseLine(text, n), n };
  }
}

/**
 * First pass: the whole file is checked before anything is written (a cut or foreign file changes nothing):
 * the header, each row's table and columns against this database, the order of tables, and the end line's counts.
 */
async function check(path: string, present: Map<string, Set<string>>, migrations: string[]): Promise<ExportHeader> {
  let header: ExportHeader | undefined;
  const counts: Record<string, number> = {};
  let order = -1;
  let ended = false;
  for await (const { line, n } of lines(path)) {
    if (ended) throw new RestoreError(`line ${n} comes after the end line`);
    if (line.kind === 'header') {
      header = line.header;
      const unknown = header.migrations.filter((m) => !migrations.includes(m));
      if (unknown.length) throw new RestoreError(`the export comes from a newer Agora (migrations ${unknown.join(', ')}); upgrade this one first`);
      continue;
    }
    if (!header) throw new RestoreError('line 1 is not an export header');
    if (line.kind === 'end') {
      for (const [t, c] of Object.entries(line.rows)) if ((counts[t] ?? 0) !== c) throw new RestoreError(`the file is incomplete: ${counts[t] ?? 0} rows of ${t}, the end line says ${c}`);
      ended = true;
      continue;
    }
    const at = TABLES.findIndex((s) => s.table === line.table);
    if (at < 0) throw new RestoreError(`line ${n}: unknown table ${line.table}`);
    if (at < order) throw new RestoreError(`line ${n}: rows of ${line.table} after rows of ${TABLES[order]?.table}; the file was reordered`);
    order = at;
    const columns = present.get(line.table);
    if (!columns) throw new RestoreError(`line ${n}: this database has no table ${line.table} (a feature not installed)`);
    const extra = Object.keys(line.row).filter((c) => !columns.has(c));
    if (extra.length) throw new RestoreError(`line ${n}: ${line.table} has no column ${extra.join(', ')} here`);
    counts[line.table] = (counts[line.table] ?? 0) + 1;
  }
  if (!header) throw new RestoreError('the file is empty');
  if (!ended) throw new RestoreError('the file is incomplete: it has no end line (was the export cut short?)');
  return header;
}

const BATCH = 500;

/**
 * What a restore must never bring back: accounts erased in this database since the export was made (their rows
 * are skipped, and with them their comments and what hangs on those), because an erasure is a legal act that a
 * backup does not undo.
 */
interface Erased {
  users: Set<string>;
  comments: Set<string>;
}

const USER_COLUMNS = ['user_id', 'author_id', 'subject_user_id'];

function erasedRow(spec: TableSpec, row: Row, erased: Erased): boolean {
  if (spec.table === 'users') return erased.users.has(String(row.id));
  if (spec.table === 'comments') {
    if (!erased.users.has(String(row.author_id))) return false;
    erased.comments.add(String(row.id));
    return true;
  }
  if (spec.table !== 'moderator_notes' && spec.table !== 'moderation_audit' && USER_COLUMNS.some((c) => typeof row[c] === 'string' && erased.users.has(row[c] as string))) return true;
  return typeof row.comment_id === 'string' && erased.comments.has(row.comment_id);
}

/** Writes one batch of a table: rows already there (same id) are kept, rows meeting a natural key are matched. */
async function writeBatch(db: LooseDb, spec: TableSpec, siteId: string, all: Row[], remap: Map<string, Map<string, string>>, stats: { inserted: number; existing: number; skipped?: number }, erased: Erased, trust: (row: Row) => boolean) {
  const rows = all.filter((r) => !erasedRow(spec, r, erased) && trust(r));
  if (rows.length < all.length) stats.skipped = (stats.skipped ?? 0) + all.length - rows.length;
  if (rows.length === 0) return 0;
  for (const row of rows) {
    for (const [col, target] of Object.entries(spec.refs ?? {})) {
      const v = row[col];
      if (typeof v === 'string') row[col] = remap.get(target)?.get(v) ?? v;
    }
  }
  let todo = rows;
  if (spec.natural && 'id' in (rows[0] ?? {})) {
    const nat = spec.natural;
    const ids = rows.map((r) => String(r.id));
    const sameId = new Set((await db.selectFrom(spec.table).select('id').where('id', 'in', ids).execute()).map((r) => String(r.id)));
    const values = rows.filter((r) => !sameId.has(String(r.id)) && r[nat.column] !== null && r[nat.column] !== undefined).map((r) => r[nat.column] as string);
    if (values.length) {
      let q = db.selectFrom(spec.table).select(['id', nat.column]).where(nat.column, 'in', values);
      if (nat.withSite) q = q.where('site_id', '=', siteId);
      const found = new Map((await q.execute()).map((r) => [String(r[nat.column]), String(r.id)]));
      const map = remap.get(spec.table) ?? new Map<string, string>();
      remap.set(spec.table, map);
      todo = rows.filter((r) => {
        const existing = found.get(String(r[nat.column]));
        if (existing === undefined || sameId.has(String(r.id))) return true;
        // The same account, story or imported comment, stored here under another id: later rows point to it.
        map.set(String(r.id), existing);
        return false;
      });
    }
  }
  let inserted = 0;
  if (todo.length) {
    const res = await db.insertInto(spec.table).values(todo).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    inserted = Number(res.numInsertedOrUpdatedRows ?? 0);
  }
  stats.inserted += inserted;
  stats.existing += rows.length - inserted;
  return inserted;
}

/**
 * Restores an agora-export file. Two passes: the first checks the whole file (nothing is written if any line is
 * wrong), the second writes in batches. Rows already in the database are kept as they are, so restoring twice adds
 * nothing, and an account, story or imported comment that exists here under another id is matched, not duplicated.
 * Comment HTML is rendered again from the Markdown, and admin and moderator roles come back only with
 * `restoreRoles` (see distrust).
 */
export async function restoreExport(db: Db, path: string, change: ChangeRunner = createChanges(db).change, opts: RestoreOptions = {}): Promise<RestoreSummary> {
  const present = await existingTables(db);
  const erased: Erased = {
    users: new Set((await db.selectFrom('privacy_audit').select('subject_user_id').where('action', '=', 'deletion.completed').execute()).map((r) => r.subject_user_id)),
    comments: new Set(),
  };
  const header = await check(path, present, await appliedMigrations(db));
  await prepareForBulkWrites(db);
  const summary: RestoreSummary = { format: header.format, version: header.version, siteId: header.site, tables: {}, roles: { restored: 0, dropped: 0 } };
  const remap = new Map<string, Map<string, string>>();
  const restored = new Set<string>();
  let batch: Row[] = [];
  let spec: TableSpec | undefined;
  const flush = async () => {
    if (!spec || batch.length === 0) return;
    const s = spec;
    const rows = batch;
    batch = [];
    const stats = (summary.tables[s.table] ??= { inserted: 0, existing: 0 });
    // Each batch is a change; restored comments tell their stories' readers and caches.
    await change(async (ch) => {
      const inserted = await writeBatch(loose(ch.tx as unknown as Db), s, header.site, rows, remap, stats, erased, (row) => distrust(s.table, row, opts, summary.roles));
      if (s.table === 'comments' && inserted > 0) {
        for (const storyId of new Set(rows.map((r) => String(r.story_id)))) restored.add(storyId);
        for (const storyId of new Set(rows.map((r) => String(r.story_id)))) ch.emit({ type: 'comments.bulk_written', siteId: header.site, storyId, inserted, source: 'restore' });
      }
    });
  };
  for await (const { line } of lines(path)) {
    if (line.kind !== 'row') continue;
    if (spec?.table !== line.table) {
      await flush();
      spec = TABLES.find((s) => s.table === line.table);
    }
    batch.push(line.row);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  // Counters of the stories that gained comments are recounted from what is stored now, as one change.
  if (restored.size > 0) {
    await change(async (ch) => {
      await recount(ch.tx, restored);
      for (const storyId of restored) ch.emit({ type: 'comments.bulk_written', siteId: header.site, storyId, inserted: 0, source: 'restore' });
    });
  }
  return summary;
}
