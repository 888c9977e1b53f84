// `trade admin add-instrument`: lists a new instrument for trading.
import type { Command } from "commander";
import type { Io } from "../../io.js";
import { rupees } from "../../output.js";
import { define, positiveInt, price, show, withClient } from "../shared.js";

export function addInstrumentCommand(io: Io): Command {
  return define("add-instrument", "add an instrument", ["trade admin add-instrument ZOMATO 'Zomato Ltd' 250.50"])
    .argument("<symbol>")
    .argument("<name>")
    .argument("<price>", "starting price in rupees", price("price"))
    .option("--tick <rupees>", "tick size", price("--tick"), 0.05)
    .option("--lot <n>", "lot size", positiveInt("--lot"), 1)
    .action(async (symbol: string, name: string, startPrice: number, options: { tick: number; lot: number }, command: Command) => {
      const instrument = await withClient(io, (c) =>
        c.admin.addInstrument.mutate({ symbol, name, price: startPrice, tickSize: options.tick, lotSize: options.lot }),
      );
      show(io, command, instrument, () => `Added ${instrument.symbol} at ${rupees(instrument.lastTradedPrice)}`);
    });
}
