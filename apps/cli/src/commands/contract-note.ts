// `trade contract-note`: the day's trades with their charges, the totals and the net amount.
import { contractNoteCsv } from "@trading/api/contract-note-csv";
import { CHARGE_COMPONENTS } from "@trading/engine";
import type { Command } from "commander";
import { usageError } from "../errors.js";
import type { Io } from "../io.js";
import { dateTime } from "../clock.js";
import { rupees, table } from "../output.js";
import { define, RIGHT, show, withClient } from "./shared.js";

export function contractNoteCommand(io: Io): Command {
  return define("contract-note", "a trading day's trades with their charges, the totals and the net amount", [
    "trade contract-note",
    "trade contract-note --date 2026-12-04 --csv > note.csv",
  ])
    .option("--date <date>", "the trading day, YYYY-MM-DD (IST; default today)")
    .option("--csv", "print it as CSV")
    .action(async (options: { date?: string; csv?: boolean }, command: Command) => {
      if (options.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.date)) throw usageError("--date must be YYYY-MM-DD");
      const note = await withClient(io, (c) => c.contractNotes.get.query({ date: options.date }));
      if (options.csv === true) {
        io.out.write(contractNoteCsv(note));
        return;
      }
      show(io, command, note, () => {
        if (note.trades.length === 0) return `no trades on ${note.date}`;
        const trades = table(
          ["TIME (IST)", "SYMBOL", "SIDE", "PRODUCT", "QTY", "PRICE", "VALUE", "CHARGES"],
          note.trades.map((t) => [
            dateTime(t.time),
            t.symbol,
            t.side,
            t.product,
            String(t.quantity),
            rupees(t.price),
            rupees(t.value),
            rupees(t.charges?.total ?? 0),
          ]),
          RIGHT(4, 5, 6, 7),
        );
        const totals = table(
          ["", "AMOUNT"],
          [
            ...CHARGE_COMPONENTS.map(([key, label]) => [label, rupees(note.totals?.[key] ?? 0)]),
            ["Bought", rupees(note.buyValue)],
            ["Sold", rupees(note.sellValue)],
            [note.net >= 0 ? "Net receivable" : "Net payable", rupees(Math.abs(note.net))],
          ],
          RIGHT(1),
        );
        return `Contract note for ${note.date}\n${trades}\n${totals}`;
      });
    });
}
