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
