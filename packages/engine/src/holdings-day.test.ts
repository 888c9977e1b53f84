// A holding's day change: shares held since before today's open move from the previous close,
// shares bought today from their buy price, so a position bought today shows the same day and
// total P&L.
import { describe, expect, it } from "vitest";
import { Engine } from "./engine.js";
import { RELIANCE, TestMarket } from "./testing/market.js";

function market(): Engine {
  const engine = new Engine();
  engine.apply({ kind: "addInstrument", time: 1, instrument: RELIANCE });
  engine.apply({ kind: "openAccount", time: 1, userId: "u", cash: 1e12 });
  return engine;
}

const buy = (engine: Engine, time: number, quantity: number, side: "BUY" | "SELL" = "BUY") =>
  engine.apply({
    kind: "placeOrder",
    time,
    userId: "u",
    orderId: `O${time}`,
    order: { symbol: "RELIANCE", side, type: "MARKET", quantity, validity: "DAY" },
  });
const tick = (engine: Engine, time: number, price: number) => engine.apply({ kind: "tick", time, symbol: "RELIANCE", price, volume: 1 });
const holding = (engine: Engine) => engine.holdings("u")[0];

describe("a holding's day change", () => {
  it("counts shares bought today from their buy price: day and total P&L agree", () => {
    const engine = market();
    const close = engine.quote("RELIANCE")?.previousClose as number;
    tick(engine, 2, close + 1_000);
    buy(engine, 3, 10);
    tick(engine, 4, close + 1_500);
    expect(holding(engine)).toMatchObject({ unrealizedPnl: 10 * 500, dayChange: 10 * 500 });
  });

  it("counts shares carried from before the open from the previous close, and today's from their price", () => {
    const engine = market();
    const start = engine.quote("RELIANCE")?.previousClose as number;
    buy(engine, 2, 10);
    engine.apply({ kind: "closeSession", time: 3 });
    engine.apply({ kind: "openSession", time: 4 });
    tick(engine, 5, start + 1_000);
    buy(engine, 6, 5);
    tick(engine, 7, start + 2_000);
    // 10 carried: +2,000 each from the close; 5 bought today at +1,000: +1,000 each.
    expect(holding(engine)?.dayChange).toBe(10 * 2_000 + 5 * 1_000);
    // A sale takes the carried shares first.
    buy(engine, 8, 12, "SELL");
    expect(holding(engine)).toMatchObject({ quantity: 3, dayChange: 3 * 1_000 });
    // The next day, everything is carried.
    engine.apply({ kind: "closeSession", time: 9 });
    engine.apply({ kind: "openSession", time: 10 });
    expect(holding(engine)?.dayChange).toBe(0);
    expect(
      Engine.restore(JSON.parse(JSON.stringify(engine.snapshot())) as ReturnType<Engine["snapshot"]>).holdings("u")[0]?.dayChange,
    ).toBe(0);
  });
});

describe("T+1 settlement", () => {
  it("shows today's delivery buys as T1 until the next trading day, and they can be sold meanwhile", () => {
    const m = new TestMarket();
    m.placeOk("alice", { side: "BUY", quantity: 10 });
    expect(m.holding("alice")).toMatchObject({ quantity: 10, t1Quantity: 10 });
    m.placeOk("alice", { side: "SELL", quantity: 4 });
    expect(m.holding("alice")).toMatchObject({ quantity: 6, t1Quantity: 6 });
    m.ok(m.apply({ kind: "closeSession", time: m.now() }));
    m.ok(m.apply({ kind: "openSession", time: m.now() }));
    expect(m.holding("alice")).toMatchObject({ quantity: 6, t1Quantity: 0 });
  });

  it("counts realized P&L in funds, gross and net of charges", () => {
    const m = new TestMarket();
    m.placeOk("alice", { side: "BUY", quantity: 10 });
    m.tick(260_000);
    m.placeOk("alice", { side: "SELL", quantity: 10 });
    expect(m.funds("alice")).toMatchObject({ realizedPnl: 10 * 10_000, realizedPnlNet: 10 * 10_000 });
  });
});
