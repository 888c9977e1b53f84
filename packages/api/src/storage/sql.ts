// SQL shared by the SQLite and PostgreSQL stores: the history queries, written once with a
// placeholder style of each database, and the candle rows a batch of ticks adds to.
import { CANDLE_INTERVALS, IST_OFFSET_MS, intervalStart, type CandleInterval, type EngineEvent } from "@trading/engine";
import { decodeCursor, encodeCursor, type CandleQuery, type CandleRow, type OrderQuery, type Page, type TradeQuery } from "./storage.js";

export type Placeholder = (index: number) => string;
export const sqlitePlaceholder: Placeholder = () => "?";
export const postgresPlaceholder: Placeholder = (index) => `$${index}`;

export interface Query {
  sql: string;
  args: Array<string | number>;
}

class Where {
  readonly clauses: string[] = [];
  readonly args: Array<string | number> = [];
  constructor(private readonly placeholder: Placeholder) {}

  /** Adds a clause; each `?` in it becomes the next placeholder. */
  add(clause: string, ...args: Array<string | number>): void {
    let i = 0;
    this.clauses.push(clause.replace(/\?/g, () => this.placeholder(this.args.length + ++i)));
    this.args.push(...args);
  }

  next(): string {
    return this.placeholder(this.args.length + 1);
  }
}

export function ordersQuery(query: OrderQuery, placeholder: Placeholder): Query {
  const where = new Where(placeholder);
  where.add("user_id = ?", query.userId);
  if (query.symbol !== undefined) where.add("symbol = ?", query.symbol);
  if (query.states !== undefined && query.states.length > 0)
    where.add(`state IN (${query.states.map(() => "?").join(", ")})`, ...query.states);
  if (query.from !== undefined) where.add("placed_at >= ?", query.from);
  if (query.to !== undefined) where.add("placed_at < ?", query.to);
  const cursor = decodeCursor(query.cursor);
  if (cursor !== null)
    where.add("(placed_at < ? OR (placed_at = ? AND order_id < ?))", Number(cursor[0]), Number(cursor[0]), String(cursor[1]));
  const limit = where.next();
  return {
    sql: `SELECT view, placed_at, order_id FROM orders WHERE ${where.clauses.join(" AND ")} ORDER BY placed_at DESC, order_id DESC LIMIT ${limit}`,
    args: [...where.args, query.limit + 1],
  };
}

export function tradesQuery(query: TradeQuery, placeholder: Placeholder): Query {
  const where = new Where(placeholder);
  where.add("user_id = ?", query.userId);
  if (query.symbol !== undefined) where.add("symbol = ?", query.symbol);
  if (query.orderId !== undefined) where.add("order_id = ?", query.orderId);
  if (query.from !== undefined) where.add("time >= ?", query.from);
  if (query.to !== undefined) where.add("time < ?", query.to);
  const cursor = decodeCursor(query.cursor);
  if (cursor !== null) where.add("trade_seq < ?", Number(cursor[0]));
  const limit = where.next();
  return {
    sql: `SELECT payload, trade_seq FROM trades WHERE ${where.clauses.join(" AND ")} ORDER BY trade_seq DESC LIMIT ${limit}`,
    args: [...where.args, query.limit + 1],
  };
}

/** Turns `limit + 1` rows into a page and the cursor of its last row. */
export function toPage<Row, T>(rows: Row[], limit: number, item: (row: Row) => T, cursorOf: (row: Row) => Array<string | number>): Page<T> {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(item), nextCursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null };
}

/** Intervals kept as rows of their own beside the 1-minute candles, so a chart of any reads `limit` rows. */
export const ROLLUP_INTERVALS = ["5m", "15m", "30m", "1h", "1d"] as const satisfies readonly CandleInterval[];

/**
 * Fills `candle_rollups` for one interval from the 1-minute candles (a migration's backfill): the
 * open of a candle is its first minute's, the close its last minute's. Literals, not parameters,
 * so PostgreSQL divides whole numbers; they come from a fixed table.
 */
function rollupBackfill(interval: (typeof ROLLUP_INTERVALS)[number]): string {
  const length = CANDLE_INTERVALS[interval];
  return `INSERT INTO candle_rollups (symbol, span, time, open, high, low, close, volume)
    SELECT g.symbol, '${interval}', g.bucket, f.open, g.high, g.low, l.close, g.volume
    FROM (SELECT symbol, (time + ${IST_OFFSET_MS}) / ${length} * ${length} - ${IST_OFFSET_MS} AS bucket, MIN(time) AS first_time,
            MAX(time) AS last_time, MAX(high) AS high, MIN(low) AS low, SUM(volume) AS volume
          FROM candles GROUP BY symbol, bucket) g
    JOIN candles f ON f.symbol = g.symbol AND f.time = g.first_time
    JOIN candles l ON l.symbol = g.symbol AND l.time = g.last_time`;
}

/**
 * Rebuilds one interval's rows for one symbol over [from, to) from the 1-minute candles there (after
 * an import replaced some of them). `from` and `to` are whole buckets of the interval.
 */
