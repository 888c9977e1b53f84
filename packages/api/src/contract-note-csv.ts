// A contract note as CSV, the same for the CLI and the web app's download: one row per trade with
// its charges, then the day's totals and the net amount. Amounts in rupees, times in IST.
import { CHARGE_COMPONENTS } from "@trading/engine";
import type { z } from "zod";
import type { contractNoteOutput } from "./outputs.js";

type ContractNoteDto = z.infer<typeof contractNoteOutput>;

const COMPONENTS = CHARGE_COMPONENTS.map(([key]) => key);
const HEADER = ["trade", "order", "time (IST)", "symbol", "side", "product", "exchange", "quantity", "price", "value", ...COMPONENTS];

const ist = (iso: string) => new Date(Date.parse(iso) + 5.5 * 3_600_000).toISOString().slice(0, 19).replace("T", " ");
const money = (rupees: number) => rupees.toFixed(2);

export function contractNoteCsv(note: ContractNoteDto): string {
  const rows: string[][] = [HEADER];
  for (const t of note.trades) {
    rows.push([
      t.tradeId,
      t.orderId,
      ist(t.time),
      t.symbol,
      t.side,
      t.product,
      t.exchange,
      String(t.quantity),
      money(t.price),
      money(t.value),
      ...COMPONENTS.map((c) => money(t.charges?.[c] ?? 0)),
    ]);
  }
  const blank = (n: number) => Array.from({ length: n }, () => "");
  rows.push(["total", ...blank(8), "", ...COMPONENTS.map((c) => money(note.totals?.[c] ?? 0))]);
  rows.push(["buy value", ...blank(8), money(note.buyValue), ...blank(COMPONENTS.length)]);
  rows.push(["sell value", ...blank(8), money(note.sellValue), ...blank(COMPONENTS.length)]);
  rows.push([note.net >= 0 ? "net receivable" : "net payable", ...blank(8), money(Math.abs(note.net)), ...blank(COMPONENTS.length)]);
  return `${rows.map((r) => r.join(",")).join("\n")}\n`;
}
