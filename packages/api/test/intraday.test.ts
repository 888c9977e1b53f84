// Products over the API: intraday orders on margin, short sales, the 15:20 square-off with its fee
// on the simulated NSE clock, positions, conversions, basket margins and T+1 delivery.
import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { rejection, startTestServer, waitFor, type TestServer } from "./harness.js";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const paise = (rupees: number) => Math.round(rupees * 100);

describe("intraday trading over the API", () => {
  it("squares off intraday positions at 15:20 with the fee, and the day's contract note is the cash moved", async () => {
    // Monday 7 December 2026, 15:18:30 IST, a market minute a second.
    t = await startTestServer({
      charges: "india",
      marketCalendar: "nse",
      marketClockStart: "2026-12-07T15:18:30+05:30",
      marketClockSpeed: 60,
    });
    const alice = t.client("alice-key");
    await waitFor(async () => (await alice.market.status.query()).phase === "open");
    const before = await alice.funds.get.query();
    const long = await alice.orders.place.mutate({ symbol: "INFY", side: "BUY", type: "MARKET", quantity: 20, product: "MIS" });
    expect(long).toMatchObject({ product: "MIS", state: "EXECUTED", squareOff: false });
    // A short sale needs no shares intraday, and is covered by a BUY.
    await alice.orders.place.mutate({ symbol: "TCS", side: "SELL", type: "MARKET", quantity: 2, product: "MIS" });
    await alice.orders.place.mutate({ symbol: "TCS", side: "BUY", type: "MARKET", quantity: 1, product: "MIS" });
    await alice.orders.place.mutate({ symbol: "RELIANCE", side: "BUY", type: "MARKET", quantity: 1 });
    const funds = await alice.funds.get.query();
    expect(funds.marginUsed).toBeCloseTo(long.quantity * (long.averageFillPrice ?? 0) * 0.2 + (await tcsMargin(alice)), 1);
    const positions = await alice.positions.list.query();
    expect(positions.map((p) => [p.symbol, p.product, p.quantity])).toEqual(
      expect.arrayContaining([
        ["INFY", "MIS", 20],
        ["TCS", "MIS", -1],
        ["RELIANCE", "CNC", 1],
      ]),
    );

    await waitFor(async () => (await alice.funds.get.query()).marginUsed === 0, 5_000);
    const after = await alice.positions.list.query();
    expect(after.filter((p) => p.product === "MIS").map((p) => p.quantity)).toEqual([0, 0]);
    const trades = (await alice.trades.list.query({})).items;
    expect(trades.filter((tr) => tr.squareOff).map((tr) => [tr.symbol, tr.side, tr.quantity])).toEqual(
      expect.arrayContaining([
        ["INFY", "SELL", 20],
        ["TCS", "BUY", 1],
      ]),
    );
    const refused = await rejection(
      alice.orders.place.mutate({ symbol: "INFY", side: "BUY", type: "MARKET", quantity: 1, product: "MIS" }),
    );
    expect(refused).toMatchObject({ code: "PRECONDITION_FAILED", message: expect.stringContaining("squared off") as string });

    const note = await alice.contractNotes.get.query({ date: "2026-12-07" });
    const end = await alice.funds.get.query();
    expect(note.totals).toMatchObject({ squareOff: 100 }); // two orders squared off, ₹50 each (and GST on them)
    expect(note.totals?.total).toBe(end.chargesToday);
    expect(paise(end.cash) - paise(before.cash)).toBe(paise(note.net));
    expect(note.trades.filter((l) => l.product === "MIS")).toHaveLength(5);
  });

  it("shows a delivery buy as T1 until the next trading day, across a restart", async () => {
    t = await startTestServer({ marketCalendar: "nse", marketClockStart: "2026-12-07T11:00:00+05:30" });
    const alice = t.client("alice-key");
    await waitFor(async () => (await alice.market.status.query()).phase === "open");
    await alice.orders.place.mutate({ symbol: "INFY", side: "BUY", type: "MARKET", quantity: 5 });
    expect((await alice.portfolio.holdings.query())[0]).toMatchObject({ symbol: "INFY", quantity: 5, t1Quantity: 5 });
    const dataDir = t.dataDir;
    await t.stop({ keepData: true });
    t = await startTestServer({ marketCalendar: "nse", marketClockStart: "2026-12-08T09:20:00+05:30" }, { dataDir });
    const next = t.client("alice-key");
    await waitFor(
      async () =>
        (await next.market.status.query()).tradingDay === "2026-12-08" && (await next.portfolio.holdings.query())[0]?.t1Quantity === 0,
    );
    expect((await next.portfolio.holdings.query())[0]).toMatchObject({ symbol: "INFY", quantity: 5, t1Quantity: 0 });
    await t.stop();
    t = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("converts positions, previews a basket's margin and lists positions over REST", async () => {
    t = await startTestServer();
    const alice = t.client("alice-key");
    const headers = { "x-api-key": "alice-key", "content-type": "application/json" };
    const post = (path: string, body: unknown) =>
      fetch(`${t?.server.url}/api/v1${path}`, { method: "POST", headers, body: JSON.stringify(body) });
    const placed = await post("/orders", { symbol: "INFY", side: "BUY", type: "MARKET", quantity: 10, product: "MIS" });
    expect(await placed.json()).toMatchObject({ product: "MIS", state: "EXECUTED" });
    const basket = await post("/margins/basket", {
      orders: [
        { symbol: "INFY", side: "SELL", type: "MARKET", quantity: 10, product: "MIS" },
        { symbol: "TCS", side: "BUY", type: "LIMIT", quantity: 2, price: 3000 },
      ],
    });
    const margin = (await basket.json()) as { orders: Array<{ blocked: number }>; blocked: number; shortfall: number };
    expect(margin.orders.map((o) => o.blocked)).toEqual([0, 6000]);
    expect(margin).toMatchObject({ blocked: 6000, shortfall: 0 });
    expect((await post("/margins/basket", { orders: [] })).status).toBe(400);

    const converted = await post("/positions/convert", { symbol: "INFY", quantity: 4, from: "MIS", to: "CNC" });
    expect(converted.status).toBe(200);
    expect(await converted.json()).toMatchObject({ symbol: "INFY", quantity: 4, from: "MIS", to: "CNC" });
    const refused = await post("/positions/convert", { symbol: "INFY", quantity: 7, from: "MIS", to: "CNC" });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({
      message: "only 6 intraday INFY shares are free to convert (6 held, 0 in open SELL orders)",
      data: { reason: "INSUFFICIENT_HOLDINGS" },
    });
    const same = await post("/positions/convert", { symbol: "INFY", quantity: 1, from: "MIS", to: "MIS" });
    expect(same.status).toBe(400);
    const positions = await fetch(`${t.server.url}/api/v1/positions`, { headers });
    expect(await positions.json()).toEqual(await alice.positions.list.query());
    expect((await alice.portfolio.holdings.query())[0]).toMatchObject({ symbol: "INFY", quantity: 4, t1Quantity: 4 });
  });

  it("takes an instrument's own intraday leverage from the admin who lists it", async () => {
    t = await startTestServer();
    const admin = t.client("admin-key");
    const listed = await admin.admin.addInstrument.mutate({ symbol: "HALFCO", name: "Half Margin Ltd", price: 100, intradayLeverage: 2 });
    expect(listed.intradayLeverage).toBe(2);
    expect((await admin.instruments.get.query({ symbol: "INFY" })).intradayLeverage).toBe(5);
    const alice = t.client("alice-key");
    await alice.orders.place.mutate({ symbol: "HALFCO", side: "BUY", type: "MARKET", quantity: 10, product: "MIS" });
    expect((await alice.funds.get.query()).marginUsed).toBe(500);
    const refused = await rejection(
      admin.admin.addInstrument.mutate({ symbol: "BADCO", name: "Bad Ltd", price: 100, intradayLeverage: 0 }),
    );
    expect(refused).toMatchObject({ code: "BAD_REQUEST" });
  });
});

async function tcsMargin(client: TestServer extends { client(k: string): infer C } ? C : never): Promise<number> {
  const tcs = (await client.positions.list.query()).find((p) => p.symbol === "TCS" && p.product === "MIS");
  return tcs?.margin ?? 0;
}
