import { describe, expect, it } from "vitest";
import { fill } from "../execution.js";
import { checkInvariants } from "../invariants.js";
import { TestMarket } from "../testing/market.js";

const LAKH = 1_00_000_00; // ₹1,00,000 in paise

function expectClean(m: TestMarket): void {
  expect(checkInvariants(m.engine)).toEqual([]);
}

describe("placement checks", () => {
  it("refuses an unknown instrument without creating an order", () => {
    const m = new TestMarket();
    const before = m.engine.lastSeq;
    const r = m.place("alice", { symbol: "NOPE", side: "BUY", quantity: 1 });
    expect(r).toMatchObject({ ok: false, code: "UNKNOWN_INSTRUMENT" });
    expect(r.events).toEqual([]);
    expect(m.engine.orders("alice")).toEqual([]);
    expect(m.engine.lastSeq).toBe(before);
  });

  it.each([
    [0, "INVALID_QUANTITY"],
    [-5, "INVALID_QUANTITY"],
    [1.5, "INVALID_QUANTITY"],
    [20_000_000, "INVALID_QUANTITY"],
  ])("refuses quantity %s with %s", (quantity, code) => {
    const m = new TestMarket();
    expect(m.place("alice", { side: "BUY", quantity })).toMatchObject({ ok: false, code });
    expect(m.engine.orders("alice")).toEqual([]);
  });

  it("refuses a quantity off the lot size and says what the lot is", () => {
    const m = new TestMarket();
    const r = m.place("alice", { symbol: "LOTS", side: "BUY", quantity: 15 });
    expect(r).toMatchObject({ ok: false, code: "QUANTITY_NOT_MULTIPLE_OF_LOT" });
    if (!r.ok) expect(r.message).toContain("lot size 10");
  });

  it("refuses a price off the tick size and names the nearest allowed prices", () => {
    const m = new TestMarket();
    const r = m.place("alice", { side: "BUY", quantity: 1, type: "LIMIT", price: 249_003 });
    expect(r).toMatchObject({ ok: false, code: "PRICE_NOT_ON_TICK" });
    if (!r.ok) expect(r.message).toContain("₹2,490.00 and ₹2,490.05");
  });

  it("refuses non-positive prices and prices on the wrong order type", () => {
    const m = new TestMarket();
    expect(m.place("alice", { side: "BUY", quantity: 1, type: "LIMIT", price: 0 })).toMatchObject({ code: "INVALID_PRICE" });
    expect(m.place("alice", { side: "BUY", quantity: 1, type: "LIMIT" })).toMatchObject({ code: "INVALID_ORDER" });
    expect(m.place("alice", { side: "BUY", quantity: 1, type: "MARKET", price: 250_000 } as never)).toMatchObject({
      code: "INVALID_ORDER",
    });
    expect(m.place("alice", { side: "BUY", quantity: 1, type: "SL_M" })).toMatchObject({ code: "INVALID_ORDER" });
  });

  it("refuses a stop whose trigger is already on the wrong side of the market", () => {
    const m = new TestMarket();
    expect(m.place("alice", { side: "BUY", quantity: 1, type: "SL_M", triggerPrice: 249_000 })).toMatchObject({
      code: "INVALID_TRIGGER_PRICE",
    });
    m.placeOk("alice", { side: "BUY", quantity: 10 });
    expect(m.place("alice", { side: "SELL", quantity: 1, type: "SL_M", triggerPrice: 251_000 })).toMatchObject({
      code: "INVALID_TRIGGER_PRICE",
    });
    expect(m.place("alice", { side: "BUY", quantity: 1, type: "SL", triggerPrice: 252_000, price: 251_000 })).toMatchObject({
      code: "INVALID_PRICE",
    });
  });

  it("rejects a BUY the account cannot pay for, keeping a REJECTED order and changing no money", () => {
    const m = new TestMarket({ alice: 10 * 250_000 });
    const before = m.funds("alice");
    const r = m.place("alice", { side: "BUY", quantity: 11 });
    expect(r).toMatchObject({ ok: false, code: "INSUFFICIENT_FUNDS" });
    if (r.ok) return;
    expect(r.message).toContain("needs ₹27,500.00 but only ₹25,000.00 is available");
    expect(r.order).toMatchObject({ state: "REJECTED", rejectReason: "INSUFFICIENT_FUNDS" });
    expect(r.events.map((e) => e.type)).toEqual(["order.rejected"]);
    expect(m.funds("alice")).toEqual(before);
    expect(m.holding("alice")).toBeUndefined();
  });

  it("checks a BUY LIMIT against quantity x limit price, not the market price", () => {
    const m = new TestMarket({ alice: 10 * 250_000 });
    expect(m.place("alice", { side: "BUY", quantity: 10, type: "LIMIT", price: 250_005 })).toMatchObject({ code: "INSUFFICIENT_FUNDS" });
    expect(m.place("alice", { side: "BUY", quantity: 10, type: "LIMIT", price: 250_000 })).toMatchObject({ ok: true });
  });

  it("rejects a SELL of shares not held: no short selling", () => {
    const m = new TestMarket();
    expect(m.place("alice", { side: "SELL", quantity: 1 })).toMatchObject({ ok: false, code: "INSUFFICIENT_HOLDINGS" });
    m.placeOk("alice", { side: "BUY", quantity: 5 });
    expect(m.place("alice", { side: "SELL", quantity: 6 })).toMatchObject({ code: "INSUFFICIENT_HOLDINGS" });
    expectClean(m);
  });

  it("counts shares already promised to open SELL orders as unavailable", () => {
    const m = new TestMarket();
    m.placeOk("alice", { side: "BUY", quantity: 5 });
    m.placeOk("alice", { side: "SELL", quantity: 3, type: "LIMIT", price: 260_000 });
    expect(m.holding("alice")).toMatchObject({ quantity: 5, reservedQuantity: 3 });
    expect(m.place("alice", { side: "SELL", quantity: 3 })).toMatchObject({ code: "INSUFFICIENT_HOLDINGS" });
    expect(m.place("alice", { side: "SELL", quantity: 2 })).toMatchObject({ ok: true });
  });

  it("refuses unknown accounts and reused order ids", () => {
    const m = new TestMarket();
    expect(m.place("mallory", { side: "BUY", quantity: 1 })).toMatchObject({ code: "UNKNOWN_ACCOUNT" });
    m.place("alice", { side: "BUY", quantity: 1 }, "X1");
    expect(m.place("bob", { side: "BUY", quantity: 1 }, "X1")).toMatchObject({ code: "DUPLICATE_ORDER_ID" });
  });
});

