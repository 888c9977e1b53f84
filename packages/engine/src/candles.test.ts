import { describe, expect, it } from "vitest";
import { CandleBuilder, aggregateCandles, bucketStart, intervalStart } from "./candles.js";
import { candleIntervalSchema } from "./schemas.js";

const t0 = 1_700_000_080_000; // 40 s into a minute
const tick = (dt: number, price: number, volume = 1, symbol = "RELIANCE") => ({ symbol, time: t0 + dt, price, volume });

describe("candles", () => {
  it("aggregates ticks into 1-minute OHLCV buckets", () => {
    const candles = aggregateCandles([
      tick(0, 100, 2),
      tick(5_000, 104, 1),
      tick(10_000, 98, 3),
      tick(19_999, 101, 1),
      tick(20_000, 102, 5),
    ]);
    expect(candles).toEqual([
      { symbol: "RELIANCE", time: bucketStart(t0), open: 100, high: 104, low: 98, close: 101, volume: 7 },
      { symbol: "RELIANCE", time: bucketStart(t0) + 60_000, open: 102, high: 102, low: 102, close: 102, volume: 5 },
    ]);
  });

  it("keeps symbols apart and reports the candle a new bucket closes", () => {
    const builder = new CandleBuilder();
    builder.addTick(tick(0, 100));
    builder.addTick(tick(1_000, 500, 1, "TCS"));
    const next = builder.addTick(tick(30_000, 101));
    expect(next.closed).toMatchObject({ symbol: "RELIANCE", open: 100, close: 100 });
    expect(builder.openCandle("TCS")).toMatchObject({ open: 500 });
  });

  it("counts a late tick in the open candle instead of rewriting a closed one", () => {
    const builder = new CandleBuilder();
    builder.addTick(tick(30_000, 100));
    const late = builder.addTick(tick(0, 90, 4));
    expect(late.candle).toMatchObject({ time: bucketStart(t0) + 60_000, low: 90, close: 90, volume: 5 });
  });

  it("starts hour and day candles on the Indian clock, shorter ones on the minute", () => {
    const at = (iso: string) => Date.parse(iso);
    // 09:47:12 IST on 25 November 2026 is 04:17:12 UTC.
    const time = at("2026-11-25T04:17:12Z");
    expect(new Date(intervalStart(time, "1m")).toISOString()).toBe("2026-11-25T04:17:00.000Z");
    expect(new Date(intervalStart(time, "5m")).toISOString()).toBe("2026-11-25T04:15:00.000Z");
    expect(new Date(intervalStart(time, "15m")).toISOString()).toBe("2026-11-25T04:15:00.000Z");
    expect(new Date(intervalStart(time, "30m")).toISOString()).toBe("2026-11-25T04:00:00.000Z");
    // 09:00 IST, and midnight IST (18:30 UTC the day before).
    expect(new Date(intervalStart(time, "1h")).toISOString()).toBe("2026-11-25T03:30:00.000Z");
    expect(new Date(intervalStart(time, "1d")).toISOString()).toBe("2026-11-24T18:30:00.000Z");
    // 23:59 UTC is already the next day in India.
    expect(new Date(intervalStart(at("2026-11-25T23:59:00Z"), "1d")).toISOString()).toBe("2026-11-25T18:30:00.000Z");
    expect(intervalStart(at("2026-11-25T18:30:00Z"), "1d")).toBe(at("2026-11-25T18:30:00Z"));
  });

  it("names the intervals it accepts", () => {
    expect(candleIntervalSchema.parse("15m")).toBe("15m");
    expect(candleIntervalSchema.safeParse("2m").error?.issues[0]?.message).toBe("must be one of 1m, 5m, 15m, 30m, 1h, 1d");
  });
});
