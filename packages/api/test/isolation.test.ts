// Every procedure and subscription keeps users apart: another user's orders, trades, holdings,
// funds and events are never visible or actionable; another user's order id answers not found.
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TradingClient } from "../src/client.js";
import type { OrderUpdateDto } from "../src/procedures/order-updates.js";
import { startTestServer, waitFor, type TestServer } from "./harness.js";

let t: TestServer;
let alice: TradingClient;
let bob: TradingClient;
let aliceResting: string;
let aliceFilled: string;

beforeAll(async () => {
  t = await startTestServer();
  alice = t.client("alice-key");
  bob = t.client("bob-key");
  aliceFilled = (await alice.orders.place.mutate({ symbol: "HDFCBANK", side: "BUY", type: "MARKET", quantity: 7 })).orderId;
  aliceResting = (await alice.orders.place.mutate({ symbol: "HDFCBANK", side: "SELL", type: "LIMIT", quantity: 3, price: 1050 })).orderId;
});
afterAll(async () => {
  await t.stop();
});

async function code(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return "OK";
  } catch (error) {
    if (error instanceof TRPCClientError) return (error.data as { code?: string } | undefined)?.code;
    throw error;
  }
}

describe("isolation between users", () => {
  it("orders.get, cancel and modify answer NOT_FOUND for another user's order, exactly as for a missing one", async () => {
    for (const orderId of [aliceResting, aliceFilled]) {
      expect(await code(bob.orders.get.query({ orderId }))).toBe("NOT_FOUND");
      expect(await code(bob.orders.cancel.mutate({ orderId }))).toBe("NOT_FOUND");
      expect(await code(bob.orders.modify.mutate({ orderId, quantity: 1 }))).toBe("NOT_FOUND");
    }
    expect(await code(bob.orders.get.query({ orderId: "O999999" }))).toBe("NOT_FOUND");
    expect((await alice.orders.get.query({ orderId: aliceResting })).state).toBe("PLACED");
  });

  it("orders.list, trades.list, portfolio and funds show only the caller's own", async () => {
    expect((await bob.orders.list.query({ limit: 500 })).items.filter((o) => o.userId !== "bob")).toEqual([]);
    expect((await bob.trades.list.query({ limit: 500 })).items).toEqual([]);
    expect(await code(bob.trades.list.query({ orderId: aliceFilled }))).toBe("OK");
    expect((await bob.trades.list.query({ orderId: aliceFilled })).items).toEqual([]);
    expect(await bob.portfolio.holdings.query()).toEqual([]);
    expect((await bob.funds.get.query()).cash).toBe(10_00_000);
    expect((await alice.portfolio.holdings.query()).map((h) => h.symbol)).toEqual(["HDFCBANK"]);
  });

  it("orders.cancelAll cancels only the caller's orders", async () => {
    const { cancelled } = await bob.orders.cancelAll.mutate();
    expect(cancelled).toEqual([]);
    expect((await alice.orders.get.query({ orderId: aliceResting })).state).toBe("PLACED");
  });

  it("a holding cannot be sold by another user", async () => {
    expect(await code(bob.orders.place.mutate({ symbol: "HDFCBANK", side: "SELL", type: "MARKET", quantity: 1 }))).toBe(
      "UNPROCESSABLE_CONTENT",
    );
  });

  it("orders.onUpdate and trades.onTrade carry only the caller's events, also when resuming", async () => {
    const bobUpdates: OrderUpdateDto[] = [];
    const bobTrades: unknown[] = [];
    const u = bob.orders.onUpdate.subscribe({ lastEventId: "0" }, { onData: (d) => bobUpdates.push(d.data) });
    const tr = bob.trades.onTrade.subscribe({ lastEventId: "0" }, { onData: (d) => bobTrades.push(d.data) });
    const aliceTrades: unknown[] = [];
    const at = alice.trades.onTrade.subscribe({ lastEventId: "0" }, { onData: (d) => aliceTrades.push(d.data) });
    await alice.orders.place.mutate({ symbol: "HDFCBANK", side: "BUY", type: "MARKET", quantity: 1 });
    await waitFor(() => aliceTrades.length >= 2);
    await new Promise((r) => setTimeout(r, 200));
    u.unsubscribe();
    tr.unsubscribe();
    at.unsubscribe();
    // Bob's own history (his rejected SELL) replays; nothing of Alice's ever does.
    expect(bobUpdates.length).toBeGreaterThan(0);
    expect(bobUpdates.filter((u) => u.order.userId !== "bob")).toEqual([]);
    expect(bobTrades).toEqual([]);
  });

  it("market data is shared, account data is not", async () => {
    expect((await bob.market.quotes.query({ symbols: ["HDFCBANK"] }))[0]?.symbol).toBe("HDFCBANK");
    expect((await bob.auth.whoami.query()).userId).toBe("bob");
  });
});