describe("fill prices", () => {
  it("fills a MARKET BUY at once at the last traded price", () => {
    const m = new TestMarket();
    const r = m.place("alice", { side: "BUY", quantity: 4 });
    expect(r.order).toMatchObject({ state: "EXECUTED", filledQuantity: 4, averageFillPrice: 250_000 });
    expect(r.events.map((e) => e.type)).toEqual(["order.accepted", "order.filled", "funds.changed"]);
    expect(m.funds("alice")).toMatchObject({ cash: 10 * LAKH - 1_000_000, blocked: 0 });
    expect(m.holding("alice")).toMatchObject({ quantity: 4, averagePrice: 250_000, investedValue: 1_000_000 });
  });

  it("fills a MARKET SELL at the last traded price", () => {
    const m = new TestMarket();
    m.placeOk("alice", { side: "BUY", quantity: 4 });
    m.tick(255_000);
    const r = m.place("alice", { side: "SELL", quantity: 4 });
    expect(r.order).toMatchObject({ state: "EXECUTED", averageFillPrice: 255_000 });
    expect(m.funds("alice").cash).toBe(10 * LAKH + 4 * 5_000);
  });

  it("fills a marketable LIMIT on arrival at the market price, not its limit (price improvement)", () => {
    const m = new TestMarket();
    const buy = m.place("alice", { side: "BUY", quantity: 2, type: "LIMIT", price: 260_000 });
    expect(buy.order).toMatchObject({ state: "EXECUTED", averageFillPrice: 250_000 });
    const sell = m.place("alice", { side: "SELL", quantity: 2, type: "LIMIT", price: 240_000 });
    expect(sell.order).toMatchObject({ state: "EXECUTED", averageFillPrice: 250_000 });
    expect(m.funds("alice")).toMatchObject({ cash: 10 * LAKH, blocked: 0 });
  });

  it("rests a non-marketable LIMIT as PLACED and blocks quantity x limit", () => {
    const m = new TestMarket();
    const r = m.place("alice", { side: "BUY", quantity: 3, type: "LIMIT", price: 240_000 });
    expect(r.order).toMatchObject({ state: "PLACED", filledQuantity: 0 });
    expect(m.funds("alice")).toMatchObject({ blocked: 720_000, available: 10 * LAKH - 720_000 });
    expectClean(m);
  });
});

