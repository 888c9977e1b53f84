// Times as the CLI shows them: on the market's clock (IST), whatever this machine's time zone, so
// orders, trades and candles read alike. h23, since en-IN's `hour12: false` prints "24:10" after
// midnight.
import { MARKET_TIME_ZONE } from "@trading/engine";

const onMarketClock = { timeZone: MARKET_TIME_ZONE, hourCycle: "h23" } as const;

/** 25/11/2026, 00:10:00; "-" for no time. */
export const dateTime = (iso: string | null): string => (iso === null ? "-" : new Date(iso).toLocaleString("en-IN", onMarketClock));

/** 00:10:00 */
export const clock = (iso: string): string => new Date(iso).toLocaleTimeString("en-IN", onMarketClock);

/** 25/11/26, 00:10: a candle of minutes or hours. */
export const minute = (iso: string): string =>
  new Date(iso).toLocaleString("en-IN", { ...onMarketClock, dateStyle: "short", timeStyle: "short" });

/** 25 Nov 2026: a day candle. */
export const day = (iso: string): string => new Date(iso).toLocaleDateString("en-IN", { timeZone: MARKET_TIME_ZONE, dateStyle: "medium" });
