import type SQLite from 'better-sqlite3';
import { CompiledQuery, SelectQueryNode, SqliteDialect, type DatabaseConnection, type Driver, type QueryResult, type TransactionSettings } from 'kysely';

/** What the driver needs of a better-sqlite3 handle: prepared statements (cached by the caller) and closing. */
export interface StatementSource {
  prepare(sql: string): SQLite.Statement;
  close(): void;
}

/** Waits in line for the one writer connection. */
class Mutex {
  #tail: Promise<void> = Promise.resolve();
  lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const ready = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => next);
    return ready;
  }
}

function run(db: StatementSource, q: CompiledQuery): QueryResult<unknown> {
  const stmt = db.prepare(q.sql);
  if (stmt.reader) return { rows: stmt.all(q.parameters) };
  const { changes, lastInsertRowid } = stmt.run(q.parameters);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

/** A connection as Kysely sees it: in a transaction it is the writer's; otherwise each statement is routed. */
class RoutedConnection implements DatabaseConnection {
  release: (() => void) | null = null;
  constructor(private readonly driver: ReadWriteDriver) {}
  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    if (this.release) return run(this.driver.writer, q) as QueryResult<R>;
    if (SelectQueryNode.is(q.query)) return run(this.driver.reader, q) as QueryResult<R>;
    const release = await this.driver.mutex.lock();
    try {
      return run(this.driver.writer, q) as QueryResult<R>;
    } finally {
      release();
    }
  }
  async *streamQuery<R>(q: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(q.query)) throw new Error('only select queries can be streamed');
    const source = this.release ? this.driver.writer : this.driver.reader;
    for (const row of source.prepare(q.sql).iterate(q.parameters)) yield { rows: [row as R] };
  }
}

/**
 * Kysely's SQLite driver puts every statement behind one connection and one mutex, so while a transaction is open
 * (a change, which may wait on other work between statements) every reader in the process waits too, and requests
 * cannot reach their own write until the current one commits. Here the transaction owns a writer connection and
 * plain SELECTs go to a second, read-only connection, which in WAL mode reads the last committed state without
 * waiting: what PostgreSQL gives with its pool. Statements that write, outside a transaction, take the writer in
 * turn. Written by hand because Kysely has no SQLite driver with a separate reader.
 */
class ReadWriteDriver implements Driver {
  readonly mutex = new Mutex();
  constructor(
    readonly writer: StatementSource,
    readonly reader: StatementSource,
  ) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return new RoutedConnection(this);
  }
  async beginTransaction(conn: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    const c = conn as RoutedConnection;
    c.release = await this.mutex.lock();
    try {
      run(this.writer, CompiledQuery.raw('begin'));
    } catch (err) {
      c.release();
      c.release = null;
      throw err;
    }
  }
  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('rollback'));
  }
  async releaseConnection(conn: DatabaseConnection): Promise<void> {
    const c = conn as RoutedConnection;
    c.release?.();
    c.release = null;
  }
  async destroy(): Promise<void> {
    this.reader.close();
    this.writer.close();
  }
}

/** Kysely's SQLite dialect (its adapter, compiler and introspector) with the driver above. */
export class ReadWriteSqliteDialect extends SqliteDialect {
  constructor(
    private readonly writer: StatementSource,
    private readonly reader: StatementSource,
  ) {
    super({ database: writer as never });
  }
  override createDriver(): Driver {
    return new ReadWriteDriver(this.writer, this.reader);
  }
}