describe("IOC", () => {
  it("cancels an IOC limit that cannot fill on arrival and blocks nothing", () => {
    const m = new TestMarket();
    const r = m.place("alice", { side: "BUY", quantity: 3, type: "LIMIT", price: 240_000, validity: "IOC" });
    expect(r.order).toMatchObject({ state: "CANCELLED" });
    expect(r.events.map((e) => e.type)).toEqual(["order.accepted", "order.cancelled"]);
    // The events say why, as the history does, so whoever stores them can tell an IOC remainder from a cancel.
    expect(r.events.map((e) => ("cause" in e ? e.cause : null))).toEqual(["placed", "ioc-unfilled"]);
    expect(m.funds("alice").blocked).toBe(0);
    expect(m.order("alice", r.order?.orderId ?? "").history.map((h) => h.cause)).toEqual(["placed", "ioc-unfilled"]);
  });

  it("fills a marketable IOC in full", () => {
    const m = new TestMarket();
    const r = m.place("alice", { side: "BUY", quantity: 3, type: "LIMIT", price: 250_000, validity: "IOC" });
    expect(r.order).toMatchObject({ state: "EXECUTED", filledQuantity: 3 });
  });
});

describe("cancel", () => {
  it("cancels an open order and releases its blocked cash", () => {
    const m = new TestMarket();
    const id = m.placeOk("alice", { side: "BUY", quantity: 3, type: "LIMIT", price: 240_000 });
    const r = m.cancel("alice", id);
    expect(r.order).toMatchObject({ state: "CANCELLED" });
    expect(m.funds("alice")).toMatchObject({ blocked: 0, available: 10 * LAKH });
    expectClean(m);
  });

  it("releases reserved shares when a SELL is cancelled", () => {
    const m = new TestMarket();
    m.placeOk("alice", { side: "BUY", quantity: 5 });
    const id = m.placeOk("alice", { side: "SELL", quantity: 5, type: "LIMIT", price: 260_000 });
    m.cancel("alice", id);
    expect(m.holding("alice")).toMatchObject({ quantity: 5, reservedQuantity: 0 });
  });

  it("answers a clear error for executed or cancelled orders and changes nothing", () => {
    const m = new TestMarket();
    const executed = m.placeOk("alice", { side: "BUY", quantity: 1 });
    expect(m.cancel("alice", executed)).toMatchObject({ ok: false, code: "ORDER_NOT_OPEN", message: expect.stringContaining("EXECUTED") });
    const resting = m.placeOk("alice", { side: "BUY", quantity: 1, type: "LIMIT", price: 240_000 });
    m.cancel("alice", resting);
    const seq = m.engine.lastSeq;
    expect(m.cancel("alice", resting)).toMatchObject({ ok: false, code: "ORDER_NOT_OPEN" });
    expect(m.engine.lastSeq).toBe(seq);
  });

  it("answers not found for another user's order, exactly as for a missing one", () => {
    const m = new TestMarket();
    const id = m.placeOk("alice", { side: "BUY", quantity: 1, type: "LIMIT", price: 240_000 });
    const stolen = m.cancel("bob", id);
    const missing = m.cancel("bob", "no-such-order");
    expect(stolen).toMatchObject({ ok: false, code: "ORDER_NOT_FOUND" });
    expect(missing).toMatchObject({ ok: false, code: "ORDER_NOT_FOUND" });
    expect(m.engine.order("bob", id)).toBeUndefined();
    expect(m.modify("bob", id, { quantity: 2 })).toMatchObject({ code: "ORDER_NOT_FOUND" });
    expect(m.order("alice", id).state).toBe("PLACED");
  });
});

