// Formatting for the trader's screens: rupees in the Indian grouping, signed changes, times in IST.
import { IST_OFFSET_MS, MARKET_TIME_ZONE } from "@trading/engine";

const inr = new Intl.NumberFormat("en-IN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** ₹12,34,567.80 */
export function formatInr(rupees: number): string {
  return `${rupees < 0 ? "-" : ""}₹${inr.format(Math.abs(rupees))}`;
}

/** +1.25 % / −0.40 %: always signed, so a glance tells up from down. */
export function formatChangePercent(percent: number): string {
  const sign = percent > 0 ? "+" : percent < 0 ? "−" : "";
  return `${sign}${Math.abs(percent).toFixed(2)}%`;
}

// Times are shown on the market's clock (IST) in any browser, as the chart's axis is, so an order,
// its fills and its candle read alike; h23, not hour12: false, which en-IN turns into "24:10" after
// midnight.
const onMarketClock = { timeZone: MARKET_TIME_ZONE, hourCycle: "h23" } as const;
const time = new Intl.DateTimeFormat("en-IN", { ...onMarketClock, hour: "2-digit", minute: "2-digit", second: "2-digit" });
const dateTime = new Intl.DateTimeFormat("en-IN", {
  ...onMarketClock,
  day: "2-digit",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});
const marketDay = new Intl.DateTimeFormat("en-CA", { timeZone: MARKET_TIME_ZONE });

/** The market's calendar day of a moment, yyyy-mm-dd. */
export function marketDayOf(at: Date): string {
  return marketDay.format(at);
}

/** 14:03:27 today, 21 Nov, 14:03:27 before: an ISO timestamp on the market's clock (IST). */
export function formatTime(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  return marketDayOf(at) === marketDayOf(now) ? time.format(at) : dateTime.format(at);
}

/** A market day (yyyy-mm-dd) as the moments it runs between: midnight IST to the next midnight. */
export function marketDayRange(day: string): { from: string; to: string } {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const midnight = (date: number) => new Date(Date.UTC(y, m - 1, date) - IST_OFFSET_MS).toISOString();
  return { from: midnight(d), to: midnight(d + 1) };
}
