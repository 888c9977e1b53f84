// `trade admin set-price`: moves the market price, as a trade at that price would.
import type { Command } from "commander";
import type { Io } from "../../io.js";
import { rupees } from "../../output.js";
import { define, positiveInt, price, show, withClient } from "../shared.js";

export function setPriceCommand(io: Io): Command {
  return define("set-price", "move the market price, as a trade at that price would", [
    "trade admin set-price INFY 1499.95",
    "trade admin set-price INFY 1499.95 --volume 0",
  ])
    .argument("<symbol>")
    .argument("<price>", "rupees", price("price"))
    .option("--volume <shares>", "shares traded at that price", positiveInt("--volume"))
    .action(async (symbol: string, newPrice: number, options: { volume?: number }, command: Command) => {
      const quote = await withClient(io, (c) => c.admin.setPrice.mutate({ symbol, price: newPrice, volume: options.volume }));
      show(io, command, quote, () => `${quote.symbol} now ${rupees(quote.lastTradedPrice)}`);
    });
}
