// The PostgreSQL journal: commands and snapshots; a batch is one transaction of set-based inserts.
import type pg from "pg";
import type { Command, OrderView, Trade } from "@trading/engine";
import { inTransaction, queryRows } from "./postgres-pool.js";
import { batchCandles } from "./sql.js";
import {
  eventColumns,
  joinSnapshot,
  snapshotParts,
  type CommitBatch,
  type Journal,
  type Recovery,
  type StoredSnapshot,
} from "./storage.js";

export class PostgresJournal implements Journal {
  constructor(private readonly pool: pg.Pool) {}

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
    const events = batch.events;
    const columns = events.map(eventColumns);
    // One row per order and per candle: the last view of an order, candles merged per interval.
    const orders = new Map<string, OrderView>();
    const trades: Trade[] = [];
    for (const event of events) {
      if ("order" in event) orders.set(event.order.orderId, event.order);
      if (event.type === "order.filled") trades.push(event.trade);
    }
    const { minutes, rollups } = batchCandles(events);
    await inTransaction(this.pool, async (client) => {
      await client.query("INSERT INTO journal (journal_id, command, batch_id) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])", [
        batch.commands.map((_, i) => batch.firstJournalId + i),
        batch.commands.map((c) => JSON.stringify(c)),
        batch.commands.map((_, i) => (i === batch.commands.length - 1 ? (batch.batchId ?? null) : null)),
      ]);
      if (events.length > 0) {
        await client.query(
          "INSERT INTO events (seq, time, type, user_id, symbol, order_id, payload) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])",
          [
            events.map((e) => e.seq),
            events.map((e) => e.time),
            events.map((e) => e.type),
            columns.map((c) => c.userId),
            columns.map((c) => c.symbol),
            columns.map((c) => c.orderId),
            events.map((e) => JSON.stringify(e)),
          ],
        );
      }
      if (orders.size > 0) {
        const list = [...orders.values()];
        await client.query(
          `INSERT INTO orders (order_id, user_id, symbol, state, placed_at, updated_at, view, client_order_id)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::text[])
           ON CONFLICT (order_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at, view = excluded.view`,
          [
            list.map((o) => o.orderId),
            list.map((o) => o.userId),
            list.map((o) => o.symbol),
            list.map((o) => o.state),
            list.map((o) => o.placedAt),
            list.map((o) => o.updatedAt),
            list.map((o) => JSON.stringify(o)),
            list.map((o) => o.clientOrderId),
          ],
        );
      }
      if (trades.length > 0) {
        await client.query(
          "INSERT INTO trades (trade_id, user_id, order_id, symbol, time, payload) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[])",
          [
            trades.map((t) => t.tradeId),
            trades.map((t) => t.userId),
            trades.map((t) => t.orderId),
            trades.map((t) => t.symbol),
            trades.map((t) => t.time),
            trades.map((t) => JSON.stringify(t)),
          ],
        );
      }
      if (minutes.length > 0) {
        const list = minutes;
        await client.query(
          `INSERT INTO candles (symbol, time, open, high, low, close, volume)
           SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[])
           ON CONFLICT (symbol, time) DO UPDATE SET high = GREATEST(candles.high, excluded.high), low = LEAST(candles.low, excluded.low),
             close = excluded.close, volume = candles.volume + excluded.volume`,
          [
            list.map((c) => c.symbol),
            list.map((c) => c.time),
            list.map((c) => c.open),
            list.map((c) => c.high),
            list.map((c) => c.low),
            list.map((c) => c.close),
            list.map((c) => c.volume),
          ],
        );
      }
      if (rollups.length > 0) {
        const list = rollups;
        await client.query(
          `INSERT INTO candle_rollups (symbol, span, time, open, high, low, close, volume)
           SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])
           ON CONFLICT (symbol, span, time) DO UPDATE SET high = GREATEST(candle_rollups.high, excluded.high), low = LEAST(candle_rollups.low, excluded.low),
             close = excluded.close, volume = candle_rollups.volume + excluded.volume`,
          [
            list.map((c) => c.symbol),
            list.map((c) => c.span),
            list.map((c) => c.time),
            list.map((c) => c.open),
            list.map((c) => c.high),
            list.map((c) => c.low),
            list.map((c) => c.close),
            list.map((c) => c.volume),
          ],
        );
      }
    });
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
