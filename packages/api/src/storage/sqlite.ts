// The embedded default: one SQLite file, WAL mode with synchronous=FULL so a committed batch
// survives power loss, not only a process crash.
import Database from "better-sqlite3";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Command, EngineEvent, OrderView, Trade } from "@trading/engine";
import { candleRows, candlesQuery, ordersQuery, rollupMigration, sqlitePlaceholder, toPage, tradesQuery } from "./sql.js";
import { lockSqliteFile, type DatabaseLock } from "./lock.js";
import { configure, JournalWriter } from "./sqlite-journal.js";
import type { WriterReply, WriterRequest } from "./sqlite-writer.js";
import {
  historyStep,
  joinSnapshot,
  snapshotParts,
  type ApiKeyRow,
  type AuditEntry,
  type CandleQuery,
  type CandleRow,
  type CommitBatch,
  type EventQuery,
  type OrderQuery,
  type Page,
  type Recovery,
  type Storage,
  type StoredOrder,
  type StorageLocation,
  type StoredSnapshot,
  type TradeQuery,
  type UserRow,
} from "./storage.js";

const MIGRATIONS: string[] = [
  // 1: journal, events, order and trade history, candles, snapshots, users, keys, audit log
  `
  CREATE TABLE journal (journal_id INTEGER PRIMARY KEY, command TEXT NOT NULL);
  CREATE TABLE events (
    seq INTEGER PRIMARY KEY, time INTEGER NOT NULL, type TEXT NOT NULL,
    user_id TEXT, symbol TEXT, order_id TEXT, payload TEXT NOT NULL
  );
  CREATE INDEX events_user ON events (user_id, seq) WHERE user_id IS NOT NULL;
  CREATE INDEX events_tick ON events (symbol, seq) WHERE type = 'price.tick';
  CREATE INDEX events_order ON events (order_id, seq) WHERE order_id IS NOT NULL;
  CREATE TABLE orders (
    order_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, symbol TEXT NOT NULL, state TEXT NOT NULL,
    placed_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, view TEXT NOT NULL
  );
  CREATE INDEX orders_user ON orders (user_id, placed_at DESC, order_id DESC);
  CREATE TABLE trades (
    trade_seq INTEGER PRIMARY KEY, trade_id TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL,
    order_id TEXT NOT NULL, symbol TEXT NOT NULL, time INTEGER NOT NULL, payload TEXT NOT NULL
  );
  CREATE INDEX trades_user ON trades (user_id, trade_seq DESC);
  CREATE TABLE candles (
    symbol TEXT NOT NULL, time INTEGER NOT NULL, open INTEGER NOT NULL, high INTEGER NOT NULL,
    low INTEGER NOT NULL, close INTEGER NOT NULL, volume INTEGER NOT NULL, PRIMARY KEY (symbol, time)
  );
  CREATE TABLE snapshots (journal_id INTEGER PRIMARY KEY, taken_at INTEGER NOT NULL, engine TEXT NOT NULL, feed TEXT);
  CREATE TABLE users (user_id TEXT PRIMARY KEY, display_name TEXT NOT NULL, is_admin INTEGER NOT NULL, created_at INTEGER NOT NULL);
  CREATE TABLE api_keys (
    key_id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users (user_id), key_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER
  );
  CREATE TABLE audit_log (id INTEGER PRIMARY KEY, time INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL);
  `,
  // 2: a user's events are found by scanning forward from the resume point on the primary key; the
  // per-user index cost every commit a page per active user (measured: ~20 % of order throughput).
  `DROP INDEX IF EXISTS events_user;`,
  // 3: snapshots in parts, written one transaction each, the snapshots row last.
  `
  CREATE TABLE snapshot_parts (journal_id INTEGER NOT NULL, part INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (journal_id, part));
  ALTER TABLE snapshots ADD COLUMN parts INTEGER NOT NULL DEFAULT 0;
  `,
  // 4: orders by clientOrderId, for retries of keys the engine no longer holds in memory.
  `
  ALTER TABLE orders ADD COLUMN client_order_id TEXT;
  UPDATE orders SET client_order_id = json_extract(view, '$.clientOrderId') WHERE json_extract(view, '$.clientOrderId') IS NOT NULL;
  CREATE INDEX orders_client_id ON orders (user_id, client_order_id) WHERE client_order_id IS NOT NULL;
  `,
  // 5: candles of 5 minutes to a day kept beside the minutes (span is the interval's name, 5m to 1d),
  // filled from the minutes already stored.
  rollupMigration("INTEGER"),
  // 6: each batch's id on its last journal entry, so a writer recognises its own batch after a
  // failure; and a row that readiness writes to learn whether the disk takes writes again.
  `
  ALTER TABLE journal ADD COLUMN batch_id TEXT;
  CREATE TABLE write_check (id INTEGER PRIMARY KEY, checked_at INTEGER NOT NULL);
  `,
];

