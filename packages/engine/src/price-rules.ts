// NSE's price rules for equities: the tick size that goes with a price, and the daily price band.
//
// Tick sizes (NSE circulars of March 2025 for the capital market segment, effective 15 April 2025;
// brokers' notices of 17 March 2025 quote the same table): below ₹250, ₹0.01; ₹250 to ₹1,000,
// ₹0.05; above ₹1,000 to ₹5,000, ₹0.10; above ₹5,000 to ₹10,000, ₹0.50; above ₹10,000 to
// ₹20,000, ₹1.00; above ₹20,000, ₹5.00. NSE reviews each security's tick size monthly, from the
// closing price of the month's last trading day; this market reviews it at every session open, from
// the previous close (a simulated price moves further in a day than a real one does in a month).
//
// Price bands: 2, 5, 10 or 20 % of the previous close, fixed for the day; for stocks with
// derivatives, none, but a dynamic band of 10 % that is flexed by 5 % when trades reach it (NSE
// circulars NSE/FAOP/62241, June 2024, and NSE/FAOP/64995, November 2024: at 9.90 % of the base
// price the band widens to 15 %, and the band slides: the opposite side moves by the same 5 %).
// This market flexes on the first tick that reaches it (the exchange asks for 50 trades by 10
// clients first, and a cooling-off period) and keeps resting orders that fall outside.
import type { Paise } from "./money.js";

/** The upper end of each price range (inclusive, in paise) and its tick size; the last range has no end. */
const TICK_SIZES: ReadonlyArray<{ upTo: Paise; tick: Paise }> = [
  { upTo: 24_999, tick: 1 },
  { upTo: 1_00_000, tick: 5 },
  { upTo: 5_00_000, tick: 10 },
  { upTo: 10_00_000, tick: 50 },
  { upTo: 20_00_000, tick: 100 },
  { upTo: Number.MAX_SAFE_INTEGER, tick: 500 },
];

/** NSE's tick size for a security whose reference price is `price`. */
export function tickSizeFor(price: Paise): Paise {
  for (const range of TICK_SIZES) if (price <= range.upTo) return range.tick;
  return 500;
}

/** The band kinds: a fixed percentage of the previous close, or dynamic (see above). */
export const PRICE_BANDS = [2, 5, 10, 20, "dynamic"] as const;
export type PriceBand = (typeof PRICE_BANDS)[number];

/** The dynamic band's width at the open, and the step it is flexed by, in percent. */
export const DYNAMIC_BAND_PERCENT = 10;
export const DYNAMIC_BAND_STEP = 5;
/** How close to a dynamic band's edge a price flexes it (9.90 % of a 10 % band). */
const FLEX_MARGIN_PERCENT = 0.1;

export interface BandLimits {
  lower: Paise;
  upper: Paise;
}

/**
 * The prices a band allows around `base`: `downPercent` below and `upPercent` above, each edge
 * on the tick grid and inside the band (the lower rounded up, the upper rounded down).
 */
export function bandLimits(base: Paise, downPercent: number, upPercent: number, tick: Paise): BandLimits {
  const lower = Math.ceil((base * (100 - downPercent)) / 100 / tick) * tick;
  const upper = Math.floor((base * (100 + upPercent)) / 100 / tick) * tick;
  return { lower: Math.max(tick, lower), upper };
}

/**
 * How many steps a dynamic band is flexed after a trade at `price` (0 at the open; +1 per flex
 * upwards, -1 downwards): a price at or beyond 9.90 % of a 10 % band moves the band by 5 %, again
 * from 14.90 %, and so on.
 */
export function flexedSteps(base: Paise, steps: number, price: Paise): number {
  let flexed = steps;
  for (;;) {
    const up = DYNAMIC_BAND_PERCENT + DYNAMIC_BAND_STEP * flexed;
    const down = DYNAMIC_BAND_PERCENT - DYNAMIC_BAND_STEP * flexed;
    if (price * 100 >= base * (100 + up - FLEX_MARGIN_PERCENT)) flexed += 1;
    else if (price * 100 <= base * (100 - down + FLEX_MARGIN_PERCENT)) flexed -= 1;
    else return flexed;
  }
}

/** The percentages below and above the base a band allows, `steps` flexes in. */
export function bandPercents(band: PriceBand, steps: number): { down: number; up: number } {
  if (band !== "dynamic") return { down: band, up: band };
  return { down: DYNAMIC_BAND_PERCENT - DYNAMIC_BAND_STEP * steps, up: DYNAMIC_BAND_PERCENT + DYNAMIC_BAND_STEP * steps };
}
