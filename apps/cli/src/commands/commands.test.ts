// The commands as a user runs them, against a stand-in server: what they send, what they print,
// and which mistakes they refuse before sending anything.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TradingClient } from "@trading/api/client";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { CliError, EXIT } from "../errors.js";
import type { Io } from "../io.js";
import { registerCommands } from "./index.js";

const ORDER = {
  orderId: "O7",
  side: "BUY",
  quantity: 10,
  symbol: "INFY",
  type: "LIMIT",
  price: 1500.5,
  triggerPrice: null,
  averageFillPrice: null,
  filledQuantity: 0,
  state: "PLACED",
  placedAt: "2026-12-04T14:30:00.000Z",
  amo: false,
  waitingFor: null,
};

interface Session {
  out: string;
  calls: Array<{ procedure: string; input: unknown }>;
  closed: number;
  interrupt: () => void;
}

/**
 * A client whose every procedure records its input and answers from `answers` (a function of the
 * input, or a value). Subscriptions hand their callbacks to `answers[path]` as well.
 */
function standIn(session: Session, answers: Record<string, unknown>): TradingClient {
  const call = (path: string, input: unknown) => {
    session.calls.push({ procedure: path, input });
    const answer = answers[path];
    return typeof answer === "function" ? (answer as (input: unknown) => unknown)(input) : answer;
  };
  const node = (path: string[]): unknown =>
    new Proxy(() => undefined, {
      get: (_target, key: string) => {
        // Not a promise: `await` must take the client as it is.
        if (key === "then") return undefined;
        if (key === "close" && path.length === 0) return () => (session.closed += 1);
        if (key === "query" || key === "mutate") return async (input: unknown) => call(path.join("."), input);
        if (key === "subscribe")
          return (input: unknown, handlers: unknown) => {
            call(path.join("."), { input, handlers });
            return { unsubscribe: () => undefined };
          };
        return node([...path, key]);
      },
    });
  return node([]) as TradingClient;
}

async function trade(args: string[], answers: Record<string, unknown> = {}): Promise<Session & { error: unknown }> {
  const session: Session = { out: "", calls: [], closed: 0, interrupt: () => undefined };
  const io: Io = {
    out: { write: (text: string) => (session.out += text) },
    settings: () => ({ url: "http://broker.test", apiKey: "alice-key" }),
    client: async () => standIn(session, answers),
    ask: async () => null,
    onInterrupt: (stop) => (session.interrupt = stop),
  };
  // Commander's own usage messages go to stderr; the error it throws is what the tests check.
  const program = new Command("trade")
    .option("--json")
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
  registerCommands(program, io);
  let error: unknown = null;
  const running = program.parseAsync(["node", "trade", ...args]).catch((e: unknown) => (error = e));
  // `watch` runs until interrupted: give it a turn to subscribe, then stop it.
  await new Promise((resolve) => setTimeout(resolve, 10));
  session.interrupt();
  await running;
  return { ...session, error };
}

function usageMistake(error: unknown): string {
  expect(error).toBeInstanceOf(CliError);
  expect((error as CliError).exitCode).toBe(EXIT.usage);
  return (error as CliError).message;
}

describe("trade charges", () => {
  it("asks for an intraday sell's charges and prints each with the total", async () => {
    const charges = {
      brokerage: 20,
      stt: 25,
      exchange: 2.97,
      ipft: 0.1,
      sebi: 0.1,
      stampDuty: 0,
      gst: 4.17,
      dp: 0,
      squareOff: 0,
      total: 52.34,
    };
    const preview = {
      symbol: "INFY",
      side: "SELL",
      quantity: 100,
      price: 1000,
      product: "MIS",
      value: 100000,
      charges,
      ratesEffective: "2024-10-01",
    };
    const run = await trade(["charges", "infy", "100", "--sell", "--mis", "--price", "1000"], { "charges.preview": preview });
    expect(run.calls).toEqual([
      { procedure: "charges.preview", input: { symbol: "INFY", side: "SELL", quantity: 100, price: 1000, product: "MIS" } },
    ]);
    expect(run.out).toContain("SELL 100 INFY MIS @ ₹1,000.00 = ₹1,00,000.00");
    expect(run.out).toMatch(/STT\s+₹25\.00/);
    expect(run.out).toMatch(/Total charges\s+₹52\.34/);
  });
});

