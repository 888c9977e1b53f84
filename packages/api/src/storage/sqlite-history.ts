// SQLite history: events, orders, trades and candles, as committed batches left them.
import type Database from "better-sqlite3";
import type { EngineEvent, OrderView, Trade } from "@trading/engine";
import { candleImport, candleRows, candlesQuery, ordersQuery, sqlitePlaceholder, toPage, tradesQuery } from "./sql.js";
import {
  historyStep,
  type CandleQuery,
  type CandleRow,
  type EventQuery,
  type History,
  type OrderQuery,
  type Page,
  type StoredOrder,
  type TradeQuery,
} from "./storage.js";

export class SqliteHistory implements History {
  constructor(private readonly db: Database.Database) {}

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

  async importCandles(rows: readonly CandleRow[]): Promise<void> {
    const queries = candleImport(rows, sqlitePlaceholder);
    this.db.transaction(() => {
      for (const { sql, args } of queries) this.db.prepare(sql).run(...args);
    })();
  }
}
