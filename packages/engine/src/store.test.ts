import { describe, expect, it } from "vitest";
import { OrderIndex, orderKey, type OrderRecord } from "./store.js";

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
