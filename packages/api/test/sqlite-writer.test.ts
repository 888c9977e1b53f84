// The SQLite writer thread: a batch is acknowledged only once durable, and a thread that dies
// costs at most the batch it held (reported as failed, never as written); the next commit starts
// a new thread.
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

/** Batches as the exchange makes them: accounts opened one per batch. */
function batches(count: number): CommitBatch[] {
  const engine = new Engine();
  return Array.from({ length: count }, (_, i) => {
    const command: Command = { kind: "openAccount", time: 1_000 + i, userId: `user${i}`, cash: 1_000_000 };
    return { firstJournalId: i + 1, commands: [command], events: engine.apply(command).events };
  });
}

const threadOf = (storage: SqliteStorage) => (storage as unknown as { thread: { worker: Worker } }).thread.worker;

describe("SQLite writer thread", () => {
  it("commits on its own thread", async () => {
    const storage = await open();
    expect(storage.writer).toBe("thread");
    const [first] = batches(1);
    await storage.commit(first as CommitBatch);
    expect((await storage.recover()).commands).toEqual(first?.commands);
    await storage.close();
  });

  it("reports a batch lost with its thread as failed, and starts a new thread for the next", async () => {
    const storage = await open();
    const [a, b, c] = batches(3) as [CommitBatch, CommitBatch, CommitBatch];
    await storage.commit(a);
    // Kill the thread while it holds batch b: b either made it to disk before the end, or fails.
    const held = storage.commit(b).then(
      () => "written",
      (error: Error) => error.message,
    );
    await threadOf(storage).terminate();
    const outcome = await held;
    await storage.commit(c);
    const journaled = (await storage.recover()).commands.map((command) => (command as { userId: string }).userId);
    if (outcome === "written") expect(journaled).toEqual(["user0", "user1", "user2"]);
    else {
      expect(outcome).toMatch(/writer thread stopped/);
      expect(journaled).toEqual(["user0", "user2"]);
    }
    await storage.close();
  });
});
