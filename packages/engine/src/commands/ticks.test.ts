import { describe, expect, it } from "vitest";
import { checkInvariants } from "../invariants.js";
import { TestMarket } from "../testing/market.js";
import type { CommandResult } from "../types.js";

describe("resting LIMIT orders on ticks", () => {
  it("fills a resting BUY at its limit price when a tick crosses it", () => {
    const m = new TestMarket();
    const id = m.placeOk("alice", { side: "BUY", quantity: 5, type: "LIMIT", price: 245_000 });
    m.tick(246_000);
    expect(m.order("alice", id).state).toBe("PLACED");
    const r = m.tick(244_000);
    expect(m.order("alice", id)).toMatchObject({ state: "EXECUTED", averageFillPrice: 245_000 });
    expect(r.events.map((e) => e.type)).toEqual(["price.tick", "order.filled", "funds.changed"]);
    expect(m.funds("alice")).toMatchObject({ blocked: 0, cash: 10_00_000_00 - 5 * 245_000 });
    expect(checkInvariants(m.engine)).toEqual([]);
  });

  it("fills a resting SELL at its limit when a tick reaches it", () => {
    const m = new TestMarket();
    m.placeOk("alice", { side: "BUY", quantity: 5 });
    const id = m.placeOk("alice", { side: "SELL", quantity: 5, type: "LIMIT", price: 255_000 });
    m.tick(255_000);
    expect(m.order("alice", id)).toMatchObject({ state: "EXECUTED", averageFillPrice: 255_000 });
    expect(m.holding("alice")).toMatchObject({ quantity: 0, realizedPnl: 5 * 5_000 });
  });

  it("shares a tick's volume among one account's orders best price first, then earliest first, leaving the rest PARTIALLY_EXECUTED", () => {
    const m = new TestMarket();
    const early = m.placeOk("bob", { side: "BUY", quantity: 10, type: "LIMIT", price: 245_000 });
    const late = m.placeOk("bob", { side: "BUY", quantity: 10, type: "LIMIT", price: 245_000 });
    const better = m.placeOk("bob", { side: "BUY", quantity: 4, type: "LIMIT", price: 246_000 });
    const r = m.tick(245_000, 20);
    const fills = r.events.flatMap((e) => (e.type === "order.filled" ? [[e.order.orderId, e.trade.quantity, e.trade.price]] : []));
    expect(fills).toEqual([
      [better, 4, 246_000],
      [early, 10, 245_000],
      [late, 6, 245_000],
    ]);
    expect(m.order("bob", late)).toMatchObject({ state: "PARTIALLY_EXECUTED", filledQuantity: 6 });
    expect(m.funds("bob").blocked).toBe(4 * 245_000);
    m.tick(244_000, 100);
    expect(m.order("bob", late)).toMatchObject({ state: "EXECUTED", filledQuantity: 10, averageFillPrice: 245_000 });
    expect(m.order("bob", late).trades).toHaveLength(2);
    expect(checkInvariants(m.engine)).toEqual([]);
  });

  it("gives every account the tick's whole volume: one trader's orders never shrink another's fill", () => {
    const m = new TestMarket();
    const alices = m.placeOk("alice", { side: "BUY", quantity: 10, type: "LIMIT", price: 246_000 });
    const bobs = m.placeOk("bob", { side: "BUY", quantity: 10, type: "LIMIT", price: 245_000 });
    const r = m.tick(245_000, 8);
    const fills = r.events.flatMap((e) => (e.type === "order.filled" ? [[e.order.orderId, e.trade.quantity]] : []));
    // Alice's better-priced order goes first, and Bob still has all 8 shares of the tick.
    expect(fills).toEqual([
      [alices, 8],
      [bobs, 8],
    ]);
    expect(m.order("alice", alices)).toMatchObject({ state: "PARTIALLY_EXECUTED", filledQuantity: 8 });
    expect(m.order("bob", bobs)).toMatchObject({ state: "PARTIALLY_EXECUTED", filledQuantity: 8 });
    expect(checkInvariants(m.engine)).toEqual([]);
  });

  it("does not fill on a tick with no volume, but moves the price", () => {
    const m = new TestMarket();
    const id = m.placeOk("alice", { side: "BUY", quantity: 5, type: "LIMIT", price: 245_000 });
    m.tick(244_000, 0);
    expect(m.order("alice", id).state).toBe("PLACED");
    expect(m.engine.quote("RELIANCE")?.lastTradedPrice).toBe(244_000);
  });

  it("fills lot-traded instruments in whole lots", () => {
    const m = new TestMarket();
    const id = m.placeOk("alice", { symbol: "LOTS", side: "BUY", quantity: 30, type: "LIMIT", price: 9_000 });
    m.tick(9_000, 25, "LOTS");
    expect(m.order("alice", id)).toMatchObject({ filledQuantity: 20, state: "PARTIALLY_EXECUTED" });
  });

  it("loses time priority when the price changes or the quantity grows, keeps it when the quantity shrinks", () => {
    const m = new TestMarket();
    const a = m.placeOk("alice", { side: "BUY", quantity: 10, type: "LIMIT", price: 245_000 });
    m.placeOk("alice", { side: "BUY", quantity: 10, type: "LIMIT", price: 245_000 });
    m.modify("alice", a, { quantity: 8 }); // shrinks: it stays first
    let r = m.tick(245_000, 8);
    expect(r.events.filter((e) => e.type === "order.filled").map((e) => (e.type === "order.filled" ? e.order.orderId : ""))).toEqual([a]);

    const m2 = new TestMarket();
    const c = m2.placeOk("alice", { side: "BUY", quantity: 10, type: "LIMIT", price: 245_000 });
    const d = m2.placeOk("alice", { side: "BUY", quantity: 10, type: "LIMIT", price: 245_000 });
    m2.modify("alice", c, { quantity: 12 }); // grows: it goes behind the other
    r = m2.tick(245_000, 10);
    expect(r.events.filter((e) => e.type === "order.filled").map((e) => (e.type === "order.filled" ? e.order.orderId : ""))).toEqual([d]);
  });

  it("keeps an order a tick reached but could not fill ahead of the account's later orders", () => {
    const m = new TestMarket();
    const filled = (r: CommandResult) => r.events.flatMap((e) => (e.type === "order.filled" ? [e.order] : []));
    const first = m.placeOk("alice", { side: "BUY", quantity: 10, type: "LIMIT", price: 245_000 });
    expect(filled(m.tick(245_000, 3))).toEqual([expect.objectContaining({ orderId: first, filledQuantity: 3 })]);
    // Placed after the tick, at the same price and at a better one: the better price fills first,
    // then the older order at 245_000, then the newer one.
    m.tick(246_000, 0);
    const later = m.placeOk("alice", { side: "BUY", quantity: 5, type: "LIMIT", price: 245_000 });
    const better = m.placeOk("alice", { side: "BUY", quantity: 2, type: "LIMIT", price: 245_500 });
    const orders = filled(m.tick(245_000, 10));
    expect(orders.map((o) => [o.orderId, o.filledQuantity])).toEqual([
      [better, 2],
      [first, 10],
      [later, 1],
    ]);
    // Another account's order at the price fills from its own volume, whatever alice's did.
    m.tick(246_000, 0);
    const bob = m.placeOk("bob", { side: "BUY", quantity: 4, type: "LIMIT", price: 245_000 });
    expect(filled(m.tick(245_000, 4)).map((o) => o.orderId)).toEqual([later, bob]);
    expect(checkInvariants(m.engine)).toEqual([]);
  });

  it("visits only crossed price levels", () => {
    const m = new TestMarket();
    for (let i = 0; i < 50; i++) m.placeOk("alice", { side: "BUY", quantity: 1, type: "LIMIT", price: 200_000 + i * 5 });
    const r = m.tick(200_240, 1_000);
    expect(r.events.filter((e) => e.type === "order.filled")).toHaveLength(2);
    expect(m.engine.restingOrderCount()).toBe(48);
  });
});

