// PostgreSQL storage, used when DATABASE_URL is set. Same contract as SQLite; a batch is one
// transaction of set-based inserts, committed with synchronous_commit on.
import pg from "pg";
import { type Command, type EngineEvent, type OrderView, type Trade } from "@trading/engine";
import { batchCandles, candleRows, candlesQuery, ordersQuery, postgresPlaceholder, rollupMigration, toPage, tradesQuery } from "./sql.js";
import { lockPostgresSchema, type DatabaseLock } from "./lock.js";
import {
  DurabilityError,
  eventColumns,
  historyStep,
  joinSnapshot,
  snapshotParts,
  type ApiKeyRow,
  type AuditEntry,
  type CandleQuery,
  type CandleRow,
  type CommitBatch,
  type EventQuery,
  type OrderQuery,
  type Page,
  type Recovery,
  type Storage,
  type StoredOrder,
  type StorageLocation,
  type StoredSnapshot,
  type TradeQuery,
  type UserRow,
} from "./storage.js";

const MIGRATIONS: string[] = [
  `
  CREATE TABLE journal (journal_id BIGINT PRIMARY KEY, command TEXT NOT NULL);
  CREATE TABLE events (
    seq BIGINT PRIMARY KEY, time BIGINT NOT NULL, type TEXT NOT NULL,
    user_id TEXT, symbol TEXT, order_id TEXT, payload TEXT NOT NULL
  );
  CREATE INDEX events_user ON events (user_id, seq) WHERE user_id IS NOT NULL;
  CREATE INDEX events_tick ON events (symbol, seq) WHERE type = 'price.tick';
  CREATE INDEX events_order ON events (order_id, seq) WHERE order_id IS NOT NULL;
  CREATE TABLE orders (
    order_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, symbol TEXT NOT NULL, state TEXT NOT NULL,
    placed_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, view TEXT NOT NULL
  );
  CREATE INDEX orders_user ON orders (user_id, placed_at DESC, order_id DESC);
  CREATE TABLE trades (
    trade_seq BIGSERIAL PRIMARY KEY, trade_id TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL,
    order_id TEXT NOT NULL, symbol TEXT NOT NULL, time BIGINT NOT NULL, payload TEXT NOT NULL
  );
  CREATE INDEX trades_user ON trades (user_id, trade_seq DESC);
  CREATE TABLE candles (
    symbol TEXT NOT NULL, time BIGINT NOT NULL, open BIGINT NOT NULL, high BIGINT NOT NULL,
    low BIGINT NOT NULL, close BIGINT NOT NULL, volume BIGINT NOT NULL, PRIMARY KEY (symbol, time)
  );
  CREATE TABLE snapshots (journal_id BIGINT PRIMARY KEY, taken_at BIGINT NOT NULL, engine TEXT NOT NULL, feed TEXT);
  CREATE TABLE users (user_id TEXT PRIMARY KEY, display_name TEXT NOT NULL, is_admin BOOLEAN NOT NULL, created_at BIGINT NOT NULL);
  CREATE TABLE api_keys (
    key_id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users (user_id), key_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT
  );
  CREATE TABLE audit_log (id BIGSERIAL PRIMARY KEY, time BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL);
  `,
  // 2: snapshots in parts, written one transaction each, the snapshots row last.
  `
  CREATE TABLE snapshot_parts (journal_id BIGINT NOT NULL, part INT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (journal_id, part));
  ALTER TABLE snapshots ADD COLUMN parts INT NOT NULL DEFAULT 0;
  `,
  // 3: orders by clientOrderId, for retries of keys the engine no longer holds in memory.
  `
  ALTER TABLE orders ADD COLUMN client_order_id TEXT;
  UPDATE orders SET client_order_id = (view::jsonb) ->> 'clientOrderId' WHERE (view::jsonb) ->> 'clientOrderId' IS NOT NULL;
  CREATE INDEX orders_client_id ON orders (user_id, client_order_id) WHERE client_order_id IS NOT NULL;
  `,
  // 4: candles of 5 minutes to a day kept beside the minutes (span is the interval's name, 5m to 1d),
  // filled from the minutes already stored.
  rollupMigration("BIGINT"),
  // 5: each batch's id on its last journal entry, so a writer recognises its own batch after a
  // failure; and a row that readiness writes to learn whether the database takes writes again.
  `
  ALTER TABLE journal ADD COLUMN batch_id TEXT;
  CREATE TABLE write_check (id INT PRIMARY KEY, checked_at BIGINT NOT NULL);
  `,
];

const DURABLE_COMMIT = new Set(["on", "remote_write", "remote_apply", "local"]);

export class PostgresStorage implements Storage {
  readonly kind = "postgres" as const;
  private readonly pool: pg.Pool;
  private claim: DatabaseLock | null = null;

