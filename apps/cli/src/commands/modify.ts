// `trade modify`: changes an open order's quantity, limit price or trigger price, checked with the
// same schema the server uses.
import { modifyOrderRequestSchema } from "@trading/engine";
import type { Command } from "commander";
import { usageError } from "../errors.js";
import type { Io } from "../io.js";
import { define, issuesText, orderLine, positiveInt, price, show, withClient } from "./shared.js";

/** The schema's names for the fields, as the options spell them. */
const OPTION_NAMES: Record<string, string> = { quantity: "--qty", price: "--limit", triggerPrice: "--trigger" };

export function modifyCommand(io: Io): Command {
  return define("modify", "change quantity, limit price or trigger price of an open order", ["trade modify O123 --limit 1501 --qty 20"])
    .argument("<orderId>")
    .option("--qty <quantity>", "new total quantity", positiveInt("--qty"))
    .option("--limit <price>", "new limit price", price("--limit"))
    .option("--trigger <price>", "new trigger price", price("--trigger"))
    .action(async (orderId: string, options: { qty?: number; limit?: number; trigger?: number }, command: Command) => {
      const parsed = modifyOrderRequestSchema.safeParse({
        orderId,
        ...(options.qty === undefined ? {} : { quantity: options.qty }),
        ...(options.limit === undefined ? {} : { price: options.limit }),
        ...(options.trigger === undefined ? {} : { triggerPrice: options.trigger }),
      });
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => ({ ...i, path: i.path.map((p) => OPTION_NAMES[String(p)] ?? p) }));
        if (issues.length === 1 && issues[0]?.path.length === 0) throw usageError("give at least one of --qty, --limit or --trigger");
        throw usageError(issuesText(issues, "modification"));
      }
      const order = await withClient(io, (c) => c.orders.modify.mutate(parsed.data));
      show(io, command, order, () => orderLine(order));
    });
}