describe("modify", () => {
  it("changes price and quantity, re-blocking exactly what the new order needs", () => {
    const m = new TestMarket();
    const id = m.placeOk("alice", { side: "BUY", quantity: 3, type: "LIMIT", price: 240_000 });
    const r = m.modify("alice", id, { quantity: 5, price: 245_000 });
    expect(r.order).toMatchObject({ state: "PLACED", quantity: 5, price: 245_000 });
    expect(r.events.map((e) => e.type)).toEqual(["order.modified", "funds.changed"]);
    expect(m.funds("alice").blocked).toBe(5 * 245_000);
    expectClean(m);
  });

  it("fills at once when the new price is marketable", () => {
    const m = new TestMarket();
    const id = m.placeOk("alice", { side: "BUY", quantity: 3, type: "LIMIT", price: 240_000 });
    const r = m.modify("alice", id, { price: 255_000 });
    expect(r.order).toMatchObject({ state: "EXECUTED", averageFillPrice: 250_000 });
    expect(m.funds("alice").blocked).toBe(0);
  });

  it("refuses a modification that cannot be funded and leaves the order as it was", () => {
    const m = new TestMarket({ alice: 1_000_000 });
    const id = m.placeOk("alice", { side: "BUY", quantity: 4, type: "LIMIT", price: 240_000 });
    expect(m.modify("alice", id, { quantity: 5 })).toMatchObject({ ok: false, code: "INSUFFICIENT_FUNDS" });
    expect(m.order("alice", id)).toMatchObject({ quantity: 4, price: 240_000 });
    expect(m.funds("alice").blocked).toBe(960_000);
  });

  it("refuses quantity at or below what has already filled", () => {
    const m = new TestMarket();
    const id = m.placeOk("alice", { side: "BUY", quantity: 10, type: "LIMIT", price: 240_000 });
    m.tick(240_000, 4);
    expect(m.order("alice", id)).toMatchObject({ state: "PARTIALLY_EXECUTED", filledQuantity: 4 });
    expect(m.modify("alice", id, { quantity: 4 })).toMatchObject({ ok: false, code: "INVALID_QUANTITY" });
    m.tick(245_000, 0); // the market moves away, so the order is no longer marketable
    const r = m.modify("alice", id, { quantity: 6 });
    expect(r.order).toMatchObject({ quantity: 6, state: "PARTIALLY_EXECUTED" });
    expect(m.funds("alice").blocked).toBe(2 * 240_000);
  });

  it("refuses fields the order type does not have, and empty modifications", () => {
    const m = new TestMarket();
    const id = m.placeOk("alice", { side: "BUY", quantity: 1, type: "LIMIT", price: 240_000 });
    expect(m.modify("alice", id, { triggerPrice: 260_000 })).toMatchObject({ code: "MODIFY_NOT_ALLOWED" });
    expect(m.modify("alice", id, { price: 240_000 })).toMatchObject({ code: "NOTHING_TO_MODIFY" });
    expect(m.modify("alice", id, { price: 240_001 })).toMatchObject({ code: "PRICE_NOT_ON_TICK" });
    const stop = m.placeOk("alice", { side: "BUY", quantity: 1, type: "SL_M", triggerPrice: 260_000 });
    expect(m.modify("alice", stop, { price: 261_000 })).toMatchObject({ code: "MODIFY_NOT_ALLOWED" });
  });

  it("moves a stop's trigger and re-blocks at the new trigger", () => {
    const m = new TestMarket();
    const id = m.placeOk("alice", { side: "BUY", quantity: 2, type: "SL_M", triggerPrice: 260_000 });
    expect(m.funds("alice").blocked).toBe(520_000);
    m.modify("alice", id, { triggerPrice: 270_000 });
    expect(m.funds("alice").blocked).toBe(540_000);
    m.tick(265_000);
    expect(m.order("alice", id).state).toBe("TRIGGER_PENDING");
    m.tick(270_000);
    expect(m.order("alice", id)).toMatchObject({ state: "EXECUTED", averageFillPrice: 270_000 });
  });
});

