// A new market's past (see the engine's feed/backfill.ts): HISTORY_DAYS trading days of minutes
// for every seeded instrument, ending at its listing price, stored before the first tick. One
// process stores it when it seeds the market; a cluster's engine stores it in the history of the
// shard that keeps the market's candles (shard 0), when that history has none.
import { backfillCandles, istDate, SEED_INSTRUMENTS } from "@trading/engine";
import type { Config } from "./config.js";
import type { Logger } from "./log.js";
import type { History } from "./storage/storage.js";

export async function backfillPast(config: Config, history: History, now: number, log: Logger): Promise<void> {
  if (config.historyDays === 0) return;
  const started = performance.now();
  const candles = backfillCandles({
    seed: config.feedSeed,
    instruments: SEED_INSTRUMENTS,
    days: config.historyDays,
    before: pastEnds(config, now),
  });
  await history.importCandles(candles);
  log.info("backfilled the market's past", {
    days: config.historyDays,
    candles: candles.length,
    ms: Math.round(performance.now() - started),
  });
}

/**
 * Where the past ends: with `nse`, at the last close (today's session, once it has closed, is part
 * of it); with `always`, whose trading day is the whole IST date and begins live, before today.
 */
export function pastEnds(config: Pick<Config, "marketCalendar">, now: number): number {
  return config.marketCalendar === "nse" ? now : Date.parse(`${istDate(now)}T00:00:00+05:30`);
}

/** The cluster's case: only into a history without candles yet (a new cluster), once. */
export async function backfillIfEmpty(config: Config, history: History, now: number, log: Logger): Promise<void> {
  const first = SEED_INSTRUMENTS[0];
  if (config.historyDays === 0 || first === undefined) return;
  const any = await history.candles({ symbol: first.symbol, interval: "1d", from: 0, to: now + 86_400_000, limit: 1 });
  if (any.length === 0) await backfillPast(config, history, now, log);
}
