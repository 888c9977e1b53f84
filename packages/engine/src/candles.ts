// OHLCV candles from ticks, for the chart and the API. Pure: a candle's bucket comes from the
// tick's own time.
import type { Millis, TickCommand } from "./types.js";

export const ONE_MINUTE = 60_000;

export interface Candle {
  symbol: string;
  /** Start of the bucket, epoch ms, a multiple of the interval. */
  time: Millis;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

type TickLike = Pick<TickCommand, "symbol" | "price" | "volume" | "time">;

export function bucketStart(time: Millis, intervalMs: number = ONE_MINUTE): Millis {
  return time - (((time % intervalMs) + intervalMs) % intervalMs);
}

/** Indian Standard Time is UTC+05:30, all year (no daylight saving). */
export const IST_OFFSET_MS = 5.5 * 60 * ONE_MINUTE;

/** The market's clock as an IANA zone, for showing times as the exchange does in any zone. */
export const MARKET_TIME_ZONE = "Asia/Kolkata";

/** The intervals candles come in, with their length in milliseconds. */
export const CANDLE_INTERVALS = {
  "1m": ONE_MINUTE,
  "5m": 5 * ONE_MINUTE,
  "15m": 15 * ONE_MINUTE,
  "30m": 30 * ONE_MINUTE,
  "1h": 60 * ONE_MINUTE,
  "1d": 24 * 60 * ONE_MINUTE,
} as const;

export type CandleInterval = keyof typeof CANDLE_INTERVALS;

/**
 * Start of the candle of `interval` that holds `time`. Candles follow the Indian clock, as the
 * market's do: an hour candle starts on the hour IST and a day candle at midnight IST (18:30 UTC
 * the day before). Up to 30 minutes that is the same as on the UTC clock, 5:30 being a whole number
 * of half hours.
 */
export function intervalStart(time: Millis, interval: CandleInterval): Millis {
  return bucketStart(time + IST_OFFSET_MS, CANDLE_INTERVALS[interval]) - IST_OFFSET_MS;
}

/**
 * Keeps the open candle of each symbol. `addTick` returns the candle the tick went into and, when
 * the tick opened a new bucket, the candle it closed. A tick older than the open candle's bucket
 * (out of order) is counted in the open candle rather than rewriting history.
 */
export class CandleBuilder {
  private readonly current = new Map<string, Candle>();

  constructor(readonly intervalMs: number = ONE_MINUTE) {
    if (!(intervalMs > 0) || !Number.isSafeInteger(intervalMs)) throw new RangeError("intervalMs must be a positive whole number");
  }

  addTick(tick: TickLike): { candle: Candle; closed: Candle | null } {
    const start = bucketStart(tick.time, this.intervalMs);
    const open = this.current.get(tick.symbol);
    if (open !== undefined && start <= open.time) {
      if (tick.price > open.high) open.high = tick.price;
      if (tick.price < open.low) open.low = tick.price;
      open.close = tick.price;
      open.volume += tick.volume;
      return { candle: { ...open }, closed: null };
    }
    const candle: Candle = {
      symbol: tick.symbol,
      time: start,
      open: tick.price,
      high: tick.price,
      low: tick.price,
      close: tick.price,
      volume: tick.volume,
    };
    this.current.set(tick.symbol, candle);
    return { candle: { ...candle }, closed: open === undefined ? null : { ...open } };
  }

  /** The candle still open for a symbol. */
  openCandle(symbol: string): Candle | undefined {
    const candle = this.current.get(symbol);
    return candle === undefined ? undefined : { ...candle };
  }
}

/** All candles for a run of ticks (of any symbols), each symbol's in time order. */
export function aggregateCandles(ticks: Iterable<TickLike>, intervalMs: number = ONE_MINUTE): Candle[] {
  const builder = new CandleBuilder(intervalMs);
  const closed: Candle[] = [];
  const symbols = new Set<string>();
  for (const tick of ticks) {
    symbols.add(tick.symbol);
    const result = builder.addTick(tick);
    if (result.closed !== null) closed.push(result.closed);
  }
  for (const symbol of symbols) {
    const open = builder.openCandle(symbol);
    if (open !== undefined) closed.push(open);
  }
  return closed.sort((a, b) => (a.symbol === b.symbol ? a.time - b.time : a.symbol < b.symbol ? -1 : 1));
}
