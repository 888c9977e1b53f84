import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PriceLadder, type LadderEntry } from "./ladder.js";

interface Entry extends LadderEntry {
  id: string;
}
const entry = (id: string): Entry => ({ id, ladderLevel: null, ladderPrev: null, ladderNext: null });
const ids = (ladder: PriceLadder<Entry>) => [...ladder.entries()].map((e) => e.id);

describe("PriceLadder", () => {
  it("orders bids highest first and asks lowest first, earliest first within a price", () => {
    const bids = new PriceLadder<Entry>(true);
    const asks = new PriceLadder<Entry>(false);
    for (const [id, price] of [
      ["a", 100],
      ["b", 105],
      ["c", 100],
      ["d", 95],
    ] as const) {
      bids.add(entry(id), price);
      asks.add(entry(id), price);
    }
    expect(ids(bids)).toEqual(["b", "a", "c", "d"]);
    expect(ids(asks)).toEqual(["d", "a", "c", "b"]);
    expect(bids.bestLevel()?.price).toBe(105);
    expect(asks.bestLevel()?.price).toBe(95);
  });

  it("removes from anywhere in O(1) and drops emptied levels", () => {
    const ladder = new PriceLadder<Entry>(true);
    const [a, b, c] = [entry("a"), entry("b"), entry("c")];
    ladder.add(a, 100);
    ladder.add(b, 100);
    ladder.add(c, 110);
    ladder.remove(b);
    ladder.remove(c);
    expect(ids(ladder)).toEqual(["a"]);
    expect(ladder.bestLevel()?.price).toBe(100);
    expect(ladder.levelCount).toBe(1);
    ladder.remove(a);
    ladder.remove(a); // removing twice is harmless
    expect(ladder.bestLevel()).toBeUndefined();
    expect(ladder.size).toBe(0);
  });

  it("reuses a price whose level emptied earlier without listing it twice", () => {
    const ladder = new PriceLadder<Entry>(false);
    const a = entry("a");
    ladder.add(a, 100);
    ladder.remove(a);
    ladder.add(entry("b"), 100);
    ladder.add(entry("c"), 120);
    expect(ladder.bestLevel()?.price).toBe(100);
    ladder.remove([...ladder.entries()][0] as Entry);
    expect(ladder.bestLevel()?.price).toBe(120);
  });

  it("agrees with a plain sorted list through any run of adds and removes", () => {
    // Emptied levels stay behind (keyed in the heap) and are reused; none of that may show.
    const step = fc.oneof(
      fc.record({ add: fc.integer({ min: 90, max: 110 }) }),
      fc.record({ remove: fc.nat() }),
      fc.constant({ best: true as const }),
    );
    fc.assert(
      fc.property(fc.boolean(), fc.array(step, { maxLength: 300 }), (highestFirst, steps) => {
        const ladder = new PriceLadder<Entry>(highestFirst);
        const model: Array<{ entry: Entry; price: number; seq: number }> = [];
        let seq = 0;
        for (const s of steps) {
          if ("add" in s) {
            const e = entry(`e${seq}`);
            ladder.add(e, s.add);
            model.push({ entry: e, price: s.add, seq: seq++ });
          } else if ("remove" in s) {
            if (model.length === 0) continue;
            const [gone] = model.splice(s.remove % model.length, 1);
            ladder.remove((gone as (typeof model)[number]).entry);
          } else {
            ladder.bestLevel(); // reading the top drops emptied levels above the best
          }
          const sorted = [...model].sort((a, b) => (highestFirst ? b.price - a.price : a.price - b.price) || a.seq - b.seq);
          expect(ids(ladder)).toEqual(sorted.map((m) => m.entry.id));
          expect(ladder.bestLevel()?.price).toBe(sorted[0]?.price);
          expect(ladder.size).toBe(model.length);
          expect(ladder.levelCount).toBe(new Set(model.map((m) => m.price)).size);
        }
      }),
      { numRuns: 300 },
    );
  });
});
