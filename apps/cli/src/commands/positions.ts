// `trade positions`: today's positions by product, with P&L marked to the market; `--day` shows the
// day's buys and sells instead.
import type { Command } from "commander";
import type { Io } from "../io.js";
import { dim, pnl, rupees, table } from "../output.js";
import { define, RIGHT, show, withClient } from "./shared.js";

export function positionsCommand(io: Io): Command {
  return define("positions", "today's positions by product (CNC, MIS) with M2M P&L; --day for the day's buys and sells", [
    "trade positions",
    "trade positions --day",
    "trade positions --json",
  ])
    .option("--day", "the day's buys and sells")
    .action(async (options: { day?: boolean }, command: Command) => {
      const positions = await withClient(io, (c) => c.positions.list.query());
      show(io, command, positions, () => {
        if (positions.length === 0) return dim("no positions today");
        if (options.day === true) {
          return table(
            ["SYMBOL", "PRODUCT", "BUY QTY", "BUY AVG", "SELL QTY", "SELL AVG", "NET QTY", "P&L"],
            positions.map((p) => [
              p.symbol,
              p.product,
              String(p.buyQuantity),
              rupees(p.buyPrice),
              String(p.sellQuantity),
              rupees(p.sellPrice),
              String(p.quantity),
              pnl(p.pnl),
            ]),
            RIGHT(2, 3, 4, 5, 6, 7),
          );
        }
        return table(
          ["SYMBOL", "PRODUCT", "QTY", "AVG", "LTP", "P&L", "REALIZED", "UNREALIZED", "MARGIN"],
          positions.map((p) => [
            p.symbol,
            p.product,
            String(p.quantity),
            rupees(p.averagePrice),
            rupees(p.ltp),
            pnl(p.pnl),
            pnl(p.realizedPnl),
            pnl(p.unrealizedPnl),
            rupees(p.margin),
          ]),
          RIGHT(2, 3, 4, 5, 6, 7, 8),
        );
      });
    });
}