/** Whether the compiled writer thread is there (it is not when running from TypeScript sources). */
const WRITER_URL = new URL("./sqlite-writer.js", import.meta.url);
const writerAvailable = () => WRITER_URL.protocol === "file:" && existsSync(fileURLToPath(WRITER_URL));

/** The writer thread seen from the main thread: each commit a message, answered once durable. */
class WriterThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private failure: Error | null = null;
  /** Resolves once the thread has opened the database and checked its durability settings. */
  readonly ready: Promise<void>;

  constructor(file: string) {
    this.worker = new Worker(WRITER_URL, { workerData: { file } });
    this.ready = new Promise((resolve, reject) => this.waiting.set(0, { resolve, reject }));
    this.worker.on("message", (reply: WriterReply) => {
      const waiter = this.waiting.get(reply.id);
      if (waiter === undefined) return;
      this.waiting.delete(reply.id);
      if (reply.error === null) waiter.resolve();
      else waiter.reject(new Error(reply.error));
    });
    this.worker.on("error", (error) => this.fail(error));
    this.worker.on("exit", (code) => this.fail(new Error(`the SQLite writer thread stopped (exit code ${code})`)));
  }

  get failed(): boolean {
    return this.failure !== null;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(this.failure);
    this.waiting.clear();
  }

  commit(batch: CommitBatch): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, batch } satisfies WriterRequest);
    });
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners("exit");
    await this.worker.terminate();
  }
}

export interface SqliteOptions {
  /**
   * Commit large batches on a writer thread, so the main thread keeps serving while the disk syncs
   * (the default when the compiled thread is there), or every batch on the main thread (`false`).
   */
  writerThread?: boolean | undefined;
}

/**
 * Batches with fewer commands than this are written on the main thread even when there is a
 * writer thread: a small transaction syncs in well under a millisecond here, less than the hop to
 * the thread and back costs a lone tick or order when the machine is busy. The thread takes the
 * large batches of a loaded server, whose JSON and inserts would otherwise hold up the main thread.
 */
const INLINE_BELOW = 8;

export class SqliteStorage implements Storage {
  readonly kind = "sqlite" as const;
  private readonly db: Database.Database;

  private readonly useThread: boolean;
  private thread: WriterThread | null = null;
  private inProcess: JournalWriter | null = null;
  private claim: DatabaseLock | null = null;

  constructor(
    readonly file: string,
    options: SqliteOptions = {},
  ) {
    this.db = new Database(file);
    const built = writerAvailable();
    this.useThread = options.writerThread ?? built;
    if (this.useThread && !built) throw new Error(`the SQLite writer thread is not built (${fileURLToPath(WRITER_URL)})`);
  }

  get location(): StorageLocation {
    return { kind: "sqlite", file: this.file };
  }

