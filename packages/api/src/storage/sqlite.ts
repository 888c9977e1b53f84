// The embedded default: one SQLite file, WAL mode with synchronous=FULL so a committed batch
// survives power loss, not only a process crash.
import Database from "better-sqlite3";
import { lockSqliteFile, type DatabaseLock } from "./lock.js";
import { configure } from "./sqlite-batch.js";
import { SqliteDirectory } from "./sqlite-directory.js";
import { SqliteHistory } from "./sqlite-history.js";
import { SqliteJournal, type SqliteOptions } from "./sqlite-journal.js";
import { SQLITE_MIGRATIONS } from "./sqlite-migrations.js";
import type { Storage, StorageLocation } from "./storage.js";

export type { SqliteOptions } from "./sqlite-journal.js";

export class SqliteStorage implements Storage {
  readonly kind = "sqlite" as const;
  private readonly db: Database.Database;
  private claim: DatabaseLock | null = null;
  readonly journal: SqliteJournal;
  readonly history: SqliteHistory;
  readonly directory: SqliteDirectory;

  constructor(
    readonly file: string,
    options: SqliteOptions = {},
  ) {
    this.db = new Database(file);
    this.journal = new SqliteJournal(this.db, file, options);
    this.history = new SqliteHistory(this.db);
    this.directory = new SqliteDirectory(this.db);
  }

  get location(): StorageLocation {
    return { kind: "sqlite", file: this.file };
  }

  /** Where large batches are written: "thread" or "main". */
  get writer(): "thread" | "main" {
    return this.journal.writer;
  }

  async lock(): Promise<void> {
    // A file's lock is lost only with the process, which takes the server with it.
    this.claim ??= lockSqliteFile(this.file);
  }

  async init(): Promise<void> {
    const db = this.db;
    configure(db);
    db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
    const row = db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number | null };
    const current = row.v ?? 0;
    SQLITE_MIGRATIONS.forEach((sql, index) => {
      const version = index + 1;
      if (version <= current) return;
      db.transaction(() => {
        db.exec(sql);
        db.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)").run(version, Date.now());
      })();
    });
    // The schema is in place: the writers can prepare their statements.
    await this.journal.start();
  }

  async close(): Promise<void> {
    await this.journal.close();
    if (this.db.open) this.db.close();
    await this.claim?.release();
    this.claim = null;
  }
}
