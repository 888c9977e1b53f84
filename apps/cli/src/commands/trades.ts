// `trade trades`: the user's trades, newest first.
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "@trading/engine";
import type { Command } from "commander";
import { dateTime } from "../clock.js";
import type { Io } from "../io.js";
import { dim, rupees, table } from "../output.js";
import { count, define, RIGHT, show, withClient } from "./shared.js";

export function tradesCommand(io: Io): Command {
  return define("trades", "your trades, newest first", ["trade trades", "trade trades --symbol INFY --limit 10"])
    .option("--symbol <symbol>")
    .option("--limit <n>", `how many (at most ${MAX_PAGE_SIZE})`, count(MAX_PAGE_SIZE), DEFAULT_PAGE_SIZE)
    .action(async (options: { symbol?: string; limit: number }, command: Command) => {
      const page = await withClient(io, (c) => c.trades.list.query({ symbol: options.symbol?.toUpperCase(), limit: options.limit }));
      show(io, command, page.items, () =>
        page.items.length === 0
          ? dim("no trades")
          : table(
              ["TRADE", "TIME (IST)", "ORDER", "SIDE", "SYMBOL", "QTY", "PRICE"],
              page.items.map((t) => [t.tradeId, dateTime(t.time), t.orderId, t.side, t.symbol, String(t.quantity), rupees(t.price)]),
              RIGHT(5, 6),
            ),
      );
    });
}
