// The market's calendar: which days are trading days and which part of a trading day a moment is
// in, on the market's clock (IST). Pure: every function takes the time it is asked about.
//
// NSE's capital market sessions (IST): pre-open order entry 09:00 to 09:08, then the opening
// price is found and the book readied until 09:15 (no order entry); the normal market 09:15 to
// 15:30; closed otherwise, on weekends and on the exchange's holidays. `always` is a market that is
// open at every hour of every day, the platform's default.
import { IST_OFFSET_MS } from "../candles.js";
import type { MarketPhase, Millis } from "../types.js";
import { NSE_HOLIDAYS } from "./nse-holidays.js";

export const CALENDARS = ["always", "nse"] as const;
export type CalendarName = (typeof CALENDARS)[number];

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Minutes after midnight IST at which each phase of an NSE trading day begins. */
export const NSE_SESSION = {
  preOpen: 9 * 60,
  /** Pre-open order entry ends; the opening price is found. */
  opening: 9 * 60 + 8,
  open: 9 * 60 + 15,
  close: 15 * 60 + 30,
} as const;

/** The IST calendar date of a moment, as `YYYY-MM-DD`. */
export function istDate(time: Millis): string {
  return new Date(time + IST_OFFSET_MS).toISOString().slice(0, 10);
}

/** Midnight IST at the start of the IST day `time` falls in. */
function istMidnight(time: Millis): Millis {
  return Math.floor((time + IST_OFFSET_MS) / DAY) * DAY - IST_OFFSET_MS;
}

/** Whether NSE trades on the IST date of `time`: a weekday that is not a holiday. */
export function isNseTradingDay(time: Millis): boolean {
  const weekday = new Date(time + IST_OFFSET_MS).getUTCDay();
  return weekday !== 0 && weekday !== 6 && NSE_HOLIDAYS[istDate(time)] === undefined;
}

/** The holiday on the IST date of `time`, if it is one. */
export function nseHoliday(time: Millis): string | undefined {
  return NSE_HOLIDAYS[istDate(time)];
}

export interface MarketStatus {
  phase: MarketPhase;
  /** The trading day (IST date) the moment belongs to: today's while the day's session is on or ahead, else the next one's. */
  tradingDay: string;
  /** When the next normal-market session opens and closes (the current one's close while open); null for `always`. */
  nextOpen: Millis | null;
  nextClose: Millis | null;
}

/** Where a moment is in the calendar's week. */
export function marketStatus(calendar: CalendarName, time: Millis): MarketStatus {
  if (calendar === "always") return { phase: "open", tradingDay: istDate(time), nextOpen: null, nextClose: null };
  const midnight = istMidnight(time);
  const minutes = (time - midnight) / MINUTE;
  const at = (day: Millis, minute: number) => day + minute * MINUTE;
  if (isNseTradingDay(time) && minutes < NSE_SESSION.close) {
    const phase: MarketPhase =
      minutes < NSE_SESSION.preOpen
        ? "closed"
        : minutes < NSE_SESSION.opening
          ? "pre-open"
          : minutes < NSE_SESSION.open
            ? "opening"
            : "open";
    const nextOpen = phase === "open" ? at(nextTradingDay(midnight + DAY), NSE_SESSION.open) : at(midnight, NSE_SESSION.open);
    return { phase, tradingDay: istDate(time), nextOpen, nextClose: at(midnight, NSE_SESSION.close) };
  }
  const next = nextTradingDay(midnight + DAY);
  return { phase: "closed", tradingDay: istDate(next), nextOpen: at(next, NSE_SESSION.open), nextClose: at(next, NSE_SESSION.close) };
}

/** Midnight IST of the first trading day at or after the IST day starting at `midnight`. */
function nextTradingDay(midnight: Millis): Millis {
  let day = midnight;
  while (!isNseTradingDay(day)) day += DAY;
  return day;
}

/** The session commands, in the order a day runs them (see commands/session.ts); the broker's square-off comes before the close. */
export type SessionStep = "startPreOpen" | "openingAuction" | "openSession" | "squareOff" | "closeSession";

/** Minutes since midnight IST. */
export function istMinuteOfDay(time: Millis): number {
  return Math.floor((time - istMidnight(time)) / MINUTE);
}

/**
 * Whether an open market is due its intraday square-off at `time` (brokers run it at 15:20 IST,
 * ten minutes before NSE's close; `squareOffMinute` minutes after midnight IST): not yet run today,
 * and the time on a trading day's clock is past it. A market open at every hour has none (its
 * close at midnight squares off).
 */
export function isSquareOffDue(calendar: CalendarName, intradayClosed: boolean, time: Millis, squareOffMinute: number): boolean {
  return calendar === "nse" && !intradayClosed && marketStatus(calendar, time).phase === "open" && istMinuteOfDay(time) >= squareOffMinute;
}

/**
 * The next command that brings a market in phase `market` toward the calendar's phase `calendar`,
 * or null when they agree. A market that missed the close (a server down over it) closes first; one
 * that missed the pre-open (started mid-session) opens at once.
 */
export function nextSessionStep(market: MarketPhase, calendar: MarketPhase): SessionStep | null {
  if (market === calendar) return null;
  if (calendar === "closed") return "closeSession";
  switch (market) {
    case "closed":
      return calendar === "open" ? "openSession" : "startPreOpen";
    case "pre-open":
      return "openingAuction";
    case "opening":
      return calendar === "open" ? "openSession" : "closeSession";
    case "open":
      return "closeSession";
  }
}
