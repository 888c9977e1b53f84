// Intraday (MIS) trading as a trader meets it: margin instead of the full value, short selling,
// exits that need no margin, the broker's square-off with its fee, conversions, positions.
import { describe, expect, it } from "vitest";
import { DEFAULT_CHARGE_RATES } from "./charges/rates.js";
import { checkInvariants } from "./invariants.js";
import { Engine } from "./engine.js";
import { TestMarket, throughJson } from "./testing/market.js";

const RS = 100; // paise per rupee

function market(users?: Record<string, number>): TestMarket {
  return new TestMarket(users);
}

function sound(m: TestMarket): void {
  expect(checkInvariants(m.engine)).toEqual([]);
}

describe("intraday margin", () => {
  it("holds a fifth of an MIS position's value as margin, not its value", () => {
    const m = market();
    const cash = m.funds("alice").cash;
    m.placeOk("alice", { side: "BUY", quantity: 100, product: "MIS" }); // 100 × ₹2,500 = ₹2,50,000
    expect(m.funds("alice")).toMatchObject({ cash, marginUsed: 50_000 * RS, blocked: 0, available: cash - 50_000 * RS });
    const [position] = m.engine.positions("alice");
    expect(position).toMatchObject({ symbol: "RELIANCE", product: "MIS", quantity: 100, averagePrice: 2_500 * RS, margin: 50_000 * RS });
    sound(m);
  });

  it("lets a trader buy five times the cash intraday, and no more", () => {
    const m = market({ carol: 50_000 * RS });
    expect(m.place("carol", { side: "BUY", quantity: 101, product: "MIS" })).toMatchObject({
      code: "INSUFFICIENT_FUNDS",
      message: expect.stringContaining("intraday needs ₹50,500.00 of margin") as string,
    });
    m.placeOk("carol", { side: "BUY", quantity: 100, product: "MIS" });
    expect(m.funds("carol").available).toBe(0);
    // The same 100 shares for delivery need ₹2,50,000.
    expect(market({ carol: 50_000 * RS }).place("carol", { side: "BUY", quantity: 100 })).toMatchObject({ code: "INSUFFICIENT_FUNDS" });
  });

  it("previews a basket's margin as placing it in order would hold it, without placing anything", () => {
    const m = market({ carol: 10_000 * RS });
    m.placeOk("carol", { side: "BUY", quantity: 2 }); // ₹5,000 of delivery
    const preview = m.engine.basketMargin("carol", [
      { symbol: "RELIANCE", side: "BUY", type: "MARKET", validity: "DAY", quantity: 10, product: "MIS" },
      { symbol: "RELIANCE", side: "SELL", type: "LIMIT", validity: "DAY", quantity: 10, price: 2_600 * RS, product: "MIS" },
      { symbol: "RELIANCE", side: "SELL", type: "MARKET", validity: "DAY", quantity: 3 },
      { symbol: "INFY", side: "BUY", type: "LIMIT", validity: "DAY", quantity: 1, price: 1_400 * RS },
    ]);
    expect(preview?.orders.map((o) => o.blocked)).toEqual([5_000 * RS, 0, 0, 1_400 * RS]);
    expect(preview?.orders[2]?.refusal).toMatchObject({ code: "INSUFFICIENT_HOLDINGS" });
    expect(preview).toMatchObject({ blocked: 6_400 * RS, available: 5_000 * RS, shortfall: 1_400 * RS });
    expect(m.funds("carol")).toMatchObject({ blocked: 0, marginUsed: 0 });
  });

  it("takes the leverage an instrument gives", () => {
    const m = new TestMarket();
    const spec = {
      symbol: "HALF",
      name: "Half Margin Ltd",
      exchange: "NSE",
      instrumentType: "EQ",
      tickSize: 5,
      lotSize: 1,
      price: 1_000 * RS,
      intradayLeverage: 2,
    } as const;
    m.ok(m.apply({ kind: "addInstrument", time: m.now(), instrument: spec }));
    m.placeOk("alice", { symbol: "HALF", side: "BUY", quantity: 10, product: "MIS" });
    expect(m.funds("alice").marginUsed).toBe(5_000 * RS);
    const bad = { ...spec, symbol: "BAD", intradayLeverage: 0.5 };
    expect(m.apply({ kind: "addInstrument", time: m.now(), instrument: bad })).toMatchObject({ code: "INVALID_COMMAND" });
  });

  it("blocks margin for a resting MIS order and releases it on cancel", () => {
    const m = market();
    const id = m.placeOk("alice", { side: "BUY", quantity: 10, type: "LIMIT", price: 2_400 * RS, product: "MIS" });
    expect(m.funds("alice")).toMatchObject({ blocked: 4_800 * RS, marginUsed: 0 });
    m.ok(m.modify("alice", id, { quantity: 20 }));
    expect(m.funds("alice").blocked).toBe(9_600 * RS);
    m.ok(m.cancel("alice", id));
    expect(m.funds("alice").blocked).toBe(0);
    sound(m);
  });
});

