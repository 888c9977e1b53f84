import { describe, expect, it } from "vitest";
import { applyToOpenOrders, fillMarkers, prependTrade, valueFunds, valueHoldings, valuePositions } from "./live.js";
import { funds, holding, instrument, order, position, trade } from "./testing/fixtures.js";

describe("order updates in the open-orders list", () => {
  const page = { items: [order({ orderId: "O2" }), order({ orderId: "O1" })], nextCursor: null };

  it("puts a new open order on top", () => {
    expect(applyToOpenOrders(page, order({ orderId: "O3" })).items.map((o) => o.orderId)).toEqual(["O3", "O2", "O1"]);
  });

  it("replaces a changed order where it is", () => {
    const next = applyToOpenOrders(page, order({ orderId: "O1", state: "PARTIALLY_EXECUTED", filledQuantity: 1, quantity: 3 }));
    expect(next.items.map((o) => [o.orderId, o.state])).toEqual([
      ["O2", "PLACED"],
      ["O1", "PARTIALLY_EXECUTED"],
    ]);
  });

  it("drops an order that closed, and leaves the page alone for one it never had", () => {
    expect(applyToOpenOrders(page, order({ orderId: "O2", state: "EXECUTED" })).items.map((o) => o.orderId)).toEqual(["O1"]);
    expect(applyToOpenOrders(page, order({ orderId: "O9", state: "CANCELLED" }))).toBe(page);
  });
});

describe("fills", () => {
  it("adds a trade once, newest first", () => {
    const page = { items: [trade({ tradeId: "T1" })], nextCursor: null };
    const once = prependTrade(page, trade({ tradeId: "T2" }));
    expect(once.items.map((t) => t.tradeId)).toEqual(["T2", "T1"]);
    expect(prependTrade(once, trade({ tradeId: "T2" }))).toBe(once);
  });

  it("marks fills on their candle's minute, buys below and sells above, quantities summed", () => {
    const markers = fillMarkers([
      trade({ tradeId: "T3", side: "SELL", quantity: 2, time: "2026-11-24T09:17:05.000Z" }),
      trade({ tradeId: "T2", side: "BUY", quantity: 3, time: "2026-11-24T09:15:50.000Z" }),
      trade({ tradeId: "T1", side: "BUY", quantity: 1, time: "2026-11-24T09:15:10.000Z" }),
    ]);
    // Chart times are the Indian clock's, 5:30 ahead.
    const minute = (iso: string) => Date.parse(iso) / 1000 + 5.5 * 3600;
    expect(markers).toEqual([
      { time: minute("2026-11-24T09:15:00.000Z"), position: "belowBar", shape: "arrowUp", color: expect.any(String), text: "B 4" },
      { time: minute("2026-11-24T09:17:00.000Z"), position: "aboveBar", shape: "arrowDown", color: expect.any(String), text: "S 2" },
    ]);
  });

  it("marks fills on the candle of the chart's interval, days from midnight IST", () => {
    const fills = [
      trade({ tradeId: "T3", side: "BUY", quantity: 2, time: "2026-11-24T18:40:00.000Z" }),
      trade({ tradeId: "T2", side: "BUY", quantity: 3, time: "2026-11-24T10:00:00.000Z" }),
      trade({ tradeId: "T1", side: "BUY", quantity: 1, time: "2026-11-24T04:00:00.000Z" }),
    ];
    // 04:00 and 10:00 UTC are the same day in India; 18:40 UTC is already the 25th there.
    expect(fillMarkers(fills, "1d").map((m) => [new Date(m.time * 1000).toISOString(), m.text])).toEqual([
      ["2026-11-24T00:00:00.000Z", "B 4"],
      ["2026-11-25T00:00:00.000Z", "B 2"],
    ]);
    expect(fillMarkers(fills, "1h").map((m) => new Date(m.time * 1000).toISOString())).toEqual([
      "2026-11-24T09:00:00.000Z",
      "2026-11-24T15:00:00.000Z",
      "2026-11-25T00:00:00.000Z",
    ]);
  });
});

describe("live valuation", () => {
  it("revalues holdings at the latest price to the paisa", () => {
    const [h] = valueHoldings([holding("INFY", 3, 1500.1, 1500.1)], [instrument("INFY", 1510.35, 1490)]);
    expect(h).toMatchObject({ ltp: 1510.35, currentValue: 4531.05, unrealizedPnl: 30.75, unrealizedPnlPercent: 0.68, dayChange: 61.05 });
  });

  it("keeps a holding whose price has not moved as it is", () => {
    const start = holding("TCS", 1, 4000, 4000);
    expect(valueHoldings([start], [instrument("TCS", 4000)])[0]).toBe(start);
  });

  it("adds live holdings to cash for equity and total P&L", () => {
    const valued = valueFunds(funds({ cash: 995_499.7, deposited: 1_000_000 }), [holding("INFY", 3, 1500.1, 1510.35)]);
    expect(valued).toMatchObject({ holdingsValue: 4531.05, equity: 1_000_030.75, totalPnl: 30.75 });
  });

  it("counts open intraday positions at their live P&L in equity, long and short alike", () => {
    const long = position("INFY", 10, 1500, 1510);
    const short = valuePositions([position("TCS", -2, 4000, 4000)], [instrument("TCS", 3990)]);
    expect(short[0]).toMatchObject({ ltp: 3990, pnl: 20, unrealizedPnl: 20 });
    const valued = valueFunds(funds({ cash: 1_000_000, deposited: 1_000_000 }), [], [long, ...short]);
    expect(valued).toMatchObject({ equity: 1_000_120, totalPnl: 120 });
  });
});
