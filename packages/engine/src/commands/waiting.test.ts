// Orders outside the normal market: after-market orders (AMO), pre-open orders and the opening
// auction, as a trader meets them over an evening, a pre-open and an open.
import { describe, expect, it } from "vitest";
import { Engine } from "../engine.js";
import { checkInvariants } from "../invariants.js";
import { TestMarket, throughJson } from "../testing/market.js";
import type { CommandResult, InstrumentSpec, OpeningPrice } from "../types.js";

/** A market that has just closed for the day at RELIANCE ₹2,500. */
function evening(): TestMarket {
  const m = new TestMarket();
  m.ok(m.apply({ kind: "closeSession", time: m.now() }));
  return m;
}

const preOpen = (m: TestMarket) => m.ok(m.apply({ kind: "startPreOpen", time: m.now() }));
const auction = (m: TestMarket, prices: OpeningPrice[]): CommandResult => m.apply({ kind: "openingAuction", time: m.now(), prices });
const open = (m: TestMarket) => m.ok(m.apply({ kind: "openSession", time: m.now() }));

describe("after-market orders", () => {
  it("are accepted while the market is closed, block funds, and wait for the next pre-open", () => {
    const m = evening();
    const result = m.ok(m.place("alice", { side: "BUY", quantity: 10, type: "LIMIT", price: 249_000 }));
    expect(result.order).toMatchObject({ state: "PLACED", amo: true, waitingFor: "pre-open" });
    expect(m.funds("alice").blocked).toBe(10 * 249_000);
    expect(m.engine.waitingOrderCount()).toBe(1);
    expect(checkInvariants(m.engine)).toEqual([]);
  });

  it("can be modified and cancelled while they wait, funds following", () => {
    const m = evening();
    const id = m.placeOk("alice", { side: "BUY", quantity: 10, type: "LIMIT", price: 249_000 });
    m.ok(m.modify("alice", id, { quantity: 20, price: 248_000 }));
    expect(m.order("alice", id)).toMatchObject({ quantity: 20, price: 248_000, waitingFor: "pre-open" });
    expect(m.funds("alice").blocked).toBe(20 * 248_000);
    m.ok(m.cancel("alice", id));
    expect(m.order("alice", id)).toMatchObject({ state: "CANCELLED", amo: true, waitingFor: null });
    expect(m.funds("alice").blocked).toBe(0);
    expect(m.engine.waitingOrderCount()).toBe(0);
  });

  it("enter pre-open and fill at the opening price when it crosses them, not at their limit", () => {
    const m = evening();
    const buy = m.placeOk("alice", { side: "BUY", quantity: 10, type: "LIMIT", price: 251_000 });
    const below = m.placeOk("alice", { side: "BUY", quantity: 5, type: "LIMIT", price: 240_000 });
    const entered = preOpen(m);
    expect(entered.events.filter((e) => e.type === "order.entered")).toHaveLength(2);
    expect(m.order("alice", buy)).toMatchObject({ waitingFor: null, amo: true, state: "PLACED" });
    m.ok(auction(m, [{ symbol: "RELIANCE", price: 250_500, volume: 100 }]));
    expect(m.order("alice", buy)).toMatchObject({ state: "EXECUTED", averageFillPrice: 250_500 });
    expect(m.order("alice", below)).toMatchObject({ state: "PLACED" });
    expect(m.engine.quote("RELIANCE")).toMatchObject({ open: 250_500, lastTradedPrice: 250_500, previousClose: 250_000 });
    expect(m.funds("alice").blocked).toBe(5 * 240_000);
  });

  it("a MARKET order blocks cash at the band's top, takes part in the opening price, and gets the difference back", () => {
    const m = new TestMarket();
    m.ok(m.apply({ kind: "addInstrument", time: m.now(), instrument: BANDED }));
    m.ok(m.apply({ kind: "closeSession", time: m.now() }));
    const id = m.placeOk("alice", { symbol: "BANDED", side: "BUY", quantity: 10 });
    expect(m.order("alice", id)).toMatchObject({ waitingFor: "pre-open", amo: true });
    expect(m.funds("alice").blocked).toBe(10 * 105_00);
    preOpen(m);
    expect(m.order("alice", id)).toMatchObject({ waitingFor: "auction" });
    // A MARKET order placed in pre-open is not an AMO, and waits for the auction too.
    const inPreOpen = m.placeOk("bob", { symbol: "BANDED", side: "BUY", quantity: 4 });
    expect(m.order("bob", inPreOpen)).toMatchObject({ waitingFor: "auction", amo: false });
    m.ok(auction(m, [{ symbol: "BANDED", price: 102_00, volume: 1_000 }]));
    expect(m.order("alice", id)).toMatchObject({ state: "EXECUTED", averageFillPrice: 102_00, waitingFor: null });
    expect(m.order("bob", inPreOpen)).toMatchObject({ state: "EXECUTED", averageFillPrice: 102_00 });
    expect(m.funds("alice")).toMatchObject({ blocked: 0, cash: 10_00_000_00 - 10 * 102_00 });
  });

  it("SL, SL-M and IOC orders wait for the normal market, and are checked again as they enter it", () => {
    const m = evening();
    const stop = m.placeOk("alice", { side: "BUY", quantity: 1, type: "SL_M", triggerPrice: 252_000 });
    const ioc = m.placeOk("alice", { side: "BUY", quantity: 1, type: "LIMIT", validity: "IOC", price: 250_000 });
    expect(m.order("alice", stop)).toMatchObject({ state: "TRIGGER_PENDING", waitingFor: "open", amo: true });
    preOpen(m);
    expect(m.order("alice", ioc)).toMatchObject({ waitingFor: "open" });
    // The market opens above the stop's trigger: as a new order it would be refused, so it is rejected.
    m.ok(auction(m, [{ symbol: "RELIANCE", price: 253_000, volume: 100 }]));
    const opened = open(m);
    expect(m.order("alice", stop)).toMatchObject({ state: "REJECTED", rejectReason: "INVALID_TRIGGER_PRICE", waitingFor: null });
    expect(m.order("alice", stop).history.at(-1)?.cause).toBe("entry-rejected");
    expect(m.order("alice", ioc)).toMatchObject({ state: "CANCELLED", waitingFor: null });
    expect(opened.events.map((e) => e.type)).toContain("order.entered");
    expect(m.funds("alice").blocked).toBe(0);
    expect(checkInvariants(m.engine)).toEqual([]);
  });

  it("are checked against the next session's band once the market has closed", () => {
    const m = new TestMarket();
    m.ok(m.apply({ kind: "addInstrument", time: m.now(), instrument: BANDED }));
    m.tick(104_00, 10, "BANDED");
    m.ok(m.apply({ kind: "closeSession", time: m.now() }));
    // Today's band was ₹95 to ₹105 around ₹100; tomorrow's is around today's close of ₹104.
    expect(m.engine.quote("BANDED")?.band).toEqual({ lower: 98_80, upper: 109_20 });
    expect(m.place("alice", { symbol: "BANDED", side: "BUY", quantity: 1, type: "LIMIT", price: 109_00 })).toMatchObject({ ok: true });
    expect(m.place("alice", { symbol: "BANDED", side: "BUY", quantity: 1, type: "LIMIT", price: 110_00 })).toMatchObject({
      code: "PRICE_OUTSIDE_BAND",
    });
  });

  it("survive the close, and a snapshot and restore, still waiting in the same order", () => {
    const m = evening();
    const first = m.placeOk("alice", { side: "BUY", quantity: 1, type: "LIMIT", price: 251_000 });
    const second = m.placeOk("bob", { side: "BUY", quantity: 1, type: "LIMIT", price: 251_000 });
    const restored = Engine.restore(throughJson(m.engine.snapshot()));
    expect(checkInvariants(restored)).toEqual([]);
    expect(restored.order("alice", first)).toMatchObject({ amo: true, waitingFor: "pre-open" });
    const time = m.now();
    const events = restored.apply({ kind: "startPreOpen", time }).events;
    expect(events.filter((e) => e.type === "order.entered").map((e) => ("order" in e ? e.order.orderId : ""))).toEqual([first, second]);
    expect(restored.funds("alice")?.blocked).toBe(251_000);
  });
});