describe("trade contract-note", () => {
  const charges = {
    brokerage: 0,
    stt: 15,
    exchange: 0.45,
    ipft: 0.02,
    sebi: 0.02,
    stampDuty: 2.27,
    gst: 0.09,
    dp: 0,
    squareOff: 0,
    total: 17.85,
  };
  const note = {
    date: "2026-12-04",
    ratesEffective: "2024-10-01",
    trades: [
      {
        tradeId: "T1",
        orderId: "O1",
        time: "2026-12-04T04:00:00.000Z",
        symbol: "INFY",
        side: "BUY",
        product: "CNC",
        exchange: "NSE",
        quantity: 10,
        price: 1512.35,
        value: 15123.5,
        charges,
      },
    ],
    totals: charges,
    buyValue: 15123.5,
    sellValue: 0,
    net: -15141.35,
  };

  it("prints the day's trades, the charges and the net payable, and CSV with --csv", async () => {
    const run = await trade(["contract-note", "--date", "2026-12-04"], { "contractNotes.get": note });
    expect(run.calls).toEqual([{ procedure: "contractNotes.get", input: { date: "2026-12-04" } }]);
    expect(run.out).toMatch(/4\/12\/2026, 09:30:00\s+INFY\s+BUY\s+CNC\s+10\s+₹1,512\.35\s+₹15,123\.50\s+₹17\.85/);
    expect(run.out).toMatch(/Net payable\s+₹15,141\.35/);
    const csv = await trade(["contract-note", "--csv"], { "contractNotes.get": note });
    const lines = csv.out.trim().split("\n");
    expect(lines[0]).toBe(
      "trade,order,time (IST),symbol,side,product,exchange,quantity,price,value,brokerage,stt,exchange,ipft,sebi,stampDuty,gst,dp,squareOff,total",
    );
    expect(lines[1]).toBe(
      "T1,O1,2026-12-04 09:30:00,INFY,BUY,CNC,NSE,10,1512.35,15123.50,0.00,15.00,0.45,0.02,0.02,2.27,0.09,0.00,0.00,17.85",
    );
    expect(lines.at(-1)).toBe("net payable,,,,,,,,,15141.35,,,,,,,,,,");
    expect(usageMistake((await trade(["contract-note", "--date", "4 Dec"])).error)).toBe("--date must be YYYY-MM-DD");
  });
});

describe("trade positions and convert", () => {
  const position = {
    symbol: "INFY",
    product: "MIS",
    quantity: -10,
    averagePrice: 1500,
    buyQuantity: 0,
    buyValue: 0,
    buyPrice: 0,
    sellQuantity: 10,
    sellValue: 15000,
    sellPrice: 1500,
    ltp: 1490,
    pnl: 100,
    realizedPnl: 0,
    unrealizedPnl: 100,
    margin: 3000,
  };

  it("prints positions with M2M P&L, and the day's buys and sells with --day", async () => {
    const run = await trade(["positions"], { "positions.list": [position] });
    expect(run.out).toMatch(/SYMBOL\s+PRODUCT\s+QTY.*MARGIN/);
    expect(run.out).toMatch(/INFY\s+MIS\s+-10\s+₹1,500\.00\s+₹1,490\.00\s+\+₹100\.00.*₹3,000\.00/);
    const day = await trade(["positions", "--day"], { "positions.list": [position] });
    expect(day.out).toMatch(/INFY\s+MIS\s+0\s+₹0\.00\s+10\s+₹1,500\.00\s+-10/);
    expect((await trade(["positions"], { "positions.list": [] })).out).toContain("no positions today");
  });

  it("converts to the product --to names, from the other one", async () => {
    const answer = { symbol: "INFY", quantity: 5, from: "MIS", to: "CNC", funds: { available: 1000 } };
    const run = await trade(["convert", "infy", "5", "--to", "cnc"], { "positions.convert": answer });
    expect(run.calls).toEqual([{ procedure: "positions.convert", input: { symbol: "INFY", quantity: 5, from: "MIS", to: "CNC" } }]);
    expect(run.out).toBe("converted 5 INFY from MIS to CNC; available ₹1,000.00\n");
    expect(usageMistake((await trade(["convert", "INFY", "5", "--to", "nrml"])).error)).toContain(
      "must be CNC (delivery) or MIS (intraday)",
    );
  });
});

