import { describe, expect, it } from "vitest";
import { AccountRecord, InstrumentRecord } from "./records.js";
import { newOrderRecord, OrderRecord } from "./order-record.js";
import { OrderIndex, orderKey } from "./order-index.js";
import { orderView } from "./views.js";

/** Just what the index reads of an order. */
const order = (orderId: string) => ({ orderId, key: orderKey(orderId) }) as OrderRecord;

describe("order index", () => {
  it("finds, replaces and forgets orders by id, numeric and not", () => {
    const index = new OrderIndex();
    const ids = ["O1", "O1023", "O1024", "O5000000", "x-1", "O01"];
    const records = ids.map(order);
    for (const r of records) index.add(r);
    expect(index.size).toBe(ids.length);
    for (const r of records) expect(index.get(r.orderId)).toBe(r);
    expect(index.has("O2")).toBe(false);
    expect(index.has("O1025")).toBe(false);
    index.delete(records[1] as OrderRecord);
    expect(index.get("O1023")).toBeUndefined();
    index.delete(records[1] as OrderRecord); // twice changes nothing
    expect(index.size).toBe(ids.length - 1);
    expect([...index.values()].map((r) => r.orderId).sort()).toEqual(["O01", "O1", "O1024", "O5000000", "x-1"]);
  });

  it("hands the few orders left in an old page to a map, and still finds every one", () => {
    const index = new OrderIndex();
    const records = Array.from({ length: 10 * 1024 }, (_, i) => order(`O${i + 1}`));
    for (const r of records) index.add(r);
    // Empty the first page but for five orders: it is old (nine pages newer), so it is dropped.
    const keep = new Set(["O3", "O100", "O500", "O1000", "O1023"]);
    for (const r of records.slice(0, 1023)) if (!keep.has(r.orderId)) index.delete(r);
    for (const id of keep) expect(index.get(id)?.orderId).toBe(id);
    expect(index.get("O4")).toBeUndefined();
    // A later order in that range opens the page again; the others are still found, once each.
    const late = order("O7");
    index.add(late);
    expect(index.get("O7")).toBe(late);
    for (const id of keep) expect(index.get(id)?.orderId).toBe(id);
    const all = [...index.values()].map((r) => r.orderId);
    expect(all).toHaveLength(index.size);
    expect(new Set(all).size).toBe(all.length);
    expect(index.size).toBe(10 * 1024 - 1023 + keep.size + 1);
    // And they leave as they should.
    for (const id of keep) index.delete(index.get(id) as OrderRecord);
    index.delete(late);
    expect(index.size).toBe(10 * 1024 - 1023);
    expect(index.get("O1000")).toBeUndefined();
  });

  it("keeps the newest pages while orders come and go, and lets older ones go as ids move on", () => {
    const index = new OrderIndex();
    const survivors = [order("O5"), order("O2000")];
    for (const r of survivors) index.add(r);
    // Orders placed and closed at once, as a busy trader does: pages must not pile up.
    for (let i = 1; i <= 50_000; i++) {
      if (i === 5 || i === 2000) continue;
      const r = order(`O${i}`);
      index.add(r);
      expect(index.get(r.orderId)).toBe(r);
      index.delete(r);
    }
    expect(index.size).toBe(2);
    expect(index.pageCount).toBeLessThanOrEqual(5);
    for (const r of survivors) expect(index.get(r.orderId)).toBe(r);
    expect([...index.values()]).toEqual(survivors);
    // A jump to a far larger id settles the pages left behind without visiting every number between.
    const far = order("O900000000");
    index.add(far);
    expect(index.pageCount).toBe(1);
    index.delete(far);
    for (const r of survivors) index.delete(r);
    expect(index.size).toBe(0);
    expect([...index.values()]).toEqual([]);
  });

  it("lets orders leave while it is being walked", () => {
    const index = new OrderIndex();
    for (let i = 1; i <= 3000; i++) index.add(order(`O${i}`));
    index.add(order("abc"));
    let seen = 0;
    for (const r of index.values()) {
      index.delete(r);
      seen++;
    }
    expect(seen).toBe(3001);
    expect(index.size).toBe(0);
  });
});

describe("order records made new again", () => {
  it("are field for field what a fresh record would be", () => {
    const instrument = new InstrumentRecord(
      { symbol: "INFY", name: "Infosys", exchange: "NSE", instrumentType: "EQ", tickSize: 5, lotSize: 1, price: 150_000 },
      0,
    );
    const account = new AccountRecord("alice", 1_000_000, 1_000_000);
    const args = ["O9", account, null, instrument, "BUY", "LIMIT", "DAY", 3, 149_000, null, 42, "PLACED", "placed"] as const;
    const used = new OrderRecord().init(
      "O1",
      account,
      "c-1",
      instrument,
      "SELL",
      "SL",
      "IOC",
      7,
      151_000,
      151_500,
      7,
      "TRIGGER_PENDING",
      "placed",
    );
    used.recordChange({ state: "EXECUTED", time: 9, cause: "filled" });
    // Every field a life in the book can touch.
    for (const key of Object.keys(used)) {
      const record = used as unknown as Record<string, unknown>;
      if (typeof record[key] === "number") record[key] = 99;
      else if (typeof record[key] === "string") record[key] = "stale";
      else if (record[key] === null) record[key] = { stale: true };
    }
    expect({ ...used.init(...args) }).toEqual({ ...new OrderRecord().init(...args) });
    expect(used.history).toEqual(new OrderRecord().init(...args).history);
  });
});

describe("new order records", () => {
  it("have exactly the class's fields, in its order, and its methods", () => {
    // newOrderRecord builds records by a literal (see there); a field added to the class but not
    // to the literal would give records a second shape, and one in the wrong order a third.
    const literal = newOrderRecord();
    expect(Object.keys(literal)).toEqual(Object.keys(new OrderRecord()));
    expect(literal).toBeInstanceOf(OrderRecord);
    const instrument = new InstrumentRecord(
      { symbol: "INFY", name: "Infosys", exchange: "NSE", instrumentType: "EQ", tickSize: 5, lotSize: 1, price: 150_000 },
      0,
    );
    const account = new AccountRecord("alice", 1_000_000, 1_000_000);
    const args = [
      "O9",
      account,
      "c-9",
      instrument,
      "SELL",
      "SL",
      "IOC",
      3,
      149_000,
      149_500,
      1_795_000_000_000,
      "TRIGGER_PENDING",
      "placed",
    ] as const;
    const made = literal.init(...args);
    expect({ ...made }).toEqual({ ...new OrderRecord().init(...args) });
    expect(orderView(made)).toEqual(orderView(new OrderRecord().init(...args)));
    expect(made.history).toEqual([{ state: "TRIGGER_PENDING", time: 1_795_000_000_000, cause: "placed" }]);
    // Times are kept in two parts (see TIME_SPLIT): exact at epoch milliseconds and at the largest safe time.
    made.updatedAt = 1_795_000_123_457;
    expect(orderView(made)).toMatchObject({ placedAt: 1_795_000_000_000, updatedAt: 1_795_000_123_457 });
    made.updatedAt = Number.MAX_SAFE_INTEGER;
    expect(made.updatedAt).toBe(Number.MAX_SAFE_INTEGER);
  });
});
