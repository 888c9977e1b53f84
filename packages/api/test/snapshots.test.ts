// Snapshots taken off the main thread: a replica that follows the durable journal, the built
// snapshot thread that hosts it, and a queue that asks for snapshots without waiting for them.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Engine, type Command, type CommandResult, type EngineEvent } from "@trading/engine";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { BackgroundSnapshots as BuiltBackgroundSnapshots } from "../dist/snapshots.js";
import { PostgresStorage as BuiltPostgresStorage } from "../dist/storage/postgres.js";
import { SqliteStorage as BuiltSqliteStorage } from "../dist/storage/sqlite.js";
import { EventBus } from "../src/bus.js";
import { CommandQueue, InconsistentStateError } from "../src/command-queue.js";
import { JournalReplica, type SnapshotTaker } from "../src/snapshots.js";
import { SqliteStorage } from "../src/storage/sqlite.js";
import type { Recovery, Storage, StoredSnapshot } from "../src/storage/storage.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function freshFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "trading-snapshots-"));
  dirs.push(dir);
  return path.join(dir, "trading.sqlite");
}

const TIME = 60_000;

function market(): Command[] {
  return [
    {
      kind: "addInstrument",
      time: TIME,
      instrument: { symbol: "TCS", name: "TCS", exchange: "NSE", instrumentType: "EQ", tickSize: 5, lotSize: 1, price: 300_000 },
    },
    { kind: "openAccount", time: TIME, userId: "alice", cash: 1e12 },
  ];
}

function orders(from: number, count: number): Command[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return n % 5 === 4
      ? { kind: "tick", time: TIME + n, symbol: "TCS", price: 299_000 - (n % 20) * 5, volume: 3 }
      : {
          kind: "placeOrder",
          time: TIME + n,
          userId: "alice",
          orderId: `O${n}`,
          order: { symbol: "TCS", side: "BUY", type: "LIMIT", quantity: 2, price: 299_000 - (n % 40) * 5, validity: "DAY" },
        };
  });
}

/** Commits commands as the queue would, in batches, returning the engine that applied them. */
async function commitAll(storage: Storage, engine: Engine, commands: Command[], firstJournalId: number, batchSize = 50): Promise<void> {
  for (let i = 0; i < commands.length; i += batchSize) {
    const batch = commands.slice(i, i + batchSize);
    const events = batch.flatMap((c) => engine.apply(c).events);
    await storage.journal.commit({ firstJournalId: firstJournalId + i, commands: batch, events });
  }
}

/** A fresh SQLite journal holding `commands`, and the live engine that applied them. */
async function journaled<S extends Storage = SqliteStorage>(
  commands: Command[],
  open: (file: string) => S = (file) => new SqliteStorage(file, { writerThread: false }) as unknown as S,
  batchSize = 50,
): Promise<{ file: string; storage: S; live: Engine }> {
  const file = freshFile();
  const storage = open(file);
  await storage.init();
  const live = new Engine({ retainClosedOrders: false });
  await commitAll(storage, live, commands, 1, batchSize);
  return { file, storage, live };
}

/** The stored snapshot, restored and caught up with the journal: what a restart would build. */
async function restarted(file: string): Promise<{ snapshot: StoredSnapshot | null; engine: Engine }> {
  const storage = new SqliteStorage(file, { writerThread: false });
  await storage.init();
  const recovery = await storage.journal.recover();
  await storage.close();
  const engine = recovery.snapshot === null ? new Engine({ retainClosedOrders: false }) : Engine.restore(recovery.snapshot.engine);
  for (const command of recovery.commands) engine.apply(command);
  return { snapshot: recovery.snapshot, engine };
}

describe("journal replica", () => {
  it("snapshots the state the journal describes, catching up from where it left off", async () => {
    const first = [...market(), ...orders(0, 300)];
    const { file, storage, live } = await journaled(first);
    const replica = new JournalReplica(storage);
    expect(await replica.snapshotAt(first.length)).toBe(first.length);
    let stored = await restarted(file);
    expect(stored.snapshot?.journalId).toBe(first.length);
    expect(stored.engine.snapshot()).toEqual(live.snapshot());

    // Later entries are read from where the replica stopped; the snapshot matches the live engine again.
    const more = orders(300, 420);
    await commitAll(storage, live, more, first.length + 1);
    expect(await replica.snapshotAt(first.length + more.length)).toBe(first.length + more.length);
    stored = await restarted(file);
    expect(stored.snapshot?.journalId).toBe(first.length + more.length);
    expect(stored.snapshot?.engine).toEqual(JSON.parse(JSON.stringify(live.snapshot())));
    await storage.close();
  });
});

