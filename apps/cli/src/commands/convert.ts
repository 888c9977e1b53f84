// `trade convert`: moves part of today's position to the other product (Kite's position conversion).
import { productSchema } from "@trading/engine";
import type { Command } from "commander";
import { usageError } from "../errors.js";
import type { Io } from "../io.js";
import { rupees } from "../output.js";
import { define, positiveInt, show, withClient } from "./shared.js";

export function convertCommand(io: Io): Command {
  return define("convert", "move part of today's position to the other product: intraday (MIS) to delivery (CNC), or back", [
    "trade convert INFY 10 --to cnc",
    "trade convert INFY 10 --to mis",
  ])
    .argument("<symbol>")
    .argument("<quantity>", "shares", positiveInt("quantity"))
    .requiredOption("--to <product>", "cnc (delivery: pays the shares' cost) or mis (intraday: back on margin)")
    .action(async (symbol: string, quantity: number, options: { to: string }, command: Command) => {
      const to = productSchema.safeParse(options.to.toUpperCase());
      if (!to.success) throw usageError(`--to ${to.error.issues[0]?.message ?? "is not a product"}`);
      const from = to.data === "CNC" ? "MIS" : "CNC";
      const input = { symbol: symbol.toUpperCase(), quantity, from, to: to.data } as const;
      const result = await withClient(io, (c) => c.positions.convert.mutate(input));
      show(
        io,
        command,
        result,
        () => `converted ${quantity} ${input.symbol} from ${from} to ${to.data}; available ${rupees(result.funds.available)}`,
      );
    });
}
