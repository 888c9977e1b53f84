import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { TRPCClientError } from "@trpc/client";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { openStorage } from "../src/platform.js";
import { SqliteStorage } from "../src/storage/sqlite.js";
import type { CommitBatch } from "../src/storage/storage.js";
import { rejection, startTestServer, waitFor, type TestServer } from "./harness.js";

const dirs: string[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop({ keepData: true }).catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function freshDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "trading-durability-"));
  dirs.push(dir);
  return dir;
}

async function start(dataDir: string, overrides = {}) {
  const server = await startTestServer(overrides, { dataDir });
  servers.push(server);
  return server;
}

/** What a user can see of their account, for before/after comparisons. */
async function accountState(server: TestServer, apiKey: string) {
  const client = server.client(apiKey);
  const [funds, holdings, orders, trades] = await Promise.all([
    client.funds.get.query(),
    client.portfolio.holdings.query(),
    client.orders.list.query({ limit: 500 }),
    client.trades.list.query({ limit: 500 }),
  ]);
  return { funds, holdings, orders: orders.items, trades: trades.items };
}

describe("restart", () => {
  it("restores every order, trade, holding, cash balance and the event sequence", async () => {
    const dir = freshDir();
    const first = await start(dir, { snapshotEvery: 7 });
    const alice = first.client("alice-key");
    const admin = first.client("admin-key");
    await alice.orders.place.mutate({ symbol: "RELIANCE", side: "BUY", type: "MARKET", quantity: 10 });
    const resting = await alice.orders.place.mutate({ symbol: "RELIANCE", side: "SELL", type: "LIMIT", quantity: 4, price: 1500 });
    await alice.orders.place.mutate({ symbol: "INFY", side: "BUY", type: "LIMIT", quantity: 3, price: 1400 });
    await alice.orders.place.mutate({ symbol: "INFY", side: "BUY", type: "SL_M", quantity: 1, triggerPrice: 1600 });
    await admin.admin.setPrice.mutate({ symbol: "RELIANCE", price: 1500, volume: 2 });
    const before = await accountState(first, "alice-key");
    const seq = first.server.platform.engine.lastSeq;
    expect(before.orders.find((o) => o.orderId === resting.orderId)).toMatchObject({ state: "PARTIALLY_EXECUTED", filledQuantity: 2 });
    await first.stop({ keepData: true });

    const second = await start(dir);
    expect(second.server.platform.engine.lastSeq).toBe(seq);
    expect(await accountState(second, "alice-key")).toEqual(before);
    // The book survived too: the rest of the resting SELL fills on the next crossing tick.
    await second.client("admin-key").admin.setPrice.mutate({ symbol: "RELIANCE", price: 1500.5, volume: 10 });
    const after = await second.client("alice-key").orders.get.query({ orderId: resting.orderId });
    expect(after).toMatchObject({ state: "EXECUTED", filledQuantity: 4 });
    expect(second.server.platform.engine.lastSeq).toBeGreaterThan(seq);
  });

  it("lets closed keyed orders go from memory after IDEMPOTENCY_MEMORY_SECONDS and still answers their keys, before and after a restart", async () => {
    const dir = freshDir();
    const first = await start(dir, { idempotencyMemorySeconds: 0.5 });
    const bob = first.client("bob-key");
    const engine = () => first.server.platform.engine;
    const filled = await bob.orders.place.mutate({ symbol: "ITC", side: "BUY", type: "MARKET", quantity: 2, clientOrderId: "algo-1" });
    const refused = await rejection(
      bob.orders.place.mutate({ symbol: "MARUTI", side: "BUY", type: "MARKET", quantity: 10_000, clientOrderId: "algo-2" }),
    );
    expect(refused).toMatchObject({ reason: "INSUFFICIENT_FUNDS" });
    const open = await bob.orders.place.mutate({
      symbol: "ITC",
      side: "BUY",
      type: "LIMIT",
      quantity: 1,
      price: 370,
      clientOrderId: "algo-3",
    });
    await waitFor(() => engine().orderByClientId("bob", "algo-1") === undefined && engine().orderByClientId("bob", "algo-2") === undefined);
    expect(engine().oldestClosedKeyedAt()).toBeNull();
    expect(await (await fetch(`${first.server.url}/metrics`)).text()).toMatch(/^trading_closed_keyed_orders 0$/m);
    expect(engine().orderByClientId("bob", "algo-3")).toMatchObject({ orderId: open.orderId, state: "PLACED" });

    const answers = async (server: TestServer) => {
      const client = server.client("bob-key");
      const funds = await client.funds.get.query();
      const orders = (await client.orders.list.query({ limit: 500 })).items;
      const again = await client.orders.place.mutate({ symbol: "ITC", side: "BUY", type: "MARKET", quantity: 2, clientOrderId: "algo-1" });
      expect(again).toEqual(filled);
      expect(
        await rejection(client.orders.place.mutate({ symbol: "ITC", side: "BUY", type: "MARKET", quantity: 3, clientOrderId: "algo-1" })),
      ).toMatchObject({
        code: "CONFLICT",
        reason: "IDEMPOTENCY_CONFLICT",
      });
      expect(
        await rejection(
          client.orders.place.mutate({ symbol: "MARUTI", side: "BUY", type: "MARKET", quantity: 10_000, clientOrderId: "algo-2" }),
        ),
      ).toEqual(refused);
      // Nothing was placed or spent by the retries.
      expect(await client.funds.get.query()).toEqual(funds);
      expect((await client.orders.list.query({ limit: 500 })).items).toEqual(orders);
    };
    await answers(first);
    await first.stop({ keepData: true });

    // The journal holds the command that let them go: a restart does not bring them back.
    const second = await start(dir, { idempotencyMemorySeconds: 0.5 });
    expect(second.server.platform.engine.orderByClientId("bob", "algo-1")).toBeUndefined();
    expect(second.server.platform.engine.orderByClientId("bob", "algo-3")).toMatchObject({ orderId: open.orderId });
    await answers(second);
  });
});

