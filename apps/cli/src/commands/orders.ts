// `trade orders`: the user's orders, newest first.
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "@trading/engine";
import type { Command } from "commander";
import type { Io } from "../io.js";
import { count, define, ordersTable, show, withClient } from "./shared.js";

export function ordersCommand(io: Io): Command {
  return define("orders", "your orders, newest first", ["trade orders", "trade orders --open --symbol INFY", "trade orders --json"])
    .option("--open", "only orders that can still fill")
    .option("--symbol <symbol>")
    .option("--limit <n>", `how many (at most ${MAX_PAGE_SIZE})`, count(MAX_PAGE_SIZE), DEFAULT_PAGE_SIZE)
    .action(async (options: { open?: boolean; symbol?: string; limit: number }, command: Command) => {
      const page = await withClient(io, (c) =>
        c.orders.list.query({ open: options.open, symbol: options.symbol?.toUpperCase(), limit: options.limit }),
      );
      show(io, command, page.items, () => ordersTable(page.items));
    });
}
