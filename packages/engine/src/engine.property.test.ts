// Property tests: thousands of random command sequences, with the engine's invariants checked
// after every command, and determinism, replay and snapshot/restore checked per sequence.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Engine } from "./engine.js";
import { checkInvariants } from "./invariants.js";
import { INFY, LOTS, RELIANCE, throughJson } from "./testing/market.js";
import { DEFAULT_CHARGE_RATES } from "./charges/rates.js";
import type { Product } from "./charges/rates.js";
import type { Command, EngineEvent, OrderType, Side, Validity } from "./types.js";

const USERS = ["u1", "u2", "u3"];
const SYMBOLS = [RELIANCE, INFY, LOTS];

/** An abstract step; `materialize` turns it into a command against the engine's current prices. */
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
      clientKey: number;
      product: Product;
    }
  | { op: "convert"; user: number; symbol: number; lots: number; toDelivery: boolean }
  | { op: "squareOff" }
  | { op: "modify"; user: number; pick: number; lots: number; offset: number; which: number }
  | { op: "cancel"; user: number; pick: number }
  | { op: "tick"; symbol: number; offset: number; volume: number }
  | { op: "session"; turn: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      op: fc.constant("place" as const),
      user: fc.nat(2),
      symbol: fc.nat(2),
      side: fc.constantFrom<Side>("BUY", "SELL"),
      type: fc.constantFrom<OrderType>("MARKET", "LIMIT", "LIMIT", "SL", "SL_M"),
      validity: fc.constantFrom<Validity>("DAY", "DAY", "DAY", "IOC"),
      lots: fc.integer({ min: 1, max: 40 }),
      offset: fc.integer({ min: -20, max: 20 }),
      gap: fc.integer({ min: 1, max: 10 }),
      clientKey: fc.integer({ min: -8, max: 5 }),
      product: fc.constantFrom<Product>("CNC", "CNC", "MIS"),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("convert" as const),
      user: fc.nat(2),
      symbol: fc.nat(2),
      lots: fc.integer({ min: 1, max: 20 }),
      toDelivery: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("squareOff" as const) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant("modify" as const),
      user: fc.nat(2),
      pick: fc.nat(50),
      lots: fc.integer({ min: 1, max: 40 }),
      offset: fc.integer({ min: -20, max: 20 }),
      which: fc.nat(3),
    }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("cancel" as const), user: fc.nat(2), pick: fc.nat(50) }) },
  {
    weight: 10,
    arbitrary: fc.record({
      op: fc.constant("tick" as const),
      symbol: fc.nat(2),
      offset: fc.integer({ min: -6, max: 6 }),
      volume: fc.integer({ min: 0, max: 30 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("session" as const), turn: fc.nat(11) }) },
);

/** The same steps on one instrument with thin ticks: accounts' resting orders meet the same small volumes. */
const contendedStepArb: fc.Arbitrary<Step> = stepArb.map((step) => {
  if (step.op === "tick") return { ...step, symbol: 1, volume: step.volume % 6 };
  return step.op === "place" ? { ...step, symbol: 1 } : step;
});

function setup(charges = false): Command[] {
  const commands: Command[] = charges ? [{ kind: "setChargeRates", time: 1, rates: DEFAULT_CHARGE_RATES }] : [];
  for (const instrument of SYMBOLS) commands.push({ kind: "addInstrument", time: 1, instrument });
  // Modest cash so funds checks actually bite.
  for (const userId of USERS) commands.push({ kind: "openAccount", time: 1, userId, cash: 200 * 250_000 });
  return commands;
}

function materialize(engine: Engine, step: Step, index: number): Command {
  const time = 1_000 + index;
  const priceNear = (symbol: string, offset: number) => {
    const spec = SYMBOLS.find((s) => s.symbol === symbol) ?? RELIANCE;
    const ltp = engine.quote(symbol)?.lastTradedPrice ?? spec.price;
    return Math.max(spec.tickSize, ltp + offset * spec.tickSize * 10);
  };
  switch (step.op) {
    case "place": {
      const spec = SYMBOLS[step.symbol] ?? RELIANCE;
      const userId = USERS[step.user] ?? "u1";
      const quantity = step.lots * spec.lotSize;
      const ltp = engine.quote(spec.symbol)?.lastTradedPrice ?? spec.price;
      const away = step.side === "BUY" ? 1 : -1;
      const trigger = Math.max(spec.tickSize, ltp + away * step.gap * spec.tickSize * 10);
      const limit = priceNear(spec.symbol, step.offset);
      const base = {
        symbol: spec.symbol,
        side: step.side,
        quantity,
        validity: step.validity,
        product: step.product,
        clientOrderId: step.clientKey > 0 ? `k${step.clientKey}` : undefined,
      };
      const order =
        step.type === "MARKET"
          ? { ...base, type: "MARKET" as const }
          : step.type === "LIMIT"
            ? { ...base, type: "LIMIT" as const, price: limit }
            : step.type === "SL"
              ? {
                  ...base,
                  type: "SL" as const,
                  triggerPrice: trigger,
                  price:
                    step.side === "BUY" ? trigger + spec.tickSize * step.gap : Math.max(spec.tickSize, trigger - spec.tickSize * step.gap),
                }
              : { ...base, type: "SL_M" as const, triggerPrice: trigger };
      return { kind: "placeOrder", time, userId, orderId: index % 2 === 0 ? `O${index + 1}` : `o${index}`, order };
    }
    case "modify":
    case "cancel": {
      const userId = USERS[step.user] ?? "u1";
      const orders = engine.orders(userId);
      const target = orders.length === 0 ? undefined : orders[step.pick % orders.length];
      const orderId = target?.orderId ?? "missing";
      if (step.op === "cancel") return { kind: "cancelOrder", time, userId, orderId };
      const spec = SYMBOLS.find((s) => s.symbol === target?.symbol) ?? RELIANCE;
      const change =
        step.which === 0
          ? { quantity: step.lots * spec.lotSize }
          : step.which === 1
            ? { price: priceNear(spec.symbol, step.offset) }
            : step.which === 2
              ? { triggerPrice: priceNear(spec.symbol, step.offset) }
              : { quantity: step.lots * spec.lotSize, price: priceNear(spec.symbol, step.offset) };
      return { kind: "modifyOrder", time, userId, orderId, ...change };
    }
    case "tick": {
      const spec = SYMBOLS[step.symbol] ?? RELIANCE;
      return { kind: "tick", time, symbol: spec.symbol, price: priceNear(spec.symbol, step.offset), volume: step.volume * spec.lotSize };
    }
    case "session":
      return nextPhase(engine, time, step.turn, priceNear);
    case "squareOff":
      return { kind: "squareOff", time };
    case "convert": {
      const spec = SYMBOLS[step.symbol] ?? RELIANCE;
      const [from, to] = step.toDelivery ? (["MIS", "CNC"] as const) : (["CNC", "MIS"] as const);
      return {
        kind: "convertPosition",
        time,
        userId: USERS[step.user] ?? "u1",
        symbol: spec.symbol,
        quantity: step.lots * spec.lotSize,
        from,
        to,
      };
    }
  }
}

/**
 * The session moves on: the normal market closes; a closed market opens, with or without a pre-open
 * first; pre-open ends with an auction (opening prices near the last for every instrument, or for
 * some), or goes straight to the open.
 */
function nextPhase(engine: Engine, time: number, turn: number, priceNear: (symbol: string, offset: number) => number): Command {
  switch (engine.phase) {
    case "open":
      return { kind: "closeSession", time };
    case "closed":
      return turn % 2 === 0 ? { kind: "startPreOpen", time } : { kind: "openSession", time };
    case "pre-open": {
      if (turn % 4 === 3) return { kind: "openSession", time };
      const prices = SYMBOLS.filter((_, i) => (turn + i) % 3 !== 0).map((spec, i) => ({
        symbol: spec.symbol,
        price: priceNear(spec.symbol, ((turn * 7 + i * 5) % 21) - 10),
        volume: (turn % 5) * 10 * spec.lotSize,
      }));
      return { kind: "openingAuction", time, prices };
    }
    case "opening":
      return { kind: "openSession", time };
  }
}

/**
 * cash + cost basis - realized P&L + charges paid is what was deposited: money is neither made nor
 * lost by bookkeeping. (An intraday position's cost is not paid from cash; what it realizes is.)
 */
function conservationProblems(engine: Engine): string[] {
  const problems: string[] = [];
  for (const account of engine.internals.accounts.values()) {
    let cost = 0;
    let realized = 0;
    for (const h of account.holdings.values()) {
      cost += h.costBasis;
      realized += h.realizedPnl;
    }
    for (const p of account.positions.values()) realized += p.realizedPnl;
    if (account.cash + cost - realized + account.chargesPaid !== account.deposited) {
      problems.push(
        `${account.userId}: cash ${account.cash} + cost ${cost} - realized ${realized} + charges ${account.chargesPaid} != deposited ${account.deposited}`,
      );
    }
  }
  return problems;
}

function runSteps(steps: Step[], options: { check: boolean; charges?: boolean }) {
  const engine = new Engine();
  const log: Command[] = [];
  const events: unknown[] = [];
  for (const c of setup(options.charges)) {
    log.push(c);
    events.push(...engine.apply(c).events);
  }
  let lastSeq = engine.lastSeq;
  steps.forEach((step, i) => {
    const command = materialize(engine, step, i);
    log.push(command);
    const before = options.check ? JSON.stringify(engine.snapshot()) : "";
    const result = engine.apply(command);
    events.push(...result.events);
    if (!options.check) return;
    // Gap-free sequence.
    result.events.forEach((e, k) => expect(e.seq).toBe(lastSeq + k + 1));
    lastSeq = engine.lastSeq;
    // A refusal that leaves no REJECTED order behind changes nothing at all.
    if (!result.ok && result.events.length === 0) expect(JSON.stringify(engine.snapshot())).toBe(before);
    expect(checkInvariants(engine)).toEqual([]);
    expect(conservationProblems(engine)).toEqual([]);
  });
  return { engine, log, events };
}

describe("engine properties over random command sequences", () => {
  it("keeps every invariant after every command", () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 120, size: "max" }), (steps) => {
        const { events } = runSteps(steps, { check: true });
        for (const e of events as { type: string; order?: { state: string; product: string; squareOff: boolean } }[]) {
          const keys = [e.order ? `${e.type}:${e.order.state}` : e.type];
          if (e.type === "order.filled" && e.order?.product === "MIS")
            keys.push(e.order.squareOff ? "intraday:squared-off" : "intraday:filled");
          for (const key of keys) seen.set(key, (seen.get(key) ?? 0) + 1);
        }
      }),
      { numRuns: 1_000 },
    );
    // The generator must actually reach every kind of outcome, or the properties prove little.
    for (const key of [
      "order.filled:EXECUTED",
      "order.filled:PARTIALLY_EXECUTED",
      "order.triggered:PLACED",
      "order.rejected:REJECTED",
      "order.modified:PLACED",
      "order.cancelled:CANCELLED",
      "order.expired:EXPIRED",
      "intraday:filled",
      "intraday:squared-off",
      "position.converted",
    ]) {
      expect(seen.get(key) ?? 0, key).toBeGreaterThan(20);
    }
  }, 120_000);

  it("keeps every invariant with charges, which are paid from cash and counted in the money's conservation", () => {
    let charged = 0;
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 120, size: "max" }), (steps) => {
        const { engine } = runSteps(steps, { check: true, charges: true });
        for (const account of engine.internals.accounts.values()) if (account.chargesPaid > 0) charged += 1;
        const restored = Engine.restore(throughJson(engine.snapshot()));
        expect(restored.snapshot()).toEqual(engine.snapshot());
      }),
      { numRuns: 500 },
    );
    expect(charged).toBeGreaterThan(200);
  }, 120_000);

  it("is deterministic: the same commands give byte-identical events and state, also via replay", () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 120, size: "max" }), (steps) => {
        const a = runSteps(steps, { check: false });
        const b = runSteps(steps, { check: false });
        expect(JSON.stringify(b.events)).toBe(JSON.stringify(a.events));
        expect(JSON.stringify(b.engine.snapshot())).toBe(JSON.stringify(a.engine.snapshot()));
        expect(JSON.stringify(Engine.replay(a.log).snapshot())).toBe(JSON.stringify(a.engine.snapshot()));
      }),
      { numRuns: 1_000 },
    );
  }, 120_000);

  it("continues identically after snapshot and restore at any point", () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 2, maxLength: 120, size: "max" }), fc.nat(), (steps, cutSeed) => {
        const full = runSteps(steps, { check: false });
        const cut = setup().length + (cutSeed % steps.length);
        const head = Engine.replay(full.log.slice(0, cut));
        const restored = Engine.restore(throughJson(head.snapshot()));
        expect(checkInvariants(restored)).toEqual([]);
        const tailEvents: unknown[] = [];
        for (const c of full.log.slice(cut)) tailEvents.push(...restored.apply(c).events);
        expect(JSON.stringify(restored.snapshot())).toBe(JSON.stringify(full.engine.snapshot()));
        expect(JSON.stringify(tailEvents)).toBe(JSON.stringify(full.events.slice(full.events.length - tailEvents.length)));
      }),
      { numRuns: 1_000 },
    );
  }, 120_000);

  it("behaves identically when closed orders leave memory, and restores from such a snapshot", () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 2, maxLength: 120, size: "max" }), fc.nat(), (steps, cutSeed) => {
        const kept = runSteps(steps, { check: false });
        // The same commands (materialized once) applied to an engine that lets closed orders go.
        const leanEngine = new Engine({ retainClosedOrders: false });
        const lean = { engine: leanEngine, log: kept.log, events: kept.log.flatMap((c) => leanEngine.apply(c).events) };
        expect(JSON.stringify(lean.events)).toBe(JSON.stringify(kept.events));
        expect(checkInvariants(lean.engine)).toEqual([]);
        // Only open orders (and closed ones kept for their clientOrderId) stay in memory.
        for (const order of lean.engine.internals.orders.values()) expect(order.state).toMatch(/PLACED|TRIGGER_PENDING|PARTIALLY_EXECUTED/);
        expect(lean.engine.internals.trades).toEqual([]);

        const cut = setup().length + (cutSeed % steps.length);
        const head = Engine.replay(lean.log.slice(0, cut), { retainClosedOrders: false });
        const restored = Engine.restore(throughJson(head.snapshot()));
        const tail: unknown[] = [];
        for (const c of lean.log.slice(cut)) tail.push(...restored.apply(c).events);
        expect(JSON.stringify(restored.snapshot())).toBe(JSON.stringify(lean.engine.snapshot()));
        expect(JSON.stringify(tail)).toBe(JSON.stringify(lean.events.slice(lean.events.length - tail.length)));

        // Keyed orders let go of now and then: restoring at any cut still continues identically.
        const forgetting = lean.log.flatMap((c, i): Command[] =>
          i % 7 === 6 ? [c, { kind: "forgetClientOrderIds", time: c.time, closedBefore: c.time - (i % 3) }] : [c],
        );
        const whole = Engine.replay(forgetting, { retainClosedOrders: false });
        expect(checkInvariants(whole)).toEqual([]);
        const at = setup().length + (cutSeed % (forgetting.length - setup().length));
        const resumed = Engine.restore(throughJson(Engine.replay(forgetting.slice(0, at), { retainClosedOrders: false }).snapshot()));
        for (const c of forgetting.slice(at)) resumed.apply(c);
        expect(JSON.stringify(resumed.snapshot())).toBe(JSON.stringify(whole.snapshot()));
      }),
      { numRuns: 500 },
    );
  }, 120_000);

  it("keeps accounts independent: each account's events and state are those of its commands run alone with the same ticks", () => {
    const ownedBy = (command: Command): string | null => ("userId" in command ? command.userId : null);
    const concerns = (userId: string) => (event: EngineEvent) =>
      ("order" in event && event.order.userId === userId) || ("userId" in event && event.userId === userId);
    // Sequence numbers, trade ids and square-off order ids are counted across all accounts:
    // identities, not results.
    const anonymous = <T extends { orderId: string; squareOff?: boolean | undefined }>(o: T): T =>
      o.squareOff === true ? { ...o, orderId: "" } : o;
    const withoutSeq = (events: EngineEvent[]) =>
      events.map(({ seq: _seq, ...rest }) => {
        const order = "order" in rest ? { order: anonymous(rest.order) } : {};
        return "trade" in rest ? { ...rest, ...order, trade: { ...anonymous(rest.trade), tradeId: "" } } : { ...rest, ...order };
      });
    let fillsSeen = 0;
    fc.assert(
      fc.property(fc.array(contendedStepArb, { minLength: 1, maxLength: 120, size: "max" }), (steps) => {
        const together = runSteps(steps, { check: false });
        const allEvents = together.events as EngineEvent[];
        fillsSeen += allEvents.filter((e) => e.type === "order.filled").length;
        for (const userId of USERS) {
          // The same commands, but only this account's and the market's (instruments, ticks, sessions).
          const alone = new Engine();
          const aloneEvents = together.log
            .filter((c) => ownedBy(c) === null || ownedBy(c) === userId)
            .flatMap((c) => alone.apply(c).events);
          expect(withoutSeq(aloneEvents.filter(concerns(userId)))).toEqual(withoutSeq(allEvents.filter(concerns(userId))));
          expect(alone.funds(userId)).toEqual(together.engine.funds(userId));
          expect(alone.holdings(userId)).toEqual(together.engine.holdings(userId));
          expect(alone.orders(userId).map(anonymous)).toEqual(together.engine.orders(userId).map(anonymous));
          expect(alone.positions(userId)).toEqual(together.engine.positions(userId));
        }
      }),
      { numRuns: 1_000 },
    );
    expect(fillsSeen).toBeGreaterThan(500);
  }, 120_000);
});
