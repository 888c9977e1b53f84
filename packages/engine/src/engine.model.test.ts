// The engine against a plain model of the same rules (testing/model.ts): random command sequences
// go to both, and after every command they must agree on the result code, on which orders filled,
// how much and at what price and in what order (price-time priority), and on every order's state,
// every account's cash and blocked cash and every holding.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Engine } from "./engine.js";
import { INFY, LOTS, RELIANCE } from "./testing/market.js";
import { MarketModel, type ModelFill, type ModelOrderInput, type ModelOutcome } from "./testing/model.js";
import type { Command, CommandResult, OrderInput, OrderType, Side, Validity } from "./types.js";

const USERS = ["u1", "u2", "u3"];
const SYMBOLS = [RELIANCE, INFY, LOTS];
/** Modest cash (40 shares of RELIANCE), so that funds checks bite. */
const CASH = 40 * 250_000;

type Step =
  | {
      op: "place";
      user: number;
      symbol: number;
      side: Side;
      type: OrderType;
      validity: Validity;
      lots: number;
      offset: number;
      gap: number;
      /** 1: a quantity off the lot size (bites on LOTS), 2: a price off the tick size; else none. */
      flaw: number;
    }
  | { op: "modify"; user: number; pick: number; lots: number; offset: number; which: number }
  | { op: "cancel"; user: number; pick: number }
  | { op: "tick"; symbol: number; offset: number; volume: number }
  | { op: "session"; turn: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 30,
    arbitrary: fc.record({
      op: fc.constant("place" as const),
      user: fc.nat(2),
      symbol: fc.nat(2),
      side: fc.constantFrom<Side>("BUY", "BUY", "SELL"),
      type: fc.constantFrom<OrderType>("MARKET", "LIMIT", "LIMIT", "LIMIT", "SL", "SL_M"),
      validity: fc.constantFrom<Validity>("DAY", "DAY", "DAY", "IOC"),
      lots: fc.integer({ min: 1, max: 12 }),
      /** How far a limit sits from the market on the side where it rests (a negative one is marketable). */
      offset: fc.integer({ min: -2, max: 8 }),
      gap: fc.integer({ min: -1, max: 6 }),
      flaw: fc.nat(30),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      op: fc.constant("modify" as const),
      user: fc.nat(2),
      pick: fc.nat(1_000),
      lots: fc.integer({ min: 1, max: 40 }),
      offset: fc.integer({ min: -8, max: 8 }),
      which: fc.nat(5),
    }),
  },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("cancel" as const), user: fc.nat(2), pick: fc.nat(1_000) }) },
  {
    weight: 16,
    arbitrary: fc.record({
      op: fc.constant("tick" as const),
      symbol: fc.nat(2),
      offset: fc.integer({ min: -4, max: 4 }),
      volume: fc.integer({ min: 0, max: 60 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("session" as const), turn: fc.nat(19) }) },
);

/** A price `offset` steps of ten ticks from the model's market price, never below one tick. */
function near(model: MarketModel, symbol: number, offset: number): number {
  const spec = SYMBOLS[symbol] ?? RELIANCE;
  return Math.max(spec.tickSize, model.ltpOf(spec.symbol) + offset * spec.tickSize * 10);
}

/** The step as an engine command, with the model's call that should do the same. */
function materialize(model: MarketModel, step: Step, index: number): { command: Command; expected: () => ModelOutcome } {
  const time = 1_700_000_000_000 + index;
  switch (step.op) {
    case "place": {
      const spec = SYMBOLS[step.symbol] ?? RELIANCE;
      const userId = USERS[step.user] ?? "u1";
      const quantity = step.lots * spec.lotSize + (step.flaw === 1 ? 3 : 0);
      const ltp = model.ltpOf(spec.symbol);
      // A gap of -1 puts the trigger on the wrong side of the market.
      const trigger = Math.max(spec.tickSize, ltp + (step.side === "BUY" ? 1 : -1) * step.gap * spec.tickSize * 10);
      const skew = step.flaw === 2 ? 1 : 0;
      const input: ModelOrderInput = { symbol: spec.symbol, side: step.side, type: step.type, validity: step.validity, quantity };
      if (step.type === "LIMIT") input.price = near(model, step.symbol, step.side === "BUY" ? -step.offset : step.offset) + skew;
      if (step.type === "SL" || step.type === "SL_M") input.triggerPrice = trigger + skew;
      if (step.type === "SL")
        input.price =
          step.side === "BUY" ? trigger + step.lots * spec.tickSize : Math.max(spec.tickSize, trigger - step.lots * spec.tickSize);
      const orderId = `O${index + 1}`;
      return {
        command: { kind: "placeOrder", time, userId, orderId, order: { ...input } as OrderInput },
        expected: () => model.place(userId, orderId, input),
      };
    }
    case "modify":
    case "cancel": {
      // Mostly one of the user's open orders; one time in four any order at all, so that closed
      // orders and other users' orders are asked for too.
      const userId = USERS[step.user] ?? "u1";
      const own = model.orders.filter((o) => o.userId === userId && model.isOpen(o));
      const from = step.pick % 4 === 0 || own.length === 0 ? model.orders : own;
      const target = from[step.pick % Math.max(1, from.length)];
      const orderId = target?.orderId ?? "O0";
      if (step.op === "cancel") {
        return { command: { kind: "cancelOrder", time, userId, orderId }, expected: () => model.cancel(userId, orderId) };
      }
      const symbol = Math.max(
        0,
        SYMBOLS.findIndex((s) => s.symbol === target?.symbol),
      );
      const lot = (SYMBOLS[symbol] ?? RELIANCE).lotSize;
      const price = near(model, symbol, step.offset);
      const change =
        step.which === 0
          ? { quantity: step.lots * lot }
          : step.which === 1
            ? { price }
            : step.which === 2
              ? { triggerPrice: price }
              : step.which === 3
                ? { quantity: step.lots * lot, price }
                : step.which === 4
                  ? { quantity: Math.max(lot, (target?.quantity ?? lot) - lot) }
                  : { price: target?.price ?? price };
      return {
        command: { kind: "modifyOrder", time, userId, orderId, ...change },
        expected: () => model.modify(userId, orderId, change),
      };
    }
    case "tick": {
      // A market not open moves on at the next tick step with an even volume: those spells stay short.
      if (!model.marketOpen && step.volume % 2 === 0) return nextPhase(model, time, step.volume);
      const spec = SYMBOLS[step.symbol] ?? RELIANCE;
      const price = near(model, step.symbol, step.offset);
      // Now and then a few shares over whole lots, which no order may be given.
      const volume = step.volume * spec.lotSize + (step.volume % 3);
      return {
        command: { kind: "tick", time, symbol: spec.symbol, price, volume },
        expected: () => model.tick(spec.symbol, price, volume),
      };
    }
    case "session":
      return nextPhase(model, time, step.turn);
  }
}

/**
 * The session moves on: the normal market closes; a closed market opens, with or without a pre-open
 * first; pre-open ends with an auction (opening prices near the last, for some instruments), or
 * goes straight to the open.
 */
function nextPhase(model: MarketModel, time: number, turn: number): { command: Command; expected: () => ModelOutcome } {
  switch (model.phase) {
    case "open":
      return { command: { kind: "closeSession", time }, expected: () => model.closeSession() };
    case "closed":
      return turn % 2 === 0
        ? { command: { kind: "startPreOpen", time }, expected: () => model.startPreOpen() }
        : { command: { kind: "openSession", time }, expected: () => model.openSession() };
    case "pre-open": {
      if (turn % 5 === 4) return { command: { kind: "openSession", time }, expected: () => model.openSession() };
      const prices = SYMBOLS.flatMap((spec, i) =>
        (turn + i) % 3 === 0
          ? []
          : [{ symbol: spec.symbol, price: near(model, i, ((turn * 7 + i * 5) % 9) - 4), volume: (turn % 4) * 3 * spec.lotSize }],
      );
      return { command: { kind: "openingAuction", time, prices }, expected: () => model.openingAuction(prices) };
    }
    case "opening":
      return { command: { kind: "openSession", time }, expected: () => model.openSession() };
  }
}

function engineFills(result: CommandResult): ModelFill[] {
  return result.events.flatMap((e) =>
    e.type === "order.filled" ? [{ orderId: e.trade.orderId, quantity: e.trade.quantity, price: e.trade.price }] : [],
  );
}

/** Every order, account and holding as the engine has it, in the model's terms. */
function expectSameState(engine: Engine, model: MarketModel, where: string): void {
  for (const userId of USERS) {
    // Both list a user's orders oldest first; the engine must have no order the model lacks.
    expect(
      engine.orders(userId).map((o) => ({
        orderId: o.orderId,
        state: o.state,
        filled: o.filledQuantity,
        quantity: o.quantity,
        price: o.price,
        triggerPrice: o.triggerPrice,
        waitingFor: o.waitingFor,
        amo: o.amo,
      })),
      `${where}: orders of ${userId}`,
    ).toEqual(
      model.orders
        .filter((o) => o.userId === userId)
        .map((o) => ({
          orderId: o.orderId,
          state: o.state,
          filled: o.filled,
          quantity: o.quantity,
          price: o.price,
          triggerPrice: o.triggerPrice,
          waitingFor: o.waitingFor,
          amo: o.amo,
        })),
    );
  }
  for (const userId of USERS) {
    const funds = engine.funds(userId);
    expect({ cash: funds?.cash, blocked: funds?.blocked }, `${where}: funds of ${userId}`).toEqual({
      cash: model.cash.get(userId),
      blocked: model.blocked(userId),
    });
    const account = engine.internals.accounts.get(userId);
    for (const spec of SYMBOLS) {
      const h = account?.holdings.get(spec.symbol);
      const m = model.holdings.get(userId)?.get(spec.symbol);
      expect(
        { quantity: h?.quantity ?? 0, reserved: h?.reserved ?? 0, costBasis: h?.costBasis ?? 0, realizedPnl: h?.realizedPnl ?? 0 },
        `${where}: ${userId}'s ${spec.symbol}`,
      ).toEqual({
        quantity: m?.quantity ?? 0,
        reserved: model.reservedShares(userId, spec.symbol),
        costBasis: m?.costBasis ?? 0,
        realizedPnl: m?.realizedPnl ?? 0,
      });
    }
  }
}

describe("the engine agrees with a plain model of the order rules", () => {
  it("on every result, fill and balance over random command sequences", () => {
    const seen = new Map<string, number>();
    const count = (key: string) => seen.set(key, (seen.get(key) ?? 0) + 1);
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 150, size: "max" }), (steps) => {
        const engine = new Engine();
        for (const instrument of SYMBOLS) engine.apply({ kind: "addInstrument", time: 1, instrument });
        for (const userId of USERS) engine.apply({ kind: "openAccount", time: 1, userId, cash: CASH });
        const model = new MarketModel(SYMBOLS, Object.fromEntries(USERS.map((u) => [u, CASH])));
        steps.forEach((step, i) => {
          const { command, expected } = materialize(model, step, i);
          const result = engine.apply(command);
          const want = expected();
          const where = `step ${i} ${JSON.stringify(command)}`;
          expect({ code: result.ok ? "OK" : result.code, fills: engineFills(result) }, where).toEqual(want);
          expectSameState(engine, model, where);
          count(`${command.kind}:${want.code}`);
          const placed = command.kind === "placeOrder" ? model.orders.find((o) => o.orderId === command.orderId) : undefined;
          if (want.code === "OK" && placed?.waitingFor) count(`placeOrder:waits for ${placed.waitingFor}`);
          if (want.fills.length >= 1) count(`${command.kind}:fills`);
          if (want.fills.length >= 2) count(`${command.kind}:several fills`);
          if (want.fills.some((f) => model.orders.find((o) => o.orderId === f.orderId)?.state === "PARTIALLY_EXECUTED")) {
            count(`${command.kind}:partial fill`);
          }
        });
      }),
      { numRuns: 1_000 },
    );
    // The sequences must reach the outcomes that matter, or agreeing proves little.
    for (const key of [
      "placeOrder:OK",
      "placeOrder:INSUFFICIENT_FUNDS",
      "placeOrder:INSUFFICIENT_HOLDINGS",
      "placeOrder:QUANTITY_NOT_MULTIPLE_OF_LOT",
      "placeOrder:PRICE_NOT_ON_TICK",
      "placeOrder:INVALID_TRIGGER_PRICE",
      "placeOrder:waits for pre-open",
      "placeOrder:waits for auction",
      "placeOrder:waits for open",
      "modifyOrder:OK",
      "modifyOrder:NOTHING_TO_MODIFY",
      "modifyOrder:MODIFY_NOT_ALLOWED",
      "modifyOrder:INSUFFICIENT_FUNDS",
      "modifyOrder:ORDER_NOT_OPEN",
      "modifyOrder:ORDER_NOT_FOUND",
      "cancelOrder:OK",
      "cancelOrder:ORDER_NOT_OPEN",
      "tick:OK",
      "tick:MARKET_CLOSED",
      "tick:several fills",
      "tick:partial fill",
      "closeSession:OK",
      "startPreOpen:OK",
      "openingAuction:OK",
      "openingAuction:several fills",
      "openSession:OK",
      "openSession:several fills",
    ]) {
      expect(seen.get(key) ?? 0, key).toBeGreaterThan(20);
    }
  }, 180_000);
});
