import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { TRPCClientError } from "@trpc/client";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteStorage } from "../src/storage/sqlite.js";
import type { CommitBatch } from "../src/storage/storage.js";
import { startTestServer, type TestServer } from "./harness.js";

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
    const seq = first.server.platform.exchange.engine.lastSeq;
    expect(before.orders.find((o) => o.orderId === resting.orderId)).toMatchObject({ state: "PARTIALLY_EXECUTED", filledQuantity: 2 });
    await first.stop({ keepData: true });

    const second = await start(dir);
    expect(second.server.platform.exchange.engine.lastSeq).toBe(seq);
    expect(await accountState(second, "alice-key")).toEqual(before);
    // The book survived too: the rest of the resting SELL fills on the next crossing tick.
    await second.client("admin-key").admin.setPrice.mutate({ symbol: "RELIANCE", price: 1500.5, volume: 10 });
    const after = await second.client("alice-key").orders.get.query({ orderId: resting.orderId });
    expect(after).toMatchObject({ state: "EXECUTED", filledQuantity: 4 });
    expect(second.server.platform.exchange.engine.lastSeq).toBeGreaterThan(seq);
  });
});

class FailingStorage extends SqliteStorage {
  failNext = false;
  override async commit(batch: CommitBatch): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error("SQLITE_FULL: database or disk is full");
    }
    return super.commit(batch);
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
    const seq = server.server.platform.exchange.engine.lastSeq;
    storage.failNext = true;
    const error = await alice.orders.place.mutate({ symbol: "TCS", side: "BUY", type: "MARKET", quantity: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<never>).data).toMatchObject({ code: "SERVICE_UNAVAILABLE", httpStatus: 503 });
    expect((error as Error).message).not.toContain("SQLITE");
    expect(server.server.platform.exchange.engine.lastSeq).toBe(seq);
    expect(await accountState(server, "alice-key")).toEqual(before);
    const ok = await alice.orders.place.mutate({ symbol: "TCS", side: "BUY", type: "MARKET", quantity: 1 });
    expect(ok.state).toBe("EXECUTED");
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
  });
});
