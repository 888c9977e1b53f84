// Who owns each shard, kept in PostgreSQL: the record of truth decides, not a message broker. An
// engine claims a shard for a lease it renews; a claim raises the shard's epoch, and every journal
// write of a shard checks the writer's epoch in its own transaction (see `ShardFence`), so an owner
// that froze past its lease and wakes cannot write again, whatever it believes. Times are the
// database's (`now()`), so the processes' clocks do not matter.
import pg from "pg";
import { inTransaction, sessionSettings } from "../storage/postgres-pool.js";

/** PostgreSQL's error code for a lock not granted within lock_timeout. */
const LOCK_NOT_AVAILABLE = "55P03";

/** The row of the feed's leadership, beside the shards': the leading feed holds it as a shard's owner would. */
export const FEED_LEADERSHIP = -1;

export interface ShardClaim {
  shard: number;
  epoch: number;
}

export interface ShardOwner {
  shard: number;
  epoch: number;
  owner: string | null;
  /** Milliseconds left on the lease (negative when it has run out); null when never claimed. */
  leaseLeftMs: number | null;
}

/** The shard count a process was started with differs from the one the cluster was created with. */
export class ClusterMismatchError extends Error {
  constructor(clusterName: string, created: number, given: number) {
    super(`cluster ${clusterName} was created with ${created} shards; this process was started with SHARDS=${given}`);
    this.name = "ClusterMismatchError";
  }
}

export class ShardOwnership {
  private readonly pool: pg.Pool;

  /** `schema`: the cluster's own schema (its name), beside the shards' schemas. */
  constructor(
    connectionString: string,
    private readonly schema: string,
  ) {
    if (!/^[a-z_][a-z0-9_]{0,40}$/.test(schema)) throw new Error(`invalid cluster name ${schema}`);
    this.pool = new pg.Pool({ ...sessionSettings(connectionString, schema), max: 2 });
    this.pool.on("error", () => undefined);
  }

  /** The table a shard's journal writes check their epoch against. */
  get table(): string {
    return `${this.schema}.shard_owners`;
  }

  /**
   * Creates the cluster's tables and shards on first use; afterwards checks that `shards` is the
   * count it was created with (`ClusterMismatchError` otherwise).
   */
  async ensure(shards: number): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`${this.schema}.cluster`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await client.query(
        "CREATE TABLE IF NOT EXISTS cluster (id INT PRIMARY KEY CHECK (id = 1), shards INT NOT NULL, created_at BIGINT NOT NULL)",
      );
      await client.query(
        "CREATE TABLE IF NOT EXISTS shard_owners (shard INT PRIMARY KEY, epoch BIGINT NOT NULL, owner TEXT, lease_until TIMESTAMPTZ)",
      );
      // The gateways' shared rate limits (see rate-limits.ts).
      await client.query(
        "CREATE TABLE IF NOT EXISTS rate_buckets (key TEXT PRIMARY KEY, tokens DOUBLE PRECISION NOT NULL, taken BOOLEAN NOT NULL, at_ms DOUBLE PRECISION NOT NULL)",
      );
      // How many tokens the last statement took (a cluster made before takes went together lacks it).
      await client.query("ALTER TABLE rate_buckets ADD COLUMN IF NOT EXISTS granted INTEGER NOT NULL DEFAULT 0");
      await client.query("INSERT INTO cluster (id, shards, created_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING", [
        shards,
        Date.now(),
      ]);
      const created = Number(((await client.query("SELECT shards FROM cluster WHERE id = 1")).rows[0] as { shards: number }).shards);
      if (created !== shards) throw new ClusterMismatchError(this.schema, created, shards);
      await client.query(
        "INSERT INTO shard_owners (shard, epoch) SELECT s, 0 FROM generate_series($2::int, $1::int - 1) s ON CONFLICT DO NOTHING",
        [shards, FEED_LEADERSHIP],
      );
    });
  }

  /**
   * Claims a shard whose lease has run out (or was never taken) for `owner`, raising its epoch:
   * the new epoch, or null when someone else holds it. The raise waits for any journal write
   * that checked the old epoch to finish, so the new owner reads the journal after it.
   */
  async claim(shard: number, owner: string, leaseMs: number): Promise<ShardClaim | null> {
    let claimed: ShardClaim | null = null;
    await inTransaction(this.pool, async (client) => {
      // A write of a frozen owner may hold the row until the database ends it (see ShardFence):
      // this claim waits a little, then lets the next turn try again, so other shards are not held up.
      await client.query("SET LOCAL lock_timeout = 500");
      const { rows } = await client.query<{ epoch: string }>(
        `UPDATE shard_owners SET epoch = epoch + 1, owner = $2, lease_until = now() + $3 * interval '1 millisecond'
         WHERE shard = $1 AND (lease_until IS NULL OR lease_until < now()) RETURNING epoch`,
        [shard, owner, leaseMs],
      );
      const row = rows[0];
      claimed = row === undefined ? null : { shard, epoch: Number(row.epoch) };
    }).catch((error: unknown) => {
      if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw error;
    });
    return claimed;
  }

  /** Extends a lease still held under `claim`'s epoch; false when it is lost (someone claimed the shard). */
  async renew(claim: ShardClaim, leaseMs: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      "UPDATE shard_owners SET lease_until = now() + $3 * interval '1 millisecond' WHERE shard = $1 AND epoch = $2",
      [claim.shard, claim.epoch, leaseMs],
    );
    return rowCount === 1;
  }

  /** Gives a shard up at once (a clean stop), so a standby need not wait out the lease. */
  async release(claim: ShardClaim): Promise<void> {
    await this.pool.query("UPDATE shard_owners SET owner = NULL, lease_until = NULL WHERE shard = $1 AND epoch = $2", [
      claim.shard,
      claim.epoch,
    ]);
  }

  async owners(): Promise<ShardOwner[]> {
    const { rows } = await this.pool.query<{ shard: number; epoch: string; owner: string | null; left_ms: string | null }>(
      "SELECT shard, epoch, owner, (EXTRACT(EPOCH FROM lease_until - now()) * 1000)::bigint AS left_ms FROM shard_owners WHERE shard >= 0 ORDER BY shard",
    );
    return rows.map((r) => ({
      shard: r.shard,
      epoch: Number(r.epoch),
      owner: r.owner,
      leaseLeftMs: r.left_ms === null ? null : Number(r.left_ms),
    }));
  }

  /** Drops the cluster's schema: for tests that made a throwaway one. */
  async dropSchema(): Promise<void> {
    await this.pool.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