  /** Where large batches are written: "thread" or "main". */
  get writer(): "thread" | "main" {
    return this.useThread ? "thread" : "main";
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
    MIGRATIONS.forEach((sql, index) => {
      const version = index + 1;
      if (version <= current) return;
      db.transaction(() => {
        db.exec(sql);
        db.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)").run(version, Date.now());
      })();
    });
    // The schema is in place: the writers can prepare their statements.
    this.inProcess = new JournalWriter(db);
    if (this.useThread) await this.startThread();
  }

  private async startThread(): Promise<void> {
    const thread = new WriterThread(this.file);
    this.thread = thread;
    await thread.ready;
  }

  async recover(): Promise<Recovery> {
    const snapshot = this.newestSnapshot();
    const after = snapshot?.journalId ?? 0;
    const rows = this.db.prepare("SELECT journal_id, command FROM journal WHERE journal_id > ? ORDER BY journal_id").all(after) as Array<{
      journal_id: number;
      command: string;
    }>;
    // The last id is the last entry read, not a separate MAX(): another connection may commit in between.
    return {
      snapshot,
      commands: rows.map((r) => JSON.parse(r.command) as Command),
      lastJournalId: rows[rows.length - 1]?.journal_id ?? after,
    };
  }

  /** The newest snapshot with all its parts (one whose row is there always has them). */
  private newestSnapshot(): StoredSnapshot | null {
    const rows = this.db.prepare("SELECT journal_id, engine, parts FROM snapshots ORDER BY journal_id DESC").all() as Array<{
      journal_id: number;
      engine: string;
      parts: number;
    }>;
    const partsOf = this.db.prepare("SELECT data FROM snapshot_parts WHERE journal_id = ? ORDER BY part").pluck();
    for (const row of rows) {
      const parts = row.parts === 0 ? [] : (partsOf.all(row.journal_id) as string[]);
      if (parts.length === row.parts) return joinSnapshot(row.journal_id, row.engine, parts);
    }
    return null;
  }

  async journal(afterJournalId: number, limit: number): Promise<Command[]> {
    const rows = this.db
      .prepare("SELECT command FROM journal WHERE journal_id > ? ORDER BY journal_id LIMIT ?")
      .pluck()
      .all(afterJournalId, limit) as string[];
    return rows.map((r) => JSON.parse(r) as Command);
  }

  async commit(batch: CommitBatch): Promise<void> {
    if (this.inProcess === null) throw new Error("SqliteStorage.init() was not called");
    // Batches are written one at a time (the queue waits for each), so the two connections
    // never write at once and the journal stays in order.
    if (!this.useThread || batch.commands.length < INLINE_BELOW) return this.inProcess.commit(batch);
    // A thread that died reported its batch failed (it is on disk whole or not at all; the queue
    // asks the database which); start another.
    if (this.thread === null || this.thread.failed) {
      await this.thread?.close();
      await this.startThread();
    }
    return (this.thread as WriterThread).commit(batch);
  }

  async checkWritable(): Promise<void> {
    this.db
      .prepare("INSERT INTO write_check (id, checked_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at")
      .run(Date.now());
  }

  async batchIdAt(journalId: number): Promise<string | null> {
    const row = this.db.prepare("SELECT batch_id FROM journal WHERE journal_id = ?").pluck().get(journalId) as string | null | undefined;
    return row ?? null;
  }

  async saveSnapshot(snapshot: StoredSnapshot): Promise<void> {
    const stored = snapshotParts(snapshot);
    const insertPart = this.db.prepare("INSERT OR REPLACE INTO snapshot_parts (journal_id, part, data) VALUES (?, ?, ?)");
    for (let part = 0; part < stored.count; part++) insertPart.run(snapshot.journalId, part, stored.part(part));
    this.db.transaction(() => {
      this.db
        .prepare("INSERT OR REPLACE INTO snapshots (journal_id, taken_at, engine, parts) VALUES (?, ?, ?, ?)")
        .run(snapshot.journalId, Date.now(), stored.engine, stored.count);
      // Older snapshots are never read again; keep the newest two, and no parts without their row.
      this.db
        .prepare("DELETE FROM snapshots WHERE journal_id NOT IN (SELECT journal_id FROM snapshots ORDER BY journal_id DESC LIMIT 2)")
        .run();
      this.db.prepare("DELETE FROM snapshot_parts WHERE journal_id NOT IN (SELECT journal_id FROM snapshots)").run();
    })();
  }

  async events(query: EventQuery): Promise<EngineEvent[]> {
    let rows: Array<{ payload: string }>;
    if (query.userId !== undefined) {
      rows = this.db
        .prepare("SELECT payload FROM events WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?")
        .all(query.userId, query.afterSeq, query.limit) as Array<{ payload: string }>;
    } else if (query.ticks !== undefined) {
      const symbols = query.ticks.symbols;
      if (symbols === null) {
        rows = this.db
          .prepare("SELECT payload FROM events WHERE type = 'price.tick' AND seq > ? ORDER BY seq LIMIT ?")
          .all(query.afterSeq, query.limit) as Array<{ payload: string }>;
      } else {
        const marks = symbols.map(() => "?").join(", ");
        rows = this.db
          .prepare(`SELECT payload FROM events WHERE type = 'price.tick' AND symbol IN (${marks}) AND seq > ? ORDER BY seq LIMIT ?`)
          .all(...symbols, query.afterSeq, query.limit) as Array<{ payload: string }>;
      }
    } else {
      rows = this.db.prepare("SELECT payload FROM events WHERE seq > ? ORDER BY seq LIMIT ?").all(query.afterSeq, query.limit) as Array<{
        payload: string;
      }>;
    }
    return rows.map((r) => JSON.parse(r.payload) as EngineEvent);
  }

  async recentOrderEvents(afterSeq: number, limit: number): Promise<EngineEvent[]> {
    const rows = this.db
      .prepare(
        "SELECT payload FROM (SELECT seq, payload FROM events WHERE seq > ? AND order_id IS NOT NULL ORDER BY seq DESC LIMIT ?) ORDER BY seq",
      )
      .pluck()
      .all(afterSeq, limit) as string[];
    return rows.map((r) => JSON.parse(r) as EngineEvent);
  }

  async order(userId: string, orderId: string): Promise<StoredOrder | null> {
    const row = this.db.prepare("SELECT view FROM orders WHERE order_id = ? AND user_id = ?").get(orderId, userId) as
      { view: string } | undefined;
    if (row === undefined) return null;
    const events = this.db.prepare("SELECT payload FROM events WHERE order_id = ? ORDER BY seq").all(orderId) as Array<{ payload: string }>;
    const history = events.map((e) => historyStep(JSON.parse(e.payload) as EngineEvent)).filter((h) => h !== null);
    return { view: JSON.parse(row.view) as OrderView, history };
  }

  async orderByClientId(userId: string, clientOrderId: string): Promise<OrderView | null> {
    const row = this.db.prepare("SELECT view FROM orders WHERE user_id = ? AND client_order_id = ?").get(userId, clientOrderId) as
      { view: string } | undefined;
    return row === undefined ? null : (JSON.parse(row.view) as OrderView);
  }

  async orders(query: OrderQuery): Promise<Page<OrderView>> {
    const { sql, args } = ordersQuery(query, sqlitePlaceholder);
    const rows = this.db.prepare(sql).all(...args) as Array<{ view: string; placed_at: number; order_id: string }>;
    return toPage(
      rows,
      query.limit,
      (r) => JSON.parse(r.view) as OrderView,
      (r) => [r.placed_at, r.order_id],
    );
  }

  async trades(query: TradeQuery): Promise<Page<Trade>> {
    const { sql, args } = tradesQuery(query, sqlitePlaceholder);
    const rows = this.db.prepare(sql).all(...args) as Array<{ payload: string; trade_seq: number }>;
    return toPage(
      rows,
      query.limit,
      (r) => JSON.parse(r.payload) as Trade,
      (r) => [r.trade_seq],
    );
  }

  async candles(query: CandleQuery): Promise<CandleRow[]> {
    const { sql, args } = candlesQuery(query, sqlitePlaceholder);
    return candleRows(query.symbol, this.db.prepare(sql).all(...args) as Array<Record<string, unknown>>);
  }

  async users(): Promise<UserRow[]> {
    const rows = this.db
      .prepare("SELECT user_id, display_name, is_admin, created_at FROM users ORDER BY created_at, user_id")
      .all() as Array<{
      user_id: string;
      display_name: string;
      is_admin: number;
      created_at: number;
    }>;
    return rows.map((r) => ({ userId: r.user_id, displayName: r.display_name, isAdmin: r.is_admin === 1, createdAt: r.created_at }));
  }

  async insertUser(user: UserRow): Promise<void> {
    this.db
      .prepare("INSERT INTO users (user_id, display_name, is_admin, created_at) VALUES (?, ?, ?, ?)")
      .run(user.userId, user.displayName, user.isAdmin ? 1 : 0, user.createdAt);
  }

  async apiKeys(): Promise<ApiKeyRow[]> {
    const rows = this.db.prepare("SELECT key_id, user_id, key_hash, label, created_at, revoked_at FROM api_keys").all() as Array<{
      key_id: string;
      user_id: string;
      key_hash: string;
      label: string;
      created_at: number;
      revoked_at: number | null;
    }>;
    return rows.map((r) => ({
      keyId: r.key_id,
      userId: r.user_id,
      keyHash: r.key_hash,
      label: r.label,
      createdAt: r.created_at,
      revokedAt: r.revoked_at,
    }));
  }

  async insertApiKey(key: ApiKeyRow): Promise<void> {
    this.db
      .prepare("INSERT INTO api_keys (key_id, user_id, key_hash, label, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run(key.keyId, key.userId, key.keyHash, key.label, key.createdAt, key.revokedAt);
  }

  async revokeApiKey(keyId: string, time: number): Promise<boolean> {
    const r = this.db.prepare("UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL").run(time, keyId);
    return r.changes > 0;
  }

  async audit(entry: AuditEntry): Promise<void> {
    this.db
      .prepare("INSERT INTO audit_log (time, actor, action, detail) VALUES (?, ?, ?, ?)")
      .run(entry.time, entry.actor, entry.action, JSON.stringify(entry.detail));
  }

  async auditLog(limit: number): Promise<AuditEntry[]> {
    const rows = this.db.prepare("SELECT time, actor, action, detail FROM audit_log ORDER BY id DESC LIMIT ?").all(limit) as Array<{
      time: number;
      actor: string;
      action: string;
      detail: string;
    }>;
    return rows.map((r) => ({ time: r.time, actor: r.actor, action: r.action, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }

  async close(): Promise<void> {
    await this.thread?.close();
    this.thread = null;
    if (this.db.open) this.db.close();
    await this.claim?.release();
    this.claim = null;
  }
}