describe("short selling and exits", () => {
  it("sells short intraday without holding the shares, and books the profit when covered", () => {
    const m = market();
    const cash = m.funds("alice").cash;
    expect(m.place("alice", { side: "SELL", quantity: 10 })).toMatchObject({ code: "INSUFFICIENT_HOLDINGS" }); // CNC: no shorts
    m.placeOk("alice", { side: "SELL", quantity: 10, product: "MIS" });
    expect(m.engine.positions("alice")[0]).toMatchObject({ quantity: -10, margin: 5_000 * RS, sellValue: 25_000 * RS });
    m.tick(2_400 * RS);
    expect(m.engine.positions("alice")[0]).toMatchObject({ pnl: 1_000 * RS, unrealizedPnl: 1_000 * RS, realizedPnl: 0 });
    m.placeOk("alice", { side: "BUY", quantity: 10, product: "MIS" });
    expect(m.funds("alice")).toMatchObject({ cash: cash + 1_000 * RS, marginUsed: 0, blocked: 0, realizedPnl: 1_000 * RS });
    expect(m.engine.positions("alice")[0]).toMatchObject({ quantity: 0, pnl: 1_000 * RS, realizedPnl: 1_000 * RS, unrealizedPnl: 0 });
    sound(m);
  });

  it("needs no margin to exit: a SELL against a long holds nothing, beyond it the short part does", () => {
    const m = market({ carol: 50_000 * RS });
    m.placeOk("carol", { side: "BUY", quantity: 100, product: "MIS" });
    expect(m.funds("carol").available).toBe(0);
    const exit = m.placeOk("carol", { side: "SELL", quantity: 100, type: "LIMIT", price: 2_600 * RS, product: "MIS" });
    expect(m.order("carol", exit).state).toBe("PLACED");
    expect(m.funds("carol").blocked).toBe(0);
    expect(m.place("carol", { side: "SELL", quantity: 1, type: "LIMIT", price: 2_600 * RS, product: "MIS" })).toMatchObject({
      code: "INSUFFICIENT_FUNDS",
    });
    m.tick(2_600 * RS);
    expect(m.funds("carol")).toMatchObject({ cash: 60_000 * RS, marginUsed: 0, blocked: 0 });
    sound(m);
  });

  it("moves margin to a later order when an earlier exit is cancelled", () => {
    const m = market();
    m.placeOk("alice", { side: "BUY", quantity: 10, product: "MIS" });
    const first = m.placeOk("alice", { side: "SELL", quantity: 10, type: "LIMIT", price: 2_600 * RS, product: "MIS" });
    m.placeOk("alice", { side: "SELL", quantity: 10, type: "LIMIT", price: 2_700 * RS, product: "MIS" });
    expect(m.funds("alice").blocked).toBe(5_400 * RS); // the second would go short 10 at ₹2,700
    m.ok(m.cancel("alice", first));
    expect(m.funds("alice").blocked).toBe(0); // now the second closes the long
    sound(m);
  });
});

