// PostgreSQL storage, used when DATABASE_URL is set. Same contract as SQLite; a batch is one
// transaction of set-based inserts, committed with synchronous_commit on.
import pg from "pg";
import { lockPostgresSchema, type DatabaseLock } from "./lock.js";
import { PostgresDirectory } from "./postgres-directory.js";
import { PostgresHistory } from "./postgres-history.js";
import { PostgresJournal } from "./postgres-journal.js";
import { POSTGRES_MIGRATIONS } from "./postgres-migrations.js";
import { inTransaction, sessionSettings } from "./postgres-pool.js";
import { DurabilityError, type ShardFence, type Storage, type StorageLocation } from "./storage.js";

const DURABLE_COMMIT = new Set(["on", "remote_write", "remote_apply", "local"]);

export class PostgresStorage implements Storage {
  readonly kind = "postgres" as const;
  private readonly pool: pg.Pool;
  private claim: DatabaseLock | null = null;
  readonly journal: PostgresJournal;
  readonly history: PostgresHistory;
  readonly directory: PostgresDirectory;

  /**
   * `schema` keeps this server's tables apart (tests use a fresh one each; a cluster has one per
   * shard). With a `fence` (cluster mode) every journal write checks the shard's claim, and the
   * schema is not locked: a lock held by a frozen owner would keep its successor out.
   */
  constructor(
    private readonly connectionString: string,
    private readonly schema = "trading",
    private readonly fence: ShardFence | null = null,
  ) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
    this.pool = new pg.Pool({ ...sessionSettings(connectionString, schema, fence?.staleAfterMs), max: 4 });
    // An idle client losing its connection must not crash the process.
    this.pool.on("error", () => undefined);
    this.journal = new PostgresJournal(this.pool, fence);
    this.history = new PostgresHistory(this.pool);
    this.directory = new PostgresDirectory(this.pool);
  }

  get location(): StorageLocation {
    return { kind: "postgres", url: this.connectionString, schema: this.schema };
  }

  async lock(onLost: (error: Error) => void): Promise<void> {
    if (this.fence !== null) return;
    this.claim ??= await lockPostgresSchema(sessionSettings(this.connectionString, this.schema), this.schema, onLost);
  }

  async init(): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await client.query(`SET search_path TO ${this.schema}`);
      const sync = (await client.query("SHOW synchronous_commit")).rows[0] as { synchronous_commit: string };
      const fsync = (await client.query("SHOW fsync")).rows[0] as { fsync: string };
      if (!DURABLE_COMMIT.has(sync.synchronous_commit))
        throw new DurabilityError(`PostgreSQL synchronous_commit is ${sync.synchronous_commit}, on is required`);
      if (fsync.fsync !== "on") throw new DurabilityError("PostgreSQL fsync is off; it must be on");
      // One server migrates at a time.
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`${this.schema}.migrations`]);
      await client.query("CREATE TABLE IF NOT EXISTS schema_migrations (version INT PRIMARY KEY, applied_at BIGINT NOT NULL)");
      const current = Number(
        ((await client.query("SELECT MAX(version) AS v FROM schema_migrations")).rows[0] as { v: number | null }).v ?? 0,
      );
      for (const [index, sql] of POSTGRES_MIGRATIONS.entries()) {
        const version = index + 1;
        if (version <= current) continue;
        await client.query(sql);
        await client.query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)", [version, Date.now()]);
      }
    });
  }

  /** Drops this store's schema: for tests that made a throwaway one. */
  async dropSchema(): Promise<void> {
    await this.pool.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
  }

  async close(): Promise<void> {
    await this.pool.end();
    await this.claim?.release();
    this.claim = null;
  }
}