export function rollupRefresh(
  interval: (typeof ROLLUP_INTERVALS)[number],
  symbol: string,
  from: number,
  to: number,
  placeholder: Placeholder,
): Query {
  const length = CANDLE_INTERVALS[interval];
  const [p1, p2, p3] = [placeholder(1), placeholder(2), placeholder(3)];
  return {
    sql: `INSERT INTO candle_rollups (symbol, span, time, open, high, low, close, volume)
    SELECT g.symbol, '${interval}', g.bucket, f.open, g.high, g.low, l.close, g.volume
    FROM (SELECT symbol, (time + ${IST_OFFSET_MS}) / ${length} * ${length} - ${IST_OFFSET_MS} AS bucket, MIN(time) AS first_time,
            MAX(time) AS last_time, MAX(high) AS high, MIN(low) AS low, SUM(volume) AS volume
          FROM candles WHERE symbol = ${p1} AND time >= ${p2} AND time < ${p3} GROUP BY symbol, bucket) g
    JOIN candles f ON f.symbol = g.symbol AND f.time = g.first_time
    JOIN candles l ON l.symbol = g.symbol AND l.time = g.last_time
    ON CONFLICT (symbol, span, time) DO UPDATE SET open = excluded.open, high = excluded.high, low = excluded.low,
      close = excluded.close, volume = excluded.volume`,
    args: [symbol, from, to],
  };
}

/**
 * What importing 1-minute candles runs, in one transaction: the minutes upserted (an imported
 * minute replaces a stored one), then for each symbol and interval the buckets they touch rebuilt.
 */
export function candleImport(rows: readonly CandleRow[], placeholder: Placeholder): Query[] {
  const queries: Query[] = [];
  const CHUNK = 500;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    let n = 0;
    const values = chunk.map(() => `(${Array.from({ length: 7 }, () => placeholder(++n)).join(", ")})`);
    queries.push({
      sql: `INSERT INTO candles (symbol, time, open, high, low, close, volume) VALUES ${values.join(", ")}
        ON CONFLICT (symbol, time) DO UPDATE SET open = excluded.open, high = excluded.high, low = excluded.low,
          close = excluded.close, volume = excluded.volume`,
      args: chunk.flatMap((c) => [c.symbol, c.time, c.open, c.high, c.low, c.close, c.volume]),
    });
  }
  const spans = new Map<string, { from: number; to: number }>();
  for (const c of rows) {
    const span = spans.get(c.symbol);
    if (span === undefined) spans.set(c.symbol, { from: c.time, to: c.time });
    else {
      span.from = Math.min(span.from, c.time);
      span.to = Math.max(span.to, c.time);
    }
  }
  for (const [symbol, { from, to }] of spans) {
    for (const interval of ROLLUP_INTERVALS) {
      const start = intervalStart(from, interval);
      const end = intervalStart(to, interval) + CANDLE_INTERVALS[interval];
      queries.push(rollupRefresh(interval, symbol, start, end, placeholder));
    }
  }
  return queries;
}

/** The migration that starts keeping longer candles: their table, filled from the minutes already stored. */
export function rollupMigration(integer: "INTEGER" | "BIGINT"): string {
  return [
    `CREATE TABLE candle_rollups (
      symbol TEXT NOT NULL, span TEXT NOT NULL, time ${integer} NOT NULL, open ${integer} NOT NULL, high ${integer} NOT NULL,
      low ${integer} NOT NULL, close ${integer} NOT NULL, volume ${integer} NOT NULL, PRIMARY KEY (symbol, span, time)
    )`,
    ...ROLLUP_INTERVALS.map(rollupBackfill),
  ].join(";\n");
}

export type RollupRow = CandleRow & { span: (typeof ROLLUP_INTERVALS)[number] };

/**
 * The candle rows a batch's ticks add to, one per symbol and bucket with the batch's ticks merged
 * into it (in their order): what each store upserts into `candles` and `candle_rollups`.
 */
export function batchCandles(events: readonly EngineEvent[]): { minutes: CandleRow[]; rollups: RollupRow[] } {
  const minutes = new Map<string, CandleRow>();
  const rollups = new Map<string, RollupRow>();
  const merge = <Row extends CandleRow>(rows: Map<string, Row>, key: string, row: () => Row, price: number, volume: number) => {
    const c = rows.get(key);
    if (c === undefined) rows.set(key, row());
    else {
      c.high = Math.max(c.high, price);
      c.low = Math.min(c.low, price);
      c.close = price;
      c.volume += volume;
    }
  };
  for (const event of events) {
    if (event.type !== "price.tick") continue;
    const { symbol, price, volume } = event;
    const candle = (time: number) => ({ symbol, time, open: price, high: price, low: price, close: price, volume });
    const minute = intervalStart(event.time, "1m");
    merge(minutes, `${symbol}|${minute}`, () => candle(minute), price, volume);
    for (const span of ROLLUP_INTERVALS) {
      const start = intervalStart(event.time, span);
      merge(rollups, `${symbol}|${span}|${start}`, () => ({ ...candle(start), span }), price, volume);
    }
  }
  return { minutes: [...minutes.values()], rollups: [...rollups.values()] };
}

/** The SQL for `Storage.candles`: the newest `limit` rows of the interval's table, oldest first once reversed. */
export function candlesQuery(query: CandleQuery, placeholder: Placeholder): Query {
  const where = new Where(placeholder);
  where.add("symbol = ?", query.symbol);
  if (query.interval !== "1m") where.add("span = ?", query.interval);
  where.add("time >= ? AND time < ?", intervalStart(query.from, query.interval), query.to);
  const table = query.interval === "1m" ? "candles" : "candle_rollups";
  return {
    sql: `SELECT time, open, high, low, close, volume FROM ${table} WHERE ${where.clauses.join(" AND ")} ORDER BY time DESC LIMIT ${where.next()}`,
    args: [...where.args, query.limit],
  };
}

/** Rows of `candlesQuery`, as the database answered them (PostgreSQL's BIGINTs are strings), oldest first. */
export function candleRows(symbol: string, rows: Array<Record<string, unknown>>): CandleRow[] {
  return rows.reverse().map((r) => ({
    symbol,
    time: Number(r.time),
    open: Number(r.open),
    high: Number(r.high),
    low: Number(r.low),
    close: Number(r.close),
    volume: Number(r.volume),
  }));
}