describe("trade buy and sell", () => {
  it("sends the order the prices describe and prints it on one line", async () => {
    const run = await trade(["buy", "INFY", "10", "--limit", "1500.50", "--ioc", "--client-id", "k1"], { "orders.place": ORDER });
    expect(run.calls).toEqual([
      {
        procedure: "orders.place",
        input: {
          symbol: "INFY",
          side: "BUY",
          type: "LIMIT",
          quantity: 10,
          price: 1500.5,
          validity: "IOC",
          product: "CNC",
          clientOrderId: "k1",
        },
      },
    ]);
    expect(run.out).toBe("BUY 10 INFY LIMIT @ ₹1,500.50: O7 PLACED\n");
    expect(run.closed).toBe(1);
  });

  it("sells short intraday with --mis, and refuses --mis with --cnc before sending anything", async () => {
    const short = {
      ...ORDER,
      side: "SELL",
      type: "MARKET",
      price: null,
      product: "MIS",
      state: "EXECUTED",
      averageFillPrice: 1500,
      filledQuantity: 10,
    };
    const run = await trade(["sell", "INFY", "10", "--mis"], { "orders.place": short });
    expect(run.calls[0]?.input).toMatchObject({ side: "SELL", type: "MARKET", product: "MIS" });
    expect(run.out).toBe("SELL 10 INFY MIS MARKET: O7 EXECUTED, filled 10 at ₹1,500.00\n");
    const both = await trade(["buy", "INFY", "10", "--mis", "--cnc"]);
    expect(String(both.error)).toMatch(/--mis.*cannot be used with.*--cnc/);
    expect(both.calls).toEqual([]);
  });

  it("says when an after-market order will enter the market", async () => {
    const amo = { ...ORDER, amo: true, waitingFor: "pre-open" };
    const run = await trade(["buy", "INFY", "10", "--limit", "1500.50"], { "orders.place": amo });
    expect(run.out).toBe("BUY 10 INFY LIMIT @ ₹1,500.50: O7 PLACED (AMO), enters the market at the next pre-open (09:00 IST)\n");
  });

  it("marks after-market orders in the orders table", async () => {
    const amo = { ...ORDER, orderId: "O8", amo: true, waitingFor: "open" };
    const run = await trade(["orders"], { "orders.list": { items: [ORDER, amo], nextCursor: null } });
    const rows = run.out.trim().split("\n");
    expect(rows[1]).toMatch(/O7 .* PLACED$/);
    expect(rows[2]).toMatch(/O8 .* AMO PLACED \(waits: open\)$/);
  });

  it("imports a CSV of candles as an admin, and names a file it cannot read", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "candles-")), "infy.csv");
    writeFileSync(file, "symbol,time,open,high,low,close,volume\nINFY,2026-12-04T09:15:00+05:30,1500,1502,1499,1501,10\n");
    const summary = { candles: 1, symbols: ["INFY"], from: "2026-12-04T03:45:00.000Z", to: "2026-12-04T03:45:00.000Z" };
    const run = await trade(["admin", "import-candles", file], { "admin.importCandles": summary });
    expect(run.calls).toEqual([{ procedure: "admin.importCandles", input: { csv: readFileSync(file, "utf8") } }]);
    expect(run.out).toBe("imported 1 candles of INFY from 2026-12-04T03:45:00.000Z to 2026-12-04T03:45:00.000Z\n");
    expect(usageMistake((await trade(["admin", "import-candles", `${file}.missing`])).error)).toMatch(/^cannot read .*missing/);
  });

  it("makes a stop-loss limit order of a trigger and a limit", async () => {
    const run = await trade(["sell", "infy", "5", "--trigger", "1400", "--limit", "1395"], { "orders.place": ORDER });
    expect(run.calls[0]?.input).toMatchObject({ symbol: "INFY", side: "SELL", type: "SL", price: 1395, triggerPrice: 1400 });
  });

  it("refuses a price in fractions of a paisa without sending anything", async () => {
    const run = await trade(["buy", "INFY", "10", "--limit", "1500.555"]);
    expect(usageMistake(run.error)).toBe("price must have at most two decimals (whole paise)");
    expect(run.calls).toEqual([]);
  });

  it("prints JSON when --json is given to trade itself", async () => {
    const run = await trade(["--json", "buy", "INFY", "10", "--limit", "1500.50"], { "orders.place": ORDER });
    expect(JSON.parse(run.out)).toEqual(ORDER);
  });
});

