// `trade quote`: quotes of one or more symbols.
import type { Command } from "commander";
import type { Io } from "../io.js";
import { percent, pnl, rupees, table } from "../output.js";
import { define, lookUp, RIGHT, show, withClient } from "./shared.js";

export function quoteCommand(io: Io): Command {
  return define("quote", "quotes of one or more symbols", ["trade quote INFY TCS RELIANCE"])
    .argument("<symbols...>", "e.g. INFY TCS")
    .action(async (symbols: string[], _o: unknown, command: Command) => {
      const quotes = await withClient(io, (c) => lookUp(c, () => c.market.quotes.query({ symbols: symbols.map((s) => s.toUpperCase()) })));
      show(io, command, quotes, () =>
        table(
          ["SYMBOL", "LTP", "CHANGE", "CHG%", "OPEN", "HIGH", "LOW", "PREV CLOSE", "VOLUME", "TICK", "BAND"],
          quotes.map((q) => [
            q.symbol,
            rupees(q.lastTradedPrice),
            pnl(q.change),
            percent(q.changePercent),
            rupees(q.open),
            rupees(q.high),
            rupees(q.low),
            rupees(q.previousClose),
            String(q.volume),
            rupees(q.tickSize),
            band(q),
          ]),
          RIGHT(1, 2, 3, 4, 5, 6, 7, 8, 9),
        ),
      );
    });
}

/** Today's band, and the circuit the price sits at, if any: `₹200.40-₹300.60 (upper circuit)`. */
function band(q: { band: { lower: number; upper: number } | null; circuit: "upper" | "lower" | null }): string {
  if (q.band === null) return "-";
  const range = `${rupees(q.band.lower)}-${rupees(q.band.upper)}`;
  return q.circuit === null ? range : `${range} (${q.circuit} circuit)`;
}
