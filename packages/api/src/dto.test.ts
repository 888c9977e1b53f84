import { Engine } from "@trading/engine";
import { describe, expect, it } from "vitest";
import { fundsDto, holdingDto, orderDetailDto } from "./dto.js";

describe("DTOs at the API edge", () => {
  it("shows every amount in rupees and every time as ISO-8601", () => {
    const engine = new Engine();
    const t = Date.parse("2026-11-24T09:15:00Z");
    engine.apply({
      kind: "addInstrument",
      time: t,
      instrument: {
        symbol: "TCS",
        name: "Tata Consultancy Services Ltd",
        exchange: "NSE",
        instrumentType: "EQ",
        tickSize: 5,
        lotSize: 1,
        price: 308_005,
      },
    });
    engine.apply({ kind: "openAccount", time: t, userId: "alice", cash: 10_00_000_00 });
    const placed = engine.apply({
      kind: "placeOrder",
      time: t + 1_000,
      userId: "alice",
      orderId: "O1",
      order: { symbol: "TCS", side: "BUY", type: "MARKET", quantity: 3, validity: "DAY" },
    });
    expect(placed.ok).toBe(true);
    const order = engine.order("alice", "O1");
    if (order === undefined) throw new Error("order missing");
    expect(orderDetailDto(order)).toMatchObject({
      averageFillPrice: 3080.05,
      placedAt: "2026-11-24T09:15:01.000Z",
      trades: [{ price: 3080.05, quantity: 3, time: "2026-11-24T09:15:01.000Z" }],
      history: [{ state: "PLACED" }, { state: "EXECUTED", cause: "filled" }],
    });
    const funds = engine.funds("alice");
    if (funds === undefined) throw new Error("funds missing");
    expect(fundsDto(funds)).toMatchObject({ cash: 990_759.85, blocked: 0, equity: 1_000_000 });
    expect(holdingDto(engine.holdings("alice")[0] as never)).toMatchObject({ quantity: 3, averagePrice: 3080.05, investedValue: 9240.15 });
  });
});
