import { describe, expect, it } from "vitest";
import { modifyOrderRequestSchema, orderRequestSchema, toEngineModification, toEngineOrder } from "./schemas.js";

describe("orderRequestSchema", () => {
  it("accepts each order type with exactly its prices and fills in DAY validity and the CNC product", () => {
    const limit = orderRequestSchema.parse({ symbol: "reliance", side: "BUY", type: "LIMIT", quantity: 5, price: 2450.05 });
    expect(limit).toEqual({ symbol: "RELIANCE", side: "BUY", type: "LIMIT", quantity: 5, price: 2450.05, validity: "DAY", product: "CNC" });
    expect(orderRequestSchema.safeParse({ ...limit, product: "NRML" }).error?.issues[0]?.message).toBe(
      "must be CNC (delivery) or MIS (intraday)",
    );
    expect(toEngineOrder(limit)).toMatchObject({ type: "LIMIT", price: 245_005 });
    const stop = orderRequestSchema.parse({ symbol: "TCS", side: "SELL", type: "SL", quantity: 1, price: 3000, triggerPrice: 3001.5 });
    expect(toEngineOrder(stop)).toMatchObject({ price: 300_000, triggerPrice: 300_150 });
    expect(
      toEngineOrder(orderRequestSchema.parse({ symbol: "TCS", side: "BUY", type: "SL_M", quantity: 1, triggerPrice: 10 })),
    ).toMatchObject({
      triggerPrice: 1_000,
    });
  });

  it("makes wrong orders unrepresentable, naming the field that is wrong", () => {
    const issues = (input: unknown) => {
      const r = orderRequestSchema.safeParse(input);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    };
    expect(issues({ symbol: "TCS", side: "BUY", type: "LIMIT", quantity: 1 })).toEqual(["price: is required"]);
    expect(issues({ symbol: "TCS", side: "BUY", type: "MARKET", quantity: 1, price: 10 })[0]).toMatch(/price/);
    expect(issues({ symbol: "TCS", side: "BUY", type: "SL_M", quantity: 1, price: 10, triggerPrice: 10 })[0]).toMatch(/price/);
    expect(issues({ symbol: "TCS", side: "BUY", type: "LIMIT", quantity: 0, price: 10 })).toEqual(["quantity: must be greater than zero"]);
    expect(issues({ symbol: "TCS", side: "BUY", type: "LIMIT", quantity: 1.5, price: 10 })[0]).toMatch(/^quantity: .*whole number/);
    expect(issues({ symbol: "TCS", side: "BUY", type: "LIMIT", quantity: 1, price: 10.001 })).toEqual([
      "price: must have at most two decimals (whole paise)",
    ]);
    // Out of range, a price gets that one message, not also one about its decimals.
    expect(issues({ symbol: "TCS", side: "BUY", type: "LIMIT", quantity: 1, price: 1e20 })).toEqual([
      "price: must be at most ₹1,00,00,000",
    ]);
    expect(issues({ symbol: "TCS", side: "BUY", type: "LIMIT", quantity: 1, price: -0.001 })).toEqual(["price: must be greater than zero"]);
    expect(issues({ symbol: "TCS", side: "HOLD", type: "MARKET", quantity: 1 })).toEqual(["side: must be BUY or SELL"]);
    expect(issues({ symbol: "TCS", side: "BUY", type: "SL", quantity: 1, price: 9, triggerPrice: 10 })[0]).toMatch(/^price: .*trigger/);
    expect(issues({ symbol: "", side: "BUY", type: "MARKET", quantity: 1 })[0]).toMatch(/^symbol: /);
    expect(issues({ symbol: "TCS", side: "BUY", type: "STOP", quantity: 1 })).toEqual(["type: must be MARKET, LIMIT, SL or SL_M"]);
    expect(issues({ symbol: "TCS", side: "BUY", quantity: 1 })).toEqual(["type: must be MARKET, LIMIT, SL or SL_M"]);
    for (const notAnOrder of [[], null, "BUY TCS 1"]) {
      expect(issues(notAnOrder)).toEqual([": an order is an object with symbol, side, type, quantity and the type's prices"]);
    }
  });

  it("validates modifications and converts them to paise", () => {
    expect(modifyOrderRequestSchema.safeParse({ orderId: "O1" }).success).toBe(false);
    const m = modifyOrderRequestSchema.parse({ orderId: "O1", price: 101.25 });
    expect(toEngineModification(m)).toEqual({ quantity: undefined, price: 10_125, triggerPrice: undefined });
  });
});