describe("idempotent clientOrderId", () => {
  it("returns the original order for a retry with the same parameters, never a second order", () => {
    const m = new TestMarket();
    const first = m.place("alice", { side: "BUY", quantity: 2, clientOrderId: "abc" });
    const again = m.place("alice", { side: "BUY", quantity: 2, clientOrderId: "abc" });
    expect(again).toMatchObject({ ok: true, duplicate: true, events: [] });
    expect(again.order?.orderId).toBe(first.order?.orderId);
    expect(m.engine.orders("alice")).toHaveLength(1);
    expect(m.holding("alice")?.quantity).toBe(2);
  });

  it("answers a conflict when the same key comes with different parameters", () => {
    const m = new TestMarket();
    m.place("alice", { side: "BUY", quantity: 2, clientOrderId: "abc" });
    expect(m.place("alice", { side: "BUY", quantity: 3, clientOrderId: "abc" })).toMatchObject({ ok: false, code: "IDEMPOTENCY_CONFLICT" });
    expect(m.engine.orders("alice")).toHaveLength(1);
  });

  it("keeps keys per user", () => {
    const m = new TestMarket();
    m.place("alice", { side: "BUY", quantity: 2, clientOrderId: "abc" });
    expect(m.place("bob", { side: "BUY", quantity: 3, clientOrderId: "abc" })).toMatchObject({ ok: true });
  });

  it("repeats the original rejection for a retried rejected order", () => {
    const m = new TestMarket();
    const first = m.place("alice", { side: "SELL", quantity: 2, clientOrderId: "s1" });
    const again = m.place("alice", { side: "SELL", quantity: 2, clientOrderId: "s1" });
    expect(again).toMatchObject({ ok: false, code: "INSUFFICIENT_HOLDINGS", events: [] });
    expect(again.order?.orderId).toBe(first.order?.orderId);
  });
});

