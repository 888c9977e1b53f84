// `trade admin import-candles`: loads a CSV of 1-minute candles into the market's history.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { usageError } from "../../errors.js";
import type { Io } from "../../io.js";
import { define, show, withClient } from "../shared.js";

export function importCandlesCommand(io: Io): Command {
  return define("import-candles", "load 1-minute candles (CSV: symbol,time,open,high,low,close,volume) into the history", [
    "trade admin import-candles infy-december.csv",
  ])
    .argument("<file>", "a CSV file; a bad row imports nothing and is reported by its line")
    .action(async (file: string, _options: unknown, command: Command) => {
      let csv: string;
      try {
        csv = readFileSync(file, "utf8");
      } catch (error) {
        throw usageError(`cannot read ${file}: ${(error as Error).message}`);
      }
      const summary = await withClient(io, (c) => c.admin.importCandles.mutate({ csv }));
      show(
        io,
        command,
        summary,
        () => `imported ${summary.candles} candles of ${summary.symbols.join(", ")} from ${summary.from} to ${summary.to}`,
      );
    });
}