describe("stop orders", () => {
  it("triggers a BUY SL_M when a tick reaches the trigger and fills it at the market", () => {
    const m = new TestMarket();
    const id = m.placeOk("alice", { side: "BUY", quantity: 2, type: "SL_M", triggerPrice: 255_000 });
    expect(m.order("alice", id).state).toBe("TRIGGER_PENDING");
    m.tick(254_995);
    expect(m.order("alice", id).state).toBe("TRIGGER_PENDING");
    const r = m.tick(256_000);
    expect(r.events.map((e) => e.type)).toEqual(["price.tick", "order.triggered", "order.filled", "funds.changed"]);
    const order = m.order("alice", id);
    expect(order).toMatchObject({ state: "EXECUTED", averageFillPrice: 256_000 });
    expect(order.history.map((h) => h.state)).toEqual(["TRIGGER_PENDING", "PLACED", "EXECUTED"]);
    expect(m.funds("alice").blocked).toBe(0);
    expect(checkInvariants(m.engine)).toEqual([]);
  });

  it("triggers a SELL SL_M (stop-loss) when the price falls to the trigger", () => {
    const m = new TestMarket();
    m.placeOk("alice", { side: "BUY", quantity: 3 });
    const id = m.placeOk("alice", { side: "SELL", quantity: 3, type: "SL_M", triggerPrice: 240_000 });
    expect(m.holding("alice")?.reservedQuantity).toBe(3);
    m.tick(239_000);
    expect(m.order("alice", id)).toMatchObject({ state: "EXECUTED", averageFillPrice: 239_000 });
    expect(m.holding("alice")).toMatchObject({ quantity: 0, realizedPnl: 3 * -11_000 });
  });

  it("turns a triggered SL into a LIMIT: fills at the market when marketable, rests otherwise", () => {
    const m = new TestMarket();
    const fills = m.placeOk("alice", { side: "BUY", quantity: 1, type: "SL", triggerPrice: 255_000, price: 257_000 });
    const rests = m.placeOk("bob", { side: "BUY", quantity: 1, type: "SL", triggerPrice: 255_000, price: 255_000 });
    m.tick(256_000);
    expect(m.order("alice", fills)).toMatchObject({ state: "EXECUTED", averageFillPrice: 256_000 });
    expect(m.order("bob", rests)).toMatchObject({ state: "PLACED" });
    expect(m.order("bob", rests).triggeredAt).not.toBeNull();
    expect(m.funds("bob").blocked).toBe(255_000);
    m.tick(255_000);
    expect(m.order("bob", rests)).toMatchObject({ state: "EXECUTED", averageFillPrice: 255_000 });
  });

  it("cancels a triggered IOC stop that cannot fill", () => {
    const m = new TestMarket();
    const id = m.placeOk("alice", { side: "BUY", quantity: 1, type: "SL", triggerPrice: 255_000, price: 255_000, validity: "IOC" });
    m.tick(256_000);
    expect(m.order("alice", id).state).toBe("CANCELLED");
    expect(m.funds("alice").blocked).toBe(0);
  });

  it("rejects a triggered BUY SL_M the account can no longer fund after a gap up", () => {
    const m = new TestMarket({ alice: 2 * 255_000 + 1_000 });
    const id = m.placeOk("alice", { side: "BUY", quantity: 2, type: "SL_M", triggerPrice: 255_000 });
    const r = m.tick(300_000);
    expect(r.events.map((e) => e.type)).toEqual(["price.tick", "order.rejected", "funds.changed"]);
    const order = m.order("alice", id);
    expect(order).toMatchObject({ state: "REJECTED", rejectReason: "INSUFFICIENT_FUNDS" });
    expect(order.rejectMessage).toContain("only ₹5,110.00 is available");
    expect(m.funds("alice")).toMatchObject({ cash: 2 * 255_000 + 1_000, blocked: 0 });
  });

  it("triggers stops nearest first", () => {
    const m = new TestMarket();
    const far = m.placeOk("alice", { side: "BUY", quantity: 1, type: "SL_M", triggerPrice: 258_000 });
    const near = m.placeOk("bob", { side: "BUY", quantity: 1, type: "SL_M", triggerPrice: 252_000 });
    const r = m.tick(260_000);
    const triggered = r.events.flatMap((e) => (e.type === "order.triggered" ? [e.order.orderId] : []));
    expect(triggered).toEqual([near, far]);
  });
});