describe("average price and realized P&L", () => {
  it("weights the average on BUY and keeps it on SELL, exact to the paisa", () => {
    const m = new TestMarket();
    m.placeOk("alice", { side: "BUY", quantity: 3 }); // 3 @ 2500.00
    m.tick(250_105);
    m.placeOk("alice", { side: "BUY", quantity: 4 }); // 4 @ 2501.05
    // cost 750000 + 1000420 = 1750420 over 7 = 250060 exactly
    expect(m.holding("alice")).toMatchObject({ quantity: 7, averagePrice: 250_060, investedValue: 1_750_420 });
    m.tick(251_000);
    m.placeOk("alice", { side: "SELL", quantity: 2 });
    // cost removed round(1750420 * 2 / 7) = 500120; proceeds 502000
    expect(m.holding("alice")).toMatchObject({ quantity: 5, averagePrice: 250_060, investedValue: 1_250_300, realizedPnl: 1_880 });
    m.placeOk("alice", { side: "SELL", quantity: 5 });
    // whole remaining cost basis leaves: realized = 7 sold for 1757000 - 1750420
    expect(m.holding("alice")).toMatchObject({ quantity: 0, investedValue: 0, realizedPnl: 6_580 });
    expect(m.funds("alice")).toMatchObject({ cash: 10 * LAKH + 6_580, totalPnl: 6_580 });
  });

  it("rounds the average half away from zero when it is not a whole paisa", () => {
    const m = new TestMarket();
    m.placeOk("alice", { side: "BUY", quantity: 1 }); // 250000
    m.tick(250_005);
    m.placeOk("alice", { side: "BUY", quantity: 1 }); // 250005 -> average 250002.5
    expect(m.holding("alice")).toMatchObject({ averagePrice: 250_003, investedValue: 500_005 });
  });

  it("values holdings at the market: unrealized P&L, day change, equity", () => {
    const m = new TestMarket();
    m.placeOk("alice", { side: "BUY", quantity: 10 });
    m.tick(255_000);
    expect(m.holding("alice")).toMatchObject({
      ltp: 255_000,
      currentValue: 2_550_000,
      unrealizedPnl: 50_000,
      unrealizedPnlPercent: 2,
      dayChange: 50_000,
    });
    expect(m.funds("alice")).toMatchObject({ holdingsValue: 2_550_000, equity: 10 * LAKH + 50_000, totalPnl: 50_000 });
  });
});

describe("fills", () => {
  it("refuse, as an engine bug, to fill more than an order has left or nothing at all", () => {
    const m = new TestMarket();
    const id = m.placeOk("alice", { side: "BUY", quantity: 3, type: "LIMIT", price: 245_000 });
    const store = m.engine.internals;
    const order = [...store.orders.values()].find((o) => o.orderId === id);
    if (order === undefined) throw new Error("the order is not in the store");
    expect(() => fill(store, order, 4, 245_000, 1)).toThrow(/fill of 4 for order .* which has 3 left/);
    expect(() => fill(store, order, 0, 245_000, 1)).toThrow(/fill of 0/);
    expect(m.order("alice", id)).toMatchObject({ state: "PLACED", filledQuantity: 0 });
    expect(checkInvariants(m.engine)).toEqual([]);
  });
});

describe("reservations", () => {
  const orderOf = (m: TestMarket, id: string) => {
    const order = [...m.engine.internals.orders.values()].find((o) => o.orderId === id);
    if (order === undefined) throw new Error("the order is not in the store");
    return order;
  };

  it("refuse, as an engine bug, to block more cash than the account has or a negative amount", () => {
    const m = new TestMarket();
    const id = m.placeOk("alice", { side: "BUY", quantity: 1, type: "LIMIT", price: 245_000 });
    const store = m.engine.internals;
    const funds = m.funds("alice");
    expect(() => store.setReserve(orderOf(m, id), funds.cash + 1)).toThrow(/would block .* more than the .* cash/);
    expect(() => store.setReserve(orderOf(m, id), -1)).toThrow(/reservation of -1/);
    expect(m.funds("alice")).toEqual(funds);
    expect(checkInvariants(m.engine)).toEqual([]);
  });

  it("refuse, as an engine bug, to reserve more shares than are held", () => {
    const m = new TestMarket();
    m.placeOk("alice", { side: "BUY", quantity: 2 });
    const id = m.placeOk("alice", { side: "SELL", quantity: 1, type: "LIMIT", price: 260_000 });
    const holdings = m.engine.holdings("alice");
    expect(() => m.engine.internals.setReserve(orderOf(m, id), 3)).toThrow(/would reserve 3 .* of the 2 held/);
    expect(m.engine.holdings("alice")).toEqual(holdings);
    expect(checkInvariants(m.engine)).toEqual([]);
  });
});
