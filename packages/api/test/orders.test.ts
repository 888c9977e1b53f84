import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rejection, startTestServer, type TestServer } from "./harness.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.stop();
});

describe("orders over the API", () => {
  it("places a MARKET order that fills at the market price and shows in holdings and funds", async () => {
    const alice = t.client("alice-key");
    const [quote] = await alice.market.quotes.query({ symbols: ["TCS"] });
    const order = await alice.orders.place.mutate({ symbol: "TCS", side: "BUY", type: "MARKET", quantity: 2 });
    expect(order).toMatchObject({ state: "EXECUTED", filledQuantity: 2, averageFillPrice: quote?.lastTradedPrice });
    const holdings = await alice.portfolio.holdings.query();
    expect(holdings.find((h) => h.symbol === "TCS")).toMatchObject({ quantity: 2, averagePrice: quote?.lastTradedPrice });
    const funds = await alice.funds.get.query();
    expect(funds.cash).toBeCloseTo(10_00_000 - 2 * (quote?.lastTradedPrice ?? 0), 2);
    const detail = await alice.orders.get.query({ orderId: order.orderId });
    expect(detail.history.map((h) => h.state)).toEqual(["PLACED", "EXECUTED"]);
    expect(detail.trades).toHaveLength(1);
  });

  it("tells in an order's history why each step happened, in the engine's words", async () => {
    const alice = t.client("alice-key");
    const ioc = await alice.orders.place.mutate({ symbol: "INFY", side: "BUY", type: "LIMIT", quantity: 1, price: 1400, validity: "IOC" });
    expect(ioc.state).toBe("CANCELLED");
    expect((await alice.orders.get.query({ orderId: ioc.orderId })).history).toEqual([
      { state: "PLACED", time: expect.any(String), cause: "placed", description: "placed" },
      {
        state: "CANCELLED",
        time: expect.any(String),
        cause: "ioc-unfilled",
        description: "IOC: nothing more filled on arrival, cancelled",
      },
    ]);
    const resting = await alice.orders.place.mutate({ symbol: "INFY", side: "BUY", type: "LIMIT", quantity: 1, price: 1400 });
    await alice.orders.cancel.mutate({ orderId: resting.orderId });
    expect((await alice.orders.get.query({ orderId: resting.orderId })).history.map((h) => h.cause)).toEqual(["placed", "cancelled"]);
  });

  it("rests a LIMIT order, modifies it, cancels it, and refuses a second cancel with a clear error", async () => {
    const alice = t.client("alice-key");
    const placed = await alice.orders.place.mutate({ symbol: "INFY", side: "BUY", type: "LIMIT", quantity: 5, price: 1400 });
    expect(placed.state).toBe("PLACED");
    expect((await alice.funds.get.query()).blocked).toBe(7_000);
    const modified = await alice.orders.modify.mutate({ orderId: placed.orderId, price: 1401.5, quantity: 4 });
    expect(modified).toMatchObject({ price: 1401.5, quantity: 4, state: "PLACED" });
    expect((await alice.funds.get.query()).blocked).toBe(5_606);
    const cancelled = await alice.orders.cancel.mutate({ orderId: placed.orderId });
    expect(cancelled.state).toBe("CANCELLED");
    expect((await alice.funds.get.query()).blocked).toBe(0);
    expect(await rejection(alice.orders.cancel.mutate({ orderId: placed.orderId }))).toMatchObject({
      code: "CONFLICT",
      httpStatus: 409,
      reason: "ORDER_NOT_OPEN",
      message: expect.stringContaining("CANCELLED"),
    });
  });

  it("answers a rejected order with its reason code and the rejected order's id", async () => {
    const bob = t.client("bob-key");
    const error = await rejection(bob.orders.place.mutate({ symbol: "MARUTI", side: "BUY", type: "MARKET", quantity: 1_000 }));
    expect(error).toMatchObject({
      code: "UNPROCESSABLE_CONTENT",
      httpStatus: 422,
      reason: "INSUFFICIENT_FUNDS",
      orderId: expect.stringMatching(/^O\d+$/),
    });
    expect(error.message).toMatch(/needs ₹.* but only ₹10,00,000.00 is available/);
    const rejected = await bob.orders.get.query({ orderId: (error as { orderId: string }).orderId });
    expect(rejected).toMatchObject({ state: "REJECTED", rejectReason: "INSUFFICIENT_FUNDS" });
  });

  it("validates input with field paths and changes nothing", async () => {
    const bob = t.client("bob-key");
    const before = await bob.orders.list.query();
    const error = await rejection(
      bob.orders.place.mutate({ symbol: "TCS", side: "BUY", type: "LIMIT", quantity: 1.5, price: 10.001 } as never),
    );
    expect(error).toMatchObject({
      code: "BAD_REQUEST",
      httpStatus: 400,
      fieldErrors: { quantity: [expect.any(String)], price: [expect.any(String)] },
    });
    expect(
      await rejection(bob.orders.place.mutate({ symbol: "TCS", side: "BUY", type: "LIMIT", quantity: 1, price: 3000.05 })),
    ).toMatchObject({
      reason: "PRICE_NOT_ON_TICK",
      // TCS at about ₹3,080 moves in steps of ₹0.10 (NSE's table).
      message: expect.stringContaining("₹3,000.00 and ₹3,000.10"),
    });
    expect((await bob.orders.list.query()).items).toEqual(before.items);
  });

  it("returns the original order for a repeated clientOrderId and a conflict for different parameters", async () => {
    const bob = t.client("bob-key");
    const first = await bob.orders.place.mutate({
      symbol: "ITC",
      side: "BUY",
      type: "LIMIT",
      quantity: 1,
      price: 370,
      clientOrderId: "bob-1",
    });
    const again = await bob.orders.place.mutate({
      symbol: "ITC",
      side: "BUY",
      type: "LIMIT",
      quantity: 1,
      price: 370,
      clientOrderId: "bob-1",
    });
    expect(again.orderId).toBe(first.orderId);
    expect(
      await rejection(
        bob.orders.place.mutate({ symbol: "ITC", side: "BUY", type: "LIMIT", quantity: 2, price: 370, clientOrderId: "bob-1" }),
      ),
    ).toMatchObject({
      code: "CONFLICT",
      reason: "IDEMPOTENCY_CONFLICT",
    });
    // Closed orders leave the engine's memory, but their key still answers.
    await bob.orders.cancel.mutate({ orderId: first.orderId });
    const afterClose = await bob.orders.place.mutate({
      symbol: "ITC",
      side: "BUY",
      type: "LIMIT",
      quantity: 1,
      price: 370,
      clientOrderId: "bob-1",
    });
    expect(afterClose).toMatchObject({ orderId: first.orderId, state: "CANCELLED" });
  });

  it("pages order history newest first with a cursor, and filters it", async () => {
    const demo = t.client("demo-key");
    const ids: string[] = [];
    for (let i = 0; i < 7; i++)
      ids.push((await demo.orders.place.mutate({ symbol: "SBIN", side: "BUY", type: "LIMIT", quantity: 1, price: 800 + i })).orderId);
    const first = await demo.orders.list.query({ limit: 3 });
    expect(first.items.map((o) => o.orderId)).toEqual(ids.slice(-3).reverse());
    const second = await demo.orders.list.query({ limit: 3, cursor: first.nextCursor ?? undefined });
    expect(second.items.map((o) => o.orderId)).toEqual(ids.slice(1, 4).reverse());
    const third = await demo.orders.list.query({ limit: 3, cursor: second.nextCursor ?? undefined });
    expect(third.items.map((o) => o.orderId)).toEqual([ids[0]]);
    expect(third.nextCursor).toBeNull();
    expect((await demo.orders.list.query({ open: true, symbol: "SBIN" })).items).toHaveLength(7);
    expect((await demo.orders.list.query({ symbol: "TCS" })).items).toHaveLength(0);
    expect(await rejection(demo.orders.list.query({ cursor: "garbage" }))).toMatchObject({ code: "BAD_REQUEST" });
    const { cancelled } = await demo.orders.cancelAll.mutate({ symbol: "SBIN" });
    expect(cancelled).toHaveLength(7);
  });

  it("fills a resting order when the admin sets the price through it, and lists the trade", async () => {
    const alice = t.client("alice-key");
    const admin = t.client("admin-key");
    const order = await alice.orders.place.mutate({ symbol: "WIPRO", side: "BUY", type: "LIMIT", quantity: 10, price: 240 });
    await admin.admin.setPrice.mutate({ symbol: "WIPRO", price: 239.5 });
    const detail = await alice.orders.get.query({ orderId: order.orderId });
    expect(detail).toMatchObject({ state: "EXECUTED", averageFillPrice: 240 });
    const trades = await alice.trades.list.query({ symbol: "WIPRO" });
    expect(trades.items[0]).toMatchObject({ orderId: order.orderId, quantity: 10, price: 240 });
  });
});

describe("auth", () => {
  it("refuses a wrong key and admin procedures for a trader", async () => {
    expect(await rejection(t.client("nope").funds.get.query())).toMatchObject({ code: "UNAUTHORIZED", httpStatus: 401 });
    expect(await rejection(t.client("alice-key").admin.users.query())).toMatchObject({ code: "FORBIDDEN", httpStatus: 403 });
    const me = await t.client("alice-key").auth.whoami.query();
    expect(me).toMatchObject({ userId: "alice", isAdmin: false });
  });

  it("lets an admin create a user whose new key works, and revoke it", async () => {
    const admin = t.client("admin-key");
    const created = await admin.admin.createUser.mutate({ userId: "carol", displayName: "Carol", cash: 50_000 });
    const carol = t.client(created.apiKey);
    expect(await carol.funds.get.query()).toMatchObject({ cash: 50_000 });
    await admin.admin.revokeKey.mutate({ keyId: created.keyId });
    expect(await rejection(carol.funds.get.query())).toMatchObject({ code: "UNAUTHORIZED" });
    const log = await admin.admin.auditLog.query();
    expect(log.map((e) => e.action)).toEqual(expect.arrayContaining(["user.create", "key.revoke"]));
  });
});
