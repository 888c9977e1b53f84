// SQL shared by the SQLite and PostgreSQL stores: the history queries, written once with a
// placeholder style of each database.
import { CANDLE_INTERVALS, IST_OFFSET_MS, intervalStart } from "@trading/engine";
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
  if (query.states !== undefined && query.states.length > 0) where.add(`state IN (${query.states.map(() => "?").join(", ")})`, ...query.states);
  if (query.from !== undefined) where.add("placed_at >= ?", query.from);
  if (query.to !== undefined) where.add("placed_at < ?", query.to);
  const cursor = decodeCursor(query.cursor);
  if (cursor !== null) where.add("(placed_at < ? OR (placed_at = ? AND order_id < ?))", Number(cursor[0]), Number(cursor[0]), String(cursor[1]));
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

type Rows = (query: Query) => Promise<Array<Record<string, unknown>>>;

const candleRow = (symbol: string, r: Record<string, unknown>): CandleRow => ({
  symbol,
  time: Number(r.time),
  open: Number(r.open),
  high: Number(r.high),
  low: Number(r.low),
  close: Number(r.close),
  volume: Number(r.volume),
});

/**
 * `Storage.candles` for both databases, from the stored 1-minute candles. 1-minute candles are the
 * newest `limit` rows. Longer ones are grouped in SQL, a window of at most the `limit` intervals
 * still wanted at a time, so no query reads more than `limit` intervals' rows however much history
 * there is: the first window ends at `to`, and each next one ends after the newest minute with
 * trading before the last window began, so a gap (a night, a server that was down) costs one more
 * query instead of candles. Every window after the first holds a candle, so there are at most
 * `limit` + 1 of them.
 */
export async function queryCandles(query: CandleQuery, placeholder: Placeholder, rows: Rows): Promise<CandleRow[]> {
  const { symbol, interval, limit, to } = query;
  const from = intervalStart(query.from, interval);
  if (interval === "1m") {
    const where = new Where(placeholder);
    where.add("symbol = ? AND time >= ? AND time < ?", symbol, from, to);
    const found = await rows({ sql: `SELECT time, open, high, low, close, volume FROM candles WHERE ${where.clauses.join(" AND ")} ORDER BY time DESC LIMIT ${where.next()}`, args: [...where.args, limit] });
    return found.reverse().map((r) => candleRow(symbol, r));
  }
  const length = CANDLE_INTERVALS[interval];
  // A literal, not a parameter: PostgreSQL must see whole-number division. Both come from a fixed table.
  const bucket = `(time + ${IST_OFFSET_MS}) / ${length} * ${length} - ${IST_OFFSET_MS}`;
  const windows: CandleRow[][] = [];
  let found = 0;
  let end = to;
  while (found < limit && end > from) {
    const start = Math.max(from, intervalStart(end - 1, interval) - (limit - found - 1) * length);
    const where = new Where(placeholder);
    where.add("symbol = ? AND time >= ? AND time < ?", symbol, start, end);
    const first = where.next();
    where.args.push(symbol);
    const last = where.next();
    where.args.push(symbol);
    const window = await rows({
      sql: `SELECT g.bucket AS time, f.open AS open, g.high AS high, g.low AS low, l.close AS close, g.volume AS volume
        FROM (SELECT ${bucket} AS bucket, MIN(time) AS first_time, MAX(time) AS last_time, MAX(high) AS high, MIN(low) AS low, SUM(volume) AS volume
              FROM candles WHERE ${where.clauses.join(" AND ")} GROUP BY bucket) g
        JOIN candles f ON f.symbol = ${first} AND f.time = g.first_time
        JOIN candles l ON l.symbol = ${last} AND l.time = g.last_time
        ORDER BY g.bucket`,
      args: where.args,
    });
    windows.push(window.map((r) => candleRow(symbol, r)));
    found += window.length;
    if (start <= from) break;
    const before = new Where(placeholder);
    before.add("symbol = ? AND time >= ? AND time < ?", symbol, from, start);
    const [previous] = await rows({ sql: `SELECT time FROM candles WHERE ${before.clauses.join(" AND ")} ORDER BY time DESC LIMIT 1`, args: before.args });
    if (previous === undefined) break;
    end = intervalStart(Number(previous.time), interval) + length;
  }
  return windows.reverse().flat();
}
