// Shard ownership and the fence, on PostgreSQL (run when DATABASE_URL is set, which CI does):
// one owner per shard at a time, takeover once a lease runs out, and an owner that lost its shard
// refused in the very transaction of its journal write.
import { Engine, type Command } from "@trading/engine";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterMismatchError, FEED_LEADERSHIP, ShardOwnership } from "../src/cluster/ownership.js";
import { SharedRateLimiter } from "../src/cluster/rate-limits.js";
import { inTransaction, sessionSettings } from "../src/storage/postgres-pool.js";
import { EventBus } from "../src/bus.js";
import { CommandQueue, NotOwnerError } from "../src/command-queue.js";
import { shardOf, shardSchema } from "../src/cluster/shards.js";
import { PostgresStorage } from "../src/storage/postgres.js";
import { FencedError, type CommitBatch } from "../src/storage/storage.js";

describe("shards of users", () => {
  it("puts a user in the same shard on every process and version", () => {
    // Pinned: a change here would move users to other shards' journals.
    expect(["alice", "bob", "carol", "demo", "admin"].map((u) => shardOf(u, 16))).toEqual([7, 4, 2, 6, 4]);
    expect(shardSchema("trading", 7)).toBe("trading_shard_007");
  });

  it("spreads users over the shards", () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) counts[shardOf(`user${i}`, 16)] = (counts[shardOf(`user${i}`, 16)] ?? 0) + 1;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1_200);
  });
});

const databaseUrl = process.env.DATABASE_URL;

