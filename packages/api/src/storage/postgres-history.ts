// PostgreSQL history: events, orders, trades and candles, as committed batches left them.
import type pg from "pg";
import type { EngineEvent, OrderView, Trade } from "@trading/engine";
import { queryRows } from "./postgres-pool.js";
import { candleImport, candleRows, candlesQuery, ordersQuery, postgresPlaceholder, toPage, tradesQuery } from "./sql.js";
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

export class PostgresHistory implements History {
  constructor(private readonly pool: pg.Pool) {}

  async events(query: EventQuery): Promise<EngineEvent[]> {
    let rows: Array<{ payload: string }>;
    if (query.userId !== undefined) {
      rows = await queryRows(this.pool, "SELECT payload FROM events WHERE user_id = $1 AND seq > $2 ORDER BY seq LIMIT $3", [
        query.userId,
        query.afterSeq,
        query.limit,
      ]);
    } else if (query.ticks !== undefined) {
      rows =
        query.ticks.symbols === null
          ? await queryRows(this.pool, "SELECT payload FROM events WHERE type = 'price.tick' AND seq > $1 ORDER BY seq LIMIT $2", [
              query.afterSeq,
              query.limit,
            ])
          : await queryRows(
              this.pool,
              "SELECT payload FROM events WHERE type = 'price.tick' AND symbol = ANY($1::text[]) AND seq > $2 ORDER BY seq LIMIT $3",
              [query.ticks.symbols, query.afterSeq, query.limit],
            );
    } else {
      rows = await queryRows(this.pool, "SELECT payload FROM events WHERE seq > $1 ORDER BY seq LIMIT $2", [query.afterSeq, query.limit]);
    }
    return rows.map((r) => JSON.parse(r.payload) as EngineEvent);
  }

  async recentOrderEvents(afterSeq: number, limit: number): Promise<EngineEvent[]> {
    const rows = await queryRows<{ payload: string }>(
      this.pool,
      "SELECT payload FROM (SELECT seq, payload FROM events WHERE seq > $1 AND order_id IS NOT NULL ORDER BY seq DESC LIMIT $2) newest ORDER BY seq",
      [afterSeq, limit],
    );
    return rows.map((r) => JSON.parse(r.payload) as EngineEvent);
  }

  async order(userId: string, orderId: string): Promise<StoredOrder | null> {
    const [row] = await queryRows<{ view: string }>(this.pool, "SELECT view FROM orders WHERE order_id = $1 AND user_id = $2", [
      orderId,
      userId,
    ]);
    if (row === undefined) return null;
    const events = await queryRows<{ payload: string }>(this.pool, "SELECT payload FROM events WHERE order_id = $1 ORDER BY seq", [
      orderId,
    ]);
    const history = events.map((e) => historyStep(JSON.parse(e.payload) as EngineEvent)).filter((h) => h !== null);
    return { view: JSON.parse(row.view) as OrderView, history };
  }

  async orderByClientId(userId: string, clientOrderId: string): Promise<OrderView | null> {
    const [row] = await queryRows<{ view: string }>(this.pool, "SELECT view FROM orders WHERE user_id = $1 AND client_order_id = $2", [
      userId,
      clientOrderId,
    ]);
    return row === undefined ? null : (JSON.parse(row.view) as OrderView);
  }

  async orders(query: OrderQuery): Promise<Page<OrderView>> {
    const { sql, args } = ordersQuery(query, postgresPlaceholder);
    const rows = await queryRows<{ view: string; placed_at: string; order_id: string }>(this.pool, sql, args);
    return toPage(
      rows,
      query.limit,
      (r) => JSON.parse(r.view) as OrderView,
      (r) => [Number(r.placed_at), r.order_id],
    );
  }

  async trades(query: TradeQuery): Promise<Page<Trade>> {
    const { sql, args } = tradesQuery(query, postgresPlaceholder);
    const rows = await queryRows<{ payload: string; trade_seq: string }>(this.pool, sql, args);
    return toPage(
      rows,
      query.limit,
      (r) => JSON.parse(r.payload) as Trade,
      (r) => [Number(r.trade_seq)],
    );
  }

  async candles(query: CandleQuery): Promise<CandleRow[]> {
    const { sql, args } = candlesQuery(query, postgresPlaceholder);
    return candleRows(query.symbol, await queryRows<Record<string, unknown>>(this.pool, sql, args));
  }

  async importCandles(rows: readonly CandleRow[]): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      for (const { sql, args } of candleImport(rows, postgresPlaceholder)) await client.query(sql, args);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
