import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { intervalStart } from "@trading/engine";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startTestServer, waitFor, type TestServer } from "./harness.js";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe("price feed", () => {
  it("moves prices on the tick size with the default random walk", async () => {
    t = await startTestServer({ feedTicksPerSecond: 20 });
    const client = t.client("alice-key");
    const first = await client.market.quotes.query();
    await waitFor(async () => (await client.market.quotes.query()).some((q, i) => q.lastTradedPrice !== first[i]?.lastTradedPrice), 5_000);
    // Each on its own tick size (NSE's table: ₹0.01 under ₹250, ₹0.05 to ₹1,000, ₹0.10 to ₹5,000...).
    const quotes = await client.market.quotes.query();
    expect(quotes.filter((q) => Math.round(q.lastTradedPrice * 100) % Math.round(q.tickSize * 100) !== 0)).toEqual([]);
    const candles = await client.market.candles.query({ symbol: "RELIANCE" });
    expect(candles.length).toBeGreaterThanOrEqual(1);
    expect(candles[candles.length - 1]?.volume).toBeGreaterThan(0);
  });

  it("answers longer candles made of the same minutes", async () => {
    t = await startTestServer({ feedTicksPerSecond: 50 });
    const client = t.client("alice-key");
    await waitFor(async () => (await client.market.candles.query({ symbol: "TCS" })).reduce((n, c) => n + c.volume, 0) > 0, 5_000);
    await t.client("admin-key").admin.pauseFeed.mutate();
    const to = new Date(Date.now() + 60_000).toISOString();
    // Once the last ticks in flight are stored, the minutes stop changing.
    let minutes = await client.market.candles.query({ symbol: "TCS", to });
    await waitFor(async () => {
      const again = await client.market.candles.query({ symbol: "TCS", to });
      const settled = JSON.stringify(again) === JSON.stringify(minutes);
      minutes = again;
      return settled;
    }, 5_000);
    for (const interval of ["5m", "1h", "1d"] as const) {
      const expected = new Map<number, { time: string; open: number; high: number; low: number; close: number; volume: number }>();
      for (const m of minutes) {
        const start = intervalStart(Date.parse(m.time), interval);
        const c = expected.get(start);
        if (c === undefined) expected.set(start, { ...m, time: new Date(start).toISOString() });
        else
          expected.set(start, {
            ...c,
            high: Math.max(c.high, m.high),
            low: Math.min(c.low, m.low),
            close: m.close,
            volume: c.volume + m.volume,
          });
      }
      expect(await client.market.candles.query({ symbol: "TCS", interval, to })).toEqual([...expected.values()]);
    }
    await expect(client.market.candles.query({ symbol: "TCS", interval: "2m" as "5m" })).rejects.toMatchObject({
      data: { code: "BAD_REQUEST" },
    });
  });

  it("replays a CSV file of ticks", async () => {
    const file = path.join(tmpdir(), `ticks-${process.pid}.csv`);
    writeFileSync(file, "time,symbol,price,volume\n1000,TCS,3100.50,10\n1050,TCS,3101.00,5\n1100,INFY,1500.10,7\n");
    t = await startTestServer({ feedTicksPerSecond: 20, feedCsv: file });
    const client = t.client("alice-key");
    await waitFor(async () => (await client.market.quotes.query({ symbols: ["INFY"] }))[0]?.lastTradedPrice === 1500.1, 5_000);
    const tcs = (await client.market.quotes.query({ symbols: ["TCS"] }))[0];
    expect([3100.5, 3101]).toContain(tcs?.lastTradedPrice);
  });
});

describe("origins", () => {
  it("sends CORS headers to allowed origins only, and refuses WebSocket upgrades from others", async () => {
    t = await startTestServer({ corsOrigins: "http://allowed.test" });
    const allowed = await fetch(`${t.server.url}/trpc/auth.whoami`, {
      headers: { origin: "http://allowed.test", "x-api-key": "alice-key" },
    });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("http://allowed.test");
    const other = await fetch(`${t.server.url}/trpc/auth.whoami`, { headers: { origin: "http://evil.test", "x-api-key": "alice-key" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const url = `${t.server.url.replace("http", "ws")}/trpc`;
    const refused = await new Promise<string>((resolve) => {
      const socket = new WebSocket(url, { origin: "http://evil.test" });
      socket.once("open", () => resolve("open"));
      socket.once("unexpected-response", (_req, res) => resolve(String(res.statusCode)));
      socket.once("error", () => resolve("error"));
    });
    expect(refused).toBe("401");
    const accepted = await new Promise<string>((resolve) => {
      const socket = new WebSocket(url, { origin: "http://allowed.test" });
      socket.once("open", () => {
        socket.close();
        resolve("open");
      });
      socket.once("error", () => resolve("error"));
    });
    expect(accepted).toBe("open");
    // The web app served from this server connects from the server's own origin.
    const own = await new Promise<string>((resolve) => {
      const socket = new WebSocket(url, { origin: t?.server.url ?? "" });
      socket.once("open", () => {
        socket.close();
        resolve("open");
      });
      socket.once("error", () => resolve("error"));
    });
    expect(own).toBe("open");
  });
});
