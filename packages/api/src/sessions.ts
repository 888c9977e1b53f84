// The market's sessions follow the calendar on the market's clock. With MARKET_CALENDAR=nse, an
// NSE trading day: pre-open order entry at 09:00 IST (a new trading day: previous close, open, high
// and low reset, tick sizes and bands reviewed; after-market orders enter), the opening auction at
// 09:08 (at the feed's opening prices), the normal market at 09:15, the close at 15:30 (every open
// DAY order expires). With `always`, the market stays open and its trading day is the IST date: at
// midnight the session closes (DAY orders expire) and opens again. A market left open past its
// day (a server down over the close) is closed first. With `nse`, intraday positions are squared off
// at SQUARE_OFF_TIME (15:20 IST); with `always`, at the close. Looked at four times a second of
// wall-clock time, so a simulated clock at 60x is followed to the market second.
import { istDate, isSquareOffDue, marketStatus, nextSessionStep, type OpeningPrice, type SessionStep } from "@trading/engine";
import type { MarketCommand } from "./cluster/market-stream.js";
import type { EngineReader } from "./command-queue.js";
import type { Logger } from "./log.js";
import type { Platform } from "./platform.js";

const EVERY_MS = 250;

/** SQUARE_OFF_TIME as minutes after midnight IST. */
export function squareOffMinute(config: Pick<Platform["config"], "squareOffTime">): number {
  const [hours, minutes] = config.squareOffTime.split(":").map(Number);
  return (hours ?? 15) * 60 + (minutes ?? 20);
}

type Calendar = Platform["config"]["marketCalendar"];

/**
 * The next session command for a market in `market`'s state at `now`, or null. A market that has
 * never begun a trading day (no instruments yet) is taken to be on today's. `squareOffMinute`:
 * minutes after midnight IST (see config's SQUARE_OFF_TIME).
 */
export function sessionStepAt(
  calendar: Calendar,
  market: Pick<EngineReader, "phase" | "dayBeganAt" | "intradayClosed">,
  now: number,
  squareOffMinute: number,
): SessionStep | null {
  const status = marketStatus(calendar, now);
  const stale = market.dayBeganAt !== 0 && istDate(market.dayBeganAt) !== status.tradingDay;
  if (market.phase !== "closed" && stale) return "closeSession";
  if (calendar === "always") return market.phase === "closed" && stale ? "openSession" : null;
  const step = nextSessionStep(market.phase, status.phase);
  if (step === null && market.phase === "open" && isSquareOffDue(calendar, market.intradayClosed, now, squareOffMinute)) return "squareOff";
  return step;
}

/** The market command for a step: the auction carries the feed's opening prices. */
export function sessionCommand(step: SessionStep, openingPrices: () => OpeningPrice[]): MarketCommand {
  return step === "openingAuction" ? { kind: step, prices: openingPrices() } : { kind: step };
}

export function followCalendar(platform: Platform, openingPrices: () => OpeningPrice[], log: Logger): () => void {
  const calendar = platform.config.marketCalendar;
  let changing = false;
  const follow = () => {
    if (changing) return;
    const step = sessionStepAt(calendar, platform.engine, platform.clock.now(), squareOffMinute(platform.config));
    if (step === null) return;
    changing = true;
    platform.market
      .apply(sessionCommand(step, openingPrices))
      .then(
        (result) => {
          if (result.ok) log.info("session", { step, phase: platform.engine.phase });
          else log.warn("the calendar's session change was refused", { step, reason: result.message });
        },
        (error: unknown) => log.warn("could not change the session; trying again", { step, error: String(error) }),
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
