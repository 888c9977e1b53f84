// The market's past: thirty trading days of minutes, ending at today's price.
import { describe, expect, it } from "vitest";
import { istDate } from "../calendar/calendar.js";
import { tickSizeFor } from "../price-rules.js";
import { backfillCandles, type BackfillInstrument } from "./backfill.js";

const MARUTI: BackfillInstrument = {
  symbol: "MARUTI",
  price: 16_000_00,
  tickSize: 100,
  tickSizeRule: "nse",
  band: "dynamic",
  volatility: 0.3,
};
const SMALL: BackfillInstrument = { symbol: "SMALL", price: 100_00, tickSize: 5, band: 5, volatility: 0.6 };
// Monday 28 December 2026, noon IST: the thirty trading days before it skip weekends and Christmas.
const before = Date.parse("2026-12-28T12:00:00+05:30");
const past = backfillCandles({ seed: 42, instruments: [MARUTI, SMALL], days: 30, before });
const of = (symbol: string) => past.filter((c) => c.symbol === symbol);

describe("the backfilled past", () => {
  it("has a candle for every minute of the normal market on thirty trading days, and none outside them", () => {
    const maruti = of("MARUTI");
    expect(maruti).toHaveLength(30 * 375);
    const days = [...new Set(maruti.map((c) => istDate(c.time)))];
    expect(days).toHaveLength(30);
    expect(days.at(-1)).toBe("2026-12-24");
    expect(days).not.toContain("2026-12-25");
    for (const c of maruti) {
      const weekday = new Date(c.time + 5.5 * 3_600_000).getUTCDay();
      expect(weekday === 0 || weekday === 6).toBe(false);
      const minute = new Date(c.time + 5.5 * 3_600_000).toISOString().slice(11, 16);
      expect(minute >= "09:15" && minute <= "15:29").toBe(true);
    }
  });

  it("takes a trading day's session once it has closed, and not before", () => {
    const days = (at: string) => [
      ...new Set(backfillCandles({ seed: 1, instruments: [SMALL], days: 2, before: Date.parse(at) }).map((c) => istDate(c.time))),
    ];
    expect(days("2026-12-04T15:29:00+05:30")).toEqual(["2026-12-02", "2026-12-03"]);
    expect(days("2026-12-04T15:30:00+05:30")).toEqual(["2026-12-03", "2026-12-04"]);
    expect(days("2026-12-06T12:00:00+05:30")).toEqual(["2026-12-03", "2026-12-04"]);
  });

  it("ends at today's price, each minute opening where the one before closed, on the tick grid", () => {
    for (const instrument of [MARUTI, SMALL]) {
      const candles = of(instrument.symbol);
      expect(candles.at(-1)?.close).toBe(instrument.price);
      candles.forEach((c, i) => {
        expect(c.high).toBeGreaterThanOrEqual(Math.max(c.open, c.close));
        expect(c.low).toBeLessThanOrEqual(Math.min(c.open, c.close));
        const tick = instrument.tickSizeRule === "nse" ? tickSizeFor(c.close) : instrument.tickSize;
        if (i < candles.length - 1) expect(c.close % tick).toBe(0);
        const previous = candles[i - 1];
        if (previous !== undefined && istDate(previous.time) === istDate(c.time))
          expect(Math.abs(c.open - previous.close)).toBeLessThanOrEqual(tick);
      });
    }
  });

  it("keeps each day within its band around the previous close, and is the same for the same seed", () => {
    const small = of("SMALL");
    let previousClose: number | null = null;
    for (const day of new Set(small.map((c) => istDate(c.time)))) {
      const candles = small.filter((c) => istDate(c.time) === day);
      const reference = previousClose ?? candles[0]?.open ?? 0;
      for (const c of candles) {
        expect(c.high).toBeLessThanOrEqual(Math.ceil(reference * 1.05) + 5 * 2);
        expect(c.low).toBeGreaterThanOrEqual(Math.floor(reference * 0.95) - 5 * 2);
      }
      previousClose = candles.at(-1)?.close ?? null;
    }
    expect(backfillCandles({ seed: 42, instruments: [MARUTI, SMALL], days: 30, before })).toEqual(past);
  });
});
