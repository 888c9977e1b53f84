// SQL shared by the SQLite and PostgreSQL stores: the history queries, written once with a
// placeholder style of each database.
import { decodeCursor, encodeCursor, type OrderQuery, type Page, type TradeQuery } from "./storage.js";

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
