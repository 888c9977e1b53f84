// `trade cancel`: cancels an open order, or all of them.
import type { Command } from "commander";
import { usageError } from "../errors.js";
import type { Io } from "../io.js";
import { define, orderLine, show, withClient } from "./shared.js";

export function cancelCommand(io: Io): Command {
  return define("cancel", "cancel an open order, or all of them with --all", ["trade cancel O123", "trade cancel --all --symbol INFY"])
    .argument("[orderId]")
    .option("--all", "cancel every open order (of --symbol only, if given)")
    .option("--symbol <symbol>")
    .action(async (orderId: string | undefined, options: { all?: boolean; symbol?: string }, command: Command) => {
      if (options.all === true) {
        const { cancelled } = await withClient(io, (c) => c.orders.cancelAll.mutate({ symbol: options.symbol?.toUpperCase() }));
        show(io, command, cancelled, () =>
          cancelled.length === 0 ? "No open orders" : `Cancelled ${cancelled.length}: ${cancelled.map((o) => o.orderId).join(", ")}`,
        );
        return;
      }
      if (orderId === undefined) throw usageError("give an order id, or --all");
      const order = await withClient(io, (c) => c.orders.cancel.mutate({ orderId }));
      show(io, command, order, () => orderLine(order));
    });
}