describe("ticks", () => {
  it("refuses ticks for unknown symbols or off the tick size, changing nothing", () => {
    const m = new TestMarket();
    const seq = m.engine.lastSeq;
    expect(m.engine.apply({ kind: "tick", time: m.now(), symbol: "NOPE", price: 100, volume: 1 })).toMatchObject({
      code: "UNKNOWN_INSTRUMENT",
    });
    expect(m.engine.apply({ kind: "tick", time: m.now(), symbol: "RELIANCE", price: 250_001, volume: 1 })).toMatchObject({
      code: "PRICE_NOT_ON_TICK",
    });
    expect(m.engine.apply({ kind: "tick", time: m.now(), symbol: "RELIANCE", price: 250_000, volume: -1 })).toMatchObject({
      code: "INVALID_QUANTITY",
    });
    expect(m.engine.lastSeq).toBe(seq);
    expect(m.engine.quote("RELIANCE")?.lastTradedPrice).toBe(250_000);
  });

  it("keeps the day's open, high, low, volume and change", () => {
    const m = new TestMarket();
    m.tick(252_000, 10);
    m.tick(248_000, 5);
    m.tick(251_000, 1);
    expect(m.engine.quote("RELIANCE")).toMatchObject({
      lastTradedPrice: 251_000,
      previousClose: 250_000,
      high: 252_000,
      low: 248_000,
      volume: 16,
      change: 1_000,
      changePercent: 0.4,
    });
  });
});
