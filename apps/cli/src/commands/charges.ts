// `trade charges`: what an order would cost in brokerage, taxes and fees, before placing it.
import { CHARGE_COMPONENTS } from "@trading/engine";
import type { Command } from "commander";
import type { Io } from "../io.js";
import { rupees, table } from "../output.js";
import { define, lookUp, positiveInt, price, RIGHT, show, withClient } from "./shared.js";

interface ChargesOptions {
  sell?: boolean;
  mis?: boolean;
  price?: number;
}

export function chargesCommand(io: Io): Command {
  return define("charges", "what an order would cost in brokerage, taxes and fees (filled in full, alone that day)", [
    "trade charges INFY 100",
    "trade charges INFY 100 --sell --mis --price 1500",
  ])
    .argument("<symbol>")
    .argument("<quantity>", "shares", positiveInt("quantity"))
    .option("--sell", "a sell (default: a buy)")
    .option("--mis", "intraday (default: delivery, CNC)")
    .option("--price <price>", "rupees a share (default: the last traded price)", price("--price"))
    .action(async (symbol: string, quantity: number, options: ChargesOptions, command: Command) => {
      const input = {
        symbol: symbol.toUpperCase(),
        side: options.sell === true ? ("SELL" as const) : ("BUY" as const),
        quantity,
        price: options.price,
        product: options.mis === true ? ("MIS" as const) : ("CNC" as const),
      };
      const preview = await withClient(io, (c) => lookUp(c, () => c.charges.preview.query(input)));
      show(io, command, preview, () => {
        const heading = `${preview.side} ${preview.quantity} ${preview.symbol} ${preview.product} @ ${rupees(preview.price)} = ${rupees(preview.value)}`;
        const rows = CHARGE_COMPONENTS.map(([key, label]) => [label, rupees(preview.charges[key])]);
        return `${heading}\n${table(["CHARGE", "AMOUNT"], rows, RIGHT(1))}\nrates effective ${preview.ratesEffective}`;
      });
    });
}