describe("trade modify", () => {
  it("sends only what changes", async () => {
    const run = await trade(["modify", "O7", "--qty", "20"], { "orders.modify": { ...ORDER, quantity: 20 } });
    expect(run.calls).toEqual([{ procedure: "orders.modify", input: { orderId: "O7", quantity: 20 } }]);
    expect(run.out).toContain("BUY 20 INFY LIMIT");
  });

  it("checks its arguments with the server's schema, naming the options", async () => {
    expect(usageMistake((await trade(["modify", "O7"])).error)).toBe("give at least one of --qty, --limit or --trigger");
    const fractional = await trade(["modify", "O7", "--trigger", "1400.001"]);
    expect(usageMistake(fractional.error)).toBe("--trigger must have at most two decimals (whole paise)");
    expect(fractional.calls).toEqual([]);
  });
});

describe("trade quote", () => {
  it("answers an unknown symbol with the closest listed ones, as a usage mistake", async () => {
    const run = await trade(["quote", "INFYY"], {
      "market.quotes": () => Promise.reject(Object.assign(new Error("no instrument with symbol INFYY"), { data: { code: "NOT_FOUND" } })),
      "instruments.list": [{ symbol: "INFY" }, { symbol: "TCS" }],
    });
    expect(usageMistake(run.error)).toBe("no instrument with symbol INFYY; did you mean INFY? (`trade instruments` lists them all)");
  });

  it("shows each quote's tick size and band, and a circuit the price sits at", async () => {
    const quote = {
      lastTradedPrice: 300.6,
      change: 50.1,
      changePercent: 20,
      open: 250.5,
      high: 300.6,
      low: 250.5,
      previousClose: 250.5,
      volume: 9,
    };
    const run = await trade(["quote", "ZOMATO", "INFY"], {
      "market.quotes": [
        { ...quote, symbol: "ZOMATO", tickSize: 0.05, band: { lower: 200.4, upper: 300.6 }, circuit: "upper" },
        { ...quote, symbol: "INFY", tickSize: 0.1, band: null, circuit: null },
      ],
    });
    const rows = run.out.trim().split("\n");
    expect(rows[0]).toMatch(/TICK +BAND$/);
    expect(rows[1]).toMatch(/₹0\.05 +₹200\.40-₹300\.60 \(upper circuit\)$/);
    expect(rows[2]).toMatch(/₹0\.10 +-$/);
  });
});

describe("trade market", () => {
  it("shows the phase, the trading day and the next open and close on the market's clock", async () => {
    const run = await trade(["market"], {
      "market.status": {
        phase: "closed",
        tradingDay: "2026-12-07",
        nextOpen: "2026-12-07T03:45:00.000Z",
        nextClose: "2026-12-07T10:00:00.000Z",
        now: "2026-12-05T06:30:00.000Z",
        speed: 60,
        simulated: true,
        calendar: "nse",
      },
    });
    expect(run.out).toMatch(/Market +closed/);
    expect(run.out).toMatch(/Trading day +2026-12-07/);
    expect(run.out).toMatch(/Next open \(IST\) +7\/12\/2026, 09:15:00/);
    expect(run.out).toMatch(/Clock \(IST\) +5\/12\/2026, 12:00:00, simulated at 60x/);
  });
});

describe("trade cancel", () => {
  it("needs an order id or --all", async () => {
    expect(usageMistake((await trade(["cancel"])).error)).toBe("give an order id, or --all");
  });

  it("cancels every open order of a symbol with --all", async () => {
    const run = await trade(["cancel", "--all", "--symbol", "infy"], { "orders.cancelAll": { cancelled: [ORDER] } });
    expect(run.calls).toEqual([{ procedure: "orders.cancelAll", input: { symbol: "INFY" } }]);
    expect(run.out).toBe("Cancelled 1: O7\n");
  });
});

describe("trade watch", () => {
  it("prints each order update and tick as a JSON line, and closes the client on Ctrl-C", async () => {
    const run = await trade(["watch", "INFY", "--json"], {
      "orders.onUpdate": ({ handlers }: { handlers: { onData(e: unknown): void } }) =>
        handlers.onData({ data: { seq: 3, type: "accepted", order: { ...ORDER, updatedAt: "2026-12-04T04:00:00.000Z" }, trade: null } }),
      "market.onTick": ({ input, handlers }: { input: unknown; handlers: { onData(e: unknown): void } }) => {
        expect(input).toEqual({ symbols: ["INFY"] });
        handlers.onData({ data: { symbol: "INFY", price: 1501, changePercent: 0.1, time: "2026-12-04T04:00:01.000Z" } });
      },
    });
    expect(run.error).toBeNull();
    expect(
      run.out
        .trim()
        .split("\n")
        .map((line) => (JSON.parse(line) as { kind: string }).kind),
    ).toEqual(["order", "tick"]);
    expect(run.closed).toBe(1);
  });
});
