// The PostgreSQL schema, one migration per step; a database runs those it has not run yet, in order.
import { rollupMigration } from "./sql.js";

export const POSTGRES_MIGRATIONS: string[] = [
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
  // 6: in a cluster, the epoch of the shard's owner that wrote each entry (checked by its fence in
  // the same transaction): an operator, and the cluster test, can see that no entry of an owner
  // that lost the shard follows its successor's.
  "ALTER TABLE journal ADD COLUMN epoch BIGINT;",
  // 7: in a cluster's directory, the shard each user belongs to.
  "ALTER TABLE users ADD COLUMN shard INT;",
];
