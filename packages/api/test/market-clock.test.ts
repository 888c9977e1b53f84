// The market's clock and calendar over the API: always open on the wall clock by default; with
// MARKET_CALENDAR=nse and a simulated clock, the status follows the NSE trading day in IST.
import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { MarketClock } from "../src/market-clock.js";
import { startTestServer, waitFor, type TestServer } from "./harness.js";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe("the market clock", () => {
  it("runs a simulated clock from its start at its speed", () => {
    let wall = 1_000;
    const clock = new MarketClock({ marketClockStart: "2026-12-04T09:00:00+05:30", marketClockSpeed: 60 }, () => wall);
    expect(new Date(clock.now()).toISOString()).toBe("2026-12-04T03:30:00.000Z");
    wall += 2_000;
    expect(new Date(clock.now()).toISOString()).toBe("2026-12-04T03:32:00.000Z");
    expect([clock.simulated, clock.speed]).toEqual([true, 60]);
    expect(new MarketClock({ marketClockStart: undefined, marketClockSpeed: 60 }, () => wall).now()).toBe(wall);
  });

  it("carries a simulated clock on from a later time, and never back", () => {
    let wall = 0;
    const clock = new MarketClock({ marketClockStart: "2026-12-04T09:00:00+05:30", marketClockSpeed: 60 }, () => wall);
    clock.resumeFrom(Date.parse("2026-12-04T11:00:00+05:30"));
    wall += 1_000;
    expect(new Date(clock.now()).toISOString()).toBe("2026-12-04T05:31:00.000Z");
    clock.resumeFrom(Date.parse("2026-12-04T10:00:00+05:30"));
    expect(new Date(clock.now()).toISOString()).toBe("2026-12-04T05:31:00.000Z");
  });

  it("follows another clock's time, behind as well as ahead, when simulated", () => {
    let wall = 0;
    const clock = new MarketClock({ marketClockStart: "2026-12-04T09:10:00+05:30", marketClockSpeed: 60 }, () => wall);
    clock.follow(Date.parse("2026-12-04T09:08:00+05:30"));
    wall += 1_000;
    expect(new Date(clock.now()).toISOString()).toBe("2026-12-04T03:39:00.000Z");
    const wallClock = new MarketClock({ marketClockStart: undefined, marketClockSpeed: 1 }, () => wall);
    wallClock.follow(0);
    expect(wallClock.now()).toBe(wall);
  });

  it("refuses a start that is not a time, and a speed that is not positive", () => {
    expect(() => loadConfig([], { MARKET_CLOCK_START: "tomorrow" })).toThrow(/MARKET_CLOCK_START.*ISO-8601/);
    expect(() => loadConfig([], { MARKET_CLOCK_SPEED: "0" })).toThrow(/MARKET_CLOCK_SPEED/);
    expect(() => loadConfig([], { MARKET_CALENDAR: "bse" })).toThrow(/MARKET_CALENDAR/);
  });

  it("is always open by default, on the wall clock", async () => {
    t = await startTestServer();
    const status = await t.client("alice-key").market.status.query();
    expect(status).toMatchObject({ phase: "open", calendar: "always", simulated: false, speed: 1, nextOpen: null, nextClose: null });
    expect(Math.abs(Date.parse(status.now) - Date.now())).toBeLessThan(5_000);
  });

  it("follows NSE's trading day on a simulated clock, over tRPC and REST alike", async () => {
    t = await startTestServer({ marketCalendar: "nse", marketClockStart: "2026-12-04T09:06:30+05:30", marketClockSpeed: 60 });
    const client = t.client("alice-key");
    await waitFor(async () => (await client.market.status.query()).phase === "pre-open", 5_000);
    expect(await client.market.status.query()).toMatchObject({
      phase: "pre-open",
      tradingDay: "2026-12-04",
      nextOpen: "2026-12-04T03:45:00.000Z",
      nextClose: "2026-12-04T10:00:00.000Z",
      calendar: "nse",
      simulated: true,
      speed: 60,
    });
    // A market minute a second: the opening phase begins at 09:08, about two seconds in.
    await waitFor(async () => (await client.market.status.query()).phase === "opening", 5_000);
    const rest = await fetch(`${t.server.url}/api/v1/market/status`, { headers: { "x-api-key": "alice-key" } });
    expect(await rest.json()).toMatchObject({ phase: "opening", tradingDay: "2026-12-04", calendar: "nse" });
  });

  it("fills pre-open orders at the opening price at 09:08 and lets the rest in at 09:15", async () => {
    // Monday 7 December 2026, ten market seconds before pre-open, at two market minutes a second.
    t = await startTestServer({ marketCalendar: "nse", marketClockStart: "2026-12-07T08:59:50+05:30", marketClockSpeed: 120 });
    const alice = t.client("alice-key");
    await waitFor(async () => (await alice.market.status.query()).phase === "pre-open", 5_000);
    const infy = await alice.instruments.get.query({ symbol: "INFY" });
    const market = await alice.orders.place.mutate({ symbol: "INFY", side: "BUY", type: "MARKET", quantity: 2 });
    const limit = await alice.orders.place.mutate({
      symbol: "INFY",
      side: "BUY",
      type: "LIMIT",
      quantity: 3,
      price: infy.band?.upper ?? 0,
    });
    const stop = await alice.orders.place.mutate({
      symbol: "INFY",
      side: "BUY",
      type: "SL_M",
      quantity: 1,
      triggerPrice: infy.band?.upper ?? 0,
    });
    expect([market.waitingFor, limit.waitingFor, stop.waitingFor]).toEqual(["auction", null, "open"]);
    expect([market.amo, limit.amo, stop.amo]).toEqual([false, false, true]);
    await waitFor(async () => (await alice.orders.get.query({ orderId: market.orderId })).state === "EXECUTED", 10_000);
    const opened = await alice.instruments.get.query({ symbol: "INFY" });
    expect(opened.previousClose).toBe(infy.lastTradedPrice);
    for (const id of [market.orderId, limit.orderId]) {
      expect(await alice.orders.get.query({ orderId: id })).toMatchObject({ state: "EXECUTED", averageFillPrice: opened.open });
    }
    expect((await alice.orders.get.query({ orderId: stop.orderId })).waitingFor).toBe("open");
    await waitFor(async () => (await alice.orders.get.query({ orderId: stop.orderId })).waitingFor === null, 10_000);
    expect((await alice.market.status.query()).phase).toBe("open");
  });

  it("keeps an evening's after-market order over a holiday, a weekend and a restart, and fills it at the next opening", async () => {
    // Thursday 24 December 2026: Friday is Christmas, an exchange holiday; the next session is Monday.
    const settings = { marketCalendar: "nse" as const, marketClockStart: "2026-12-24T15:29:50+05:30", marketClockSpeed: 60 };
    t = await startTestServer(settings);
    const alice = t.client("alice-key");
    await waitFor(async () => (await alice.market.status.query()).phase === "closed", 5_000);
    const status = await alice.market.status.query();
    expect(status).toMatchObject({ nextOpen: "2026-12-28T03:45:00.000Z", tradingDay: "2026-12-28" });
    const amo = await alice.orders.place.mutate({ symbol: "TCS", side: "BUY", type: "MARKET", quantity: 1 });
    expect(amo).toMatchObject({ amo: true, waitingFor: "pre-open", state: "PLACED" });
    const blocked = (await alice.funds.get.query()).blocked;
    expect(blocked).toBeGreaterThan(0);
    // Monday, just before pre-open: the server restarts; the order is still there, and still waits.
    const dataDir = t.dataDir;
    await t.stop({ keepData: true });
    t = await startTestServer({ ...settings, marketClockStart: "2026-12-28T08:59:55+05:30", marketClockSpeed: 120 }, { dataDir });
    const again = t.client("alice-key");
    expect((await again.orders.get.query({ orderId: amo.orderId })).amo).toBe(true);
    await waitFor(async () => (await again.orders.get.query({ orderId: amo.orderId })).state === "EXECUTED", 10_000);
    const tcs = await again.instruments.get.query({ symbol: "TCS" });
    expect(await again.orders.get.query({ orderId: amo.orderId })).toMatchObject({ averageFillPrice: tcs.open, waitingFor: null });
    expect((await again.funds.get.query()).blocked).toBe(0);
    await t.stop();
    t = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps the day, its orders and its prices through a restart mid-session, and rolls a day the server slept through", async () => {
    const settings = { marketCalendar: "nse" as const, marketClockStart: "2026-12-07T10:00:00+05:30", marketClockSpeed: 60 };
    t = await startTestServer(settings);
    const alice = t.client("alice-key");
    const resting = await alice.orders.place.mutate({ symbol: "INFY", side: "BUY", type: "LIMIT", quantity: 1, price: 1400 });
    const before = await alice.instruments.get.query({ symbol: "INFY" });
    const dataDir = t.dataDir;
    await t.stop({ keepData: true });
    // The same morning, a little later: the same trading day goes on.
    t = await startTestServer({ ...settings, marketClockStart: "2026-12-07T10:30:00+05:30" }, { dataDir });
    let again = t.client("alice-key");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await again.orders.get.query({ orderId: resting.orderId })).toMatchObject({ state: "PLACED" });
    expect((await again.instruments.get.query({ symbol: "INFY" })).previousClose).toBe(before.previousClose);
    expect((await again.market.status.query()).phase).toBe("open");
    await t.stop({ keepData: true });
    // Tuesday morning: the day the server was down through closes first (its DAY order expires), then Tuesday opens.
    t = await startTestServer({ ...settings, marketClockStart: "2026-12-08T10:00:00+05:30" }, { dataDir });
    again = t.client("alice-key");
    await waitFor(async () => (await again.orders.get.query({ orderId: resting.orderId })).state === "EXPIRED", 5_000);
    await waitFor(async () => (await again.market.status.query()).phase === "open", 5_000);
    expect((await again.market.status.query()).tradingDay).toBe("2026-12-08");
    await t.stop();
    t = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("closes the session at 15:30, expiring the day's open orders, with the market's time on them", async () => {
    t = await startTestServer({ marketCalendar: "nse", marketClockStart: "2026-12-04T15:29:00+05:30", marketClockSpeed: 60 });
    const alice = t.client("alice-key");
    const resting = await alice.orders.place.mutate({ symbol: "INFY", side: "BUY", type: "LIMIT", quantity: 1, price: 1400 });
    expect(resting.state).toBe("PLACED");
    expect(resting.placedAt.slice(0, 16)).toBe("2026-12-04T09:59");
    await waitFor(async () => (await alice.orders.get.query({ orderId: resting.orderId })).state === "EXPIRED", 5_000);
    expect(await alice.market.status.query()).toMatchObject({ phase: "closed", tradingDay: "2026-12-07" });
    // A restart with the same settings carries on from where the market was, not from 15:29 again.
    const dataDir = t.dataDir;
    await t.stop({ keepData: true });
    t = await startTestServer({ marketCalendar: "nse", marketClockStart: "2026-12-04T15:29:00+05:30", marketClockSpeed: 60 }, { dataDir });
    const again = await t.client("alice-key").market.status.query();
    expect(again).toMatchObject({ phase: "closed", tradingDay: "2026-12-07" });
    expect(Date.parse(again.now)).toBeGreaterThanOrEqual(Date.parse("2026-12-04T15:30:00+05:30"));
    await t.stop();
    t = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });
});
