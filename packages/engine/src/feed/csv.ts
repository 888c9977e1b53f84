// Replays recorded prices: parses `time,symbol,price,volume` CSV into ticks, reporting every bad
// row by line number instead of stopping at the first.
import { SYMBOL_PATTERN } from "../limits.js";
import { rupeesToPaise } from "../money.js";
import type { TickCommand } from "../types.js";

export interface CsvRowError {
  line: number;
  message: string;
}

export type CsvParseResult = { ok: true; ticks: TickCommand[] } | { ok: false; errors: CsvRowError[] };

const HEADER = ["time", "symbol", "price", "volume"];
/** Parsing stops collecting after this many errors: a wrong file should not flood the screen. */
const MAX_ERRORS = 20;

/**
 * Time is epoch milliseconds or an ISO-8601 date-time with a zone; price is decimal rupees; volume
 * whole shares. A header row is optional; blank lines and lines starting with # are skipped. Rows
 * must be in time order.
 */
export function parseTickCsv(text: string): CsvParseResult {
  const ticks: TickCommand[] = [];
  const errors: CsvRowError[] = [];
  const lines = text.split(/\r?\n/);
  let lastTime = -Infinity;
  for (let index = 0; index < lines.length && errors.length < MAX_ERRORS; index++) {
    const raw = (lines[index] as string).trim();
    const line = index + 1;
    if (raw === "" || raw.startsWith("#")) continue;
    const cells = raw.split(",").map((c) => c.trim());
    if (ticks.length === 0 && errors.length === 0 && cells.map((c) => c.toLowerCase()).join(",") === HEADER.join(",")) {
      continue;
    }
    if (cells.length !== 4) {
      errors.push({ line, message: `expected 4 columns (time,symbol,price,volume), found ${cells.length}` });
      continue;
    }
    const [timeText, symbol, priceText, volumeText] = cells as [string, string, string, string];
    const time = parseTime(timeText);
    const rowErrors: string[] = [];
    if (time === undefined)
      rowErrors.push(`time ${JSON.stringify(timeText)} is neither epoch milliseconds nor an ISO-8601 date-time with a zone`);
    else if (time < lastTime) rowErrors.push(`time ${timeText} is earlier than the row before it; rows must be in time order`);
    else lastTime = time;
    if (!SYMBOL_PATTERN.test(symbol)) rowErrors.push(`symbol ${JSON.stringify(symbol)} must be upper-case letters, digits, &, _ or -`);
    const priceNumber = /^\d+(\.\d+)?$/.test(priceText) ? Number(priceText) : NaN;
    const price = rupeesToPaise(priceNumber);
    if (price === undefined || price <= 0) {
      rowErrors.push(`price ${JSON.stringify(priceText)} must be a positive amount in rupees with at most two decimals`);
    }
    const volume = /^\d+$/.test(volumeText) ? Number(volumeText) : NaN;
    if (!Number.isSafeInteger(volume)) rowErrors.push(`volume ${JSON.stringify(volumeText)} must be a whole number of shares`);
    if (rowErrors.length > 0 || time === undefined || price === undefined) {
      errors.push({ line, message: rowErrors.join("; ") });
      continue;
    }
    ticks.push({ kind: "tick", time, symbol, price, volume });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, ticks };
}

export function parseTime(text: string): number | undefined {
  if (/^\d{1,15}$/.test(text)) return Number(text);
  // Only full date-times with an explicit zone: a local-time string would replay differently by machine.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
