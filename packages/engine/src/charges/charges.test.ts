// Charges on trades: each component at its boundaries, rounding as contract notes do it, and
// examples published by a broker (cited by each).
import { describe, expect, it } from "vitest";
import { addFill, dayCharges, emptyDay, orderCharges, type ChargedFill } from "./charges.js";
import { contractNote } from "./contract-note.js";
import { DEFAULT_CHARGE_RATES as RATES } from "./rates.js";

const fill = (fields: Partial<ChargedFill> & Pick<ChargedFill, "side" | "value">): ChargedFill => ({
  orderId: "O1",
  symbol: "INFY",
  product: "MIS",
  exchange: "NSE",
  ...fields,
});

function day(...fills: ChargedFill[]) {
  const d = emptyDay();
  for (const f of fills) addFill(d, f, RATES);
  return dayCharges(d, RATES);
}

describe("brokerage", () => {
  it("is free on delivery, and on intraday the lower of 0.03 % and ₹20 per executed order", () => {
    expect(orderCharges(fill({ side: "BUY", value: 10_00_000_00, product: "CNC" }), RATES).brokerage).toBe(0);
    // ₹66,666 × 0.03 % = ₹19.9998 -> ₹20.00; ₹66,667 reaches the cap exactly there too.
    expect(orderCharges(fill({ side: "BUY", value: 66_666_00 }), RATES).brokerage).toBe(20_00);
    expect(orderCharges(fill({ side: "BUY", value: 60_000_00 }), RATES).brokerage).toBe(18_00);
    expect(orderCharges(fill({ side: "BUY", value: 5_00_000_00 }), RATES).brokerage).toBe(20_00);
  });

  it("caps an order's fills together, not each fill", () => {
    const fills = [fill({ side: "BUY", value: 50_000_00 }), fill({ side: "BUY", value: 50_000_00 })];
    expect(day(...fills).brokerage).toBe(20_00);
    expect(day(fills[0] as ChargedFill, { ...(fills[1] as ChargedFill), orderId: "O2" }).brokerage).toBe(30_00);
  });
});

describe("STT, rounded to the rupee on the contract note", () => {
  it("matches the broker's calculator: intraday 100 @ ₹100, sold @ ₹101, STT ₹2.525 shown as ₹3", () => {
    // tradingqna.com/t/stt-zerodha-brokerage-calculator/21903 (Zerodha's calculator and its answer).
    expect(day(fill({ side: "BUY", value: 10_000_00 }), fill({ orderId: "O2", side: "SELL", value: 10_100_00 })).stt).toBe(3_00);
  });

  it("matches the broker's calculator: intraday 20 @ ₹103.30, sold @ ₹103.55, STT ₹0.52 shown as ₹1", () => {
    // tradingqna.com/t/stt-tax-in-zerodha-brokerage-calculator/88483.
    expect(day(fill({ side: "BUY", value: 2_066_00 }), fill({ orderId: "O2", side: "SELL", value: 2_071_00 })).stt).toBe(1_00);
  });

  it("is 0.1 % on both sides of delivery, and only on the sell side intraday", () => {
    expect(orderCharges(fill({ side: "BUY", value: 1_00_000_00, product: "CNC" }), RATES).stt).toBe(100_00);
    expect(orderCharges(fill({ side: "SELL", value: 1_00_000_00, product: "CNC" }), RATES).stt).toBe(100_00);
    expect(orderCharges(fill({ side: "BUY", value: 1_00_000_00 }), RATES).stt).toBe(0);
    expect(orderCharges(fill({ side: "SELL", value: 1_00_000_00 }), RATES).stt).toBe(25_00);
    // ₹1,998 × 0.025 % = ₹0.4995 -> ₹0; ₹2,000 × 0.025 % = ₹0.50 -> ₹1 (halves away from zero).
    expect(orderCharges(fill({ side: "SELL", value: 1_998_00 }), RATES).stt).toBe(0);
    expect(orderCharges(fill({ side: "SELL", value: 2_000_00 }), RATES).stt).toBe(1_00);
  });
});

