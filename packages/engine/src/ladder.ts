// Resting orders of one side of one instrument, kept in price-time priority.
//
// Prices live in a binary heap (best price on top) beside a map from price to its level; a level
// is a FIFO doubly linked through the entries themselves, so adding, removing by reference and
// peeking at the best level are O(log levels), O(1) and O(1) amortised. An emptied level stays,
// keyed in the heap, until the top is read past it.

export interface LadderEntry {
  ladderLevel: PriceLevel | null;
  ladderPrev: LadderEntry | null;
  ladderNext: LadderEntry | null;
}

export class PriceLevel {
  head: LadderEntry | null = null;
  tail: LadderEntry | null = null;
  count = 0;
  constructor(readonly price: number) {}
}

export class PriceLadder<T extends LadderEntry> {
  /** Heap of keys: the price, negated when higher prices come first, so the heap is always min. */
  private readonly heap: number[] = [];
  /**
   * A level per price in the heap. An emptied level stays (a price is often used again soon) until
   * its key reaches the top of the heap, so every price here has exactly one key in the heap.
   */
  private readonly levels = new Map<number, PriceLevel>();
  private entryCount = 0;
  private liveLevels = 0;

  constructor(readonly highestFirst: boolean) {}

  get size(): number {
    return this.entryCount;
  }

  /** Appends the entry at the back of its price level (it has the lowest time priority there). */
  add(entry: T, price: number): void {
    let level = this.levels.get(price);
    if (level === undefined) {
      level = new PriceLevel(price);
      this.levels.set(price, level);
      this.push(this.highestFirst ? -price : price);
    }
    if (level.count === 0) this.liveLevels += 1;
    entry.ladderLevel = level;
    entry.ladderPrev = level.tail;
    entry.ladderNext = null;
    if (level.tail === null) level.head = entry;
    else level.tail.ladderNext = entry;
    level.tail = entry;
    level.count += 1;
    this.entryCount += 1;
  }

  remove(entry: T): void {
    const level = entry.ladderLevel;
    if (level === null) return;
    if (entry.ladderPrev === null) level.head = entry.ladderNext;
    else entry.ladderPrev.ladderNext = entry.ladderNext;
    if (entry.ladderNext === null) level.tail = entry.ladderPrev;
    else entry.ladderNext.ladderPrev = entry.ladderPrev;
    entry.ladderLevel = null;
    entry.ladderPrev = null;
    entry.ladderNext = null;
    level.count -= 1;
    this.entryCount -= 1;
    if (level.count === 0) this.liveLevels -= 1;
  }

  /** The level with the best price, or undefined when the ladder is empty. */
  bestLevel(): PriceLevel | undefined {
    while (this.heap.length > 0) {
      const key = this.heap[0] as number;
      const price = this.highestFirst ? -key : key;
      const level = this.levels.get(price) as PriceLevel;
      if (level.count > 0) return level;
      this.pop();
      this.levels.delete(price);
    }
    return undefined;
  }

  /** Every entry, best price first and earliest first within a price. O(n log levels). */
  *entries(): Generator<T> {
    const prices = [...this.levels.keys()].sort((a, b) => (this.highestFirst ? b - a : a - b));
    for (const price of prices) {
      const level = this.levels.get(price);
      for (let e = level?.head ?? null; e !== null; e = e.ladderNext) yield e as T;
    }
  }

  /** Price levels with at least one entry. */
  get levelCount(): number {
    return this.liveLevels;
  }

  private push(key: number): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentKey = heap[parent] as number;
      if (parentKey <= key) break;
      heap[i] = parentKey;
      i = parent;
    }
    heap[i] = key;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    const n = heap.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && (heap[right] as number) < (heap[left] as number) ? right : left;
      const childKey = heap[child] as number;
      if (childKey >= last) break;
      heap[i] = childKey;
      i = child;
    }
    heap[i] = last;
  }
}
