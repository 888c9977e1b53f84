import { describe, expect, it } from "vitest";
import { Engine } from "./engine.js";
import { checkInvariants } from "./invariants.js";
import { orderKey } from "./order-index.js";
import { RELIANCE, TestMarket, throughJson } from "./testing/market.js";
import type { Command } from "./types.js";

describe("sessions", () => {
  it("expires every open DAY order at the close and releases what they held", () => {
    const m = new TestMarket();
    m.placeOk("alice", { side: "BUY", quantity: 5 });
    const buy = m.placeOk("alice", { side: "BUY", quantity: 5, type: "LIMIT", price: 240_000 });
    const sell = m.placeOk("alice", { side: "SELL", quantity: 5, type: "LIMIT", price: 260_000 });
    const stop = m.placeOk("bob", { side: "BUY", quantity: 1, type: "SL_M", triggerPrice: 260_000 });
    const r = m.ok(m.engine.apply({ kind: "closeSession", time: m.now() }));
    expect(r.events.filter((e) => e.type === "order.expired")).toHaveLength(3);
    for (const [user, id] of [
      ["alice", buy],
      ["alice", sell],
      ["bob", stop],
    ] as const) {
      expect(m.order(user, id).state).toBe("EXPIRED");
    }
    expect(m.funds("alice").blocked).toBe(0);
    expect(m.funds("bob").blocked).toBe(0);
    expect(m.holding("alice")?.reservedQuantity).toBe(0);
    expect(m.engine.apply({ kind: "tick", time: m.now(), symbol: "RELIANCE", price: 250_000, volume: 1 })).toMatchObject({
      code: "MARKET_CLOSED",
    });
    expect(checkInvariants(m.engine)).toEqual([]);
  });

  it("starts a new day at the open: previous close is the last price, volume resets", () => {
    const m = new TestMarket();
    m.tick(260_000, 50);
    m.ok(m.engine.apply({ kind: "closeSession", time: m.now() }));
    m.ok(m.engine.apply({ kind: "openSession", time: m.now() }));
    expect(m.engine.quote("RELIANCE")).toMatchObject({ previousClose: 260_000, volume: 0, change: 0, high: 260_000, low: 260_000 });
    expect(m.place("alice", { side: "BUY", quantity: 1 })).toMatchObject({ ok: true });
  });
});