if (databaseUrl === undefined) {
  describe("shard ownership on PostgreSQL", () => {
    it.skip("not run: DATABASE_URL is not set (CI sets it to the machine's PostgreSQL)", () => undefined);
  });
} else {
  describe("shard ownership on PostgreSQL", () => {
    const cluster = `own_${process.pid}_${Date.now()}`;
    const ownership = new ShardOwnership(databaseUrl, cluster);
    const opened: PostgresStorage[] = [];

    beforeAll(async () => {
      await ownership.ensure(5);
    });
    afterAll(async () => {
      for (const storage of opened) await storage.dropSchema().catch(() => undefined);
      for (const storage of opened) await storage.close().catch(() => undefined);
      await ownership.dropSchema();
      await ownership.close();
    });

    /** A shard's storage as an engine holding `epoch` opens it. */
    async function shardStorage(shard: number, epoch: number): Promise<PostgresStorage> {
      const storage = new PostgresStorage(databaseUrl as string, shardSchema(cluster, shard), {
        table: ownership.table,
        shard,
        epoch,
        staleAfterMs: 60_000,
      });
      opened.push(storage);
      await storage.lock(() => undefined);
      await storage.init();
      return storage;
    }

    /** The shard's next batch: one account opened, its events numbered after the last batch's. */
    const shardEngine = new Map<number, Engine>();
    const batch = (shard: number, firstJournalId: number, userId: string): CommitBatch => {
      const engine = shardEngine.get(shard) ?? new Engine();
      shardEngine.set(shard, engine);
      const command: Command = { kind: "openAccount", time: 1, userId, cash: 100 };
      return { firstJournalId, commands: [command], events: engine.apply(command).events };
    };

    it("keeps the shard count the cluster was created with", async () => {
      await ownership.ensure(5);
      await expect(ownership.ensure(8)).rejects.toThrow(ClusterMismatchError);
    });

    it("gives a shard to one engine at a time, and to another once the lease runs out", async () => {
      const first = await ownership.claim(0, "engine-a", 60_000);
      expect(first).toEqual({ shard: 0, epoch: 1 });
      expect(await ownership.claim(0, "engine-b", 60_000)).toBeNull();
      expect(await ownership.renew(first as { shard: number; epoch: number }, 60_000)).toBe(true);

      const short = await ownership.claim(1, "engine-a", 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const taken = await ownership.claim(1, "engine-b", 60_000);
      expect(taken).toEqual({ shard: 1, epoch: (short?.epoch ?? 0) + 1 });
      // The old owner learns it lost the shard when it tries to renew.
      expect(await ownership.renew(short as { shard: number; epoch: number }, 60_000)).toBe(false);
      expect((await ownership.owners()).find((o) => o.shard === 1)).toMatchObject({ owner: "engine-b", epoch: 2 });
    });

    it("refuses the journal writes of an owner whose shard was claimed by another, and keeps the new owner's", async () => {
      const old = await ownership.claim(2, "engine-a", 1);
      const stale = await shardStorage(2, old?.epoch ?? -1);
      await stale.journal.commit(batch(2, 1, "ann"));
      await new Promise((resolve) => setTimeout(resolve, 20));

      const next = await ownership.claim(2, "engine-b", 60_000);
      const owner = await shardStorage(2, next?.epoch ?? -1);
      expect((await owner.journal.recover()).lastJournalId).toBe(1);
      // Woken after its lease ran out, the old owner believes it still owns the shard: refused.
      await expect(stale.journal.commit(batch(2, 2, "stale"))).rejects.toThrow(FencedError);
      await expect(stale.journal.saveSnapshot({ journalId: 1, engine: Engine.replay([]).snapshot() })).rejects.toThrow(FencedError);
      await owner.journal.commit(batch(2, 2, "ben"));
      const recovery = await owner.journal.recover();
      expect(recovery.commands.map((c) => (c as { userId: string }).userId)).toEqual(["ann", "ben"]);
      expect(recovery.snapshot).toBeNull();
    });

    it("lets a claim wait for a journal write that checked the old epoch, so the new owner reads it", async () => {
      const old = await ownership.claim(3, "engine-a", 1);
      const stale = await shardStorage(3, old?.epoch ?? -1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      // The write and the claim race; whichever order PostgreSQL puts them in, the new owner's
      // recovery has the batch exactly when the write was acknowledged.
      const [written, claimed] = await Promise.allSettled([
        stale.journal.commit(batch(3, 1, "cat")),
        ownership.claim(3, "engine-b", 60_000),
      ]);
      expect(claimed.status).toBe("fulfilled");
      const next = claimed.status === "fulfilled" ? claimed.value : null;
      const owner = await shardStorage(3, next?.epoch ?? -1);
      const users = (await owner.journal.recover()).commands.map((c) => (c as { userId: string }).userId);
      expect(users).toEqual(written.status === "fulfilled" ? ["cat"] : []);
    });

    it("makes a command queue whose claim was voided refuse everything from then on, and write nothing", async () => {
      const old = await ownership.claim(4, "engine-a", 1);
      const storage = await shardStorage(4, old?.epoch ?? -1);
      const fenced: unknown[] = [];
      const queue = await CommandQueue.open(storage, new EventBus(100), { snapshotEvery: 1_000, onFenced: (e) => fenced.push(e) });
      const open = (userId: string) => queue.submit((stamp) => ({ kind: "openAccount", time: stamp.time, userId, cash: 100 }));
      expect((await open("dan")).ok).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const next = await ownership.claim(4, "engine-b", 60_000);

      await expect(open("eve")).rejects.toThrow(NotOwnerError);
      await expect(open("fay")).rejects.toThrow(NotOwnerError);
      expect(fenced).toHaveLength(1);
      await queue.close();
      const owner = await shardStorage(4, next?.epoch ?? -1);
      const recovery = await owner.journal.recover();
      expect(recovery.commands.map((c) => (c as { userId: string }).userId)).toEqual(["dan"]);
      expect(recovery.snapshot).toBeNull();
    });

    it("ends the transaction of an owner frozen in the middle of a write, so its successor's claim is not held up", async () => {
      // The feed's row is a shard's like any other (the shards here are all taken by the tests above).
      const first = await ownership.claim(FEED_LEADERSHIP, "engine-a", 50);
      expect(first).not.toBeNull();
      // The frozen owner: it checked its epoch (locking the row for share) and then stopped.
      const frozen = new pg.Client(sessionSettings(databaseUrl, cluster, 300));
      frozen.on("error", () => undefined);
      await frozen.connect();
      await frozen.query("BEGIN");
      await frozen.query("SELECT epoch FROM shard_owners WHERE shard = -1 FOR SHARE");
      await new Promise((resolve) => setTimeout(resolve, 60));
      const started = performance.now();
      let next = await ownership.claim(FEED_LEADERSHIP, "engine-b", 60_000);
      // A claim waits at most half a second for the row; the next turn tries again.
      while (next === null && performance.now() - started < 3_000) next = await ownership.claim(FEED_LEADERSHIP, "engine-b", 60_000);
      expect(next?.epoch).toBe((first?.epoch ?? 0) + 1);
      expect(performance.now() - started).toBeLessThan(2_000);
      await expect(frozen.query("COMMIT")).rejects.toThrow();
      await frozen.end().catch(() => undefined);
    });

    it("survives the database ending a transaction it left open too long: the write fails, the process goes on", async () => {
      const pool = new pg.Pool({ ...sessionSettings(databaseUrl, cluster, 200), max: 1 });
      await expect(
        inTransaction(pool, async (client) => {
          await client.query("SELECT 1");
          // This process "froze" past the timeout: the server ends the session meanwhile.
          await new Promise((resolve) => setTimeout(resolve, 600));
          await client.query("SELECT 2");
        }),
      ).rejects.toThrow();
      // The pool carries on with a fresh connection.
      expect((await pool.query<{ n: number }>("SELECT 3 AS n")).rows[0]?.n).toBe(3);
      await pool.end();
    });

    it("never takes tokens for time going backwards: concurrent takes within the burst are all allowed", async () => {
      // Each take reads the clock before it waits for the bucket's row; one that waited behind a
      // later one must not count the difference as negative time (at 1,000,000 tokens a second,
      // a millisecond backwards was a thousand tokens gone).
      const limiters = [0, 1].map(() => new SharedRateLimiter(databaseUrl, cluster, 1_000_000, 3_000));
      const taken = await Promise.all(
        Array.from({ length: 2_000 }, (_, i) => (limiters[i % 2] as SharedRateLimiter).take("key_concurrent")),
      );
      expect(taken.filter((t) => !t.ok)).toEqual([]);
      for (const limiter of limiters) await limiter.close();
    });

    it("answers a key's takes that arrive at once as its bucket would, one by one", async () => {
      const limiter = new SharedRateLimiter(databaseUrl, cluster, 0.001, 5);
      const taken = await Promise.all(Array.from({ length: 8 }, () => limiter.take("key_burst")));
      expect(taken).toEqual([
        { ok: true, remaining: 4 },
        { ok: true, remaining: 3 },
        { ok: true, remaining: 2 },
        { ok: true, remaining: 1 },
        { ok: true, remaining: 0 },
        ...Array.from({ length: 3 }, () => ({ ok: false, retryAfterSeconds: 1000 })),
      ]);
      await limiter.close();
    });

    it("shares each key's rate limit between gateways: two allow the burst once, not twice", async () => {
      const a = new SharedRateLimiter(databaseUrl, cluster, 1, 5);
      const b = new SharedRateLimiter(databaseUrl, cluster, 1, 5);
      const taken = [];
      for (let i = 0; i < 4; i++) taken.push(await a.take("key_1"), await b.take("key_1"));
      expect(taken.filter((t) => t.ok)).toHaveLength(5);
      expect(taken.slice(5)).toEqual([
        { ok: false, retryAfterSeconds: 1 },
        { ok: false, retryAfterSeconds: 1 },
        { ok: false, retryAfterSeconds: 1 },
      ]);
      expect(taken[4]).toEqual({ ok: true, remaining: 0 });
      // Another key has its own bucket; and the bucket refills at its rate.
      expect(await b.take("key_2")).toEqual({ ok: true, remaining: 4 });
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect(await a.take("key_1")).toMatchObject({ ok: true });
      await a.close();
      await b.close();
    });
  });
}
