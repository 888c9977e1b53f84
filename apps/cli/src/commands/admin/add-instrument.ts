// `trade admin add-instrument`: lists a new instrument for trading.
import { InvalidArgumentError, type Command } from "commander";
import type { Io } from "../../io.js";
import { rupees } from "../../output.js";
import { define, positiveInt, price, show, withClient } from "../shared.js";

export function addInstrumentCommand(io: Io): Command {
  return define("add-instrument", "add an instrument", ["trade admin add-instrument ZOMATO 'Zomato Ltd' 250.50"])
    .argument("<symbol>")
    .argument("<name>")
    .argument("<price>", "starting price in rupees", price("price"))
    .option("--tick <rupees>", "a fixed tick size (default: NSE's table by price)", price("--tick"))
    .option("--lot <n>", "lot size", positiveInt("--lot"), 1)
    .option("--band <percent>", 'price band: 2, 5, 10, 20 or "dynamic"', band, 20)
    .option("--leverage <n>", "intraday (MIS) leverage: 5 holds 20 % of a position's value as margin", positiveInt("--leverage"), 5)
    .action(
      async (
        symbol: string,
        name: string,
        startPrice: number,
        options: { tick?: number; lot: number; band: 2 | 5 | 10 | 20 | "dynamic"; leverage: number },
        command: Command,
      ) => {
        const instrument = await withClient(io, (c) =>
          c.admin.addInstrument.mutate({
            symbol,
            name,
            price: startPrice,
            tickSize: options.tick,
            lotSize: options.lot,
            band: options.band,
            intradayLeverage: options.leverage,
          }),
        );
        show(io, command, instrument, () => `Added ${instrument.symbol} at ${rupees(instrument.lastTradedPrice)}`);
      },
    );
}

function band(value: string): 2 | 5 | 10 | 20 | "dynamic" {
  if (value === "dynamic") return value;
  const percent = Number(value);
  if (percent === 2 || percent === 5 || percent === 10 || percent === 20) return percent;
  throw new InvalidArgumentError('must be 2, 5, 10, 20 or "dynamic"');
}
