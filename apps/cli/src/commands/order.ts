// `trade order`: one order with its state history and trades.
import type { Command } from "commander";
import { dateTime } from "../clock.js";
import type { Io } from "../io.js";
import { rupees, table } from "../output.js";
import { define, orderLine, RIGHT, show, withClient } from "./shared.js";

export function orderCommand(io: Io): Command {
  return define("order", "one order with its state history and trades", ["trade order O123"])
    .argument("<orderId>")
    .action(async (orderId: string, _o: unknown, command: Command) => {
      const order = await withClient(io, (c) => c.orders.get.query({ orderId }));
      const history = table(
        ["TIME (IST)", "STATE", "WHY"],
        order.history.map((h) => [dateTime(h.time), h.state, h.description]),
      );
      const trades = table(
        ["TRADE", "TIME (IST)", "QTY", "PRICE"],
        order.trades.map((t) => [t.tradeId, dateTime(t.time), String(t.quantity), rupees(t.price)]),
        RIGHT(2, 3),
      );
      show(io, command, order, () =>
        [
          orderLine(order),
          "",
          history,
          ...(order.trades.length === 0 ? [] : ["", trades]),
          ...(order.rejectMessage === null ? [] : ["", `Rejected (${order.rejectReason}): ${order.rejectMessage}`]),
        ].join("\n"),
      );
    });
}
