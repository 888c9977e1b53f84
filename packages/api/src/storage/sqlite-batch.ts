// Writing a committed batch to SQLite, shared by the server's writer thread (sqlite-writer.ts)
// and the in-process fallback: the journal entries, the events, the latest state of each order,
// the trades and the candles, in one transaction.
import type Database from "better-sqlite3";
import type { OrderView } from "@trading/engine";
import { batchCandles } from "./sql.js";
import { DurabilityError, eventColumns, type CommitBatch } from "./storage.js";

/** Rows per multi-row INSERT: well under SQLite's limit on bound parameters. */
const ROWS_PER_INSERT = 64;

/**
 * WAL pages written before a commit copies them back into the database file (SQLite's default is
 * 1,000). A batch of orders rewrites the same pages again and again (each user's last page of three
 * indexes, the tables' last pages), and a checkpoint copies each page once however often it was
 * rewritten, so a rarer one copies far less per order. With 50 REST clients placing MARKET orders
 * (about 30 a batch, some 100 pages each), 10,000 took the orders served from 0.85-0.91 of a plain
 * in-memory Express server's to 0.97-1.02 (4 alternating runs each), for a longer pause at each
 * checkpoint (p99 20 ms instead of 14-15) and a WAL file of up to 40 MiB.
 */
const WAL_PAGES_PER_CHECKPOINT = 10_000;

/** WAL with synchronous=FULL, so a committed batch survives power loss; checked, not assumed. */
export function configure(db: Database.Database): void {
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("busy_timeout = 5000");
  // The default 2 MiB page cache is soon smaller than the indexes that every commit touches.
  db.pragma("cache_size = -65536");
  db.pragma(`wal_autocheckpoint = ${WAL_PAGES_PER_CHECKPOINT}`);
  db.pragma("foreign_keys = ON");
  // better-sqlite3 builds SQLite with WAL defaulting to synchronous=NORMAL; read both back.
  const mode = String(db.pragma("journal_mode", { simple: true })).toLowerCase();
  const sync = Number(db.pragma("synchronous", { simple: true }));
  if (mode !== "wal") throw new DurabilityError(`SQLite journal_mode is ${mode}, WAL is required`);
  if (sync < 2) throw new DurabilityError(`SQLite synchronous is ${sync}, FULL (2) or EXTRA (3) is required`);
}

export class JournalWriter {
  private readonly order: Database.Statement;
  private readonly trade: Database.Statement;
  private readonly candle: Database.Statement;
  private readonly rollup: Database.Statement;
  /** INSERT statements for n rows at once, cached per table and n: one call into SQLite per chunk. */
  private readonly multiInserts = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    this.order = db.prepare(
      `INSERT INTO orders (order_id, user_id, symbol, state, placed_at, updated_at, view, client_order_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (order_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at, view = excluded.view`,
    );
    this.trade = db.prepare("INSERT INTO trades (trade_id, user_id, order_id, symbol, time, payload) VALUES (?, ?, ?, ?, ?, ?)");
    this.candle = db.prepare(
      `INSERT INTO candles (symbol, time, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (symbol, time) DO UPDATE SET high = max(high, excluded.high), low = min(low, excluded.low),
         close = excluded.close, volume = volume + excluded.volume`,
    );
    this.rollup = db.prepare(
      `INSERT INTO candle_rollups (symbol, span, time, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (symbol, span, time) DO UPDATE SET high = max(high, excluded.high), low = min(low, excluded.low),
         close = excluded.close, volume = volume + excluded.volume`,
    );
  }

  private insertRows(table: string, columns: string[], rows: unknown[][]): void {
    for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
      const chunk = rows.slice(start, start + ROWS_PER_INSERT);
      const key = `${table}/${chunk.length}`;
      let statement = this.multiInserts.get(key);
      if (statement === undefined) {
        const row = `(${columns.map(() => "?").join(", ")})`;
        statement = this.db.prepare(
          `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${Array.from({ length: chunk.length }, () => row).join(", ")}`,
        );
        this.multiInserts.set(key, statement);
      }
      statement.run(chunk.flat());
    }
  }

  commit(batch: CommitBatch): void {
    this.db.transaction(() => {
      this.insertRows(
        "journal",
        ["journal_id", "command", "batch_id"],
        batch.commands.map((command, i) => [
          batch.firstJournalId + i,
          JSON.stringify(command),
          i === batch.commands.length - 1 ? (batch.batchId ?? null) : null,
        ]),
      );
      this.insertRows(
        "events",
        ["seq", "time", "type", "user_id", "symbol", "order_id", "payload"],
        batch.events.map((event) => {
          const { userId, symbol, orderId } = eventColumns(event);
          return [event.seq, event.time, event.type, userId, symbol, orderId, JSON.stringify(event)];
        }),
      );
      // One row per order: its last view in the batch (a MARKET order is accepted and filled in one).
      const orders = new Map<string, OrderView>();
      for (const event of batch.events) {
        if ("order" in event) orders.set(event.order.orderId, event.order);
        if (event.type === "order.filled") {
          const t = event.trade;
          this.trade.run(t.tradeId, t.userId, t.orderId, t.symbol, t.time, JSON.stringify(t));
        }
      }
      for (const o of orders.values()) {
        this.order.run(o.orderId, o.userId, o.symbol, o.state, o.placedAt, o.updatedAt, JSON.stringify(o), o.clientOrderId);
      }
      const { minutes, rollups } = batchCandles(batch.events);
      for (const c of minutes) this.candle.run(c.symbol, c.time, c.open, c.high, c.low, c.close, c.volume);
      for (const c of rollups) this.rollup.run(c.symbol, c.span, c.time, c.open, c.high, c.low, c.close, c.volume);
    })();
  }
}
