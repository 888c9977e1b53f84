// History an admin imports: 1-minute OHLCV candles as CSV, `symbol,time,open,high,low,close,volume`
// (a header row optional; time the minute's start, ISO-8601 with a zone or epoch milliseconds;
// prices in rupees with at most two decimals; volume in shares). Every bad row is reported by its
// line number, and a file with any is refused whole.
import { SYMBOL_PATTERN } from "../limits.js";
import { rupeesToPaise } from "../money.js";
import type { MinuteCandle } from "./backfill.js";
import { parseTime, type CsvRowError } from "./csv.js";

export const CANDLE_CSV_HEADER = ["symbol", "time", "open", "high", "low", "close", "volume"] as const;
const MAX_ERRORS = 20;

export type CandleCsvResult = { ok: true; candles: MinuteCandle[] } | { ok: false; errors: CsvRowError[] };

/** Parses the file; `isListed` says which symbols the market has (others are errors). */
export function parseCandleCsv(text: string, isListed: (symbol: string) => boolean): CandleCsvResult {
  const candles: MinuteCandle[] = [];
  const errors: CsvRowError[] = [];
  const seen = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length && errors.length < MAX_ERRORS; index++) {
    const raw = (lines[index] as string).trim();
    if (raw === "" || raw.startsWith("#")) continue;
    const cells = raw.split(",").map((c) => c.trim());
    if (candles.length === 0 && errors.length === 0 && cells.join(",").toLowerCase() === CANDLE_CSV_HEADER.join(",")) continue;
    const parsed = parseRow(cells, isListed);
    if (typeof parsed === "string") {
      errors.push({ line: index + 1, message: parsed });
      continue;
    }
    const key = `${parsed.symbol}|${parsed.time}`;
    if (seen.has(key)) errors.push({ line: index + 1, message: `a second candle for ${parsed.symbol} at ${cells[1]}` });
    seen.add(key);
    candles.push(parsed);
  }
  if (errors.length === 0 && candles.length === 0) errors.push({ line: 1, message: "no candles in the file" });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, candles };
}

/** One row as a candle, or what is wrong with it. */
function parseRow(cells: string[], isListed: (symbol: string) => boolean): MinuteCandle | string {
  if (cells.length !== CANDLE_CSV_HEADER.length) return `expected 7 columns (${CANDLE_CSV_HEADER.join(",")}), found ${cells.length}`;
  const [symbol, timeText, ...rest] = cells as [string, string, string, string, string, string, string];
  const problems: string[] = [];
  if (!SYMBOL_PATTERN.test(symbol)) problems.push(`symbol ${JSON.stringify(symbol)} must be upper-case letters, digits, &, _ or -`);
  else if (!isListed(symbol)) problems.push(`${symbol} is not listed`);
  const time = parseTime(timeText);
  if (time === undefined)
    problems.push(`time ${JSON.stringify(timeText)} is neither epoch milliseconds nor an ISO-8601 date-time with a zone`);
  else if (time % 60_000 !== 0) problems.push(`time ${timeText} is not the start of a minute`);
  const [open, high, low, close] = rest.slice(0, 4).map((text, i) => {
    const paise = /^\d+(\.\d+)?$/.test(text) ? rupeesToPaise(Number(text)) : undefined;
    if (paise === undefined || paise <= 0)
      problems.push(`${CANDLE_CSV_HEADER[i + 2]} ${JSON.stringify(text)} must be a positive amount in rupees with at most two decimals`);
    return paise ?? 0;
  }) as [number, number, number, number];
  const volumeText = rest[4];
  const volume = /^\d+$/.test(volumeText) ? Number(volumeText) : NaN;
  if (!Number.isSafeInteger(volume)) problems.push(`volume ${JSON.stringify(volumeText)} must be a whole number of shares`);
  if (problems.length === 0 && (high < Math.max(open, close, low) || low > Math.min(open, close))) {
    problems.push("high must be the highest price and low the lowest");
  }
  return problems.length > 0 || time === undefined ? problems.join("; ") : { symbol, time, open, high, low, close, volume };
}
