// Writing a committed batch to PostgreSQL, in the caller's transaction: the journal entries, the
// events, the latest state of each order, the trades and the candles, each as one set-based insert
// of arrays (unnest), however many rows the batch has.
import type pg from "pg";
import type { OrderView, Trade } from "@trading/engine";
import { batchCandles } from "./sql.js";
import { eventColumns, type CommitBatch } from "./storage.js";

type CandleRows = ReturnType<typeof batchCandles>;

export async function writeBatch(client: pg.PoolClient, batch: CommitBatch, epoch: number | null): Promise<void> {
  const events = batch.events;
  // One row per order and per candle: the last view of an order, candles merged per interval.
  const orders = new Map<string, OrderView>();
  const trades: Trade[] = [];
  for (const event of events) {
    if ("order" in event) orders.set(event.order.orderId, event.order);
    if (event.type === "order.filled") trades.push(event.trade);
  }
  const { minutes, rollups } = batchCandles(events);
  await insertJournal(client, batch, epoch);
  if (events.length > 0) await insertEvents(client, events);
  if (orders.size > 0) await upsertOrders(client, [...orders.values()]);
  if (trades.length > 0) await insertTrades(client, trades);
  if (minutes.length > 0) await upsertMinutes(client, minutes);
  if (rollups.length > 0) await upsertRollups(client, rollups);
}

/** The commands, with the batch id on the last one, and the writer's epoch (in a cluster) on each. */
async function insertJournal(client: pg.PoolClient, batch: CommitBatch, epoch: number | null): Promise<void> {
  await client.query(
    "INSERT INTO journal (journal_id, command, batch_id, epoch) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[])",
    [
      batch.commands.map((_, i) => batch.firstJournalId + i),
      batch.commands.map((c) => JSON.stringify(c)),
      batch.commands.map((_, i) => (i === batch.commands.length - 1 ? (batch.batchId ?? null) : null)),
      batch.commands.map(() => epoch),
    ],
  );
}

async function insertEvents(client: pg.PoolClient, events: CommitBatch["events"]): Promise<void> {
  const columns = events.map(eventColumns);
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

async function upsertOrders(client: pg.PoolClient, list: OrderView[]): Promise<void> {
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

async function insertTrades(client: pg.PoolClient, trades: Trade[]): Promise<void> {
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

async function upsertMinutes(client: pg.PoolClient, list: CandleRows["minutes"]): Promise<void> {
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

async function upsertRollups(client: pg.PoolClient, list: CandleRows["rollups"]): Promise<void> {
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
