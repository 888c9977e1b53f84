// `trade funds`: cash, blocked cash, intraday margin, equity, total P&L and charges.
import type { Command } from "commander";
import type { Io } from "../io.js";
import { pnl, rupees, table } from "../output.js";
import { define, RIGHT, show, withClient } from "./shared.js";

export function fundsCommand(io: Io): Command {
  return define("funds", "cash, blocked cash, intraday margin, equity, total P&L and charges", [
    "trade funds",
    "trade funds --json",
  ]).action(async (_o: unknown, command: Command) => {
    const f = await withClient(io, (c) => c.funds.get.query());
    show(io, command, f, () =>
      table(
        ["", "AMOUNT"],
        [
          ["Cash", rupees(f.cash)],
          ["Blocked for open orders", rupees(f.blocked)],
          ["Margin used (intraday)", rupees(f.marginUsed)],
          ["Available", rupees(f.available)],
          ["Holdings value", rupees(f.holdingsValue)],
          ["Equity", rupees(f.equity)],
          ["Total P&L (net of charges)", pnl(f.totalPnl)],
          ["Realized P&L", pnl(f.realizedPnl)],
          ["Realized P&L net of charges", pnl(f.realizedPnlNet)],
          ["Charges today", rupees(f.chargesToday)],
          ["Charges paid in all", rupees(f.chargesPaid)],
        ],
        RIGHT(1),
      ),
    );
  });
}