  /** `schema` keeps this server's tables apart (tests use a fresh one each). */
  constructor(
    private readonly connectionString: string,
    private readonly schema = "trading",
  ) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
    this.pool = new pg.Pool({ ...sessionSettings(connectionString, schema), max: 4 });
    // An idle client losing its connection must not crash the process.
    this.pool.on("error", () => undefined);
  }

  get location(): StorageLocation {
    return { kind: "postgres", url: this.connectionString, schema: this.schema };
  }

  async lock(onLost: (error: Error) => void): Promise<void> {
    this.claim ??= await lockPostgresSchema(sessionSettings(this.connectionString, this.schema), this.schema, onLost);
  }

  async init(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await client.query(`SET search_path TO ${this.schema}`);
      const sync = (await client.query("SHOW synchronous_commit")).rows[0] as { synchronous_commit: string };
      const fsync = (await client.query("SHOW fsync")).rows[0] as { fsync: string };
      if (!DURABLE_COMMIT.has(sync.synchronous_commit))
        throw new DurabilityError(`PostgreSQL synchronous_commit is ${sync.synchronous_commit}, on is required`);
      if (fsync.fsync !== "on") throw new DurabilityError("PostgreSQL fsync is off; it must be on");
      await client.query("BEGIN");
      // One server migrates at a time.
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`${this.schema}.migrations`]);
      await client.query("CREATE TABLE IF NOT EXISTS schema_migrations (version INT PRIMARY KEY, applied_at BIGINT NOT NULL)");
      const current = Number(
        ((await client.query("SELECT MAX(version) AS v FROM schema_migrations")).rows[0] as { v: number | null }).v ?? 0,
      );
      for (const [index, sql] of MIGRATIONS.entries()) {
        const version = index + 1;
        if (version <= current) continue;
        await client.query(sql);
        await client.query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)", [version, Date.now()]);
      }
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Runs `work` in one transaction on one pooled connection. */
  private async inTransaction(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      await work(client);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async rows<T>(sql: string, args: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, args)).rows as T[];
  }

  async recover(): Promise<Recovery> {
    const snapshot = await this.newestSnapshot();
    const after = snapshot?.journalId ?? 0;
    const rows = await this.rows<{ journal_id: string; command: string }>(
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
    const rows = await this.rows<{ journal_id: string; engine: string; parts: number }>(
      "SELECT journal_id, engine, parts FROM snapshots ORDER BY journal_id DESC",
    );
    for (const row of rows) {
      const parts =
        row.parts === 0
          ? []
          : (
              await this.rows<{ data: string }>("SELECT data FROM snapshot_parts WHERE journal_id = $1 ORDER BY part", [row.journal_id])
            ).map((r) => r.data);
      if (parts.length === row.parts) return joinSnapshot(Number(row.journal_id), row.engine, parts);
    }
    return null;
  }

  async journal(afterJournalId: number, limit: number): Promise<Command[]> {
    const rows = await this.rows<{ command: string }>("SELECT command FROM journal WHERE journal_id > $1 ORDER BY journal_id LIMIT $2", [
      afterJournalId,
      limit,
    ]);
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
    await this.inTransaction(async (client) => {
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
    const [row] = await this.rows<{ batch_id: string | null }>("SELECT batch_id FROM journal WHERE journal_id = $1", [journalId]);
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
    await this.inTransaction(async (client) => {
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

  async events(query: EventQuery): Promise<EngineEvent[]> {
    let rows: Array<{ payload: string }>;
    if (query.userId !== undefined) {
      rows = await this.rows("SELECT payload FROM events WHERE user_id = $1 AND seq > $2 ORDER BY seq LIMIT $3", [
        query.userId,
        query.afterSeq,
        query.limit,
      ]);
    } else if (query.ticks !== undefined) {
      rows =
        query.ticks.symbols === null
          ? await this.rows("SELECT payload FROM events WHERE type = 'price.tick' AND seq > $1 ORDER BY seq LIMIT $2", [
              query.afterSeq,
              query.limit,
            ])
          : await this.rows(
              "SELECT payload FROM events WHERE type = 'price.tick' AND symbol = ANY($1::text[]) AND seq > $2 ORDER BY seq LIMIT $3",
              [query.ticks.symbols, query.afterSeq, query.limit],
            );
    } else {
      rows = await this.rows("SELECT payload FROM events WHERE seq > $1 ORDER BY seq LIMIT $2", [query.afterSeq, query.limit]);
    }
    return rows.map((r) => JSON.parse(r.payload) as EngineEvent);
  }

  async recentOrderEvents(afterSeq: number, limit: number): Promise<EngineEvent[]> {
    const rows = await this.rows<{ payload: string }>(
      "SELECT payload FROM (SELECT seq, payload FROM events WHERE seq > $1 AND order_id IS NOT NULL ORDER BY seq DESC LIMIT $2) newest ORDER BY seq",
      [afterSeq, limit],
    );
    return rows.map((r) => JSON.parse(r.payload) as EngineEvent);
  }

  async order(userId: string, orderId: string): Promise<StoredOrder | null> {
    const [row] = await this.rows<{ view: string }>("SELECT view FROM orders WHERE order_id = $1 AND user_id = $2", [orderId, userId]);
    if (row === undefined) return null;
    const events = await this.rows<{ payload: string }>("SELECT payload FROM events WHERE order_id = $1 ORDER BY seq", [orderId]);
    const history = events.map((e) => historyStep(JSON.parse(e.payload) as EngineEvent)).filter((h) => h !== null);
    return { view: JSON.parse(row.view) as OrderView, history };
  }

  async orderByClientId(userId: string, clientOrderId: string): Promise<OrderView | null> {
    const [row] = await this.rows<{ view: string }>("SELECT view FROM orders WHERE user_id = $1 AND client_order_id = $2", [
      userId,
      clientOrderId,
    ]);
    return row === undefined ? null : (JSON.parse(row.view) as OrderView);
  }

  async orders(query: OrderQuery): Promise<Page<OrderView>> {
    const { sql, args } = ordersQuery(query, postgresPlaceholder);
    const rows = await this.rows<{ view: string; placed_at: string; order_id: string }>(sql, args);
    return toPage(
      rows,
      query.limit,
      (r) => JSON.parse(r.view) as OrderView,
      (r) => [Number(r.placed_at), r.order_id],
    );
  }

  async trades(query: TradeQuery): Promise<Page<Trade>> {
    const { sql, args } = tradesQuery(query, postgresPlaceholder);
    const rows = await this.rows<{ payload: string; trade_seq: string }>(sql, args);
    return toPage(
      rows,
      query.limit,
      (r) => JSON.parse(r.payload) as Trade,
      (r) => [Number(r.trade_seq)],
    );
  }

  async candles(query: CandleQuery): Promise<CandleRow[]> {
    const { sql, args } = candlesQuery(query, postgresPlaceholder);
    return candleRows(query.symbol, await this.rows<Record<string, unknown>>(sql, args));
  }

  async users(): Promise<UserRow[]> {
    const rows = await this.rows<{ user_id: string; display_name: string; is_admin: boolean; created_at: string }>(
      "SELECT user_id, display_name, is_admin, created_at FROM users ORDER BY created_at, user_id",
    );
    return rows.map((r) => ({ userId: r.user_id, displayName: r.display_name, isAdmin: r.is_admin, createdAt: Number(r.created_at) }));
  }

  async insertUser(user: UserRow): Promise<void> {
    await this.pool.query("INSERT INTO users (user_id, display_name, is_admin, created_at) VALUES ($1, $2, $3, $4)", [
      user.userId,
      user.displayName,
      user.isAdmin,
      user.createdAt,
    ]);
  }

  async apiKeys(): Promise<ApiKeyRow[]> {
    const rows = await this.rows<{
      key_id: string;
      user_id: string;
      key_hash: string;
      label: string;
      created_at: string;
      revoked_at: string | null;
    }>("SELECT key_id, user_id, key_hash, label, created_at, revoked_at FROM api_keys");
    return rows.map((r) => ({
      keyId: r.key_id,
      userId: r.user_id,
      keyHash: r.key_hash,
      label: r.label,
      createdAt: Number(r.created_at),
      revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
    }));
  }

  async insertApiKey(key: ApiKeyRow): Promise<void> {
    await this.pool.query(
      "INSERT INTO api_keys (key_id, user_id, key_hash, label, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)",
      [key.keyId, key.userId, key.keyHash, key.label, key.createdAt, key.revokedAt],
    );
  }

  async revokeApiKey(keyId: string, time: number): Promise<boolean> {
    const result = await this.pool.query("UPDATE api_keys SET revoked_at = $1 WHERE key_id = $2 AND revoked_at IS NULL", [time, keyId]);
    return (result.rowCount ?? 0) > 0;
  }

  async audit(entry: AuditEntry): Promise<void> {
    await this.pool.query("INSERT INTO audit_log (time, actor, action, detail) VALUES ($1, $2, $3, $4)", [
      entry.time,
      entry.actor,
      entry.action,
      JSON.stringify(entry.detail),
    ]);
  }

  async auditLog(limit: number): Promise<AuditEntry[]> {
    const rows = await this.rows<{ time: string; actor: string; action: string; detail: string }>(
      "SELECT time, actor, action, detail FROM audit_log ORDER BY id DESC LIMIT $1",
      [limit],
    );
    return rows.map((r) => ({
      time: Number(r.time),
      actor: r.actor,
      action: r.action,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
    }));
  }

  /** Drops this store's schema: for tests that made a throwaway one. */
  async dropSchema(): Promise<void> {
    await this.pool.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
  }

  async close(): Promise<void> {
    await this.pool.end();
    await this.claim?.release();
    this.claim = null;
  }
}

/**
 * Every pooled connection opens with this server's schema on its search path and synchronous
 * commit on, as startup options: set by a query on connect instead, the first query of whoever
 * took the connection would be sent while that one still ran. An `options` parameter in the
 * connection string would replace the pool's own, so there ours are added to it.
 */
function sessionSettings(connectionString: string, schema: string): pg.PoolConfig {
  const settings = `-c search_path=${schema} -c synchronous_commit=on`;
  const url = URL.canParse(connectionString) ? new URL(connectionString) : undefined;
  const theirs = url?.searchParams.get("options");
  if (url === undefined || !theirs) return { connectionString, options: settings };
  url.searchParams.set("options", `${theirs} ${settings}`);
  return { connectionString: url.toString() };
}
