// Every `trade` command. Each talks to the server through the typed client, so request and answer
// shapes come from the router; order arguments are checked with the same schema the server uses.
import { createInterface } from "node:readline/promises";
import {
  candleIntervalSchema,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  ORDER_CAUSE_TEXT,
  orderRequestSchema,
  type CandleInterval,
  type OrderRequestInput,
} from "@trading/engine";
import type { TradingClient } from "@trading/api/client";
import { type Command, InvalidArgumentError } from "commander";
import { clock, dateTime, day, minute } from "./clock.js";
import { lasting } from "./lasting.js";
import { CliError, EXIT, usageError } from "./errors.js";
import { bold, dim, percent, pnl, print, rupees, table, type OutputOptions } from "./output.js";
import { configPath, currentSettings, forget, save } from "./settings.js";

type Opts = { json?: boolean };

const positiveInt = (label: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`${label} must be a whole number greater than zero`);
  return n;
};
/** How many items to ask for: the server answers at most `max`. */
const count = (max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0 || n > max)
    throw new InvalidArgumentError(`--limit must be a whole number from 1 to ${max.toLocaleString("en-IN")}`);
  return n;
};
const price = (label: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${label} must be a price in rupees, e.g. 1500.50`);
  return n;
};

async function connect(): Promise<TradingClient> {
  const settings = currentSettings();
  if (settings.apiKey === undefined) {
    const why = settings.problem === undefined ? "" : ` (${settings.problem})`;
    throw new CliError(`no API key${why}: run \`trade login\` or set TRADE_API_KEY`, EXIT.auth);
  }
  const { createTradingClient } = await import("@trading/api/client");
  return createTradingClient({ url: settings.url, apiKey: settings.apiKey });
}

