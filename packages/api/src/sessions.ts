// With MARKET_CALENDAR=nse, the market's sessions follow the calendar on the market's clock: the
// session opens at 09:15 IST on a trading day (a new trading day: previous close, open, high and
// low reset, tick sizes and bands reviewed) and closes at 15:30 (every open DAY order expires).
// Looked at four times a second of wall-clock time, so a simulated clock at 60x is followed to
// the market second. With `always`, sessions change only when an admin says so.
import { marketStatus } from "@trading/engine";
import type { Logger } from "./log.js";
import type { Platform } from "./platform.js";

const EVERY_MS = 250;

export function followCalendar(platform: Platform, log: Logger): () => void {
  const calendar = platform.config.marketCalendar;
  if (calendar === "always") return () => undefined;
  let changing = false;
  const follow = () => {
    if (changing) return;
    const { phase, tradingDay } = marketStatus(calendar, platform.clock.now());
    const open = phase === "open";
    if (open === platform.engine.marketOpen) return;
    changing = true;
    platform.market
      .apply({ kind: open ? "openSession" : "closeSession" })
      .then(
        (result) => {
          if (result.ok) log.info(open ? "session opened" : "session closed", { tradingDay });
          else log.warn("the calendar's session change was refused", { reason: result.message });
        },
        (error: unknown) => log.warn("could not change the session; trying again", { error: String(error) }),
      )
      .finally(() => {
        changing = false;
      });
  };
  follow();
  const timer = setInterval(follow, EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
