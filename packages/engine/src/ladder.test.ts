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
    for (const [id, price] of [["a", 100], ["b", 105], ["c", 100], ["d", 95]] as const) {
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
});