describe("accounts and instruments", () => {
  it("resets an account: open orders cancelled, holdings gone, fresh cash", () => {
    const m = new TestMarket();
    m.placeOk("alice", { side: "BUY", quantity: 5 });
    const open = m.placeOk("alice", { side: "BUY", quantity: 5, type: "LIMIT", price: 240_000 });
    m.ok(m.engine.apply({ kind: "resetAccount", time: m.now(), userId: "alice", cash: 5_00_000_00 }));
    expect(m.order("alice", open).state).toBe("CANCELLED");
    expect(m.engine.holdings("alice")).toEqual([]);
    expect(m.funds("alice")).toMatchObject({ cash: 5_00_000_00, blocked: 0, totalPnl: 0 });
    expect(checkInvariants(m.engine)).toEqual([]);
  });

  it("refuses duplicate accounts and instruments and bad specs", () => {
    const m = new TestMarket();
    expect(m.engine.apply({ kind: "openAccount", time: m.now(), userId: "alice", cash: 1 })).toMatchObject({ code: "ACCOUNT_EXISTS" });
    expect(m.engine.apply({ kind: "openAccount", time: m.now(), userId: "carol", cash: -1 })).toMatchObject({ code: "INVALID_COMMAND" });
    expect(m.engine.apply({ kind: "addInstrument", time: m.now(), instrument: RELIANCE })).toMatchObject({ code: "INSTRUMENT_EXISTS" });
    expect(m.engine.apply({ kind: "addInstrument", time: m.now(), instrument: { ...RELIANCE, symbol: "lower" } })).toMatchObject({
      code: "INVALID_COMMAND",
    });
    expect(m.engine.apply({ kind: "addInstrument", time: m.now(), instrument: { ...RELIANCE, symbol: "NEW", price: 101 } })).toMatchObject({
      code: "INVALID_PRICE",
    });
  });

  it("refuses malformed commands with a typed error", () => {
    const engine = new Engine();
    expect(engine.apply({ kind: "bogus", time: 1 } as unknown as Command)).toMatchObject({ ok: false, code: "INVALID_COMMAND" });
    expect(engine.apply({ kind: "tick", time: Number.NaN, symbol: "X", price: 1, volume: 1 })).toMatchObject({ code: "INVALID_COMMAND" });
    expect(engine.apply(null as unknown as Command)).toMatchObject({ code: "INVALID_COMMAND" });
  });

  it("refuses a command of any kind whose time is not whole milliseconds, and changes nothing", () => {
    const m = new TestMarket();
    const resting = m.placeOk("alice", { side: "BUY", quantity: 2, type: "LIMIT", price: 240_000 });
    const before = JSON.stringify(m.engine.snapshot());
    const order = { symbol: "RELIANCE", side: "BUY", type: "LIMIT", quantity: 1, price: 240_000, validity: "DAY" } as const;
    for (const time of [-1, 1.5, Number.NaN, "1" as unknown as number]) {
      const commands: Command[] = [
        { kind: "placeOrder", time, userId: "alice", orderId: "O-bad", order },
        { kind: "cancelOrder", time, userId: "alice", orderId: resting },
        { kind: "modifyOrder", time, userId: "alice", orderId: resting, price: 235_000 },
        { kind: "tick", time, symbol: "RELIANCE", price: 240_000, volume: 10 },
        { kind: "openAccount", time, userId: "carol", cash: 100 },
        { kind: "closeSession", time },
      ];
      for (const command of commands) {
        expect(m.engine.apply(command), `${command.kind} at ${String(time)}`).toMatchObject({
          ok: false,
          code: "INVALID_COMMAND",
          message: "command time must be whole milliseconds since the epoch",
          events: [],
        });
      }
    }
    expect(JSON.stringify(m.engine.snapshot())).toBe(before);
  });
});

describe("events", () => {
  it("numbers every event with a global gap-free sequence", () => {
    const m = new TestMarket();
    const seqs: number[] = [];
    const collect = (r: { events: { seq: number }[] }) => seqs.push(...r.events.map((e) => e.seq));
    const start = m.engine.lastSeq;
    collect(m.place("alice", { side: "BUY", quantity: 5 }));
    collect(m.place("alice", { side: "BUY", quantity: 5, type: "LIMIT", price: 240_000 }));
    collect(m.place("alice", { side: "SELL", quantity: 50 }));
    collect(m.tick(239_000));
    collect(m.place("bob", { side: "SELL", quantity: 1 }));
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => start + 1 + i));
    expect(m.engine.lastSeq).toBe(start + seqs.length);
  });

  it("gives every command its own events and only those, however many commands have run", () => {
    // The engine's working events array is replaced every few hundred commands (see Store.pending).
    const m = new TestMarket();
    const start = m.engine.lastSeq;
    let expected = start;
    for (let i = 0; i < 1_000; i++) {
      const placed = m.place("alice", { side: "BUY", quantity: 1, type: "LIMIT", price: 240_000 - (i % 7) * 100 });
      expect(placed.events.map((e) => e.type)).toEqual(["order.accepted", "funds.changed"]);
      const cancelled = m.engine.apply({ kind: "cancelOrder", time: m.now(), userId: "alice", orderId: placed.order?.orderId ?? "" });
      expect(cancelled.events.map((e) => e.type)).toEqual(["order.cancelled", "funds.changed"]);
      for (const [result, orderId] of [
        [placed, placed.order?.orderId],
        [cancelled, placed.order?.orderId],
      ] as const) {
        expect(result.events.map((e) => e.seq)).toEqual([expected + 1, expected + 2]);
        expect(result.events[0]).toMatchObject({ order: { orderId } });
        expected += 2;
      }
    }
    expect(m.engine.lastSeq).toBe(expected);
    expect(checkInvariants(m.engine)).toEqual([]);
  });

  it("carries copies, so later changes do not rewrite published events", () => {
    const m = new TestMarket();
    const r = m.place("alice", { side: "BUY", quantity: 5, type: "LIMIT", price: 240_000 });
    const accepted = r.events[0];
    m.tick(239_000);
    expect(accepted).toMatchObject({ type: "order.accepted", order: { state: "PLACED", filledQuantity: 0 } });
  });
});