class FailingStorage extends SqliteStorage {
  failNext = false;
  /** Every write fails, as on a full disk, until cleared. */
  full = false;
  /** Fail after the batch is on disk, as a writer thread that dies before answering would. */
  failAfterWriteNext = false;

  constructor(...args: ConstructorParameters<typeof SqliteStorage>) {
    super(...args);
    const journal = this.journal;
    const checkWritable = journal.checkWritable.bind(journal);
    const commit = journal.commit.bind(journal);
    journal.checkWritable = async () => {
      if (this.full) throw new Error("SQLITE_FULL: database or disk is full");
      await checkWritable();
    };
    journal.commit = async (batch: CommitBatch) => {
      if (this.failNext || this.full) {
        this.failNext = false;
        throw new Error("SQLITE_FULL: database or disk is full");
      }
      await commit(batch);
      if (this.failAfterWriteNext) {
        this.failAfterWriteNext = false;
        throw new Error("the SQLite writer thread stopped");
      }
    };
  }
}

describe("journal write failure", () => {
  it("answers the client with an error, changes nothing, and keeps working", async () => {
    const dir = freshDir();
    const storage = new FailingStorage(path.join(dir, "trading.sqlite"));
    const server = await startTestServer({}, { dataDir: dir, storage });
    servers.push(server);
    const alice = server.client("alice-key");
    const before = await accountState(server, "alice-key");
    const seq = server.server.platform.engine.lastSeq;
    storage.failNext = true;
    const error = await alice.orders.place.mutate({ symbol: "TCS", side: "BUY", type: "MARKET", quantity: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<never>).data).toMatchObject({ code: "SERVICE_UNAVAILABLE", httpStatus: 503 });
    expect((error as Error).message).not.toContain("SQLITE");
    expect(server.server.platform.engine.lastSeq).toBe(seq);
    expect(await accountState(server, "alice-key")).toEqual(before);
    const ok = await alice.orders.place.mutate({ symbol: "TCS", side: "BUY", type: "MARKET", quantity: 1 });
    expect(ok.state).toBe("EXECUTED");
  });
});

describe("readiness", () => {
  it("says not ready while the journal cannot be written, and ready again once it can, with no command to try it", async () => {
    const dir = freshDir();
    const storage = new FailingStorage(path.join(dir, "trading.sqlite"));
    const server = await startTestServer({}, { dataDir: dir, storage });
    servers.push(server);
    const readyz = async () => {
      const answer = await fetch(`${server.server.url}/readyz`);
      return { status: answer.status, body: await answer.json() };
    };
    expect(await readyz()).toEqual({ status: 200, body: { ready: true, journal: "writable" } });
    storage.full = true;
    await rejection(server.client("alice-key").orders.place.mutate({ symbol: "TCS", side: "BUY", type: "MARKET", quantity: 1 }));
    expect(await readyz()).toEqual({ status: 503, body: { ready: false, journal: "failing" } });
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await readyz()).status).toBe(503);
    storage.full = false;
    await waitFor(async () => (await readyz()).status === 200, 3_000);
  });
});

