// What several commands share: how a command is defined (its --json and examples), argument
// parsers, the client's life, symbol lookups and how an order is shown.
import { candleIntervalSchema, type CandleInterval } from "@trading/engine";
import type { TradingClient } from "@trading/api/client";
import { Command, InvalidArgumentError } from "commander";
import { dateTime } from "../clock.js";
import { CliError, EXIT, usageError } from "../errors.js";
import type { Io } from "../io.js";
import { bold, dim, print, rupees, table, type OutputOptions } from "../output.js";

/** A command with its description, `--json`, and examples shown after its help. */
export function define(name: string, description: string, examples: string[] = []): Command {
  const command = new Command(name).description(description).option("--json", "print machine-readable JSON and nothing else");
  if (examples.length > 0) command.addHelpText("after", `\nExamples:\n${examples.map((e) => `  ${e}`).join("\n")}`);
  return command;
}

/** How the command should print: `--json` given to it or to `trade` itself. */
export function outputOf(command: Command): OutputOptions {
  return { json: command.optsWithGlobals<{ json?: boolean }>().json === true };
}

/** Prints a command's result (see `print`). */
export function show(io: Io, command: Command, json: unknown, human: () => string): void {
  print(io.out, outputOf(command), json, human);
}

export const positiveInt = (label: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`${label} must be a whole number greater than zero`);
  return n;
};

/** How many items to ask for: the server answers at most `max`. */
export const count = (max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0 || n > max)
    throw new InvalidArgumentError(`--limit must be a whole number from 1 to ${max.toLocaleString("en-IN")}`);
  return n;
};

export const price = (label: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${label} must be a price in rupees, e.g. 1500.50`);
  return n;
};

export const CANDLE_INTERVAL_NAMES = candleIntervalSchema.options;
export const interval = (value: string): CandleInterval => {
  const parsed = candleIntervalSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`--interval must be one of ${CANDLE_INTERVAL_NAMES.join(", ")}`);
  return parsed.data;
};

/** The columns a table right-aligns (numbers). */
export const RIGHT = (...columns: number[]) => new Set(columns);

/** A client with the saved (or environment's) URL and key. */
export async function connect(io: Io): Promise<TradingClient> {
  const settings = io.settings();
  if (settings.apiKey === undefined) {
    const why = settings.problem === undefined ? "" : ` (${settings.problem})`;
    throw new CliError(`no API key${why}: run \`trade login\` or set TRADE_API_KEY`, EXIT.auth);
  }
  return io.client(settings.url, settings.apiKey);
}

/** Runs an action with a client and always closes it, so the process can end. */
export async function withClient<T>(io: Io, action: (client: TradingClient) => Promise<T>): Promise<T> {
  const client = await connect(io);
  try {
    return await action(client);
  } finally {
    client.close();
  }
}

/**
 * A lookup of symbols: one the broker does not list is the user's typing mistake, a usage error
 * (exit 2) that names the closest listed symbols, not a broker rejection.
 */
export async function lookUp<T>(client: TradingClient, query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    const unknown = /^no instrument with symbol (\S+)$/.exec((error as { message?: string }).message ?? "")?.[1];
    if ((error as { data?: { code?: string } }).data?.code !== "NOT_FOUND" || unknown === undefined) throw error;
    const listed = (await client.instruments.list.query()).map((i) => i.symbol);
    const close = closestSymbols(unknown, listed);
    throw usageError(
      `no instrument with symbol ${unknown}${close.length === 0 ? "" : `; did you mean ${close.join(", ")}?`} (\`trade instruments\` lists them all)`,
    );
  }
}

/** Up to three listed symbols nearest to `wanted` by edit distance (at most 2 edits), or that it starts. */
export function closestSymbols(wanted: string, listed: string[]): string[] {
  return listed
    .map((symbol) => ({ symbol, distance: symbol.startsWith(wanted) ? 1 : editDistance(wanted, symbol) }))
    .filter((c) => c.distance <= 2)
    .sort((a, b) => a.distance - b.distance || a.symbol.localeCompare(b.symbol))
    .slice(0, 3)
    .map((c) => c.symbol);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** Schema issues as one line: `price must be ...; quantity must be ...`. */
export function issuesText(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>, subject: string): string {
  return issues.map((i) => `${i.path.map(String).join(".") || subject} ${i.message}`).join("; ");
}

export type OrderRow = Awaited<ReturnType<TradingClient["orders"]["place"]["mutate"]>>;

export function orderLine(o: OrderRow): string {
  const at = o.type === "MARKET" || o.type === "SL_M" ? "" : ` @ ${rupees(o.price)}`;
  const trigger = o.triggerPrice === null ? "" : ` trigger ${rupees(o.triggerPrice)}`;
  const fill = o.averageFillPrice === null ? "" : `, filled ${o.filledQuantity} at ${rupees(o.averageFillPrice)}`;
  const amo = o.amo ? " (AMO)" : "";
  const product = o.product === "MIS" ? " MIS" : "";
  const waiting = o.waitingFor === null ? "" : `, ${WAITING_TEXT[o.waitingFor]}`;
  return `${o.side} ${o.quantity} ${o.symbol}${product} ${o.type}${at}${trigger}: ${bold(o.orderId)} ${o.state}${amo}${fill}${waiting}`;
}

/** When a waiting order meets the market, in words. */
export const WAITING_TEXT: Record<NonNullable<OrderRow["waitingFor"]>, string> = {
  "pre-open": "enters the market at the next pre-open (09:00 IST)",
  auction: "takes part in the opening auction (09:08 IST)",
  open: "enters the market at the next open (09:15 IST)",
};

/** An order's state, with AMO for an after-market order and what a waiting order waits for. */
function stateCell(o: OrderRow): string {
  const amo = o.amo ? "AMO " : "";
  return o.waitingFor === null ? `${amo}${o.state}` : `${amo}${o.state} (waits: ${o.waitingFor})`;
}

export function ordersTable(orders: OrderRow[]): string {
  if (orders.length === 0) return dim("no orders");
  return table(
    ["ORDER", "PLACED (IST)", "SIDE", "SYMBOL", "PRODUCT", "TYPE", "QTY", "FILLED", "PRICE", "TRIGGER", "AVG", "STATE"],
    orders.map((o) => [
      o.orderId,
      dateTime(o.placedAt),
      o.side,
      o.symbol,
      o.product ?? "CNC",
      o.type,
      String(o.quantity),
      String(o.filledQuantity),
      rupees(o.price),
      rupees(o.triggerPrice),
      rupees(o.averageFillPrice),
      stateCell(o),
    ]),
    RIGHT(6, 7, 8, 9, 10),
  );
}