/** Runs an action with a client and always closes it, so the process can end. */
async function withClient<T>(action: (client: TradingClient) => Promise<T>): Promise<T> {
  const client = await connect();
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
async function lookUp<T>(client: TradingClient, query: () => Promise<T>): Promise<T> {
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

const CANDLE_INTERVAL_NAMES = candleIntervalSchema.options;
const interval = (value: string): CandleInterval => {
  const parsed = candleIntervalSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`--interval must be one of ${CANDLE_INTERVAL_NAMES.join(", ")}`);
  return parsed.data;
};
const RIGHT = (...columns: number[]) => new Set(columns);

type OrderRow = Awaited<ReturnType<TradingClient["orders"]["place"]["mutate"]>>;

function orderLine(o: OrderRow): string {
  const at = o.type === "MARKET" || o.type === "SL_M" ? "" : ` @ ${rupees(o.price)}`;
  const trigger = o.triggerPrice === null ? "" : ` trigger ${rupees(o.triggerPrice)}`;
  const fill = o.averageFillPrice === null ? "" : `, filled ${o.filledQuantity} at ${rupees(o.averageFillPrice)}`;
  return `${o.side} ${o.quantity} ${o.symbol} ${o.type}${at}${trigger}: ${bold(o.orderId)} ${o.state}${fill}`;
}

function ordersTable(orders: OrderRow[]): string {
  if (orders.length === 0) return dim("no orders");
  return table(
    ["ORDER", "PLACED (IST)", "SIDE", "SYMBOL", "TYPE", "QTY", "FILLED", "PRICE", "TRIGGER", "AVG", "STATE"],
    orders.map((o) => [
      o.orderId,
      dateTime(o.placedAt),
      o.side,
      o.symbol,
      o.type,
      String(o.quantity),
      String(o.filledQuantity),
      rupees(o.price),
      rupees(o.triggerPrice),
      rupees(o.averageFillPrice),
      o.state,
    ]),
    RIGHT(5, 6, 7, 8, 9),
  );
}

function jsonOption(command: Command): Command {
  return command.option("--json", "print machine-readable JSON and nothing else");
}

export function registerCommands(program: Command): void {
  const opts = (command: Command): OutputOptions => ({ json: Boolean(command.opts<Opts>().json ?? program.opts<Opts>().json) });
  const add = (name: string, description: string) => jsonOption(program.command(name).description(description));

  add("login", "check an API key against the server and save it (with the URL) for later commands")
    .option("--url <url>", "server URL", currentSettings().url)
    .option("--key <apiKey>", "API key (asked for when not given)")
    .addHelpText("after", "\nExamples:\n  trade login --key demo-key\n  trade login --url http://127.0.0.1:3000 --key alice-key")
    .action(async (options: { url: string; key?: string }, command: Command) => {
      let key = options.key;
      if (key === undefined) {
        if (process.stdin.isTTY !== true) throw usageError("give the key with --key (no terminal to ask on)");
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        key = (await rl.question("API key: ")).trim();
        rl.close();
      }
      if (key === "") throw usageError("the API key is empty");
      const { createTradingClient } = await import("@trading/api/client");
      const client = createTradingClient({ url: options.url, apiKey: key });
      try {
        const me = await client.auth.whoami.query();
        const file = save({ url: options.url, apiKey: key });
        print(
          opts(command),
          { ...me, url: options.url, configFile: file },
          () => `Logged in as ${bold(me.userId)} (${me.displayName}) at ${options.url}; saved to ${file}`,
        );
      } finally {
        client.close();
      }
    });

  add("logout", "forget the saved URL and API key").action((_o: unknown, command: Command) => {
    const removed = forget();
    print(opts(command), { loggedOut: removed, configFile: configPath() }, () =>
      removed ? `Logged out (removed ${configPath()})` : "Not logged in",
    );
  });

  add("whoami", "show who the API key belongs to").action(async (_o: unknown, command: Command) => {
    const me = await withClient((c) => c.auth.whoami.query());
    print(opts(command), me, () => `${bold(me.userId)} (${me.displayName})${me.isAdmin ? " admin" : ""} at ${currentSettings().url}`);
  });

  add("instruments", "list the tradable instruments").action(async (_o: unknown, command: Command) => {
    const list = await withClient((c) => c.instruments.list.query());
    print(opts(command), list, () =>
      table(
        ["SYMBOL", "NAME", "EXCH", "LTP", "CHG%", "TICK", "LOT"],
        list.map((i) => [
          i.symbol,
          i.name,
          i.exchange,
          rupees(i.lastTradedPrice),
          percent(i.changePercent),
          rupees(i.tickSize),
          String(i.lotSize),
        ]),
        RIGHT(3, 4, 5, 6),
      ),
    );
  });

  add("quote", "quotes of one or more symbols")
    .argument("<symbols...>", "e.g. INFY TCS")
    .addHelpText("after", "\nExamples:\n  trade quote INFY TCS RELIANCE")
    .action(async (symbols: string[], _o: unknown, command: Command) => {
      const quotes = await withClient((c) => lookUp(c, () => c.market.quotes.query({ symbols: symbols.map((s) => s.toUpperCase()) })));
      print(opts(command), quotes, () =>
        table(
          ["SYMBOL", "LTP", "CHANGE", "CHG%", "OPEN", "HIGH", "LOW", "PREV CLOSE", "VOLUME"],
          quotes.map((q) => [
            q.symbol,
            rupees(q.lastTradedPrice),
            pnl(q.change),
            percent(q.changePercent),
            rupees(q.open),
            rupees(q.high),
            rupees(q.low),
            rupees(q.previousClose),
            String(q.volume),
          ]),
          RIGHT(1, 2, 3, 4, 5, 6, 7, 8),
        ),
      );
    });

  add("candles", "candles of a symbol, oldest first (1-minute unless --interval says otherwise)")
    .argument("<symbol>")
    .option("--interval <interval>", `${CANDLE_INTERVAL_NAMES.join(", ")}; hours and days on the Indian clock`, interval, "1m")
    .option("--limit <n>", "how many (at most 5,000)", count(5_000), 30)
    .action(async (symbol: string, options: { interval: CandleInterval; limit: number }, command: Command) => {
      const candles = await withClient((c) =>
        lookUp(c, () => c.market.candles.query({ symbol: symbol.toUpperCase(), interval: options.interval, limit: options.limit })),
      );
      const when = options.interval === "1d" ? day : minute;
      print(opts(command), candles, () =>
        candles.length === 0
          ? dim("no candles yet")
          : table(
              ["TIME (IST)", "OPEN", "HIGH", "LOW", "CLOSE", "VOLUME"],
              candles.map((k) => [when(k.time), rupees(k.open), rupees(k.high), rupees(k.low), rupees(k.close), String(k.volume)]),
              RIGHT(1, 2, 3, 4, 5),
            ),
      );
    });

  for (const side of ["BUY", "SELL"] as const) {
    add(side.toLowerCase(), `${side === "BUY" ? "buy" : "sell"} shares: MARKET, or LIMIT with --limit, stop-loss with --trigger`)
      .argument("<symbol>")
      .argument("<quantity>", "shares", positiveInt("quantity"))
      .option("--limit <price>", "limit price in rupees (LIMIT, or SL with --trigger)", price("--limit"))
      .option("--trigger <price>", "trigger price in rupees (SL_M, or SL with --limit)", price("--trigger"))
      .option("--ioc", "immediate or cancel: whatever does not fill at once is cancelled")
      .option("--client-id <id>", "your idempotency key: a retry with the same key never places a second order")
      .addHelpText(
        "after",
        `\nExamples:\n  trade ${side.toLowerCase()} INFY 10\n  trade ${side.toLowerCase()} INFY 10 --limit 1500.50\n  trade ${side.toLowerCase()} INFY 10 --trigger ${side === "BUY" ? "1600" : "1400"}\n  trade ${side.toLowerCase()} INFY 10 --trigger ${side === "BUY" ? "1600 --limit 1605" : "1400 --limit 1395"}`,
      )
      .action(
        async (
          symbol: string,
          quantity: number,
          options: { limit?: number; trigger?: number; ioc?: boolean; clientId?: string },
          command: Command,
        ) => {
          const type =
            options.limit !== undefined
              ? options.trigger !== undefined
                ? "SL"
                : "LIMIT"
              : options.trigger !== undefined
                ? "SL_M"
                : "MARKET";
          const request: OrderRequestInput = {
            symbol,
            side,
            type,
            quantity,
            validity: options.ioc === true ? "IOC" : "DAY",
            ...(options.limit === undefined ? {} : { price: options.limit }),
            ...(options.trigger === undefined ? {} : { triggerPrice: options.trigger }),
            ...(options.clientId === undefined ? {} : { clientOrderId: options.clientId }),
          } as OrderRequestInput;
          const parsed = orderRequestSchema.safeParse(request);
          if (!parsed.success) throw usageError(parsed.error.issues.map((i) => `${i.path.join(".") || "order"} ${i.message}`).join("; "));
          const order = await withClient((c) => c.orders.place.mutate(parsed.data));
          // Cancelled on placing can only be an IOC's unfilled remainder: say so, not just CANCELLED.
          const why = order.state === "CANCELLED" ? ` (${ORDER_CAUSE_TEXT["ioc-unfilled"]})` : "";
          print(opts(command), order, () => `${orderLine(order)}${why}`);
        },
      );
  }

  add("orders", "your orders, newest first")
    .option("--open", "only orders that can still fill")
    .option("--symbol <symbol>")
    .option("--limit <n>", `how many (at most ${MAX_PAGE_SIZE})`, count(MAX_PAGE_SIZE), DEFAULT_PAGE_SIZE)
    .action(async (options: { open?: boolean; symbol?: string; limit: number }, command: Command) => {
      const page = await withClient((c) =>
        c.orders.list.query({ open: options.open, symbol: options.symbol?.toUpperCase(), limit: options.limit }),
      );
      print(opts(command), page.items, () => ordersTable(page.items));
    });

  add("order", "one order with its state history and trades")
    .argument("<orderId>")
    .action(async (orderId: string, _o: unknown, command: Command) => {
      const order = await withClient((c) => c.orders.get.query({ orderId }));
      print(opts(command), order, () =>
        [
          orderLine(order),
          "",
          table(
            ["TIME (IST)", "STATE", "WHY"],
            order.history.map((h) => [dateTime(h.time), h.state, h.description]),
          ),
          ...(order.trades.length === 0
            ? []
            : [
                "",
                table(
                  ["TRADE", "TIME (IST)", "QTY", "PRICE"],
                  order.trades.map((t) => [t.tradeId, dateTime(t.time), String(t.quantity), rupees(t.price)]),
                  RIGHT(2, 3),
                ),
              ]),
          ...(order.rejectMessage === null ? [] : ["", `Rejected (${order.rejectReason}): ${order.rejectMessage}`]),
        ].join("\n"),
      );
    });

  add("modify", "change quantity, limit price or trigger price of an open order")
    .argument("<orderId>")
    .option("--qty <quantity>", "new total quantity", positiveInt("--qty"))
    .option("--limit <price>", "new limit price", price("--limit"))
    .option("--trigger <price>", "new trigger price", price("--trigger"))
    .addHelpText("after", "\nExamples:\n  trade modify O123 --limit 1501 --qty 20")
    .action(async (orderId: string, options: { qty?: number; limit?: number; trigger?: number }, command: Command) => {
      if (options.qty === undefined && options.limit === undefined && options.trigger === undefined)
        throw usageError("give at least one of --qty, --limit or --trigger");
      const order = await withClient((c) =>
        c.orders.modify.mutate({ orderId, quantity: options.qty, price: options.limit, triggerPrice: options.trigger }),
      );
      print(opts(command), order, () => orderLine(order));
    });

  add("cancel", "cancel an open order, or all of them with --all")
    .argument("[orderId]")
    .option("--all", "cancel every open order (of --symbol only, if given)")
    .option("--symbol <symbol>")
    .addHelpText("after", "\nExamples:\n  trade cancel O123\n  trade cancel --all --symbol INFY")
    .action(async (orderId: string | undefined, options: { all?: boolean; symbol?: string }, command: Command) => {
      if (options.all === true) {
        const { cancelled } = await withClient((c) => c.orders.cancelAll.mutate({ symbol: options.symbol?.toUpperCase() }));
        print(opts(command), cancelled, () =>
          cancelled.length === 0 ? "No open orders" : `Cancelled ${cancelled.length}: ${cancelled.map((o) => o.orderId).join(", ")}`,
        );
        return;
      }
      if (orderId === undefined) throw usageError("give an order id, or --all");
      const order = await withClient((c) => c.orders.cancel.mutate({ orderId }));
      print(opts(command), order, () => orderLine(order));
    });

  add("trades", "your trades, newest first")
    .option("--symbol <symbol>")
    .option("--limit <n>", `how many (at most ${MAX_PAGE_SIZE})`, count(MAX_PAGE_SIZE), DEFAULT_PAGE_SIZE)
    .action(async (options: { symbol?: string; limit: number }, command: Command) => {
      const page = await withClient((c) => c.trades.list.query({ symbol: options.symbol?.toUpperCase(), limit: options.limit }));
      print(opts(command), page.items, () =>
        page.items.length === 0
          ? dim("no trades")
          : table(
              ["TRADE", "TIME (IST)", "ORDER", "SIDE", "SYMBOL", "QTY", "PRICE"],
              page.items.map((t) => [t.tradeId, dateTime(t.time), t.orderId, t.side, t.symbol, String(t.quantity), rupees(t.price)]),
              RIGHT(5, 6),
            ),
      );
    });

  add("portfolio", "holdings with P&L at the last traded price").action(async (_o: unknown, command: Command) => {
    const holdings = await withClient((c) => c.portfolio.holdings.query());
    print(opts(command), holdings, () =>
      holdings.length === 0
        ? dim("no holdings")
        : table(
            ["SYMBOL", "QTY", "AVG", "LTP", "INVESTED", "CURRENT", "P&L", "P&L%", "DAY", "REALIZED"],
            holdings.map((h) => [
              h.symbol,
              String(h.quantity),
              rupees(h.averagePrice),
              rupees(h.ltp),
              rupees(h.investedValue),
              rupees(h.currentValue),
              pnl(h.unrealizedPnl),
              percent(h.unrealizedPnlPercent),
              pnl(h.dayChange),
              pnl(h.realizedPnl),
            ]),
            RIGHT(1, 2, 3, 4, 5, 6, 7, 8, 9),
          ),
    );
  });

  add("funds", "cash, blocked cash, equity and total P&L").action(async (_o: unknown, command: Command) => {
    const f = await withClient((c) => c.funds.get.query());
    print(opts(command), f, () =>
      table(
        ["", "AMOUNT"],
        [
          ["Cash", rupees(f.cash)],
          ["Blocked for open orders", rupees(f.blocked)],
          ["Available", rupees(f.available)],
          ["Holdings value", rupees(f.holdingsValue)],
          ["Equity", rupees(f.equity)],
          ["Total P&L", pnl(f.totalPnl)],
        ],
        RIGHT(1),
      ),
    );
  });

  add("watch", "live ticks and your own order updates and fills, until Ctrl-C")
    .argument("[symbols...]", "only these symbols' ticks (all when none)")
    .option("--no-ticks", "only order updates")
    .addHelpText("after", "\nExamples:\n  trade watch INFY TCS\n  trade watch --no-ticks --json")
    .action(async (symbols: string[], options: { ticks: boolean }, command: Command) => {
      const json = opts(command).json === true;
      const client = await connect();
      const emit = (record: Record<string, unknown>, human: string) =>
        process.stdout.write(json ? `${JSON.stringify(record)}\n` : `${human}\n`);
      await new Promise<void>((resolve, reject) => {
        const fail = (error: unknown) => {
          client.close();
          reject(error instanceof Error ? error : new Error(String(error)));
        };
        const subscriptions = [
          lasting(fail, (onError) =>
            client.orders.onUpdate.subscribe(undefined, {
              onData: ({ data }) =>
                emit(
                  { kind: "order", ...data },
                  `${dim(clock(data.order.updatedAt))} ${bold(data.type.toUpperCase())} ${orderLine(data.order)}`,
                ),
              onError,
            }),
          ),
        ];
        if (options.ticks) {
          subscriptions.push(
            lasting(fail, (onError) =>
              client.market.onTick.subscribe(symbols.length === 0 ? undefined : { symbols: symbols.map((s) => s.toUpperCase()) }, {
                onData: ({ data }) =>
                  emit(
                    { kind: "tick", ...data },
                    `${dim(clock(data.time))} ${data.symbol.padEnd(12)} ${rupees(data.price).padStart(14)} ${percent(data.changePercent)}`,
                  ),
                onError,
              }),
            ),
          );
        }
        const stop = () => {
          for (const s of subscriptions) s.unsubscribe();
          client.close();
          resolve();
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });

  registerAdmin(program, opts);
  addExamples(program);
}

/** Examples for the commands that do not carry their own in their definition. */
const EXAMPLES: Record<string, string[]> = {
  logout: ["trade logout"],
  whoami: ["trade whoami", "trade whoami --json"],
  instruments: ["trade instruments", "trade instruments --json | jq -r '.[].symbol'"],
  candles: ["trade candles INFY", "trade candles INFY --interval 1h --limit 24", "trade candles INFY --interval 1d --json"],
  orders: ["trade orders", "trade orders --open --symbol INFY", "trade orders --json"],
  order: ["trade order O123"],
  trades: ["trade trades", "trade trades --symbol INFY --limit 10"],
  portfolio: ["trade portfolio", "trade portfolio --json"],
  funds: ["trade funds", "trade funds --json"],
  admin: ["TRADE_API_KEY=admin-key trade admin users"],
  users: ["trade admin users"],
  "create-user": ["trade admin create-user carol --name Carol --cash 500000"],
  "create-key": ["trade admin create-key carol --label laptop"],
  "revoke-key": ["trade admin revoke-key key_0123abcd"],
  reset: ["trade admin reset carol --cash 1000000"],
  "add-instrument": ["trade admin add-instrument ZOMATO 'Zomato Ltd' 250.50"],
  "set-price": ["trade admin set-price INFY 1499.95", "trade admin set-price INFY 1499.95 --volume 0"],
  "pause-feed": ["trade admin pause-feed"],
  "resume-feed": ["trade admin resume-feed"],
  "open-session": ["trade admin open-session"],
  "close-session": ["trade admin close-session"],
  audit: ["trade admin audit --limit 20"],
};

function addExamples(command: Command): void {
  for (const sub of command.commands) {
    const examples = EXAMPLES[sub.name()];
    if (examples !== undefined) sub.addHelpText("after", `\nExamples:\n${examples.map((e) => `  ${e}`).join("\n")}`);
    addExamples(sub);
  }
}

function registerAdmin(program: Command, opts: (command: Command) => OutputOptions): void {
  const admin = program.command("admin").description("administration (needs an admin API key)");
  const add = (name: string, description: string) => jsonOption(admin.command(name).description(description));
  const done = (command: Command, value: unknown, human: string) => print(opts(command), value, () => human);

  add("users", "list users").action(async (_o: unknown, command: Command) => {
    const users = await withClient((c) => c.admin.users.query());
    print(opts(command), users, () =>
      table(
        ["USER", "NAME", "ADMIN", "CREATED (IST)"],
        users.map((u) => [u.userId, u.displayName, u.isAdmin ? "yes" : "", dateTime(u.createdAt)]),
      ),
    );
  });
  add("create-user", "create a user with a trading account and a first API key")
    .argument("<userId>")
    .requiredOption("--name <displayName>", "display name")
    .option("--cash <rupees>", "starting cash", price("--cash"))
    .option("--admin", "make the user an admin")
    .action(async (userId: string, options: { name: string; cash?: number; admin?: boolean }, command: Command) => {
      const created = await withClient((c) =>
        c.admin.createUser.mutate({ userId, displayName: options.name, cash: options.cash, isAdmin: options.admin === true }),
      );
      done(command, created, `Created ${bold(created.userId)}; API key (shown once): ${created.apiKey}`);
    });
  add("create-key", "make another API key for a user")
    .argument("<userId>")
    .option("--label <label>", "what the key is for", "api key")
    .action(async (userId: string, options: { label: string }, command: Command) => {
      const key = await withClient((c) => c.admin.createKey.mutate({ userId, label: options.label }));
      done(command, key, `Key ${key.keyId} for ${userId} (shown once): ${key.apiKey}`);
    });
  add("revoke-key", "revoke an API key; its open connections are closed")
    .argument("<keyId>")
    .action(async (keyId: string, _o: unknown, command: Command) => {
      const result = await withClient((c) => c.admin.revokeKey.mutate({ keyId }));
      done(command, result, `Revoked ${keyId}`);
    });
  add("reset", "cancel a user's open orders, clear holdings, set fresh cash")
    .argument("<userId>")
    .option("--cash <rupees>", "new cash", price("--cash"))
    .action(async (userId: string, options: { cash?: number }, command: Command) => {
      const result = await withClient((c) => c.admin.resetAccount.mutate({ userId, cash: options.cash }));
      done(command, result, `Reset ${userId} with ${rupees(result.cash)}`);
    });
  add("add-instrument", "add an instrument")
    .argument("<symbol>")
    .argument("<name>")
    .argument("<price>", "starting price in rupees", price("price"))
    .option("--tick <rupees>", "tick size", price("--tick"), 0.05)
    .option("--lot <n>", "lot size", positiveInt("--lot"), 1)
    .action(async (symbol: string, name: string, startPrice: number, options: { tick: number; lot: number }, command: Command) => {
      const instrument = await withClient((c) =>
        c.admin.addInstrument.mutate({ symbol, name, price: startPrice, tickSize: options.tick, lotSize: options.lot }),
      );
      done(command, instrument, `Added ${instrument.symbol} at ${rupees(instrument.lastTradedPrice)}`);
    });
  add("set-price", "move the market price, as a trade at that price would")
    .argument("<symbol>")
    .argument("<price>", "rupees", price("price"))
    .option("--volume <shares>", "shares traded at that price", positiveInt("--volume"))
    .action(async (symbol: string, newPrice: number, options: { volume?: number }, command: Command) => {
      const quote = await withClient((c) => c.admin.setPrice.mutate({ symbol, price: newPrice, volume: options.volume }));
      done(command, quote, `${quote.symbol} now ${rupees(quote.lastTradedPrice)}`);
    });
  for (const [name, description] of [
    ["pause-feed", "stop the price feed"],
    ["resume-feed", "restart the price feed"],
    ["open-session", "open the market"],
    ["close-session", "close the market (open DAY orders expire)"],
  ] as const) {
    add(name, description).action(async (_o: unknown, command: Command) => {
      const result = await withClient<{ running: boolean } | { open: boolean }>((c) => {
        if (name === "pause-feed") return c.admin.pauseFeed.mutate();
        if (name === "resume-feed") return c.admin.resumeFeed.mutate();
        if (name === "open-session") return c.admin.openSession.mutate();
        return c.admin.closeSession.mutate();
      });
      done(command, result, `${description}: done`);
    });
  }
  add("audit", "recent admin actions")
    .option("--limit <n>", "how many (at most 1,000)", count(1_000), 50)
    .action(async (options: { limit: number }, command: Command) => {
      const entries = await withClient((c) => c.admin.auditLog.query({ limit: options.limit }));
      print(opts(command), entries, () =>
        table(
          ["TIME (IST)", "ACTOR", "ACTION", "DETAIL"],
          entries.map((e) => [dateTime(e.time), e.actor, e.action, JSON.stringify(e.detail)]),
        ),
      );
    });
}
