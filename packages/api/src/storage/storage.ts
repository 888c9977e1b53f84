// The storage contract: what the server needs from a database. One implementation per database
// (SQLite embedded by default, PostgreSQL when DATABASE_URL is set); one contract test suite runs
// against each.
import type { CandleInterval, Command, EngineEvent, EngineSnapshot, OrderState, Trade } from "@trading/engine";
import type { OrderCause, OrderEventType, OrderView, StateChange } from "@trading/engine";

/** A group of commands applied together and the events they caused: one durable transaction. */
export interface CommitBatch {
  /** Journal id of the first command; the rest follow without gaps. */
  firstJournalId: number;
  commands: Command[];
  events: EngineEvent[];
  /**
   * Stored with the batch's last journal entry: after a write that reported a failure, its writer
   * recognises its own batch by this (journal ids alone can be filled by another writer). The
   * queue always sets a fresh one.
   */
  batchId?: string | undefined;
}

export interface StoredSnapshot {
  /** The last journal entry the snapshot includes. */
  journalId: number;
  engine: EngineSnapshot;
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
  history: StateChange[];
}

/**
 * The last `limit` candles of `interval` that have trading in them and start before `to`, from the
 * one `from` falls inside on; each candle is whole. Intervals without trading are skipped, not
 * counted.
 */