describe("the opening auction", () => {
  it("refuses a bad price and changes nothing", () => {
    const m = evening();
    m.placeOk("alice", { side: "BUY", quantity: 10, type: "LIMIT", price: 251_000 });
    preOpen(m);
    const before = JSON.stringify(m.engine.snapshot());
    expect(auction(m, [{ symbol: "RELIANCE", price: 250_001, volume: 10 }])).toMatchObject({ code: "PRICE_NOT_ON_TICK" });
    expect(auction(m, [{ symbol: "NOPE", price: 250_000, volume: 10 }])).toMatchObject({ code: "UNKNOWN_INSTRUMENT" });
    expect(JSON.stringify(m.engine.snapshot())).toBe(before);
    expect(m.engine.phase).toBe("pre-open");
  });

  it("gives each account the whole auction volume, MARKET orders first", () => {
    const m = evening();
    preOpen(m);
    const market = m.placeOk("alice", { side: "BUY", quantity: 6 });
    const limit = m.placeOk("alice", { side: "BUY", quantity: 6, type: "LIMIT", price: 251_000 });
    const bobs = m.placeOk("bob", { side: "BUY", quantity: 10, type: "LIMIT", price: 251_000 });
    m.ok(auction(m, [{ symbol: "RELIANCE", price: 250_000, volume: 10 }]));
    expect(m.order("alice", market)).toMatchObject({ state: "EXECUTED", filledQuantity: 6 });
    expect(m.order("alice", limit)).toMatchObject({ state: "PARTIALLY_EXECUTED", filledQuantity: 4 });
    expect(m.order("bob", bobs)).toMatchObject({ state: "EXECUTED", filledQuantity: 10 });
  });

  it("leaves a MARKET order the volume did not fill to enter at the open", () => {
    const m = evening();
    preOpen(m);
    const id = m.placeOk("alice", { side: "BUY", quantity: 20 });
    m.ok(auction(m, [{ symbol: "RELIANCE", price: 250_000, volume: 5 }]));
    expect(m.order("alice", id)).toMatchObject({ state: "PARTIALLY_EXECUTED", filledQuantity: 5, waitingFor: "open" });
    // Orders placed after the auction wait for the open too.
    const late = m.placeOk("alice", { side: "SELL", quantity: 5, type: "LIMIT", price: 260_000 });
    expect(m.order("alice", late)).toMatchObject({ waitingFor: "open", amo: true });
    open(m);
    expect(m.order("alice", id)).toMatchObject({ state: "EXECUTED", filledQuantity: 20, waitingFor: null });
    expect(m.order("alice", late)).toMatchObject({ state: "PLACED", waitingFor: null });
  });

  it("comes only in pre-open, and ticks only in the normal market", () => {
    const m = evening();
    expect(auction(m, [])).toMatchObject({ code: "INVALID_COMMAND" });
    preOpen(m);
    expect(m.apply({ kind: "tick", time: m.now(), symbol: "RELIANCE", price: 250_000, volume: 1 })).toMatchObject({
      code: "MARKET_CLOSED",
    });
    expect(m.apply({ kind: "startPreOpen", time: m.now() })).toMatchObject({ code: "INVALID_COMMAND" });
  });
});

/** A ₹100 share with a 5 % band. */
const BANDED: InstrumentSpec = {
  symbol: "BANDED",
  name: "Banded Ltd",
  exchange: "NSE",
  instrumentType: "EQ",
  tickSize: 5,
  lotSize: 1,
  price: 100_00,
  band: 5,
};
