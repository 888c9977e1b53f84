// The PostgreSQL journal: commands and snapshots; a batch is one transaction of set-based inserts.
import type pg from "pg";
import type { Command } from "@trading/engine";
import { writeBatch } from "./postgres-batch.js";
import { inTransaction, queryRows } from "./postgres-pool.js";
import {
  FencedError,
  joinSnapshot,
  snapshotParts,
  type CommitBatch,
  type Journal,
  type Recovery,
  type ShardFence,
  type StoredSnapshot,
} from "./storage.js";

export class PostgresJournal implements Journal {
  constructor(
    private readonly pool: pg.Pool,
    private readonly fence: ShardFence | null = null,
  ) {}

  async recover(): Promise<Recovery> {
    const snapshot = await this.newestSnapshot();
    const after = snapshot?.journalId ?? 0;
    const rows = await queryRows<{ journal_id: string; command: string }>(
      this.pool,
      "SELECT journal_id, command FROM journal WHERE journal_id > $1 ORDER BY journal_id",
      [after],
    );
    // The last id is the last entry read, not a separate MAX(): another connection may commit in between.
    const last = rows[rows.length - 1];
    return {
      snapshot,
      commands: rows.map((r) => JSON.parse(r.command) as Command),
      lastJournalId: last === undefined ? after : Number(last.journal_id),
    };
  }

  /** The newest snapshot with all its parts (one whose row is there always has them). */
  private async newestSnapshot(): Promise<StoredSnapshot | null> {
    const rows = await queryRows<{ journal_id: string; engine: string; parts: number }>(
      this.pool,
      "SELECT journal_id, engine, parts FROM snapshots ORDER BY journal_id DESC",
    );
    for (const row of rows) {
      const parts =
        row.parts === 0
          ? []
          : (
              await queryRows<{ data: string }>(this.pool, "SELECT data FROM snapshot_parts WHERE journal_id = $1 ORDER BY part", [
                row.journal_id,
              ])
            ).map((r) => r.data);
      if (parts.length === row.parts) return joinSnapshot(Number(row.journal_id), row.engine, parts);
    }
    return null;
  }

  async read(afterJournalId: number, limit: number): Promise<Command[]> {
    const rows = await queryRows<{ command: string }>(
      this.pool,
      "SELECT command FROM journal WHERE journal_id > $1 ORDER BY journal_id LIMIT $2",
      [afterJournalId, limit],
    );
    return rows.map((r) => JSON.parse(r.command) as Command);
  }

  async commit(batch: CommitBatch): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await this.checkFence(client);
      await writeBatch(client, batch, this.fence?.epoch ?? null);
    });
  }

  /**
   * Refuses to go on (`FencedError`) unless this writer's claim still holds. The shard's row is
   * locked for share until the transaction ends, so a claim that would void this one waits for it.
   */
  private async checkFence(client: pg.PoolClient): Promise<void> {
    const fence = this.fence;
    if (fence === null) return;
    const { rows } = await client.query<{ epoch: string }>(`SELECT epoch FROM ${fence.table} WHERE shard = $1 FOR SHARE`, [fence.shard]);
    const current = rows[0] === undefined ? null : Number(rows[0].epoch);
    if (current !== fence.epoch) throw new FencedError(fence, current);
  }

  async checkWritable(): Promise<void> {
    await this.pool.query(
      "INSERT INTO write_check (id, checked_at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
      [Date.now()],
    );
  }

  async batchIdAt(journalId: number): Promise<string | null> {
    const [row] = await queryRows<{ batch_id: string | null }>(this.pool, "SELECT batch_id FROM journal WHERE journal_id = $1", [
      journalId,
    ]);
    return row?.batch_id ?? null;
  }

  async saveSnapshot(snapshot: StoredSnapshot): Promise<void> {
    const stored = snapshotParts(snapshot);
    for (let part = 0; part < stored.count; part++) {
      await this.pool.query(
        "INSERT INTO snapshot_parts (journal_id, part, data) VALUES ($1, $2, $3) ON CONFLICT (journal_id, part) DO UPDATE SET data = excluded.data",
        [snapshot.journalId, part, stored.part(part)],
      );
    }
    await inTransaction(this.pool, async (client) => {
      await this.checkFence(client);
      await client.query(
        `INSERT INTO snapshots (journal_id, taken_at, engine, parts) VALUES ($1, $2, $3, $4)
         ON CONFLICT (journal_id) DO UPDATE SET engine = excluded.engine, parts = excluded.parts`,
        [snapshot.journalId, Date.now(), stored.engine, stored.count],
      );
      // Older snapshots are never read again; keep the newest two, and no parts without their row.
      await client.query(
        "DELETE FROM snapshots WHERE journal_id NOT IN (SELECT journal_id FROM snapshots ORDER BY journal_id DESC LIMIT 2)",
      );
      await client.query("DELETE FROM snapshot_parts WHERE journal_id NOT IN (SELECT journal_id FROM snapshots)");
    });
  }
}