describe("snapshots stored before parts existed", () => {
  it("are still read: a whole engine in the snapshot row", async () => {
    const commands = [...market(), ...orders(0, 50)];
    const { file, storage, live } = await journaled(commands);
    await storage.close();
    // As version 2 of the schema wrote it: no parts, the orders inside the engine JSON.
    const db = new Database(file);
    db.prepare("INSERT INTO snapshots (journal_id, taken_at, engine, feed) VALUES (?, ?, ?, NULL)").run(
      commands.length,
      1,
      JSON.stringify(live.snapshot()),
    );
    db.close();
    const after = await restarted(file);
    expect(after.snapshot?.journalId).toBe(commands.length);
    expect(after.snapshot?.engine.orders.length).toBeGreaterThan(0);
    expect(after.engine.snapshot()).toEqual(live.snapshot());
  });
});

/** Answers recovery as a reader racing a writer could: another batch is committed between its reads. */
class RacingStorage extends SqliteStorage {
  during: (() => Promise<void>) | null = null;

  constructor(...args: ConstructorParameters<typeof SqliteStorage>) {
    super(...args);
    const recover = this.journal.recover.bind(this.journal);
    this.journal.recover = async (): Promise<Recovery> => {
      const recovery = await recover();
      const during = this.during;
      this.during = null;
      if (during === null) return recovery;
      await during();
      return { ...recovery, lastJournalId: (await recover()).lastJournalId };
    };
  }
}

describe("journal replica under concurrent commits", () => {
  it("starts from the entries it read, not from what was committed meanwhile", async () => {
    const first = [...market(), ...orders(0, 100)];
    const { storage, live } = await journaled(first, (file) => new RacingStorage(file, { writerThread: false }));
    const later = orders(100, 60);
    storage.during = () => commitAll(storage, live, later, first.length + 1);
    const replica = new JournalReplica(storage);
    expect(await replica.snapshotAt(first.length + later.length)).toBe(first.length + later.length);
    const stored = (await storage.journal.recover()).snapshot;
    expect(stored?.engine).toEqual(JSON.parse(JSON.stringify(live.snapshot())));
    await storage.close();
  });
});

describe("snapshot thread (built)", () => {
  it("stores the requested snapshot while the caller goes on", async () => {
    const commands = [...market(), ...orders(0, 500)];
    const { file, storage, live } = await journaled(commands, (f) => new BuiltSqliteStorage(f));
    const errors: Error[] = [];
    const stored: number[] = [];
    const background = new BuiltBackgroundSnapshots(
      storage.location,
      (e) => errors.push(e),
      (id) => stored.push(id),
    );
    background.request(200);
    background.request(commands.length); // asked again while the first is under way: one more covers it
    await background.idle();
    expect(errors).toEqual([]);
    expect(stored[stored.length - 1]).toBe(commands.length);
    expect(background.lastStored).toBe(commands.length);
    await background.close();
    await storage.close();
    const after = await restarted(file);
    expect(after.snapshot?.journalId).toBe(commands.length);
    expect(after.engine.snapshot()).toEqual(live.snapshot());
  });

  it("can be stopped in the middle of a snapshot, leaving the database free for the next writer", async () => {
    const commands = [...market(), ...orders(0, 40_000)];
    const { file, storage, live } = await journaled(commands, (f) => new BuiltSqliteStorage(f), 2_000);
    const errors: Error[] = [];
    const background = new BuiltBackgroundSnapshots(storage.location, (e) => errors.push(e));
    background.request(commands.length);
    await new Promise((r) => setTimeout(r, 150)); // the thread is replaying and writing parts by now
    await background.close();
    expect(errors).toEqual([]); // abandoned, not failed
    // The queue's own last snapshot goes through at once, and is the one a restart reads.
    await storage.journal.saveSnapshot({ journalId: commands.length, engine: live.snapshot() });
    await storage.close();
    const after = await restarted(file);
    expect(after.snapshot?.journalId).toBe(commands.length);
    expect(after.engine.snapshot()).toEqual(live.snapshot());
  });

  const databaseUrl = process.env.DATABASE_URL;
  it.runIf(databaseUrl !== undefined && databaseUrl !== "")(
    "works the same on PostgreSQL (run when DATABASE_URL is set, as CI does)",
    async () => {
      const schema = `snapshots_${process.pid}_${Date.now()}`;
      const storage = new BuiltPostgresStorage(databaseUrl as string, schema);
      try {
        await storage.init();
        const live = new Engine({ retainClosedOrders: false });
        const commands = [...market(), ...orders(0, 300)];
        await commitAll(storage, live, commands, 1);
        const errors: Error[] = [];
        const background = new BuiltBackgroundSnapshots(storage.location, (e) => errors.push(e));
        background.request(commands.length);
        await background.idle();
        await background.close();
        expect(errors).toEqual([]);
        const recovery = await storage.journal.recover();
        expect(recovery.snapshot?.journalId).toBe(commands.length);
        expect(recovery.snapshot?.engine).toEqual(JSON.parse(JSON.stringify(live.snapshot())));
      } finally {
        await storage.dropSchema();
        await storage.close();
      }
    },
  );

  it("reports a failure instead of throwing, and tries again with a new thread", async () => {
    const errors: Error[] = [];
    const background = new BuiltBackgroundSnapshots(
      { kind: "sqlite", file: path.join(tmpdir(), "no-such-dir", "x", "trading.sqlite") },
      (e) => errors.push(e),
    );
    background.request(10);
    await background.idle();
    expect(errors).toHaveLength(1);
    expect(background.lastStored).toBe(0);
    background.request(10);
    await background.idle();
    expect(errors).toHaveLength(2);
    await background.close();
  });
});

