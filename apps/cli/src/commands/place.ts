// `trade buy` and `trade sell`: one order, its type told by the prices given. Checked with the
// same schema the server uses before anything is sent.
import { ORDER_CAUSE_TEXT, orderRequestSchema, type OrderRequestInput, type Side } from "@trading/engine";
import { Option, type Command } from "commander";
import { usageError } from "../errors.js";
import type { Io } from "../io.js";
import { define, issuesText, orderLine, positiveInt, price, show, withClient } from "./shared.js";

interface PlaceOptions {
  limit?: number;
  trigger?: number;
  ioc?: boolean;
  mis?: boolean;
  cnc?: boolean;
  clientId?: string;
}

export function placeCommand(io: Io, side: Side): Command {
  const name = side.toLowerCase();
  const [stop, stopLimit] = side === "BUY" ? ["1600", "1600 --limit 1605"] : ["1400", "1400 --limit 1395"];
  return define(name, `${name} shares: MARKET, or LIMIT with --limit, stop-loss with --trigger`, [
    `trade ${name} INFY 10`,
    `trade ${name} INFY 10 --limit 1500.50`,
    `trade ${name} INFY 10 --trigger ${stop}`,
    `trade ${name} INFY 10 --trigger ${stopLimit}`,
    `trade ${name} INFY 10 --mis`,
  ])
    .argument("<symbol>")
    .argument("<quantity>", "shares", positiveInt("quantity"))
    .option("--limit <price>", "limit price in rupees (LIMIT, or SL with --trigger)", price("--limit"))
    .option("--trigger <price>", "trigger price in rupees (SL_M, or SL with --limit)", price("--trigger"))
    .option("--ioc", "immediate or cancel: whatever does not fill at once is cancelled")
    .addOption(new Option("--mis", "intraday: on margin (5x), short selling allowed, squared off at 15:20 IST").conflicts("cnc"))
    .option("--cnc", "delivery: paid in full (the default)")
    .option("--client-id <id>", "your idempotency key: a retry with the same key never places a second order")
    .action(async (symbol: string, quantity: number, options: PlaceOptions, command: Command) => {
      const parsed = orderRequestSchema.safeParse(orderRequest(side, symbol, quantity, options));
      if (!parsed.success) throw usageError(issuesText(parsed.error.issues, "order"));
      const order = await withClient(io, (c) => c.orders.place.mutate(parsed.data));
      // Cancelled on placing can only be an IOC's unfilled remainder: say so, not just CANCELLED.
      const why = order.state === "CANCELLED" ? ` (${ORDER_CAUSE_TEXT["ioc-unfilled"]})` : "";
      show(io, command, order, () => `${orderLine(order)}${why}`);
    });
}

/** The order the arguments describe: a limit price makes LIMIT, a trigger SL_M, both SL. */
export function orderRequest(side: Side, symbol: string, quantity: number, options: PlaceOptions): OrderRequestInput {
  const type =
    options.limit !== undefined ? (options.trigger !== undefined ? "SL" : "LIMIT") : options.trigger !== undefined ? "SL_M" : "MARKET";
  return {
    symbol,
    side,
    type,
    quantity,
    validity: options.ioc === true ? "IOC" : "DAY",
    product: options.mis === true ? "MIS" : "CNC",
    ...(options.limit === undefined ? {} : { price: options.limit }),
    ...(options.trigger === undefined ? {} : { triggerPrice: options.trigger }),
    ...(options.clientId === undefined ? {} : { clientOrderId: options.clientId }),
  } as OrderRequestInput;
}
