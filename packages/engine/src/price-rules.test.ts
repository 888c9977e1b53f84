// NSE's price rules as the engine applies them: the tick size by price, and the daily band.
import { describe, expect, it } from "vitest";
import { Engine } from "./engine.js";
import { tickSizeFor } from "./price-rules.js";
import { SEED_INSTRUMENTS } from "./seed.js";
import type { InstrumentSpec } from "./types.js";

const spec = (symbol: string, rupees: number, band?: InstrumentSpec["band"]): InstrumentSpec => ({
  symbol,
  name: symbol,
  exchange: "NSE",
  instrumentType: "EQ",
  tickSize: 1,
  lotSize: 1,
  price: Math.round(rupees * 100),
  tickSizeRule: "nse",
  band,
});

function market(...specs: InstrumentSpec[]): Engine {
  const engine = new Engine();
  for (const instrument of specs) engine.apply({ kind: "addInstrument", time: 1, instrument });
  engine.apply({ kind: "openAccount", time: 1, userId: "u", cash: 1e12 });
  return engine;
}

const limit = (engine: Engine, symbol: string, price: number, orderId = "O1") =>
  engine.apply({
    kind: "placeOrder",
    time: 2,
    userId: "u",
    orderId,
    order: { symbol, side: "BUY", type: "LIMIT", quantity: 1, price, validity: "DAY" },
  });

describe("NSE's tick size by price", () => {
  it("steps at each boundary of the table", () => {
    const table: Array<[number, number]> = [
      [249.99, 0.01],
      [250, 0.05],
      [1_000, 0.05],
      [1_000.1, 0.1],
      [5_000, 0.1],
      [5_000.5, 0.5],
      [10_000, 0.5],
      [10_001, 1],
      [20_000, 1],
      [20_005, 5],
    ];
    expect(table.map(([price]) => tickSizeFor(Math.round(price * 100)) / 100)).toEqual(table.map(([, tick]) => tick));
  });

  it("has MARUTI at ₹16,000 trade in steps of ₹1.00, refusing ₹0.05 steps", () => {
    const engine = market(spec("MARUTI", 16_020));
    expect(engine.quote("MARUTI")?.tickSize).toBe(100);
    expect(limit(engine, "MARUTI", 16_000_05)).toMatchObject({ ok: false, code: "PRICE_NOT_ON_TICK" });
    expect(limit(engine, "MARUTI", 16_001_00)).toMatchObject({ ok: true });
  });

  it("reviews the tick size at the next session open, from the previous close", () => {
    const engine = market(spec("WIPRO", 249));
    expect(engine.quote("WIPRO")?.tickSize).toBe(1);
    engine.apply({ kind: "tick", time: 3, symbol: "WIPRO", price: 251_03, volume: 1 });
    // The day's tick size holds until the next review.
    expect(engine.quote("WIPRO")?.tickSize).toBe(1);
    engine.apply({ kind: "closeSession", time: 4 });
    engine.apply({ kind: "openSession", time: 5 });
    expect(engine.quote("WIPRO")).toMatchObject({ previousClose: 251_03, tickSize: 5 });
    expect(Engine.restore(JSON.parse(JSON.stringify(engine.snapshot())) as ReturnType<Engine["snapshot"]>).quote("WIPRO")?.tickSize).toBe(
      5,
    );
  });
});

describe("price bands", () => {
  it("refuses an order priced outside a fixed band, saying what the band is, and a tick too", () => {
    const engine = market(spec("SMALL", 100, 5));
    expect(engine.quote("SMALL")?.band).toEqual({ lower: 95_00, upper: 105_00 });
    const refused = limit(engine, "SMALL", 105_01);
    expect(refused).toMatchObject({ ok: false, code: "PRICE_OUTSIDE_BAND" });
    expect(refused.ok ? "" : refused.message).toContain("₹95.00 to ₹105.00");
    expect(limit(engine, "SMALL", 105_00)).toMatchObject({ ok: true });
    expect(engine.apply({ kind: "tick", time: 3, symbol: "SMALL", price: 94_99, volume: 1 })).toMatchObject({
      ok: false,
      code: "PRICE_OUTSIDE_BAND",
    });
  });

  it("says when the price sits at its upper or lower circuit", () => {
    const engine = market(spec("SMALL", 100, 20));
    engine.apply({ kind: "tick", time: 3, symbol: "SMALL", price: 120_00, volume: 1 });
    expect(engine.quote("SMALL")?.circuit).toBe("upper");
    engine.apply({ kind: "tick", time: 4, symbol: "SMALL", price: 80_00, volume: 1 });
    expect(engine.quote("SMALL")?.circuit).toBe("lower");
    engine.apply({ kind: "tick", time: 5, symbol: "SMALL", price: 100_00, volume: 1 });
    expect(engine.quote("SMALL")?.circuit).toBeNull();
  });

  it("flexes a dynamic band by 5 % when a trade reaches 9.90 %, sliding both edges, and resets it at the open", () => {
    const engine = market(spec("BIG", 1_000, "dynamic"));
    engine.apply({ kind: "closeSession", time: 2 });
    engine.apply({ kind: "openSession", time: 2 });
    const big = () => engine.quote("BIG");
    expect(big()?.band).toEqual({ lower: 900_00, upper: 1_100_00 });
    expect(big()?.circuit).toBeNull();
    engine.apply({ kind: "tick", time: 3, symbol: "BIG", price: 1_098_00, volume: 1 });
    expect(big()?.band).toEqual({ lower: 900_00, upper: 1_100_00 });
    engine.apply({ kind: "tick", time: 4, symbol: "BIG", price: 1_099_00, volume: 1 });
    expect(big()?.band).toEqual({ lower: 950_00, upper: 1_150_00 });
    expect(limit(engine, "BIG", 940_00)).toMatchObject({ ok: false, code: "PRICE_OUTSIDE_BAND" });
    engine.apply({ kind: "closeSession", time: 5 });
    engine.apply({ kind: "openSession", time: 6 });
    expect(big()?.band).toEqual({ lower: 989_10, upper: 1_208_90 });
  });

  it("leaves instruments listed without a band unbounded", () => {
    const engine = market({ ...spec("OLD", 100), tickSizeRule: undefined, tickSize: 5 });
    expect(engine.quote("OLD")).toMatchObject({ band: null, circuit: null, tickSize: 5 });
    expect(limit(engine, "OLD", 1_000_00)).toMatchObject({ ok: true });
  });
});

describe("the seeded instruments", () => {
  it("each list at a price on its own tick size, so a LIMIT at the listing price is taken", () => {
    const offTick = SEED_INSTRUMENTS.filter((s) => s.price % tickSizeFor(s.price) !== 0).map((s) => `${s.symbol} ${s.price}`);
    expect(offTick).toEqual([]);
  });
});