describe("admin procedures", () => {
  it("resets an account, adds an instrument, pauses and resumes the feed, closes and opens the session", async () => {
    const admin = t.client("admin-key");
    // Too much cash is refused for that alone, not also for its decimals.
    const tooMuch = await admin.admin.resetAccount
      .mutate({ userId: "alice", cash: 1e18 })
      .catch((e: { data?: { fieldErrors?: unknown } }) => e.data?.fieldErrors);
    expect(tooMuch).toEqual({ cash: ["cash must be at most ₹10,00,00,00,00,000"] });
    await admin.admin.resetAccount.mutate({ userId: "alice", cash: 5_00_000 });
    expect(await alice.funds.get.query()).toMatchObject({ cash: 5_00_000, blocked: 0 });
    expect(await alice.portfolio.holdings.query()).toEqual([]);
    expect((await alice.orders.get.query({ orderId: aliceResting })).state).toBe("CANCELLED");

    const added = await admin.admin.addInstrument.mutate({ symbol: "ZOMATO", name: "Zomato Ltd", price: 250.5 });
    // NSE's tick size for its price, and a 20 % band unless the admin says otherwise.
    expect(added).toMatchObject({
      symbol: "ZOMATO",
      lastTradedPrice: 250.5,
      tickSize: 0.05,
      priceBand: 20,
      band: { lower: 200.4, upper: 300.6 },
    });
    const cheap = await admin.admin.addInstrument.mutate({ symbol: "IDEA", name: "Vodafone Idea Ltd", price: 7.53, band: 5 });
    expect(cheap).toMatchObject({ tickSize: 0.01, priceBand: 5, band: { lower: 7.16, upper: 7.9 }, circuit: null });
    expect((await alice.orders.place.mutate({ symbol: "ZOMATO", side: "BUY", type: "MARKET", quantity: 2 })).averageFillPrice).toBe(250.5);
    expect(await code(admin.admin.addInstrument.mutate({ symbol: "ZOMATO", name: "again", price: 1 }))).toBe("CONFLICT");

    expect((await admin.admin.pauseFeed.mutate()).running).toBe(false);
    await admin.admin.resumeFeed.mutate();

    const outside = await alice.orders.place
      .mutate({ symbol: "ZOMATO", side: "BUY", type: "LIMIT", quantity: 1, price: 200 })
      .catch((e: { data?: { reason?: string }; message: string }) => [e.data?.reason, e.message]);
    expect(outside).toEqual(["PRICE_OUTSIDE_BAND", "price ₹200.00 is outside today's price band for ZOMATO: ₹200.40 to ₹300.60"]);
    const resting = await alice.orders.place.mutate({ symbol: "ZOMATO", side: "BUY", type: "LIMIT", quantity: 1, price: 201 });
    await admin.admin.closeSession.mutate();
    expect((await alice.orders.get.query({ orderId: resting.orderId })).state).toBe("EXPIRED");
    // Placed while closed: an after-market order, which enters the market when it opens again.
    const amo = await alice.orders.place.mutate({ symbol: "ZOMATO", side: "BUY", type: "MARKET", quantity: 1 });
    expect(amo).toMatchObject({ state: "PLACED", amo: true, waitingFor: "pre-open" });
    await admin.admin.openSession.mutate();
    expect(await alice.orders.get.query({ orderId: amo.orderId })).toMatchObject({ state: "EXECUTED", waitingFor: null });
    expect((await alice.orders.place.mutate({ symbol: "ZOMATO", side: "BUY", type: "MARKET", quantity: 1 })).state).toBe("EXECUTED");

    const log = (await admin.admin.auditLog.query()).map((e) => e.action);
    expect(log).toEqual(
      expect.arrayContaining(["account.reset", "instrument.add", "feed.pause", "feed.resume", "session.close", "session.open"]),
    );
  });
});