describe("the intraday square-off", () => {
  it("cancels open MIS orders, closes positions at the last price with the fee, and refuses MIS until the next day", () => {
    const m = market();
    m.ok(m.apply({ kind: "setChargeRates", time: m.now(), rates: DEFAULT_CHARGE_RATES }));
    m.placeOk("alice", { side: "BUY", quantity: 10, product: "MIS" });
    const resting = m.placeOk("alice", { side: "BUY", quantity: 5, type: "LIMIT", price: 2_000 * RS, product: "MIS" });
    m.tick(2_550 * RS);
    const before = m.funds("alice");
    const result = m.ok(m.apply({ kind: "squareOff", time: m.now() }));
    expect(result.events.map((e) => e.type)).toEqual([
      "order.cancelled",
      "order.accepted",
      "order.filled",
      "session.squared-off",
      "funds.changed",
    ]);
    expect(m.order("alice", resting)).toMatchObject({ state: "CANCELLED", history: [{}, { cause: "squared-off" }] });
    const fill = result.events.find((e) => e.type === "order.filled");
    expect(fill).toMatchObject({
      order: { side: "SELL", quantity: 10, product: "MIS", squareOff: true },
      trade: { price: 2_550 * RS, squareOff: true },
    });
    const after = m.funds("alice");
    expect(after).toMatchObject({ marginUsed: 0, blocked: 0 });
    // Realized ₹500; the sale's charges include the ₹50 fee and its GST (₹9).
    const charges = after.chargesToday - before.chargesToday;
    expect(charges).toBeGreaterThan(59 * RS);
    expect(after.cash).toBe(before.cash + 500 * RS - charges);
    expect(m.place("alice", { side: "BUY", quantity: 1, product: "MIS" })).toMatchObject({ code: "INTRADAY_CLOSED" });
    m.placeOk("alice", { side: "BUY", quantity: 1 });
    expect(m.apply({ kind: "squareOff", time: m.now() })).toMatchObject({ code: "INVALID_COMMAND" });
    sound(m);
    m.ok(m.apply({ kind: "closeSession", time: m.now() }));
    m.ok(m.apply({ kind: "openSession", time: m.now() }));
    m.placeOk("alice", { side: "BUY", quantity: 1, product: "MIS" });
    sound(m);
  });

  it("runs at the close when it has not run, so no intraday position outlives its day", () => {
    const m = market();
    m.placeOk("bob", { side: "SELL", quantity: 3, product: "MIS" });
    const result = m.ok(m.apply({ kind: "closeSession", time: m.now() }));
    expect(result.events.some((e) => e.type === "session.squared-off")).toBe(true);
    expect(m.funds("bob").marginUsed).toBe(0);
    expect(m.engine.positions("bob")[0]).toMatchObject({ quantity: 0, buyQuantity: 3, sellQuantity: 3 });
    sound(m);
  });
});

describe("position conversion", () => {
  it("converts an intraday long to delivery, paying its cost, and back again", () => {
    const m = market();
    const cash = m.funds("alice").cash;
    m.placeOk("alice", { side: "BUY", quantity: 10, product: "MIS" });
    const convert = (quantity: number, from: "MIS" | "CNC", to: "MIS" | "CNC") =>
      m.apply({ kind: "convertPosition", time: m.now(), userId: "alice", symbol: "RELIANCE", quantity, from, to });
    expect(convert(11, "MIS", "CNC")).toMatchObject({ code: "INSUFFICIENT_HOLDINGS" });
    const result = m.ok(convert(4, "MIS", "CNC"));
    expect(result.events.map((e) => e.type)).toEqual(["position.converted", "funds.changed"]);
    expect(m.funds("alice")).toMatchObject({ cash: cash - 10_000 * RS, marginUsed: 3_000 * RS });
    expect(m.holding("alice")).toMatchObject({ quantity: 4, t1Quantity: 4, averagePrice: 2_500 * RS });
    expect(m.engine.positions("alice")).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ product: "MIS", quantity: 6 }),
        expect.objectContaining({ product: "CNC", quantity: 4 }),
      ]),
    );
    m.ok(convert(4, "CNC", "MIS"));
    expect(m.funds("alice")).toMatchObject({ cash, marginUsed: 5_000 * RS });
    expect(m.holding("alice")).toBeUndefined();
    sound(m);
  });

  it("refuses a short to delivery, shares held from before today, and a conversion the cash cannot pay", () => {
    const m = market({ carol: 10_000 * RS });
    m.placeOk("carol", { side: "SELL", quantity: 2, product: "MIS" });
    const convert = (quantity: number, from: "MIS" | "CNC", to: "MIS" | "CNC") =>
      m.apply({ kind: "convertPosition", time: m.now(), userId: "carol", symbol: "RELIANCE", quantity, from, to });
    expect(convert(2, "MIS", "CNC")).toMatchObject({ code: "INSUFFICIENT_HOLDINGS", message: expect.stringContaining("short") as string });
    m.placeOk("carol", { side: "BUY", quantity: 2, product: "MIS" });
    m.placeOk("carol", { side: "BUY", quantity: 15, product: "MIS" }); // ₹37,500 on ₹7,500 of margin
    expect(convert(15, "MIS", "CNC")).toMatchObject({ code: "INSUFFICIENT_FUNDS" });
    expect(convert(1, "MIS", "MIS")).toMatchObject({ code: "INVALID_COMMAND" });
    m.ok(convert(1, "MIS", "CNC")); // ₹2,500 less the ₹500 of margin it releases
    m.ok(m.apply({ kind: "closeSession", time: m.now() }));
    m.ok(m.apply({ kind: "openSession", time: m.now() }));
    expect(convert(1, "CNC", "MIS")).toMatchObject({
      code: "INSUFFICIENT_HOLDINGS",
      message: expect.stringContaining("bought today") as string,
    });
    sound(m);
  });
  it("converts today's shares after older ones were sold at the holding's average cost, leaving no cost behind", () => {
    const m = market();
    m.placeOk("alice", { side: "BUY", quantity: 10 }); // ₹2,500 each, held into the next day
    m.ok(m.apply({ kind: "closeSession", time: m.now() }));
    m.ok(m.apply({ kind: "openSession", time: m.now() }));
    m.tick(3_000 * RS);
    m.placeOk("alice", { side: "BUY", quantity: 10 }); // today's, ₹3,000 each: 20 held at an average of ₹2,750
    m.placeOk("alice", { side: "SELL", quantity: 10 }); // the older ten go, at the average cost
    expect(m.holding("alice")).toMatchObject({ quantity: 10, averagePrice: 2_750 * RS });
    m.ok(m.apply({ kind: "convertPosition", time: m.now(), userId: "alice", symbol: "RELIANCE", quantity: 10, from: "CNC", to: "MIS" }));
    // What is left is the sale's realized profit, and no cost of shares no longer held.
    expect(m.holding("alice")).toMatchObject({ quantity: 0, investedValue: 0, unrealizedPnl: 0, realizedPnl: 2_500 * RS });
    expect(m.engine.positions("alice")).toEqual(
      expect.arrayContaining([expect.objectContaining({ product: "MIS", quantity: 10, averagePrice: 2_750 * RS })]),
    );
    sound(m);
  });
});