describe("exchange, IPFT, SEBI and stamp duty, to the paisa", () => {
  it("charges NSE 0.00297 % plus IPFT ₹10 per crore, BSE 0.00375 % without, and SEBI ₹10 per crore on both", () => {
    const crore = 1_00_00_000_00;
    expect(orderCharges(fill({ side: "BUY", value: crore }), RATES)).toMatchObject({ exchange: 297_00, ipft: 10_00, sebi: 10_00 });
    expect(orderCharges(fill({ side: "BUY", value: crore, exchange: "BSE" }), RATES)).toMatchObject({
      exchange: 375_00,
      ipft: 0,
      sebi: 10_00,
    });
    // ₹1 lakh on NSE: ₹2.97 exchange, ₹0.10 IPFT, ₹0.10 SEBI.
    expect(orderCharges(fill({ side: "SELL", value: 1_00_000_00 }), RATES)).toMatchObject({ exchange: 2_97, ipft: 10, sebi: 10 });
  });

  it("takes stamp duty on buys only: 0.015 % for delivery, 0.003 % intraday", () => {
    expect(orderCharges(fill({ side: "BUY", value: 1_00_000_00, product: "CNC" }), RATES).stampDuty).toBe(15_00);
    expect(orderCharges(fill({ side: "BUY", value: 1_00_000_00 }), RATES).stampDuty).toBe(3_00);
    expect(orderCharges(fill({ side: "SELL", value: 1_00_000_00 }), RATES).stampDuty).toBe(0);
  });

  it("adds GST of 18 % on brokerage, exchange charges, IPFT, SEBI's fee and DP charges", () => {
    const c = orderCharges(fill({ side: "SELL", value: 1_00_000_00 }), RATES);
    // brokerage ₹20 + exchange ₹2.97 + IPFT ₹0.10 + SEBI ₹0.10 = ₹23.17; 18 % = ₹4.1706 -> ₹4.17.
    expect(c).toMatchObject({ brokerage: 20_00, gst: 4_17, stt: 25_00, total: 20_00 + 2_97 + 10 + 10 + 25_00 + 4_17 });
  });
});

describe("DP charges", () => {
  it("are ₹13.50 plus GST once per scrip sold from delivery in a day, whatever the quantity or orders", () => {
    // support.zerodha.com, "What do DP charges mean?": two sells of X in a day pay once; X and Y pay twice.
    const x = fill({ side: "SELL", value: 10_000_00, product: "CNC" });
    expect(day(x, { ...x, orderId: "O2" }).dp).toBe(13_50);
    expect(day(x, { ...x, orderId: "O2", symbol: "TCS" }).dp).toBe(27_00);
    expect(day(fill({ side: "SELL", value: 10_000_00 })).dp).toBe(0);
  });
});

describe("the contract note", () => {
  it("gives each trade the charges it added, summing to the day's, and the net amount payable", () => {
    const fills = [
      fill({ side: "BUY", value: 10_000_00 }),
      fill({ orderId: "O2", side: "SELL", value: 10_100_00 }),
      fill({ orderId: "O3", side: "BUY", value: 50_000_00, product: "CNC", symbol: "TCS" }),
    ];
    const note = contractNote(fills, RATES);
    expect(note.totals).toEqual(day(...fills));
    for (const key of ["brokerage", "stt", "exchange", "gst", "total"] as const) {
      expect(note.lines.reduce((sum, l) => sum + l.charges[key], 0)).toBe(note.totals[key]);
    }
    expect(note.buyValue).toBe(60_000_00);
    expect(note.sellValue).toBe(10_100_00);
    expect(note.net).toBe(10_100_00 - 60_000_00 - note.totals.total);
  });
});

describe("a published contract note", () => {
  it("matches the exchange, SEBI, IPFT and GST lines of a Zerodha note of 13 November 2024, and its net", () => {
    // Zerodha contract note 18375000, trade date 13 Nov 2024 (published on scribd.com, document
    // 794587952): NSE capital, BUY 2 ZERODHAAMC-LIQUIDCASE at ₹105.34, delivery. The note shows
    // exchange transaction charges ₹0.01 (0.00297 % of ₹210.68 is ₹0.0063), SEBI's fee and IPFT
    // ₹0.00, taxable value of supply ₹0.01 and IGST ₹0.00 (18 % of it is ₹0.0018), net payable
    // ₹210.69. The units are a liquid ETF, which the note charges neither STT nor stamp duty; the
    // rest are the equity rates this table holds.
    const etf = { ...RATES, stt: { CNC: { buy: 0, sell: 0 }, MIS: { buy: 0, sell: 0 } }, stampDuty: { CNC: 0, MIS: 0 } };
    const note = contractNote([fill({ side: "BUY", value: 2 * 105_34, product: "CNC", symbol: "LIQUIDCASE" })], etf);
    expect(note.totals).toMatchObject({ brokerage: 0, exchange: 1, sebi: 0, ipft: 0, gst: 0, total: 1 });
    expect(note.net).toBe(-210_69);
  });
});
