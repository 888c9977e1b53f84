// `trade portfolio`: holdings with P&L at the last traded price.
import type { Command } from "commander";
import type { Io } from "../io.js";
import { dim, percent, pnl, rupees, table } from "../output.js";
import { define, RIGHT, show, withClient } from "./shared.js";

export function portfolioCommand(io: Io): Command {
  return define("portfolio", "holdings with P&L at the last traded price", ["trade portfolio", "trade portfolio --json"]).action(
    async (_o: unknown, command: Command) => {
      const holdings = await withClient(io, (c) => c.portfolio.holdings.query());
      show(io, command, holdings, () =>
        holdings.length === 0
          ? dim("no holdings")
          : table(
              ["SYMBOL", "QTY", "T1", "AVG", "LTP", "INVESTED", "CURRENT", "P&L", "P&L%", "DAY", "REALIZED"],
              holdings.map((h) => [
                h.symbol,
                String(h.quantity),
                String(h.t1Quantity),
                rupees(h.averagePrice),
                rupees(h.ltp),
                rupees(h.investedValue),
                rupees(h.currentValue),
                pnl(h.unrealizedPnl),
                percent(h.unrealizedPnlPercent),
                pnl(h.dayChange),
                pnl(h.realizedPnl),
              ]),
              RIGHT(1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
            ),
      );
    },
  );
}
