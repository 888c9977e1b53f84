// The default price feed: each instrument follows geometric Brownian motion, driven by a seeded
// generator, so the same seed always gives the same ticks. Prices are rounded to the tick size.
import type { Millis, OpeningPrice, TickCommand } from "../types.js";
import { SeededRandom, type RandomState } from "./random.js";

/** Trading seconds in a year: 252 sessions of 6 h 15 min (NSE 09:15-15:30). */
export const TRADING_SECONDS_PER_YEAR = 252 * 6.25 * 3600;

export interface GbmInstrument {
  symbol: string;
  /** Starting price in paise. */
  price: number;
  tickSize: number;
  /** Annualised volatility, e.g. 0.25 for 25 %. */
  volatility?: number | undefined;
  /** Annualised drift, e.g. 0.08. */
  drift?: number | undefined;
  /** Typical shares per tick. */
  typicalVolume?: number | undefined;
}

export interface GbmFeedOptions {
  seed: number;
  instruments: GbmInstrument[];
  /** Simulated time between two ticks of the same instrument. */
  tickIntervalMs: number;
}

export interface GbmFeedState {
  random: RandomState;
  /** Unrounded price of each instrument, in paise, in the order instruments were given. */
  prices: number[];
  /** Index of the instrument that ticks next. */
  cursor: number;
}

const DEFAULT_VOLATILITY = 0.25;
const DEFAULT_DRIFT = 0.05;
const DEFAULT_TYPICAL_VOLUME = 100;

/** Ticks one instrument at a time in turn, each moving by one GBM step of `tickIntervalMs`. */
export class GbmFeed {
  private readonly random: SeededRandom;
  private readonly prices: number[];
  private cursor: number;
  private readonly dt: number;

  constructor(
    private readonly options: GbmFeedOptions,
    state?: GbmFeedState,
  ) {
    if (options.instruments.length === 0) throw new RangeError("the feed needs at least one instrument");
    if (!(options.tickIntervalMs > 0)) throw new RangeError("tickIntervalMs must be positive");
    for (const i of options.instruments) {
      if (!(i.price > 0) || !(i.tickSize > 0)) throw new RangeError(`${i.symbol}: price and tick size must be positive`);
    }
    this.random = new SeededRandom(state?.random ?? options.seed);
    this.prices = state?.prices.slice() ?? options.instruments.map((i) => i.price);
    this.cursor = state?.cursor ?? 0;
    this.dt = options.tickIntervalMs / 1000 / TRADING_SECONDS_PER_YEAR;
  }

  /** The next tick, for the instrument whose turn it is, stamped with `time`. */
  next(time: Millis): TickCommand {
    const index = this.cursor;
    const instrument = this.options.instruments[index] as GbmInstrument;
    this.cursor = (index + 1) % this.options.instruments.length;

    const sigma = instrument.volatility ?? DEFAULT_VOLATILITY;
    const mu = instrument.drift ?? DEFAULT_DRIFT;
    const shock = this.random.normal();
    const previous = this.prices[index] as number;
    let price = previous * Math.exp((mu - (sigma * sigma) / 2) * this.dt + sigma * Math.sqrt(this.dt) * shock);
    // A price may not fall below one tick: the walk is reflected there rather than stuck at zero.
    if (price < instrument.tickSize) price = instrument.tickSize;
    this.prices[index] = price;

    const typical = instrument.typicalVolume ?? DEFAULT_TYPICAL_VOLUME;
    const volume = Math.max(1, Math.round(typical * Math.exp(this.random.normal() * 0.75 - 0.28)));
    return { kind: "tick", time, symbol: instrument.symbol, price: roundToTick(price, instrument.tickSize), volume };
  }

  /** One tick for every instrument, all stamped with `time`. */
  round(time: Millis): TickCommand[] {
    const ticks: TickCommand[] = [];
    for (let i = 0; i < this.options.instruments.length; i++) ticks.push(this.next(time));
    return ticks;
  }

  /**
   * The opening auction's prices: one step of the walk for every instrument, traded at the open in
   * ten times a tick's volume (the call auction gathers the orders of the whole pre-open).
   */
  openingPrices(time: Millis): OpeningPrice[] {
    return this.round(time).map(({ symbol, price, volume }) => ({ symbol, price, volume: volume * 10 }));
  }

  state(): GbmFeedState {
    return { random: this.random.state(), prices: this.prices.slice(), cursor: this.cursor };
  }

  /** Moves an instrument's walk to a new price (after an admin set-price), so it goes on from there. */
  setPrice(symbol: string, price: number): void {
    const index = this.options.instruments.findIndex((i) => i.symbol === symbol);
    if (index >= 0) this.prices[index] = price;
  }
}

/** Nearest multiple of the tick size, never below one tick. */
export function roundToTick(price: number, tickSize: number): number {
  return Math.max(tickSize, Math.round(price / tickSize) * tickSize);
}