describe("journal write reported failed after it reached the disk", () => {
  it("acknowledges the batch and publishes its events, since the database has it", async () => {
    const dir = freshDir();
    const storage = new FailingStorage(path.join(dir, "trading.sqlite"));
    const server = await startTestServer({}, { dataDir: dir, storage });
    servers.push(server);
    const alice = server.client("alice-key");
    const seen: string[] = [];
    const subscription = alice.orders.onUpdate.subscribe(undefined, {
      onData: ({ data }) => seen.push(`${data.type}:${data.order.orderId}`),
    });
    await new Promise((r) => setTimeout(r, 300));
    storage.failAfterWriteNext = true;
    const order = await alice.orders.place.mutate({ symbol: "TCS", side: "BUY", type: "MARKET", quantity: 2 });
    expect(order.state).toBe("EXECUTED");
    expect(await alice.orders.get.query({ orderId: order.orderId })).toMatchObject({ state: "EXECUTED", filledQuantity: 2 });
    await expect.poll(() => seen, { timeout: 5_000 }).toContain(`filled:${order.orderId}`);
    // Memory and disk agree, and the sequence goes on from there.
    const next = await alice.orders.place.mutate({ symbol: "TCS", side: "BUY", type: "MARKET", quantity: 1 });
    expect(next.state).toBe("EXECUTED");
    expect((await accountState(server, "alice-key")).holdings).toEqual(
      expect.arrayContaining([expect.objectContaining({ symbol: "TCS", quantity: 3 })]),
    );
    subscription.unsubscribe();
  });
});

/** Another writer got the batch's journal ids first: the ids are on disk, but not this batch. */
class ForeignWriterStorage extends SqliteStorage {
  takeNext = false;

  constructor(...args: ConstructorParameters<typeof SqliteStorage>) {
    super(...args);
    const commit = this.journal.commit.bind(this.journal);
    this.journal.commit = async (batch: CommitBatch) => {
      if (!this.takeNext) return commit(batch);
      this.takeNext = false;
      await commit({ ...batch, batchId: "another-writer/1" });
      throw new Error("UNIQUE constraint failed: journal.journal_id");
    };
  }
}

describe("journal write failure where the batch's journal ids were written by someone else", () => {
  it("refuses the batch, because it recognises its own batch by its id, not by the journal ids", async () => {
    const dir = freshDir();
    const storage = new ForeignWriterStorage(path.join(dir, "trading.sqlite"));
    const server = await startTestServer({}, { dataDir: dir, storage });
    servers.push(server);
    const alice = server.client("alice-key");
    storage.takeNext = true;
    const error = await rejection(alice.orders.place.mutate({ symbol: "TCS", side: "BUY", type: "MARKET", quantity: 1 }));
    expect(error).toMatchObject({ code: "SERVICE_UNAVAILABLE", httpStatus: 503 });
  });
});

describe("rate limits", () => {
  it("answers TOO_MANY_REQUESTS (429) past the burst, per key", async () => {
    const server = await start(freshDir(), { rateLimitPerSecond: 1, rateLimitBurst: 5 });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await fetch(`${server.server.url}/trpc/funds.get`, { headers: { "x-api-key": "alice-key" } });
      statuses.push(r.status);
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const bob = await fetch(`${server.server.url}/trpc/funds.get`, { headers: { "x-api-key": "bob-key" } });
    expect(bob.status).toBe(200);
    // tRPC's 429 says when to come back, as REST's does.
    const limited = await fetch(`${server.server.url}/trpc/funds.get`, { headers: { "x-api-key": "alice-key" } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  it("limits requests with a wrong or missing key by the client's address", async () => {
    const server = await start(freshDir(), { rateLimitPerSecond: 1, rateLimitBurst: 5 });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const headers: Record<string, string> = i % 2 === 0 ? { "x-api-key": `guess-${i}` } : {};
      statuses.push((await fetch(`${server.server.url}/trpc/funds.get`, { headers })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const rest = await fetch(`${server.server.url}/api/v1/funds`, { headers: { "x-api-key": "guess-again" } });
    expect(rest.status).toBe(429);
    expect(Number(rest.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // A valid key has a bucket of its own.
    expect((await fetch(`${server.server.url}/trpc/funds.get`, { headers: { "x-api-key": "alice-key" } })).status).toBe(200);
  });
});

describe("data directory", () => {
  it("is made with its parents, and one that cannot be made fails at once with the reason", async () => {
    const base = freshDir();
    const nested = path.join(base, "a", "b");
    const storage = await openStorage(loadConfig([], {}, { dataDir: nested }));
    await storage.init();
    await storage.close();
    expect(existsSync(path.join(nested, "trading.sqlite"))).toBe(true);
    const file = path.join(base, "a", "b", "trading.sqlite");
    await expect(openStorage(loadConfig([], {}, { dataDir: path.join(file, "x") }))).rejects.toThrow(/ENOTDIR/);
    // Node's own recursive mkdir never returns for this one.
    if (existsSync("/proc/self"))
      await expect(openStorage(loadConfig([], {}, { dataDir: "/proc/no-such-dir/data" }))).rejects.toThrow(/ENOENT/);
  });
});