describe("quotes", () => {
  it("say when the last tick came, none before the first, at epoch times, and keep it through a snapshot", () => {
    const m = new TestMarket();
    expect(m.engine.quote("RELIANCE")?.lastTickAt).toBeNull();
    const time = Date.UTC(2026, 10, 25, 4, 0);
    m.ok(m.engine.apply({ kind: "tick", time, symbol: "RELIANCE", price: 251_000, volume: 10 }));
    expect(m.engine.quote("RELIANCE")?.lastTickAt).toBe(time);
    expect(m.engine.quote("INFY")?.lastTickAt).toBeNull();
    const restored = Engine.restore(m.engine.snapshot());
    expect(restored.quote("RELIANCE")?.lastTickAt).toBe(time);
    expect(restored.quote("INFY")?.lastTickAt).toBeNull();
  });
});

describe("snapshot, restore and replay", () => {
  function busyMarket(): TestMarket {
    const m = new TestMarket();
    m.placeOk("alice", { side: "BUY", quantity: 10 });
    m.placeOk("alice", { side: "SELL", quantity: 4, type: "LIMIT", price: 255_000 });
    m.placeOk("bob", { side: "BUY", quantity: 7, type: "LIMIT", price: 245_000 });
    m.placeOk("bob", { side: "BUY", quantity: 3, type: "LIMIT", price: 245_000 });
    m.placeOk("bob", { side: "BUY", quantity: 2, type: "SL", triggerPrice: 256_000, price: 257_000 });
    m.tick(245_000, 8);
    m.ok(m.apply({ kind: "closeSession", time: m.now() }));
    m.ok(m.apply({ kind: "openSession", time: m.now() }));
    m.placeOk("bob", { side: "BUY", quantity: 3, type: "LIMIT", price: 244_000 });
    return m;
  }

  it("restores a snapshot into an engine with identical state and books", () => {
    const m = busyMarket();
    const snapshot = m.engine.snapshot();
    const restored = Engine.restore(throughJson(snapshot));
    expect(JSON.stringify(restored.snapshot())).toBe(JSON.stringify(snapshot));
    expect(checkInvariants(restored)).toEqual([]);
    // The restored books keep price-time priority: the same tick fills the same orders.
    const tick: Command = { kind: "tick", time: m.now(), symbol: "RELIANCE", price: 245_000, volume: 1 };
    const a = m.engine.apply(tick);
    const b = restored.apply(tick);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it("rebuilds identical state and events by replaying the command log", () => {
    const m = busyMarket();
    expect(m.log.length).toBeGreaterThan(10);
    expect(JSON.stringify(Engine.replay(m.log).snapshot())).toBe(JSON.stringify(m.engine.snapshot()));
    const eventsOf = () => {
      const engine = new Engine();
      return JSON.stringify(m.log.flatMap((c) => engine.apply(c).events));
    };
    expect(eventsOf()).toBe(eventsOf());
  });
});

describe("order ids", () => {
  it("indexes the server's O<n> ids by number and every other id by itself, without mixing them up", () => {
    expect(orderKey("O1")).toBe(1);
    expect(orderKey("O987654321")).toBe(987_654_321);
    for (const id of ["O0", "O01", "o1", "O", "O1x", "1", "O1234567890", "X12"]) expect(orderKey(id)).toBe(id);

    const m = new TestMarket();
    const ids = ["O7", "O07", "7", "o7", "O70"];
    for (const orderId of ids) {
      const r = m.engine.apply({
        kind: "placeOrder",
        time: m.now(),
        userId: "alice",
        orderId,
        order: { symbol: "RELIANCE", side: "BUY", type: "LIMIT", quantity: 1, price: 240_000, validity: "DAY" },
      });
      expect(r.ok).toBe(true);
    }
    expect(
      m.engine.apply({
        kind: "placeOrder",
        time: m.now(),
        userId: "bob",
        orderId: "O7",
        order: { symbol: "RELIANCE", side: "BUY", type: "MARKET", quantity: 1, validity: "DAY" },
      }),
    ).toMatchObject({ ok: false, code: "DUPLICATE_ORDER_ID" });
    expect(m.engine.apply({ kind: "cancelOrder", time: m.now(), userId: "alice", orderId: "O07" })).toMatchObject({
      ok: true,
      order: { orderId: "O07", state: "CANCELLED" },
    });
    expect(m.engine.orders("alice", { open: true }).map((o) => o.orderId)).toEqual(["O7", "7", "o7", "O70"]);
    expect(m.engine.order("alice", "O7")?.state).toBe("PLACED");
    expect(m.engine.order("alice", "O07")?.state).toBe("CANCELLED");
  });
});

describe("closed orders not retained", () => {
  it("makes a closed order's memory a new order that carries nothing of the old one", () => {
    const engine = new Engine({ retainClosedOrders: false });
    engine.apply({
      kind: "addInstrument",
      time: 0,
      instrument: { symbol: "RELIANCE", name: "Reliance", exchange: "NSE", instrumentType: "EQ", tickSize: 5, lotSize: 1, price: 250_000 },
    });
    engine.apply({ kind: "openAccount", time: 0, userId: "alice", cash: 10_000_000_00 });
    const limit = (orderId: string, time: number, price: number, clientOrderId?: string): Command => ({
      kind: "placeOrder",
      time,
      userId: "alice",
      orderId,
      order: {
        symbol: "RELIANCE",
        side: "BUY",
        type: "LIMIT",
        quantity: 4,
        price,
        validity: "DAY",
        ...(clientOrderId === undefined ? {} : { clientOrderId }),
      },
    });
    // O1 rests, half fills, is modified and cancelled: a record with trades and a long history.
    engine.apply(limit("O1", 1, 249_000));
    engine.apply({ kind: "tick", time: 2, symbol: "RELIANCE", price: 249_000, volume: 2 });
    engine.apply({ kind: "modifyOrder", time: 3, userId: "alice", orderId: "O1", price: 248_000 });
    expect(engine.apply({ kind: "cancelOrder", time: 4, userId: "alice", orderId: "O1" }).ok).toBe(true);
    const placed = engine.apply(limit("O3", 7, 247_000));
    expect(placed.order).toMatchObject({
      orderId: "O3",
      state: "PLACED",
      filledQuantity: 0,
      averageFillPrice: null,
      placedAt: 7,
      triggeredAt: null,
    });
    expect(engine.order("alice", "O3")).toMatchObject({ history: [{ state: "PLACED", time: 7, cause: "placed" }], trades: [] });
    expect(engine.order("alice", "O1")).toBeUndefined();

    // A keyed order stays findable by its key after it closes, so its memory is never reused.
    engine.apply(limit("O2", 8, 248_500, "mine"));
    engine.apply({ kind: "cancelOrder", time: 9, userId: "alice", orderId: "O2" });
    engine.apply(limit("O4", 10, 246_000));
    expect(engine.orderByClientId("alice", "mine")).toMatchObject({ orderId: "O2", state: "CANCELLED", price: 248_500 });
    expect(engine.orders("alice").map((o) => o.orderId)).toEqual(["O3", "O4"]);
    expect(engine.funds("alice")?.blocked).toBe(4 * 247_000 + 4 * 246_000);
    expect(checkInvariants(engine)).toEqual([]);
  });

  it("lets go of closed keyed orders that closed before the time a forgetClientOrderIds command gives, oldest first", () => {
    const engine = new Engine({ retainClosedOrders: false });
    engine.apply({
      kind: "addInstrument",
      time: 0,
      instrument: { symbol: "RELIANCE", name: "Reliance", exchange: "NSE", instrumentType: "EQ", tickSize: 5, lotSize: 1, price: 250_000 },
    });
    engine.apply({ kind: "openAccount", time: 0, userId: "alice", cash: 10_000_000_00 });
    const keyed = (orderId: string, time: number, clientOrderId: string, price = 249_000): Command => ({
      kind: "placeOrder",
      time,
      userId: "alice",
      orderId,
      order: { symbol: "RELIANCE", side: "BUY", type: "LIMIT", quantity: 1, price, validity: "DAY", clientOrderId },
    });
    engine.apply(keyed("O1", 1, "a"));
    engine.apply({ kind: "cancelOrder", time: 10, userId: "alice", orderId: "O1" }); // a closes at 10
    engine.apply(keyed("O2", 11, "b", 251_000)); // b fills on arrival: closes at 11
    engine.apply(keyed("O3", 12, "c")); // c stays open
    const before = engine.snapshot();
    expect(before.closedKeyedOrders.map((o) => o.clientOrderId)).toEqual(["a", "b"]);
    expect(engine.oldestClosedKeyedAt()).toBe(10);
    expect(engine.closedKeyedOrderCount()).toBe(2);

    // Nothing closed before 10: nothing goes.
    expect(engine.apply({ kind: "forgetClientOrderIds", time: 20, closedBefore: 10 })).toEqual({ ok: true, events: [] });
    expect(engine.orderByClientId("alice", "a")).toMatchObject({ orderId: "O1", state: "CANCELLED" });
    expect(engine.apply(keyed("O9", 21, "a"))).toMatchObject({ ok: true, duplicate: true, order: { orderId: "O1" } });

    // a closed before 11, b did not: a goes, b and the open c stay.
    engine.apply({ kind: "forgetClientOrderIds", time: 22, closedBefore: 11 });
    expect(engine.orderByClientId("alice", "a")).toBeUndefined();
    expect([engine.hasClientOrderId("alice", "a"), engine.hasClientOrderId("alice", "b")]).toEqual([false, true]);
    expect(engine.orderByClientId("alice", "b")).toMatchObject({ orderId: "O2", state: "EXECUTED" });
    expect(engine.snapshot().closedKeyedOrders.map((o) => o.clientOrderId)).toEqual(["b"]);
    expect(engine.oldestClosedKeyedAt()).toBe(11);

    // Long after: every closed keyed order goes, open ones never do.
    engine.apply({ kind: "forgetClientOrderIds", time: 23, closedBefore: 1_000 });
    expect(engine.orderByClientId("alice", "b")).toBeUndefined();
    expect(engine.orderByClientId("alice", "c")).toMatchObject({ orderId: "O3", state: "PLACED" });
    expect(engine.snapshot().closedKeyedOrders).toEqual([]);
    expect(engine.oldestClosedKeyedAt()).toBeNull();
    expect(engine.closedKeyedOrderCount()).toBe(0);
    // The engine alone now takes a forgotten key for a new order: its caller answers from history.
    expect(engine.apply(keyed("O10", 24, "a"))).toMatchObject({ ok: true, order: { orderId: "O10", state: "PLACED" } });
    expect(checkInvariants(engine)).toEqual([]);

    // A restored engine forgets the same orders in the same order.
    const restored = Engine.restore(before);
    restored.apply({ kind: "forgetClientOrderIds", time: 20, closedBefore: 11 });
    expect(restored.orderByClientId("alice", "a")).toBeUndefined();
    expect(restored.orderByClientId("alice", "b")).toMatchObject({ orderId: "O2" });
    expect(restored.apply({ kind: "forgetClientOrderIds", time: 20, closedBefore: -1 })).toMatchObject({
      ok: false,
      code: "INVALID_COMMAND",
    });
  });

  it("keeps every closed order when closed orders are retained, whatever forgetClientOrderIds says", () => {
    const m = new TestMarket();
    const id = m.placeOk("alice", { side: "BUY", quantity: 1, clientOrderId: "k" });
    m.ok(m.engine.apply({ kind: "forgetClientOrderIds", time: m.now() + 1_000_000, closedBefore: m.now() + 1_000_000 }));
    expect(m.engine.orderByClientId("alice", "k")).toMatchObject({ orderId: id, state: "EXECUTED" });
    expect(m.place("alice", { side: "BUY", quantity: 1, clientOrderId: "k" })).toMatchObject({ ok: true, duplicate: true });
  });
});

describe("ids across shards", () => {
  let time = 1_700_000_000_000;
  const buy = (engine: Engine) =>
    engine.apply({
      kind: "placeOrder",
      time: ++time,
      userId: "alice",
      orderId: `O${time}`,
      order: { symbol: "RELIANCE", side: "BUY", type: "MARKET", quantity: 1, validity: "DAY" },
    });
  const trades = (engine: Engine) => {
    engine.apply({ kind: "addInstrument", time, instrument: RELIANCE });
    engine.apply({ kind: "openAccount", time, userId: "alice", cash: 10_00_000_00 });
    buy(engine);
    buy(engine);
    return engine.trades("alice").map((t) => t.tradeId);
  };

  it("numbers trades in the engine's own share of the ids, kept across a snapshot", () => {
    expect(trades(new Engine())).toEqual(["T1", "T2"]);
    expect(trades(new Engine({ idSpace: { index: 0, count: 3 } }))).toEqual(["T3", "T6"]);
    const third = new Engine({ idSpace: { index: 2, count: 3 } });
    expect(trades(third)).toEqual(["T5", "T8"]);
    const restored = Engine.restore(throughJson(third.snapshot()));
    buy(restored);
    expect(restored.trades("alice").map((t) => t.tradeId)).toEqual(["T5", "T8", "T11"]);
  });

  it("refuses an id space that is not a share of whole numbers", () => {
    expect(() => new Engine({ idSpace: { index: 3, count: 3 } })).toThrow(/idSpace/);
    expect(() => new Engine({ idSpace: { index: 0, count: 0 } })).toThrow(/idSpace/);
  });
});

describe("the feed's position", () => {
  it("remembers the position in the feed of the last tick that carried one, across a snapshot", () => {
    const engine = new Engine();
    engine.apply({ kind: "addInstrument", time: 1, instrument: RELIANCE });
    expect(engine.lastFeedSeq).toBe(0);
    engine.apply({ kind: "tick", time: 2, symbol: "RELIANCE", price: 250_000, volume: 1, feedSeq: 41 });
    engine.apply({ kind: "tick", time: 3, symbol: "RELIANCE", price: 250_005, volume: 1 });
    expect(engine.lastFeedSeq).toBe(41);
    expect(Engine.restore(throughJson(engine.snapshot())).lastFeedSeq).toBe(41);
    expect(engine.apply({ kind: "tick", time: 4, symbol: "RELIANCE", price: 250_000, volume: 1, feedSeq: -1 })).toMatchObject({
      ok: false,
      code: "INVALID_COMMAND",
    });
  });

  it("keeps the position of every market command once applied, not of one refused", () => {
    const engine = new Engine();
    engine.apply({ kind: "addInstrument", time: 1, instrument: RELIANCE, feedSeq: 1 });
    expect(engine.lastFeedSeq).toBe(1);
    engine.apply({ kind: "closeSession", time: 2, feedSeq: 2 });
    expect(engine.lastFeedSeq).toBe(2);
    // Already closed: refused, so a shard that resumes would apply it again, and be refused again.
    expect(engine.apply({ kind: "closeSession", time: 3, feedSeq: 3 })).toMatchObject({ ok: false });
    expect(engine.lastFeedSeq).toBe(2);
    engine.apply({ kind: "openSession", time: 4, feedSeq: 4 });
    expect(engine.lastFeedSeq).toBe(4);
    expect(engine.apply({ kind: "addInstrument", time: 5, instrument: { ...RELIANCE, symbol: "TCS" }, feedSeq: 0 })).toMatchObject({
      ok: false,
      code: "INVALID_COMMAND",
    });
    expect(engine.instrument("TCS")).toBeUndefined();
  });
});
