// One storage contract, run against every implementation: SQLite always (committing on the main
// thread, and on the writer thread of the built package as the server does), PostgreSQL whenever
// DATABASE_URL is set (CI sets it; elsewhere the suite says plainly that it was not run), and then
// what only PostgreSQL has to get right: how its pooled connections are set up.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Engine, type Command, type EngineEvent } from "@trading/engine";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresStorage } from "../src/storage/postgres.js";
import { SqliteStorage as BuiltSqliteStorage } from "../dist/storage/sqlite.js";
import { SqliteStorage } from "../src/storage/sqlite.js";
import { SNAPSHOT_PART_ORDERS, type Storage } from "../src/storage/storage.js";

interface Implementation {
  name: string;
  open(): Promise<{ storage: Storage; reopen(): Promise<Storage>; cleanup(): Promise<void>; sql(statements: string): Promise<void> }>;
}

function sqlite(name: string, make: (file: string) => Storage): Implementation {
  return {
    name,
    async open() {
      const dir = mkdtempSync(path.join(tmpdir(), "trading-contract-"));
      const file = path.join(dir, "t.sqlite");
      return {
        storage: make(file),
        reopen: async () => make(file),
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
        sql: async (statements) => {
          const db = new Database(file);
          db.exec(statements);
          db.close();
        },
      };
    },
  };
}

const implementations: Implementation[] = [
  sqlite("sqlite (main-thread writer)", (file) => new SqliteStorage(file, { writerThread: false })),
  sqlite("sqlite (writer thread)", (file) => {
    const storage = new BuiltSqliteStorage(file);
    if (storage.writer !== "thread") throw new Error("the built SQLite storage should commit on its writer thread");
    return storage;
  }),
];
const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl !== undefined && databaseUrl !== "") {
  implementations.push({
    name: "postgres",
    async open() {
      const schema = `contract_${process.pid}_${Date.now()}`;
      return {
        storage: new PostgresStorage(databaseUrl, schema),
        reopen: async () => new PostgresStorage(databaseUrl, schema),
        sql: async (statements) => {
          const client = new pg.Client({ connectionString: databaseUrl });
          await client.connect();
          try {
            await client.query(`SET search_path TO ${schema}`);
            await client.query(statements);
          } finally {
            await client.end();
          }
        },
        cleanup: async () => {
          const admin = new PostgresStorage(databaseUrl, schema);
          await admin.dropSchema();
          await admin.close();
        },
      };
    },
  });
} else {
  describe("storage contract and connections on PostgreSQL", () => {
    it.skip("not run: DATABASE_URL is not set (CI sets it to the machine's PostgreSQL)", () => undefined);
  });
}

/** A little trading history made by the real engine, as the queue would commit it. */
function history(): { commands: Command[]; events: EngineEvent[] } {
  const engine = new Engine({ retainClosedOrders: false });
  const commands: Command[] = [
    {
      kind: "addInstrument",
      time: 60_000,
      instrument: { symbol: "TCS", name: "TCS", exchange: "NSE", instrumentType: "EQ", tickSize: 5, lotSize: 1, price: 300_000 },
    },
    { kind: "openAccount", time: 60_000, userId: "alice", cash: 10_00_000_00 },
    { kind: "openAccount", time: 60_000, userId: "bob", cash: 10_00_000_00 },
    {
      kind: "placeOrder",
      time: 61_000,
      userId: "alice",
      orderId: "A1",
      order: { symbol: "TCS", side: "BUY", type: "MARKET", quantity: 2, validity: "DAY" },
    },
    {
      kind: "placeOrder",
      time: 62_000,
      userId: "alice",
      orderId: "A2",
      order: { symbol: "TCS", side: "BUY", type: "LIMIT", quantity: 3, price: 299_000, validity: "DAY", clientOrderId: "same-key" },
    },
    {
      kind: "placeOrder",
      time: 63_000,
      userId: "bob",
      orderId: "B1",
      order: { symbol: "TCS", side: "BUY", type: "LIMIT", quantity: 1, price: 290_000, validity: "DAY", clientOrderId: "same-key" },
    },
    { kind: "tick", time: 64_000, symbol: "TCS", price: 299_000, volume: 1 },
    { kind: "tick", time: 121_000, symbol: "TCS", price: 298_000, volume: 5 },
    { kind: "cancelOrder", time: 122_000, userId: "bob", orderId: "B1" },
  ];
  const events = commands.flatMap((c) => engine.apply(c).events);
  return { commands, events };
}

