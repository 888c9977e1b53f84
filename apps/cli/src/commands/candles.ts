// `trade candles`: a symbol's candles, oldest first, on the Indian clock.
import type { CandleInterval } from "@trading/engine";
import type { Command } from "commander";
import { day, minute } from "../clock.js";
import type { Io } from "../io.js";
import { dim, rupees, table } from "../output.js";
import { CANDLE_INTERVAL_NAMES, count, define, interval, lookUp, RIGHT, show, withClient } from "./shared.js";

export function candlesCommand(io: Io): Command {
  return define("candles", "candles of a symbol, oldest first (1-minute unless --interval says otherwise)", [
    "trade candles INFY",
    "trade candles INFY --interval 1h --limit 24",
    "trade candles INFY --interval 1d --json",
  ])
    .argument("<symbol>")
    .option("--interval <interval>", `${CANDLE_INTERVAL_NAMES.join(", ")}; hours and days on the Indian clock`, interval, "1m")
    .option("--limit <n>", "how many (at most 5,000)", count(5_000), 30)
    .action(async (symbol: string, options: { interval: CandleInterval; limit: number }, command: Command) => {
      const candles = await withClient(io, (c) =>
        lookUp(c, () => c.market.candles.query({ symbol: symbol.toUpperCase(), interval: options.interval, limit: options.limit })),
      );
      const when = options.interval === "1d" ? day : minute;
      show(io, command, candles, () =>
        candles.length === 0
          ? dim("no candles yet")
          : table(
              ["TIME (IST)", "OPEN", "HIGH", "LOW", "CLOSE", "VOLUME"],
              candles.map((k) => [when(k.time), rupees(k.open), rupees(k.high), rupees(k.low), rupees(k.close), String(k.volume)]),
              RIGHT(1, 2, 3, 4, 5),
            ),
      );
    });
}
