// The real `trade` binary against a real server process on a fresh data directory.
import { spawn } from "node:child_process";
import { spawnServer, type ServerProcess } from "@trading/api/spawn";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), "trade-cli-"));
const configFile = path.join(work, "config", "trade.json");
let server: ServerProcess;
let url = "";

beforeAll(async () => {
  server = await spawnServer({ args: ["--data-dir", path.join(work, "data"), "--feed-ticks-per-second", "0", "--history-days", "0"] });
  url = server.url;
}, 30_000);

afterAll(async () => {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function trade(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, TRADE_CONFIG: configFile, TRADE_API_URL: "", TRADE_API_KEY: "", NO_COLOR: "1", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const json = <T>(run: Run): T => JSON.parse(run.stdout) as T;

describe("trade", () => {
  it("logs in, saving URL and key to a file only the user can read", async () => {
    const run = await trade(["login", "--url", url, "--key", "alice-key"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Logged in as alice");
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    expect(json<{ userId: string }>(await trade(["whoami", "--json"])).userId).toBe("alice");
  });

  it("treats an unknown symbol in a lookup as a usage mistake and suggests the closest", async () => {
    const quote = await trade(["quote", "INFYY"]);
    expect(quote.code).toBe(2);
    expect(quote.stderr).toContain("no instrument with symbol INFYY; did you mean INFY?");
    const candles = await trade(["candles", "RELIANC"]);
    expect(candles.code).toBe(2);
    expect(candles.stderr).toContain("did you mean RELIANCE?");
    const nothingClose = await trade(["quote", "ZZZZZZZZ"]);
    expect(nothingClose.code).toBe(2);
    expect(nothingClose.stderr).not.toContain("did you mean");
  });

  it("says why an IOC that found nothing to fill was cancelled", async () => {
    const run = await trade(["buy", "ITC", "1", "--limit", "370", "--ioc"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/CANCELLED \(IOC: nothing more filled on arrival, cancelled\)/);
    const id = /(O\d+)/.exec(run.stdout)?.[1] ?? "";
    const detail = await trade(["order", id]);
    expect(detail.stdout).toMatch(/CANCELLED\s+IOC: nothing more filled on arrival, cancelled/);
  });

  it("lists instruments and quotes as tables and as JSON", async () => {
    const table = await trade(["instruments"]);
    expect(table.stdout.split("\n")[0]).toMatch(/^SYMBOL\s+NAME\s+EXCH\s+LTP/);
    expect(table.stdout).toMatch(/INFY\s+Infosys Ltd\s+NSE\s+₹1,512\.30/);
    const quotes = json<Array<{ symbol: string; lastTradedPrice: number }>>(await trade(["quote", "infy", "tcs", "--json"]));
    expect(quotes.map((q) => q.symbol)).toEqual(["INFY", "TCS"]);
    const candles = await trade(["candles", "INFY", "--json"]);
    expect(candles.code).toBe(0);
    expect(Array.isArray(JSON.parse(candles.stdout))).toBe(true);
  });

  it("shows candles of longer intervals on the Indian clock", async () => {
    expect((await trade(["admin", "set-price", "WIPRO", "250.50", "--volume", "7"], { TRADE_API_KEY: "admin-key" })).code).toBe(0);
    const today = new Date().toLocaleDateString("en-IN", { timeZone: "Asia/Kolkata", dateStyle: "medium" });
    const days = await trade(["candles", "WIPRO", "--interval", "1d"]);
    expect(days.code).toBe(0);
    expect(days.stdout.split("\n")[0]).toMatch(/^TIME \(IST\)\s+OPEN\s+HIGH\s+LOW\s+CLOSE\s+VOLUME/);
    expect(days.stdout).toMatch(new RegExp(`${today}\\s+₹[\\d,.]+\\s+₹[\\d,.]+\\s+₹[\\d,.]+\\s+₹250\\.50\\s+7\\n`));
    const hours = json<Array<{ time: string; close: number; volume: number }>>(
      await trade(["candles", "WIPRO", "--interval", "1h", "--json"]),
    );
    // An IST hour starts at half past a UTC hour.
    expect(hours.at(-1)).toMatchObject({ time: expect.stringMatching(/:30:00\.000Z$/), close: 250.5, volume: 7 });
    const wrong = await trade(["candles", "WIPRO", "--interval", "2m"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("--interval must be one of 1m, 5m, 15m, 30m, 1h, 1d");
  });

  it("buys at the market, and shows the holding, the trade and the funds", async () => {
    const bought = await trade(["buy", "INFY", "10"]);
    expect(bought.code).toBe(0);
    expect(bought.stdout).toMatch(/^BUY 10 INFY MARKET: O\d+ EXECUTED, filled 10 at ₹1,512\.30/);
    const portfolio = await trade(["portfolio"]);
    // All 10 bought today: T1 until they settle tomorrow.
    expect(portfolio.stdout).toMatch(/INFY\s+10\s+10\s+₹1,512\.30/);
    expect(json<Array<{ symbol: string; quantity: number }>>(await trade(["portfolio", "--json"]))).toEqual([
      expect.objectContaining({ symbol: "INFY", quantity: 10 }),
    ]);
    expect(json<Array<{ symbol: string }>>(await trade(["trades", "--json"]))[0]?.symbol).toBe("INFY");
    // ₹15,123.00 of shares and their delivery charges: STT ₹15, stamp duty ₹2.27, exchange ₹0.45,
    // IPFT ₹0.02, SEBI ₹0.02, GST ₹0.09.
    const funds = (await trade(["funds"])).stdout;
    expect(funds).toMatch(/Cash\s+₹9,84,859\.15/);
    expect(funds).toMatch(/Charges today\s+₹17\.85/);
  });

  it("places, shows, modifies and cancels a limit order; a second cancel is a rejection (exit 4)", async () => {
    const placed = json<{ orderId: string; state: string }>(await trade(["buy", "TCS", "2", "--limit", "3000", "--json"]));
    expect(placed.state).toBe("PLACED");
    expect((await trade(["orders", "--open"])).stdout).toContain(placed.orderId);
    const detail = await trade(["order", placed.orderId]);
    expect(detail.stdout).toMatch(/PLACED\s+placed/);
    const modified = json<{ price: number; quantity: number }>(
      await trade(["modify", placed.orderId, "--limit", "3001.5", "--qty", "3", "--json"]),
    );
    expect(modified).toMatchObject({ price: 3001.5, quantity: 3 });
    expect((await trade(["cancel", placed.orderId])).stdout).toContain("CANCELLED");
    const again = await trade(["cancel", placed.orderId]);
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/^trade: rejected \(ORDER_NOT_OPEN\): order O\d+ is CANCELLED/);
    expect(again.stdout).toBe("");
  });

  it("shows order and trade times on the market's clock (IST) whatever the machine's zone", async () => {
    const bought = json<{ orderId: string; placedAt: string }>(await trade(["buy", "ITC", "1", "--json"]));
    const ist = new Date(bought.placedAt).toLocaleString("en-IN", { timeZone: "Asia/Kolkata", hourCycle: "h23" });
    const inNewYork = { TZ: "America/New_York" };
    const orders = await trade(["orders", "--symbol", "ITC"], inNewYork);
    expect(orders.stdout.split("\n")[0]).toMatch(/^ORDER\s+PLACED \(IST\)\s+SIDE/);
    expect(orders.stdout).toMatch(new RegExp(`${bought.orderId}\\s+${ist.replace(/[/.]/g, "\\$&")}\\s+BUY`));
    const trades = await trade(["trades", "--symbol", "ITC"], inNewYork);
    expect(trades.stdout.split("\n")[0]).toMatch(/^TRADE\s+TIME \(IST\)\s+ORDER/);
    expect(trades.stdout).toContain(ist);
  });

  it("explains a rejection and exits 4", async () => {
    const run = await trade(["sell", "RELIANCE", "5"]);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain("INSUFFICIENT_HOLDINGS");
    expect(run.stderr).toContain("no short selling");
    const funds = await trade(["buy", "MARUTI", "1000"]);
    expect(funds.code).toBe(4);
    expect(funds.stderr).toMatch(/INSUFFICIENT_FUNDS.*is available/);
  });

  it("refuses bad arguments with exit 2 before contacting the server", async () => {
    for (const args of [
      ["buy", "INFY", "abc"],
      ["buy", "INFY", "10", "--limit", "10.001"],
      ["buy", "INFY"],
      ["frobnicate"],
      ["modify", "O1"],
    ]) {
      const run = await trade(args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr.length).toBeGreaterThan(0);
    }
    const tooMany = await trade(["candles", "INFY", "--limit", "100000"]);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain("--limit must be a whole number from 1 to 5,000");
  });

  it("treats input the server's schemas refuse as a usage mistake (exit 2), not a broker rejection", async () => {
    const run = await trade(["quote", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe("trade: invalid request: symbols.0 is at most 20 characters");
  });

  it("says so, with exit 3, when the key is wrong", async () => {
    const run = await trade(["funds"], { TRADE_API_KEY: "wrong-key" });
    expect(run.code).toBe(3);
    expect(run.stderr.trim()).toBe("trade: the API key was not accepted; run `trade login` with a valid key");
  });

  it("says so, with exit 5, when the server is down", async () => {
    const run = await trade(["funds"], { TRADE_API_URL: "http://127.0.0.1:9" });
    expect(run.code).toBe(5);
    expect(run.stderr).toContain("cannot reach the server at http://127.0.0.1:9");
  });

  it("watches: a fill of the user's own order arrives, Ctrl-C ends it cleanly", async () => {
    const watcher = spawn(process.execPath, [bin, "watch", "--no-ticks", "--json"], {
      env: { ...process.env, TRADE_CONFIG: configFile, NO_COLOR: "1" },
    });
    let out = "";
    watcher.stdout.on("data", (c: Buffer) => (out += c.toString()));
    await new Promise((r) => setTimeout(r, 1_000));
    const order = json<{ orderId: string }>(await trade(["buy", "ITC", "1", "--json"]));
    const deadline = Date.now() + 10_000;
    while (!out.includes(`"orderId":"${order.orderId}","userId":"alice"`) || !out.includes('"type":"filled"')) {
      if (Date.now() > deadline) throw new Error(`no fill seen: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const closed = new Promise<number | null>((r) => watcher.once("close", r));
    watcher.kill("SIGINT");
    expect(await closed).toBe(0);
    const lines = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { kind: string; type: string });
    expect(lines.some((l) => l.kind === "order" && l.type === "filled")).toBe(true);
  }, 20_000);

  it("runs admin commands with an admin key, refuses them otherwise (exit 3)", async () => {
    expect((await trade(["admin", "set-price", "ITC", "410"])).code).toBe(3);
    const set = await trade(["admin", "set-price", "ITC", "410", "--json"], { TRADE_API_KEY: "admin-key" });
    expect(set.code).toBe(0);
    expect(json<{ lastTradedPrice: number }>(set).lastTradedPrice).toBe(410);
    const users = await trade(["admin", "users"], { TRADE_API_KEY: "admin-key" });
    expect(users.stdout).toContain("alice");
  });

  it("prints every reading command as an aligned table and as JSON", async () => {
    for (const args of [
      ["whoami"],
      ["instruments"],
      ["quote", "INFY"],
      ["candles", "INFY"],
      ["orders"],
      ["trades"],
      ["portfolio"],
      ["funds"],
    ]) {
      const people = await trade(args);
      expect(people.code, args.join(" ")).toBe(0);
      expect(people.stdout.trim().length, args.join(" ")).toBeGreaterThan(0);
      expect(people.stdout.includes("\u001b[")).toBe(false); // NO_COLOR is honoured
      const machine = await trade([...args, "--json"]);
      expect(machine.code, args.join(" ")).toBe(0);
      expect(() => JSON.parse(machine.stdout) as unknown, args.join(" ")).not.toThrow();
    }
    const orders = (await trade(["orders"])).stdout.split("\n");
    // Columns line up: every row is as wide as the header's column positions say.
    const header = orders[0] ?? "";
    const stateColumn = header.indexOf("STATE");
    expect(
      orders
        .slice(1)
        .filter((row) => row !== "")
        .every((row) => /^[A-Z]/.test(row.slice(stateColumn))),
    ).toBe(true);
  }, 30_000);

  it("logs out", async () => {
    expect((await trade(["logout"])).stdout).toContain("Logged out");
    const after = await trade(["funds"]);
    expect(after.code).toBe(3);
    expect(after.stderr.trim()).toBe("trade: no API key: run `trade login` or set TRADE_API_KEY");
  });

  it("says the config file is damaged, rather than that nobody logged in, and a login writes it again", async () => {
    writeFileSync(configFile, '{"url": "http://127.0.0.1:3000", "apiKey": ');
    const damaged = await trade(["funds"]);
    expect(damaged.code).toBe(3);
    expect(damaged.stderr).toContain(`no API key (the config file ${configFile} could not be read as JSON`);
    expect((await trade(["login", "--url", url, "--key", "bob-key"])).code).toBe(0);
    expect(json<{ userId: string }>(await trade(["whoami", "--json"])).userId).toBe("bob");
  });
});
