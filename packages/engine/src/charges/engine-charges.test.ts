// Charges as the engine takes them: paid from cash as trades fill, blocked with a BUY, per day.
import { describe, expect, it } from "vitest";
import { TestMarket } from "../testing/market.js";
import { DEFAULT_CHARGE_RATES } from "./rates.js";

function charged(): TestMarket {
  const m = new TestMarket();
  m.ok(m.apply({ kind: "setChargeRates", time: m.now(), rates: DEFAULT_CHARGE_RATES }));
  return m;
}

describe("charges in the engine", () => {
  it("debits a delivery buy's charges from cash as it fills, and counts them today", () => {
    const m = charged();
    const cash = m.funds("alice").cash;
    m.placeOk("alice", { side: "BUY", quantity: 40 }); // 40 RELIANCE at ₹2,500 = ₹1,00,000
    // STT ₹100, exchange ₹2.97, IPFT ₹0.10, SEBI ₹0.10, stamp ₹15, GST 18 % of ₹3.17 = ₹0.57.
    const charges = 100_00 + 2_97 + 10 + 10 + 15_00 + 57;
    expect(m.funds("alice")).toMatchObject({ cash: cash - 1_00_000_00 - charges, chargesToday: charges, chargesPaid: charges });
  });

  it("charges a day's fills once on their totals: the debits add up to the day's contract note", () => {
    const m = charged();
    for (let i = 0; i < 3; i++) m.placeOk("alice", { side: "BUY", quantity: 1 }); // ₹2,500 each
    // Alone, each ₹2.50 of STT would round to ₹3; on the day's ₹7,500 it is ₹7.50 -> ₹8.
    const sttAndStamp = 8_00 + 1_13; // stamp 0.015 % of ₹7,500 = ₹1.125 -> ₹1.13
    expect(m.funds("alice").chargesToday).toBe(sttAndStamp + 22 + 1 + 1 + 4);
  });

  it("blocks a BUY's charges beside its value, and refuses one the cash cannot pay with them", () => {
    const m = charged();
    const id = m.placeOk("alice", { side: "BUY", quantity: 10, type: "LIMIT", price: 240_000 });
    expect(m.funds("alice").blocked).toBeGreaterThan(10 * 240_000);
    const poor = new TestMarket({ carol: 2_500_00 });
    poor.ok(poor.apply({ kind: "setChargeRates", time: poor.now(), rates: DEFAULT_CHARGE_RATES }));
    expect(poor.place("carol", { side: "BUY", quantity: 1 })).toMatchObject({ code: "INSUFFICIENT_FUNDS" });
    expect(m.apply({ kind: "setChargeRates", time: m.now(), rates: null })).toMatchObject({ code: "INVALID_COMMAND" });
    m.ok(m.cancel("alice", id));
  });

  it("starts each trading day's charges afresh, and takes DP charges on a delivery sell", () => {
    const m = charged();
    m.placeOk("alice", { side: "BUY", quantity: 4 });
    m.ok(m.apply({ kind: "closeSession", time: m.now() }));
    m.ok(m.apply({ kind: "openSession", time: m.now() }));
    expect(m.funds("alice").chargesToday).toBe(0);
    const paid = m.funds("alice").chargesPaid;
    m.placeOk("alice", { side: "SELL", quantity: 2 });
    m.placeOk("alice", { side: "SELL", quantity: 2 });
    const today = m.funds("alice").chargesToday;
    // ₹10,000 sold: STT ₹10, exchange ₹0.30, IPFT ₹0.01, SEBI ₹0.01, DP ₹13.50 once, GST 18 % of ₹13.82 = ₹2.49.
    expect(today).toBe(10_00 + 30 + 1 + 1 + 13_50 + 2_49);
    expect(m.funds("alice").chargesPaid).toBe(paid + today);
  });
});
