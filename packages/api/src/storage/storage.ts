// The storage contract: what the server needs from a database. One implementation per database
// (SQLite embedded by default, PostgreSQL when DATABASE_URL is set); one contract test suite runs
// against each.
import type { Command, EngineEvent, EngineSnapshot, GbmFeedState, OrderState, Trade } from "@trading/engine";
import type { OrderView } from "@trading/engine";

/** A group of commands applied together and the events they caused: one durable transaction. */
export interface CommitBatch {
  /** Journal id of the first command; the rest follow without gaps. */
  firstJournalId: number;
  commands: Command[];
  events: EngineEvent[];
}

export interface StoredSnapshot {
  /** The last journal entry the snapshot includes. */
  journalId: number;
  engine: EngineSnapshot;
  feed: GbmFeedState | null;
}

export interface Recovery {
  snapshot: StoredSnapshot | null;
  /** Journal entries after the snapshot, oldest first. */
  commands: Command[];
  lastJournalId: number;
}

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null when there is none. */
  nextCursor: string | null;
}

export interface OrderQuery {
  userId: string;
  symbol?: string | undefined;
  states?: OrderState[] | undefined;
  /** Epoch ms, inclusive. */
  from?: number | undefined;
  /** Epoch ms, exclusive. */
  to?: number | undefined;
  cursor?: string | undefined;
  limit: number;
}

export interface TradeQuery {
  userId: string;
  symbol?: string | undefined;
  orderId?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  cursor?: string | undefined;
  limit: number;
}

export interface StoredOrder {
  view: OrderView;
  history: Array<{ state: OrderState; time: number; cause: string }>;
}

export interface CandleRow {
  symbol: string;
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface UserRow {
  userId: string;
  displayName: string;
  isAdmin: boolean;
  createdAt: number;
}

export interface ApiKeyRow {
  keyId: string;
  userId: string;
  keyHash: string;
  label: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface AuditEntry {
  time: number;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
}

export interface EventQuery {
  afterSeq: number;
  /** Only events that concern this user (orders, fills, funds). */
  userId?: string | undefined;
  /** Only price ticks, optionally of these symbols. */
  ticks?: { symbols: string[] | null } | undefined;
  limit: number;
}

export interface Storage {
  readonly kind: "sqlite" | "postgres";
  /** Creates or migrates the schema and refuses to run with weaker durability than required. */
  init(): Promise<void>;
  recover(): Promise<Recovery>;
  /** Writes a batch in one transaction; resolves only once it is durable. */
  commit(batch: CommitBatch): Promise<void>;
  saveSnapshot(snapshot: StoredSnapshot): Promise<void>;

  events(query: EventQuery): Promise<EngineEvent[]>;
  order(userId: string, orderId: string): Promise<StoredOrder | null>;
  orders(query: OrderQuery): Promise<Page<OrderView>>;
  trades(query: TradeQuery): Promise<Page<Trade>>;
  candles(symbol: string, from: number, to: number, limit: number): Promise<CandleRow[]>;

  users(): Promise<UserRow[]>;
  insertUser(user: UserRow): Promise<void>;
  apiKeys(): Promise<ApiKeyRow[]>;
  insertApiKey(key: ApiKeyRow): Promise<void>;
  revokeApiKey(keyId: string, time: number): Promise<boolean>;
  audit(entry: AuditEntry): Promise<void>;
  auditLog(limit: number): Promise<AuditEntry[]>;

  close(): Promise<void>;
}

/** Cursors are opaque to clients: the sort key of the last row, base64url-encoded. */
export function encodeCursor(parts: Array<string | number>): string {
  return Buffer.from(JSON.stringify(parts)).toString("base64url");
}

export function decodeCursor(cursor: string | undefined): Array<string | number> | null {
  if (cursor === undefined) return null;
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(parts) && parts.every((p) => typeof p === "string" || typeof p === "number")) return parts;
  } catch {
    // fall through to the typed error below
  }
  throw new InvalidCursorError();
}

export class InvalidCursorError extends Error {
  constructor() {
    super("cursor is not one this server issued");
    this.name = "InvalidCursorError";
  }
}

/** The columns every event row carries beside its JSON, so queries need not parse payloads. */
/** The database is not set up to keep what it acknowledges (the server refuses to start). */
export class DurabilityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DurabilityError";
  }
}

export function eventColumns(event: EngineEvent): { userId: string | null; symbol: string | null; orderId: string | null } {
  switch (event.type) {
    case "order.accepted":
    case "order.rejected":
    case "order.triggered":
    case "order.modified":
    case "order.cancelled":
    case "order.expired":
    case "order.filled":
      return { userId: event.order.userId, symbol: event.order.symbol, orderId: event.order.orderId };
    case "price.tick":
      return { userId: null, symbol: event.symbol, orderId: null };
    case "funds.changed":
    case "account.opened":
    case "account.reset":
      return { userId: event.userId, symbol: null, orderId: null };
    case "instrument.added":
      return { userId: null, symbol: event.instrument.symbol, orderId: null };
    default:
      return { userId: null, symbol: null, orderId: null };
  }
}

/** Maps an order event to the state-history step it records. */
export function historyStep(event: EngineEvent): { state: OrderState; time: number; cause: string } | null {
  if (!("order" in event)) return null;
  const cause = event.type.slice("order.".length);
  return { state: event.order.state, time: event.time, cause };
}

export type { Trade };