describe("positions and charges by product", () => {
  it("shows today's delivery trades as positions beside intraday ones", () => {
    const m = market();
    m.placeOk("alice", { side: "BUY", quantity: 4 });
    m.tick(2_510 * RS);
    m.placeOk("alice", { side: "SELL", quantity: 1 });
    expect(m.engine.positions("alice")).toEqual([
      {
        symbol: "RELIANCE",
        product: "CNC",
        quantity: 3,
        averagePrice: 2_500 * RS,
        buyQuantity: 4,
        buyValue: 10_000 * RS,
        sellQuantity: 1,
        sellValue: 2_510 * RS,
        ltp: 2_510 * RS,
        pnl: 40 * RS,
        realizedPnl: 10 * RS,
        unrealizedPnl: 30 * RS,
        margin: 0,
      },
    ]);
  });

  it("charges an intraday round trip as intraday: brokerage capped at ₹20 an order, STT on the sell only", () => {
    const m = market();
    m.ok(m.apply({ kind: "setChargeRates", time: m.now(), rates: DEFAULT_CHARGE_RATES }));
    m.placeOk("alice", { side: "BUY", quantity: 100, product: "MIS" }); // ₹2,50,000: 0.03 % is ₹75, capped at ₹20
    const afterBuy = m.funds("alice").chargesToday;
    // Brokerage ₹20, exchange ₹7.43 (7.425), IPFT ₹0.25, SEBI ₹0.25, stamp 0.003 % ₹7.50, GST 18 % of ₹27.93 = ₹5.03; no STT.
    expect(afterBuy).toBe(20_00 + 7_43 + 25 + 25 + 7_50 + 5_03);
    m.placeOk("alice", { side: "SELL", quantity: 100, product: "MIS" });
    // The day: brokerage ₹40, STT 0.025 % of ₹2,50,000 = ₹62.50 -> ₹63, exchange on ₹5,00,000 ₹14.85.
    const day = 40_00 + 63_00 + 14_85 + 50 + 50 + 7_50;
    const gst = Math.round((40_00 + 14_85 + 50 + 50) * 0.18);
    expect(m.funds("alice").chargesToday).toBe(day + gst);
  });

  it("restores intraday positions, their orders' margin split and the square-off state from a snapshot", () => {
    const m = market();
    m.placeOk("alice", { side: "BUY", quantity: 10, product: "MIS" });
    m.placeOk("alice", { side: "SELL", quantity: 10, type: "LIMIT", price: 2_600 * RS, product: "MIS" });
    m.placeOk("alice", { side: "SELL", quantity: 5, type: "LIMIT", price: 2_700 * RS, product: "MIS" });
    const restored = Engine.restore(throughJson(m.engine.snapshot()));
    expect(checkInvariants(restored)).toEqual([]);
    expect(restored.funds("alice")).toEqual(m.engine.funds("alice"));
    expect(restored.positions("alice")).toEqual(m.engine.positions("alice"));
    expect(restored.snapshot()).toEqual(m.engine.snapshot());
  });
});
