// What an order would cost before it is placed, over tRPC and REST alike.
import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { startTestServer, type TestServer } from "./harness.js";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe("the charges preview", () => {
  it("itemises an intraday sell and a delivery buy, at a given price or the last one", async () => {
    t = await startTestServer({ charges: "india" });
    const alice = t.client("alice-key");
    // ₹1 lakh sold intraday on NSE: brokerage ₹20 (capped), STT ₹25, exchange ₹2.97, IPFT ₹0.10,
    // SEBI ₹0.10, GST 18 % of ₹23.17 = ₹4.17.
    const sell = await alice.charges.preview.query({ symbol: "INFY", side: "SELL", quantity: 100, price: 1000, product: "MIS" });
    expect(sell).toMatchObject({ value: 100_000, product: "MIS", ratesEffective: "2024-10-01" });
    expect(sell.charges).toEqual({
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
    });
    const buy = await alice.charges.preview.query({ symbol: "INFY", side: "BUY", quantity: 10 });
    const infy = await alice.instruments.get.query({ symbol: "INFY" });
    expect(buy).toMatchObject({ product: "CNC", price: infy.lastTradedPrice });
    expect(buy.charges.brokerage).toBe(0);
    expect(buy.charges.stt).toBe(Math.round(buy.value * 0.001));

    const rest = await fetch(`${t.server.url}/api/v1/charges?symbol=INFY&side=SELL&quantity=100&price=1000&product=MIS`, {
      headers: { "x-api-key": "alice-key" },
    });
    expect(await rest.json()).toEqual(sell);
    const bad = await fetch(`${t.server.url}/api/v1/charges?symbol=INFY&side=SELL&quantity=100&product=NRML`, {
      headers: { "x-api-key": "alice-key" },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("must be CNC (delivery) or MIS (intraday)");
    expect(await alice.charges.rates.query()).toMatchObject({ effective: "2024-10-01", sebi: 10 });
  });

  it("takes a deployment's own rates from CHARGE_RATES, and refuses ones that make no sense", async () => {
    t = await startTestServer({
      charges: "india",
      chargeRates: '{"effective":"2026-12-01","brokerage":{"MIS":{"perCrore":0,"capPerOrder":null}}}',
    });
    const alice = t.client("alice-key");
    const sell = await alice.charges.preview.query({ symbol: "INFY", side: "SELL", quantity: 100, price: 1000, product: "MIS" });
    // The same ₹1 lakh intraday sell as above without its ₹20 brokerage (and GST on it).
    expect(sell).toMatchObject({ ratesEffective: "2026-12-01", charges: { brokerage: 0, stt: 25, exchange: 2.97, gst: 0.57 } });
    expect(() => loadConfig([], { CHARGE_RATES: '{"stt":{"MIS":{"buy":0,"sell":"x"}}}' })).toThrow(/CHARGE_RATES: stt\.MIS\.sell: /);
    expect(() => loadConfig([], { CHARGE_RATES: '{"sebi":10000000}' })).toThrow(/CHARGE_RATES: sebi: is at most 1000000 \(10 %\)/);
    expect(() => loadConfig([], { CHARGE_RATES: "{stt" })).toThrow(/CHARGE_RATES: must be a JSON object of rates/);
    expect(() => loadConfig([], { CHARGE_RATES: '{"brokerage":{"NRML":{}}}' })).toThrow(/CHARGE_RATES: brokerage: Unrecognized key/);
  });

  it("previews nothing to pay when the server charges nothing", async () => {
    t = await startTestServer({ charges: "none" });
    const alice = t.client("alice-key");
    const preview = await alice.charges.preview.query({ symbol: "INFY", side: "SELL", quantity: 100, price: 1000, product: "MIS" });
    expect(preview).toMatchObject({ ratesEffective: null, charges: { total: 0, stt: 0, brokerage: 0 } });
    expect(await alice.charges.rates.query()).toBeNull();
  });

  it("charges what it previewed when the order fills, from cash, and shows it in funds", async () => {
    t = await startTestServer({ charges: "india" });
    const alice = t.client("alice-key");
    const before = await alice.funds.get.query();
    const preview = await alice.charges.preview.query({ symbol: "INFY", side: "BUY", quantity: 10 });
    const order = await alice.orders.place.mutate({ symbol: "INFY", side: "BUY", type: "MARKET", quantity: 10 });
    expect(order.averageFillPrice).toBe(preview.price);
    const after = await alice.funds.get.query();
    expect(after.chargesToday).toBe(preview.charges.total);
    expect(after.chargesPaid).toBe(preview.charges.total);
    expect(Math.round((before.cash - after.cash) * 100)).toBe(Math.round((preview.value + preview.charges.total) * 100));
    // Total P&L is net of them: bought at the market, the loss is the charges.
    expect(after.totalPnl).toBe(-preview.charges.total);
    // A restart replays the journal: the rates were recorded before the trade they charged.
    const dataDir = t.dataDir;
    await t.stop({ keepData: true });
    t = await startTestServer({ charges: "india" }, { dataDir });
    expect(await t.client("alice-key").funds.get.query()).toEqual(after);
    await t.stop();
    t = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("writes the day's contract note: each trade's charges, totals equal to today's, and the cash moved as its net", async () => {
    t = await startTestServer({ charges: "india", marketClockStart: "2026-12-07T11:00:00+05:30", marketClockSpeed: 1 });
    const alice = t.client("alice-key");
    const before = await alice.funds.get.query();
    await alice.orders.place.mutate({ symbol: "INFY", side: "BUY", type: "MARKET", quantity: 10 });
    await alice.orders.place.mutate({ symbol: "INFY", side: "SELL", type: "MARKET", quantity: 4 });
    await alice.orders.place.mutate({ symbol: "TCS", side: "BUY", type: "MARKET", quantity: 1 });
    const note = await alice.contractNotes.get.query({});
    const funds = await alice.funds.get.query();
    expect(note.date).toBe("2026-12-07");
    expect(note.trades.map((l) => [l.symbol, l.side, l.quantity])).toEqual([
      ["INFY", "BUY", 10],
      ["INFY", "SELL", 4],
      ["TCS", "BUY", 1],
    ]);
    expect(note.totals?.total).toBe(funds.chargesToday);
    expect(note.totals?.dp).toBe(13.5);
    const sum = note.trades.reduce((total, l) => total + Math.round((l.charges?.total ?? 0) * 100), 0);
    expect(sum).toBe(Math.round((note.totals?.total ?? 0) * 100));
    expect(Math.round((funds.cash - before.cash) * 100)).toBe(Math.round(note.net * 100));
    // Today's delivery buys settle tomorrow: the 6 INFY still held show as T1.
    const holdings = await alice.portfolio.holdings.query();
    expect(holdings.find((h) => h.symbol === "INFY")).toMatchObject({ quantity: 6, t1Quantity: 6 });
    expect(Math.round(funds.realizedPnlNet * 100)).toBe(Math.round((funds.realizedPnl - funds.chargesPaid) * 100));
    const rest = await fetch(`${t.server.url}/api/v1/contract-notes?date=2026-12-07`, { headers: { "x-api-key": "alice-key" } });
    expect(await rest.json()).toEqual(note);
    expect((await alice.contractNotes.get.query({ date: "2026-12-06" })).trades).toEqual([]);
  });
});