/** A snapshot thread stand-in that only records what it is asked. */
class RecordingTaker implements SnapshotTaker {
  requests: number[] = [];
  lastStored = 0;
  closed = false;
  request(journalId: number): void {
    this.requests.push(journalId);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

class CountingStorage extends SqliteStorage {
  snapshots: number[] = [];

  constructor(...args: ConstructorParameters<typeof SqliteStorage>) {
    super(...args);
    const saveSnapshot = this.journal.saveSnapshot.bind(this.journal);
    this.journal.saveSnapshot = async (snapshot: StoredSnapshot) => {
      this.snapshots.push(snapshot.journalId);
      await saveSnapshot(snapshot);
    };
  }
}

describe("queue with background snapshots", () => {
  it("asks for a snapshot every so many entries without taking one itself, and takes the last at close", async () => {
    const storage = new CountingStorage(freshFile(), { writerThread: false });
    await storage.init();
    const taker = new RecordingTaker();
    const queue = await CommandQueue.open(storage, new EventBus(1_000), { snapshotEvery: 10, background: taker });
    const results: CommandResult[] = [];
    const seen: EngineEvent[] = [];
    for (const command of [...market(), ...orders(0, 33)]) {
      const result = await queue.submit(() => command);
      results.push(result);
      seen.push(...result.events);
    }
    expect(results.every((r) => r.ok)).toBe(true);
    expect(taker.requests).toEqual([10, 20, 30]);
    expect(storage.snapshots).toEqual([]);
    // The stand-in stored nothing, so the queue writes the final snapshot itself.
    await queue.close();
    expect(taker.closed).toBe(true);
    expect(storage.snapshots).toEqual([35]);
    await storage.close();
  });
});

describe("restoring", () => {
  it("refuses to go on from a stored state that breaks the invariants money depends on", async () => {
    const commands = [...market(), ...orders(0, 50)];
    const { storage, live } = await journaled(commands);
    const damaged = live.snapshot();
    const alice = damaged.accounts.find((a) => a.userId === "alice");
    if (alice === undefined) throw new Error("alice has no account in the snapshot");
    alice.blocked += 1; // blocked cash no longer equals what her open orders hold back
    await storage.journal.saveSnapshot({ journalId: commands.length, engine: damaged });
    const opening = CommandQueue.open(storage, new EventBus(1_000), { snapshotEvery: 1_000 });
    await expect(opening).rejects.toBeInstanceOf(InconsistentStateError);
    await expect(opening).rejects.toThrow(/alice/);
    // The undamaged state opens.
    await storage.journal.saveSnapshot({ journalId: commands.length, engine: live.snapshot() });
    const queue = await CommandQueue.open(storage, new EventBus(1_000), { snapshotEvery: 1_000 });
    expect(queue.engine.lastSeq).toBe(live.lastSeq);
    await storage.close();
  });
});