for (const impl of implementations) {
  describe(`storage contract on ${impl.name}`, () => {
    let storage: Storage;
    let handle: Awaited<ReturnType<Implementation["open"]>>;
    const { commands, events } = history();

    beforeAll(async () => {
      handle = await impl.open();
      storage = handle.storage;
      await storage.init();
      // Two batches, as group commit would write them.
      await storage.journal.commit({ firstJournalId: 1, commands: commands.slice(0, 6), events: events.filter((e) => e.time < 64_000) });
      await storage.journal.commit({
        firstJournalId: 7,
        commands: commands.slice(6),
        events: events.filter((e) => e.time >= 64_000),
        batchId: "writer-a/2",
      });
    });
    afterAll(async () => {
      await storage.close();
      await handle.cleanup();
    });

    it("makes a small durable write when asked whether it can", async () => {
      await storage.journal.checkWritable();
      await storage.journal.checkWritable();
    });

    it("reads back the newest order events, oldest first", async () => {
      const orderEvents = JSON.parse(JSON.stringify(events.filter((e) => "order" in e))) as EngineEvent[];
      expect(await storage.history.recentOrderEvents(0, 100)).toEqual(orderEvents);
      expect(await storage.history.recentOrderEvents(0, 2)).toEqual(orderEvents.slice(-2));
      const third = orderEvents[2] as EngineEvent;
      expect(await storage.history.recentOrderEvents(third.seq, 100)).toEqual(orderEvents.slice(3));
    });

    it("keeps each batch's id with its last journal entry", async () => {
      expect(await storage.journal.batchIdAt(commands.length)).toBe("writer-a/2");
      expect(await storage.journal.batchIdAt(commands.length - 1)).toBeNull();
      expect(await storage.journal.batchIdAt(6)).toBeNull();
      expect(await storage.journal.batchIdAt(commands.length + 1)).toBeNull();
    });

    it("is claimed by one server at a time, and the claim is free again once its holder closes", async () => {
      const lost: Error[] = [];
      const first = await handle.reopen();
      await first.lock((error) => lost.push(error));
      const second = await handle.reopen();
      await expect(second.lock(() => undefined)).rejects.toThrow(/is in use by another server \(.*process \d+/);
      await first.close();
      await second.lock(() => undefined);
      await second.close();
      expect(lost).toEqual([]);
    });

    it("migrates idempotently and recovers the journal in order", async () => {
      await storage.init();
      const recovery = await storage.journal.recover();
      expect(recovery.snapshot).toBeNull();
      expect(recovery.commands).toEqual(JSON.parse(JSON.stringify(commands)));
      expect(recovery.lastJournalId).toBe(commands.length);
      // Replaying the journal gives the same events the engine produced.
      const replayed = new Engine({ retainClosedOrders: false });
      expect(recovery.commands.flatMap((c) => replayed.apply(c).events)).toEqual(JSON.parse(JSON.stringify(events)));
    });

    it("recovers from the newest snapshot plus the journal after it, across a reopen", async () => {
      const engine = Engine.replay(commands.slice(0, 5), { retainClosedOrders: false });
      await storage.journal.saveSnapshot({ journalId: 5, engine: engine.snapshot() });
      const reopened = await handle.reopen();
      await reopened.init();
      const recovery = await reopened.journal.recover();
      await reopened.close();
      expect(recovery.snapshot?.journalId).toBe(5);
      expect(recovery.commands).toEqual(JSON.parse(JSON.stringify(commands.slice(5))));
      const restored = Engine.restore(recovery.snapshot?.engine as never);
      for (const c of recovery.commands) restored.apply(c);
      expect(restored.snapshot()).toEqual(Engine.replay(commands, { retainClosedOrders: false }).snapshot());
    });

    it("reads the journal after an id, a page at a time", async () => {
      expect(await storage.journal.read(0, 3)).toEqual(JSON.parse(JSON.stringify(commands.slice(0, 3))));
      expect(await storage.journal.read(7, 100)).toEqual(JSON.parse(JSON.stringify(commands.slice(7))));
      expect(await storage.journal.read(commands.length, 10)).toEqual([]);
    });

    it("stores a snapshot too large for one part in parts, and never reads one cut off half-way", async () => {
      const engine = Engine.replay(commands, { retainClosedOrders: false });
      const resting = SNAPSHOT_PART_ORDERS * 2 + SNAPSHOT_PART_ORDERS / 2;
      engine.apply({ kind: "openAccount", time: 130_000, userId: "carl", cash: 1e13 });
      for (let i = 0; i < resting; i++) {
        engine.apply({
          kind: "placeOrder",
          time: 130_000,
          userId: "carl",
          orderId: `P${i}`,
          order: { symbol: "TCS", side: "BUY", type: "LIMIT", quantity: 1, price: 100_000 + (i % 100) * 5, validity: "DAY" },
        });
      }
      const snapshot = engine.snapshot();
      expect(snapshot.orders).toHaveLength(resting);
      await storage.journal.saveSnapshot({ journalId: commands.length, engine: snapshot });
      const stored = JSON.parse(JSON.stringify(snapshot)) as typeof snapshot;
      expect((await storage.journal.recover()).snapshot).toEqual({ journalId: commands.length, engine: stored });

      // A later snapshot that fails while its third part is written (a crash would stop it there too).
      const broken = { ...snapshot, orders: [...snapshot.orders] };
      broken.orders[SNAPSHOT_PART_ORDERS * 2 + 1] = {
        toJSON: () => {
          throw new Error("cut off");
        },
      } as never;
      await expect(storage.journal.saveSnapshot({ journalId: commands.length + 5, engine: broken })).rejects.toThrow("cut off");
      const recovery = await storage.journal.recover();
      expect(recovery.snapshot?.journalId).toBe(commands.length);
      expect(recovery.snapshot?.engine.orders).toHaveLength(stored.orders.length);
    });

    it("answers events after a sequence number, by user and by ticks of some symbols", async () => {
      const all = await storage.history.events({ afterSeq: 0, limit: 1_000 });
      expect(all.map((e) => e.seq)).toEqual(events.map((e) => e.seq));
      const bob = await storage.history.events({ afterSeq: 0, userId: "bob", limit: 1_000 });
      expect(bob.length).toBeGreaterThan(0);
      expect(bob.every((e) => ("order" in e ? e.order.userId === "bob" : "userId" in e && e.userId === "bob"))).toBe(true);
      const ticks = await storage.history.events({ afterSeq: 0, ticks: { symbols: ["TCS"] }, limit: 1_000 });
      expect(ticks.map((e) => e.type)).toEqual(["price.tick", "price.tick"]);
      expect(await storage.history.events({ afterSeq: 0, ticks: { symbols: ["INFY"] }, limit: 10 })).toEqual([]);
      const afterFirst = await storage.history.events({ afterSeq: ticks[0]?.seq ?? 0, ticks: { symbols: null }, limit: 10 });
      expect(afterFirst).toHaveLength(1);
      expect((await storage.history.events({ afterSeq: 0, limit: 3 })).map((e) => e.seq)).toEqual([1, 2, 3]);
    });

    it("keeps each order's latest state and its history, visible to its owner only", async () => {
      const a2 = await storage.history.order("alice", "A2");
      expect(a2?.view).toMatchObject({ orderId: "A2", state: "EXECUTED", filledQuantity: 3 });
      expect(a2?.history.map((h) => h.state)).toEqual(["PLACED", "PARTIALLY_EXECUTED", "EXECUTED"]);
      expect(await storage.history.order("bob", "A2")).toBeNull();
      expect((await storage.history.order("bob", "B1"))?.view.state).toBe("CANCELLED");
    });

    it("finds a user's order by its clientOrderId in its latest state, and never another user's", async () => {
      expect(await storage.history.orderByClientId("alice", "same-key")).toMatchObject({
        orderId: "A2",
        state: "EXECUTED",
        filledQuantity: 3,
      });
      expect(await storage.history.orderByClientId("bob", "same-key")).toMatchObject({ orderId: "B1", state: "CANCELLED" });
      expect(await storage.history.orderByClientId("alice", "other-key")).toBeNull();
      expect(await storage.history.orderByClientId("carol", "same-key")).toBeNull();
    });

    it("pages orders and trades newest first with cursors and filters", async () => {
      const first = await storage.history.orders({ userId: "alice", limit: 1 });
      expect(first.items.map((o) => o.orderId)).toEqual(["A2"]);
      const second = await storage.history.orders({ userId: "alice", limit: 1, cursor: first.nextCursor ?? undefined });
      expect(second.items.map((o) => o.orderId)).toEqual(["A1"]);
      expect(second.nextCursor).toBeNull();
      expect((await storage.history.orders({ userId: "bob", states: ["CANCELLED"], limit: 10 })).items).toHaveLength(1);
      expect((await storage.history.orders({ userId: "alice", from: 62_000, limit: 10 })).items.map((o) => o.orderId)).toEqual(["A2"]);
      const trades = await storage.history.trades({ userId: "alice", limit: 2 });
      expect(trades.items.map((t) => t.orderId)).toEqual(["A2", "A2"]);
      const rest = await storage.history.trades({ userId: "alice", limit: 2, cursor: trades.nextCursor ?? undefined });
      expect(rest.items.map((t) => t.orderId)).toEqual(["A1"]);
      expect((await storage.history.trades({ userId: "alice", orderId: "A1", limit: 10 })).items).toHaveLength(1);
      expect((await storage.history.trades({ userId: "bob", limit: 10 })).items).toEqual([]);
      await expect(storage.history.orders({ userId: "alice", limit: 1, cursor: "!!" })).rejects.toMatchObject({
        name: "InvalidCursorError",
      });
    });

    it("aggregates ticks into 1-minute candles across batches", async () => {
      const candles = await storage.history.candles({ symbol: "TCS", interval: "1m", from: 0, to: 1e13, limit: 10 });
      expect(candles).toEqual([
        { symbol: "TCS", time: 60_000, open: 299_000, high: 299_000, low: 299_000, close: 299_000, volume: 1 },
        { symbol: "TCS", time: 120_000, open: 298_000, high: 298_000, low: 298_000, close: 298_000, volume: 5 },
      ]);
      const tick = (time: number, price: number, volume: number, seq: number): EngineEvent => ({
        seq,
        time,
        type: "price.tick",
        symbol: "TCS",
        price,
        volume,
      });
      await storage.journal.commit({
        firstJournalId: 100,
        commands: [],
        events: [tick(125_000, 299_500, 2, 1000), tick(126_000, 297_000, 1, 1001)],
      });
      expect((await storage.history.candles({ symbol: "TCS", interval: "1m", from: 120_000, to: 180_000, limit: 10 }))[0]).toEqual({
        symbol: "TCS",
        time: 120_000,
        open: 298_000,
        high: 299_500,
        low: 297_000,
        close: 297_000,
        volume: 8,
      });
      expect((await storage.history.candles({ symbol: "TCS", interval: "1m", from: 0, to: 1e13, limit: 1 })).map((c) => c.time)).toEqual([
        120_000,
      ]);
    });

    it("groups minutes into longer candles on the Indian clock, skipping time without trading", async () => {
      // Two sessions: 24 and 25 November 2026, times in IST (UTC+05:30).
      const ist = (day: number, clock: string) => Date.parse(`2026-11-${day}T${clock}+05:30`);
      const ticks: Array<[number, number, number]> = [
        [ist(24, "09:15:10"), 100_00, 1],
        [ist(24, "09:17:00"), 105_00, 2],
        [ist(24, "09:21:30"), 98_00, 3],
        [ist(24, "10:05:00"), 101_00, 1],
        [ist(25, "09:16:00"), 110_00, 4],
        [ist(25, "15:29:59"), 108_00, 1],
      ];
      const tick = (seq: number, [time, price, volume]: [number, number, number]): EngineEvent => ({
        seq,
        time,
        type: "price.tick",
        symbol: "WIPRO",
        price,
        volume,
      });
      const events = ticks.map((t, i) => tick(3_000 + i, t));
      // Two batches, the second adding to a minute the first began.
      await storage.journal.commit({ firstJournalId: 300, commands: [], events: events.slice(0, 2) });
      await storage.journal.commit({
        firstJournalId: 300,
        commands: [],
        events: [tick(3_100, [ist(24, "09:17:30"), 104_00, 1]), ...events.slice(2)],
      });
      const all = { symbol: "WIPRO", from: 0, to: 1e13, limit: 100 };
      const candle = (time: number, open: number, high: number, low: number, close: number, volume: number) => ({
        symbol: "WIPRO",
        time,
        open,
        high,
        low,
        close,
        volume,
      });

      expect(await storage.history.candles({ ...all, interval: "5m" })).toEqual([
        candle(ist(24, "09:15"), 100_00, 105_00, 100_00, 104_00, 4),
        candle(ist(24, "09:20"), 98_00, 98_00, 98_00, 98_00, 3),
        candle(ist(24, "10:05"), 101_00, 101_00, 101_00, 101_00, 1),
        candle(ist(25, "09:15"), 110_00, 110_00, 110_00, 110_00, 4),
        candle(ist(25, "15:25"), 108_00, 108_00, 108_00, 108_00, 1),
      ]);
      expect(await storage.history.candles({ ...all, interval: "1h" })).toEqual([
        candle(ist(24, "09:00"), 100_00, 105_00, 98_00, 98_00, 7),
        candle(ist(24, "10:00"), 101_00, 101_00, 101_00, 101_00, 1),
        candle(ist(25, "09:00"), 110_00, 110_00, 110_00, 110_00, 4),
        candle(ist(25, "15:00"), 108_00, 108_00, 108_00, 108_00, 1),
      ]);
      // A day runs from midnight to midnight IST.
      expect(await storage.history.candles({ ...all, interval: "1d" })).toEqual([
        candle(ist(24, "00:00"), 100_00, 105_00, 98_00, 101_00, 8),
        candle(ist(25, "00:00"), 110_00, 110_00, 108_00, 108_00, 5),
      ]);
      // The newest ones with trading, across the night and the quiet hours between.
      expect((await storage.history.candles({ ...all, interval: "5m", limit: 3 })).map((c) => c.time)).toEqual([
        ist(24, "10:05"),
        ist(25, "09:15"),
        ist(25, "15:25"),
      ]);
      expect((await storage.history.candles({ ...all, interval: "30m", limit: 1 })).map((c) => c.time)).toEqual([ist(25, "15:00")]);
      // Candles that start from the one `from` falls in up to `to`, each whole.
      expect(await storage.history.candles({ ...all, interval: "1h", from: ist(24, "09:50"), to: ist(25, "09:00") })).toEqual([
        candle(ist(24, "09:00"), 100_00, 105_00, 98_00, 98_00, 7),
        candle(ist(24, "10:00"), 101_00, 101_00, 101_00, 101_00, 1),
      ]);
      expect(await storage.history.candles({ ...all, interval: "1h", to: ist(24, "09:20") })).toEqual([
        candle(ist(24, "09:00"), 100_00, 105_00, 98_00, 98_00, 7),
      ]);
      expect(await storage.history.candles({ ...all, interval: "1d", from: ist(25, "12:00"), to: ist(25, "12:00") })).toEqual([
        candle(ist(25, "00:00"), 110_00, 110_00, 108_00, 108_00, 5),
      ]);
      expect(await storage.history.candles({ ...all, interval: "1h", from: ist(24, "10:00"), to: ist(24, "10:00") })).toEqual([]);
      expect(await storage.history.candles({ ...all, interval: "1d", to: ist(24, "00:00") })).toEqual([]);
      expect(await storage.history.candles({ ...all, symbol: "NOPE", interval: "1d" })).toEqual([]);
    });

    it("fills the longer candles from the minutes already stored when it migrates to keeping them", async () => {
      const intervals = ["5m", "15m", "30m", "1h", "1d"] as const;
      const read = async (from: Storage) =>
        Promise.all(
          ["TCS", "WIPRO"].flatMap((symbol) =>
            intervals.map((interval) => from.history.candles({ symbol, interval, from: 0, to: 1e13, limit: 100 })),
          ),
        );
      const kept = await read(storage);
      expect(kept.flat().length).toBeGreaterThan(10);
      // Back to the schema before longer candles were kept, with the minutes still there (undoing
      // the migrations that came after it too: the journal's batch ids, and on PostgreSQL its epochs
      // and the users' shards).
      const [later, after] =
        storage.kind === "postgres" ? ["ALTER TABLE journal DROP COLUMN epoch; ALTER TABLE users DROP COLUMN shard;", 3] : ["", 1];
      await handle.sql(
        `DROP TABLE candle_rollups; ALTER TABLE journal DROP COLUMN batch_id; DROP TABLE write_check; ${later} DELETE FROM schema_migrations WHERE version >= (SELECT MAX(version) - ${after} FROM schema_migrations)`,
      );
      const migrated = await handle.reopen();
      try {
        await migrated.init();
        expect(await read(migrated)).toEqual(kept);
      } finally {
        await migrated.close();
      }
    });

    it("stores users, keys, revocations and the audit log", async () => {
      await storage.directory.insertUser({ userId: "carol", displayName: "Carol", isAdmin: false, createdAt: 1 });
      await storage.directory.insertApiKey({ keyId: "k1", userId: "carol", keyHash: "h1", label: "cli", createdAt: 2, revokedAt: null });
      expect(await storage.directory.users()).toContainEqual({ userId: "carol", displayName: "Carol", isAdmin: false, createdAt: 1 });
      expect(await storage.directory.revokeApiKey("k1", 3)).toBe(true);
      expect(await storage.directory.revokeApiKey("k1", 4)).toBe(false);
      expect((await storage.directory.apiKeys()).find((k) => k.keyId === "k1")).toMatchObject({ revokedAt: 3 });
      await expect(
        storage.directory.insertApiKey({ keyId: "k2", userId: "nobody", keyHash: "h2", label: "x", createdAt: 5, revokedAt: null }),
      ).rejects.toThrow();
      await storage.directory.audit({ time: 6, actor: "admin", action: "key.revoke", detail: { keyId: "k1" } });
      expect(await storage.directory.auditLog(1)).toEqual([{ time: 6, actor: "admin", action: "key.revoke", detail: { keyId: "k1" } }]);
    });
  });
}

if (databaseUrl !== undefined && databaseUrl !== "") {
  describe("PostgreSQL connections", () => {
    it("keep the options a connection string carries, use the server's schema on every connection, and never queue a query behind their set-up", async () => {
      const { commands } = history();
      const schema = `connections_${process.pid}_${Date.now()}`;
      const applicationName = `trading-test-${process.pid}`;
      const url = new URL(databaseUrl);
      url.searchParams.set("options", `-c application_name=${applicationName}`);
      const warnings: string[] = [];
      const onWarning = (warning: Error) => warnings.push(warning.message);
      process.on("warning", onWarning);
      const storage = new PostgresStorage(url.toString(), schema);
      const observer = new pg.Client({ connectionString: databaseUrl });
      try {
        await storage.init();
        // Writes and reads on whichever pooled connections are free: each must find the tables.
        await Promise.all([
          storage.journal.commit({ firstJournalId: 1, commands: commands.slice(0, 3), events: [] }),
          storage.journal.read(0, 10),
          storage.journal.recover(),
        ]);
        await storage.journal.commit({ firstJournalId: 4, commands: commands.slice(3), events: [] });
        expect((await storage.journal.recover()).commands).toEqual(JSON.parse(JSON.stringify(commands)));

        await observer.connect();
        const seen = await observer.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1", [applicationName]);
        expect((seen.rows[0] as { n: number }).n).toBeGreaterThan(0);
        expect(warnings.filter((m) => m.includes("already executing a query"))).toEqual([]);
      } finally {
        process.off("warning", onWarning);
        await observer.end();
        await storage.dropSchema();
        await storage.close();
      }
    });
  });
}
