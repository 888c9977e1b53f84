import { describe, expect, it } from "vitest";
import { parseCandleCsv } from "./candle-csv.js";

const listed = (symbol: string) => symbol === "INFY" || symbol === "TCS";

describe("importing candles from CSV", () => {
  it("reads a header and rows of one-minute OHLCV in rupees", () => {
    const csv =
      "symbol,time,open,high,low,close,volume\nINFY,2026-12-04T09:15:00+05:30,1500,1502.5,1499.1,1501,1200\nTCS,1764820500000,3080,3081,3079,3080.5,10\n";
    expect(parseCandleCsv(csv, listed)).toEqual({
      ok: true,
      candles: [
        { symbol: "INFY", time: Date.parse("2026-12-04T03:45:00Z"), open: 150000, high: 150250, low: 149910, close: 150100, volume: 1200 },
        { symbol: "TCS", time: 1764820500000, open: 308000, high: 308100, low: 307900, close: 308050, volume: 10 },
      ],
    });
  });

  it("reports every bad row by its line, and imports none of them", () => {
    const csv = [
      "symbol,time,open,high,low,close,volume",
      "INFY,2026-12-04T09:15:30+05:30,1500,1502,1499,1501,10",
      "NOPE,2026-12-04T09:16:00+05:30,1500,1502,1499,1501,10",
      "INFY,2026-12-04T09:17:00+05:30,1500,1499,1499,1501,10",
      "INFY,2026-12-04T09:18:00+05:30,15.001,1502,1499,1501,x",
      "INFY,2026-12-04T09:19:00+05:30,1500,1502,1499,1501,10",
      "INFY,2026-12-04T09:19:00+05:30,1500,1502,1499,1501,10",
      "INFY,yesterday,1500,1502,1499,1501",
    ].join("\n");
    const result = parseCandleCsv(csv, listed);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 7, 8]);
    expect(result.ok ? [] : result.errors.map((e) => e.message)).toEqual([
      "time 2026-12-04T09:15:30+05:30 is not the start of a minute",
      "NOPE is not listed",
      "high must be the highest price and low the lowest",
      'open "15.001" must be a positive amount in rupees with at most two decimals; volume "x" must be a whole number of shares',
      "a second candle for INFY at 2026-12-04T09:19:00+05:30",
      "expected 7 columns (symbol,time,open,high,low,close,volume), found 6",
    ]);
  });
});
