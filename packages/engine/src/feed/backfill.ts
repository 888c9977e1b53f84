// A past for a new market: 1-minute candles for every instrument over the last N trading days (the
// normal market of each, 09:15-15:30 IST, no candles on holidays or weekends), made by the same
// seeded random walk the live feed uses, and ending exactly at each instrument's price now, so the
// live market carries on from its last close. The walk runs forward from any start and is then
// scaled to end at today's price: a geometric random walk moves by ratios, so scaling keeps every
// move, and each day stays within its price band (clamped as the live feed is).
import { bandPercents, tickSizeFor, type PriceBand } from "../price-rules.js";
import { sessionMinutes, tradingDaysBefore } from "../calendar/trading-days.js";
import type { Candle } from "../candles.js";
import type { Millis } from "../types.js";
import { TRADING_SECONDS_PER_YEAR } from "./gbm.js";
import { SeededRandom } from "./random.js";

export interface BackfillInstrument {
  symbol: string;
  /** The price now, in paise: the last candle closes at it. */
  price: number;
  tickSize: number;
  tickSizeRule?: "nse" | undefined;
  band?: PriceBand | undefined;
  volatility?: number | undefined;
  /** Typical shares per tick of the live feed. */
  typicalVolume?: number | undefined;
}

/** A candle of one minute (`time` its start). */
export type MinuteCandle = Candle;

export interface BackfillOptions {
  seed: number;
  instruments: readonly BackfillInstrument[];
  /** Trading days of history. */
  days: number;
  /** The days are the last whose normal market had closed by this moment. */
  before: Millis;
}

/** Steps of the walk per minute, for a minute's high and low. */
const STEPS_PER_MINUTE = 4;
/** The overnight move, as trading seconds of the day's walk. */
const OVERNIGHT_SECONDS = 2 * 3600;

export function backfillCandles(options: BackfillOptions): MinuteCandle[] {
  const days = tradingDaysBefore(options.before, options.days).map(sessionMinutes);
  const candles: MinuteCandle[] = [];
  options.instruments.forEach((instrument, index) => {
    candles.push(...instrumentPast(instrument, days, new SeededRandom(options.seed * 7919 + index)));
  });
  return candles;
}

/** One instrument's minutes: the walk in ratios to its start, then scaled and put on the tick grid. */
function instrumentPast(instrument: BackfillInstrument, days: Millis[][], random: SeededRandom): MinuteCandle[] {
  const sigma = instrument.volatility ?? 0.25;
  const step = (seconds: number) => sigma * Math.sqrt(seconds / TRADING_SECONDS_PER_YEAR) * random.normal();
  const bandPercent = instrument.band === undefined ? null : bandPercents(instrument.band, 0).up;
  const raw: Array<{ time: Millis; o: number; h: number; l: number; c: number; volume: number }> = [];
  let x = 0; // log of the price, relative to the start
  for (const minutes of days) {
    // The day's band is around the previous close, the overnight move included.
    const base = x;
    const within = (next: number) =>
      bandPercent === null
        ? next
        : Math.min(base + Math.log(1 + bandPercent / 100), Math.max(base + Math.log(1 - bandPercent / 100), next));
    x = within(x + step(OVERNIGHT_SECONDS));
    for (const time of minutes) {
      const o = x;
      let [h, l] = [x, x];
      for (let s = 0; s < STEPS_PER_MINUTE; s++) {
        x = within(x + step(60 / STEPS_PER_MINUTE));
        h = Math.max(h, x);
        l = Math.min(l, x);
      }
      const volume = Math.max(1, Math.round((instrument.typicalVolume ?? 100) * 60 * Math.exp(random.normal() * 0.5 - 0.125)));
      raw.push({ time, o, h, l, c: x, volume });
    }
  }
  const scale = instrument.price / Math.exp(x);
  const candles = raw.map(({ time, o, h, l, c, volume }) => {
    const close = scale * Math.exp(c);
    const tick = instrument.tickSizeRule === "nse" ? tickSizeFor(Math.round(close)) : instrument.tickSize;
    const onTick = (log: number) => Math.max(tick, Math.round((scale * Math.exp(log)) / tick) * tick);
    return { symbol: instrument.symbol, time, open: onTick(o), high: onTick(h), low: onTick(l), close: onTick(c), volume };
  });
  // The last close is the price itself, which a listing may give off the grid the table sets for it.
  const last = candles[candles.length - 1];
  if (last !== undefined) {
    last.close = instrument.price;
    last.high = Math.max(last.high, last.close);
    last.low = Math.min(last.low, last.close);
  }
  return candles;
}