export interface CandleQuery {
  symbol: string;
  interval: CandleInterval;
  from: number;
  to: number;
  limit: number;
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
  /** In a cluster, the shard the user belongs to (kept on PostgreSQL, where clusters run). */
  shard?: number | undefined;
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

/** Where a storage lives, so that another thread can open its own connection to it. */
export type StorageLocation = { kind: "sqlite"; file: string } | { kind: "postgres"; url: string; schema: string };

/**
 * A database as the server uses it: claimed by one server at a time, migrated at start, and seen
 * through three parts. The journal is the record of truth (the engine is rebuilt from it); the
 * history is what the journal's batches left behind for queries; the directory holds users, keys
 * and the audit log, which no command changes.
 */
export interface Storage {
  readonly kind: "sqlite" | "postgres";
  readonly location: StorageLocation;
  /**
   * Claims the database for this server until close(), before anything is read or changed: throws
   * `DatabaseInUseError` naming the holder when another server has it. The claim dies with its
   * holder. `onLost` is told if the claim is lost while held (a dropped PostgreSQL connection).
   */
  lock(onLost: (error: Error) => void): Promise<void>;
  /** Creates or migrates the schema and refuses to run with weaker durability than required. */
  init(): Promise<void>;
  readonly journal: Journal;
  readonly history: History;
  readonly directory: Directory;
  close(): Promise<void>;
}

/** Commands in the order they were applied, and snapshots of the engine they built. */
export interface Journal {
  /** The newest complete snapshot and every command after it. */
  recover(): Promise<Recovery>;
  /** Up to `limit` journal entries after `afterJournalId`, oldest first (their ids follow on without gaps). */
  read(afterJournalId: number, limit: number): Promise<Command[]>;
  /** Writes a batch (its commands, and the history its events make) in one transaction; resolves only once it is durable. */
  commit(batch: CommitBatch): Promise<void>;
  /** Makes a small durable write, as a journal batch would; rejects when that cannot be done (a full disk). */
  checkWritable(): Promise<void>;
  /** The `batchId` stored with journal entry `journalId` (null for none, or no such entry). */
  batchIdAt(journalId: number): Promise<string | null>;
  /**
   * Stores a snapshot in parts (see `snapshotParts`), each its own transaction, and last the row
   * that names them: a snapshot interrupted half-way is never read. Keeps the newest two.
   */
  saveSnapshot(snapshot: StoredSnapshot): Promise<void>;
}

/** What committed batches left for queries: events, orders, trades and candles. */
export interface History {
  events(query: EventQuery): Promise<EngineEvent[]>;
  /** The newest `limit` order events (fills included) after `afterSeq`, oldest first. */
  recentOrderEvents(afterSeq: number, limit: number): Promise<EngineEvent[]>;
  order(userId: string, orderId: string): Promise<StoredOrder | null>;
  /** The user's order placed with this clientOrderId, as last stored. */
  orderByClientId(userId: string, clientOrderId: string): Promise<OrderView | null>;
  orders(query: OrderQuery): Promise<Page<OrderView>>;
  trades(query: TradeQuery): Promise<Page<Trade>>;
  /** Candles oldest first (see `CandleQuery`). */
  candles(query: CandleQuery): Promise<CandleRow[]>;
  /** Stores 1-minute candles made elsewhere (a backfill, an import), longer ones rebuilt from them; all or nothing. */
  importCandles(rows: readonly CandleRow[]): Promise<void>;
}

/** Users, their API keys and the audit log of admin actions. */
export interface Directory {
  users(): Promise<UserRow[]>;
  insertUser(user: UserRow): Promise<void>;
  apiKeys(): Promise<ApiKeyRow[]>;
  insertApiKey(key: ApiKeyRow): Promise<void>;
  revokeApiKey(keyId: string, time: number): Promise<boolean>;
  audit(entry: AuditEntry): Promise<void>;
  auditLog(limit: number): Promise<AuditEntry[]>;
}

/**
 * Orders per stored part of a snapshot. One JSON text for the whole engine would pass V8's string
 * limit (about 512 MiB) near a million resting orders, and as one transaction it would hold the
 * database's write lock for as long as it takes to write.
 */
export const SNAPSHOT_PART_ORDERS = 5_000;

/** A snapshot as stored: the engine without its orders, and the orders in parts made on demand. */
export interface SnapshotParts {
  engine: string;
  count: number;
  part(index: number): string;
}

export function snapshotParts(snapshot: StoredSnapshot): SnapshotParts {
  const { orders, ...rest } = snapshot.engine;
  return {
    engine: JSON.stringify({ ...rest, orders: [] }),
    count: Math.ceil(orders.length / SNAPSHOT_PART_ORDERS),
    part: (index) => JSON.stringify(orders.slice(index * SNAPSHOT_PART_ORDERS, (index + 1) * SNAPSHOT_PART_ORDERS)),
  };
}

/** The inverse of `snapshotParts`. A snapshot stored whole (before parts existed) has no parts. */
export function joinSnapshot(journalId: number, engine: string, parts: string[]): StoredSnapshot {
  const stored = JSON.parse(engine) as EngineSnapshot;
  for (const part of parts) for (const order of JSON.parse(part) as EngineSnapshot["orders"]) stored.orders.push(order);
  return { journalId, engine: stored };
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

/**
 * A shard's claim, carried by its journal writer (cluster mode): every write checks, in its own
 * transaction, that the shard's epoch in `table` is still `epoch`. An owner that lost the shard
 * (it froze past its lease and another engine claimed it) is refused there, whatever it believes.
 */
export interface ShardFence {
  table: string;
  shard: number;
  epoch: number;
  /**
   * A transaction of this writer left open this long (its process frozen mid-commit) is ended by
   * the database, so the row lock it holds does not keep the shard's next owner from claiming it.
   */
  staleAfterMs: number;
}

/** A write refused because the writer's claim on its shard is void (see `ShardFence`). */
export class FencedError extends Error {
  constructor(
    readonly fence: ShardFence,
    readonly currentEpoch: number | null,
  ) {
    super(`shard ${fence.shard} is now at epoch ${String(currentEpoch)}; this writer's claim (epoch ${fence.epoch}) is void`);
    this.name = "FencedError";
  }
}

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
    case "order.entered":
    case "order.triggered":
    case "order.modified":
    case "order.cancelled":
    case "order.expired":
    case "order.filled":
      return { userId: event.order.userId, symbol: event.order.symbol, orderId: event.order.orderId };
    case "price.tick":
      return { userId: null, symbol: event.symbol, orderId: null };
    case "position.converted":
      return { userId: event.userId, symbol: event.symbol, orderId: null };
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

/** Maps an order event to the state-history step it records, with the engine's cause. */
export function historyStep(event: EngineEvent): StateChange | null {
  if (!("order" in event)) return null;
  // Events stored before they carried a cause: the nearest cause their type tells.
  const cause = (event.cause as OrderCause | undefined) ?? CAUSE_OF_OLD_EVENT[event.type];
  return { state: event.order.state, time: event.time, cause };
}

const CAUSE_OF_OLD_EVENT: Record<OrderEventType | "order.filled", OrderCause> = {
  "order.accepted": "placed",
  "order.rejected": "rejected",
  "order.entered": "entered",
  "order.triggered": "triggered",
  "order.modified": "modified",
  "order.filled": "filled",
  "order.cancelled": "cancelled",
  "order.expired": "session-closed",
};

export type { Trade };
