// The SQLite writer thread: a batch is reported written only once durable; a thread that dies
// while holding a batch reports it failed, and that batch is then on disk whole or not at all
// (it may have committed just before the thread died: the queue asks the database); the next
// commit starts a new thread.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Worker } from "node:worker_threads";
import { Engine, type Command } from "@trading/engine";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteStorage } from "../dist/storage/sqlite.js";
import type { CommitBatch } from "../src/storage/storage.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function open(): Promise<SqliteStorage> {
  const dir = mkdtempSync(path.join(tmpdir(), "trading-writer-"));
  dirs.push(dir);
  const storage = new SqliteStorage(path.join(dir, "t.sqlite"));
  await storage.init();
  return storage;
}

const PER_BATCH = 64;

/** Batches as the queue makes them under heavy load (large enough for the thread): 64 accounts each. */
function batches(count: number): CommitBatch[] {
  const engine = new Engine();
  return Array.from({ length: count }, (_, b) => {
    const commands: Command[] = Array.from({ length: PER_BATCH }, (_, i) => ({
      kind: "openAccount",
      time: 1_000 + b,
      userId: `user${b}-${i}`,
      cash: 1_000_000,
    }));
    return { firstJournalId: b * PER_BATCH + 1, commands, events: commands.flatMap((command) => engine.apply(command).events) };
  });
}

const usersOf = (batch: CommitBatch) => batch.commands.map((command) => (command as { userId: string }).userId);

const threadOf = (storage: SqliteStorage) => (storage.journal as unknown as { thread: { worker: Worker } }).thread.worker;

describe("SQLite writer thread", () => {
  it("writes large batches on its thread and small ones inline", async () => {
    const storage = await open();
    expect(storage.writer).toBe("thread");
    const [large] = batches(1) as [CommitBatch];
    const small: CommitBatch = {
      firstJournalId: PER_BATCH + 1,
      commands: large.commands.slice(0, 1).map((c) => ({ ...c, userId: "solo" }) as Command),
      events: [],
    };
    const first = threadOf(storage);
    await first.terminate();
    // A small batch does not need the thread: it is written and no thread is started for it.
    await storage.journal.commit(small);
    expect(threadOf(storage)).toBe(first);
    // A large one goes to the thread, so a new one is started in place of the dead one.
    await storage.journal.commit({ ...large, firstJournalId: PER_BATCH + 2 });
    expect(threadOf(storage)).not.toBe(first);
    expect((await storage.journal.recover()).commands.map((c) => (c as { userId: string }).userId)).toEqual(["solo", ...usersOf(large)]);
    await storage.close();
  });

  it("reports a batch held by a dying thread as failed, keeps it whole or not at all, and starts a new thread", async () => {
    const storage = await open();
    const [a, b, c] = batches(3) as [CommitBatch, CommitBatch, CommitBatch];
    await storage.journal.commit(a);
    // Kill the thread while it holds batch b: b either made it to disk before the end, or fails.
    const held = storage.journal.commit(b).then(
      () => "written",
      (error: Error) => error.message,
    );
    await threadOf(storage).terminate();
    const outcome = await held;
    await storage.journal.commit(c);
    const journaled = (await storage.journal.recover()).commands.map((command) => (command as { userId: string }).userId);
    const withB = [...usersOf(a), ...usersOf(b), ...usersOf(c)];
    if (outcome === "written") expect(journaled).toEqual(withB);
    else {
      expect(outcome).toMatch(/writer thread stopped/);
      expect([withB, [...usersOf(a), ...usersOf(c)]]).toContainEqual(journaled);
    }
    await storage.close();
  });
});
