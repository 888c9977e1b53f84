// Trading days counted back from a moment, on NSE's calendar: what a market's past is made of.
import { IST_OFFSET_MS } from "../candles.js";
import type { Millis } from "../types.js";
import { isNseTradingDay, NSE_SESSION } from "./calendar.js";

const DAY = 24 * 60 * 60_000;

/**
 * Midnight IST (as epoch ms) of each of the last `count` NSE trading days whose normal market had
 * closed by `time`, oldest first.
 */
export function tradingDaysBefore(time: Millis, count: number): Millis[] {
  const days: Millis[] = [];
  let midnight = Math.floor((time + IST_OFFSET_MS) / DAY) * DAY - IST_OFFSET_MS;
  while (days.length < count) {
    // Noon IST of the day: clear of any edge of the date.
    if (midnight + NSE_SESSION.close * 60_000 <= time && isNseTradingDay(midnight + DAY / 2)) days.push(midnight);
    midnight -= DAY;
  }
  return days.reverse();
}

/** The start of each minute of a day's normal market (09:15 to 15:29 IST), from that day's midnight IST. */
export function sessionMinutes(midnight: Millis): Millis[] {
  const minutes: Millis[] = [];
  for (let m = NSE_SESSION.open; m < NSE_SESSION.close; m++) minutes.push(midnight + m * 60_000);
  return minutes;
}
