// Resting limit orders of one side of one instrument, kept apart by account. Accounts never compete
// for a tick's volume (each has all of it), so each account's orders here are a book of their own,
// and a price ladder holds the best order of each account: a tick visits only the accounts whose
// best order it crosses, and each of those fills at least one order, so a tick still costs
// O(log n + fills). The price is memory: a placement or a cancel also touches its account's book,
// where one shared ladder touched only the ladder.
import { PriceLadder, PriceLevel } from "./ladder.js";
import type { AccountRecord } from "./records.js";
import type { OrderRecord } from "./order-record.js";

/**
 * The level of an order that rests in its account's book but not in the ladder of best orders:
 * `ladderLevel` says whether an order rests anywhere, and such an order is in no ladder level.
 */
const IN_ACCOUNT_BOOK = new PriceLevel(0);

/**
 * One account's resting orders on one side of one instrument, best first: by price, then by time
 * priority. A list linked through the orders themselves (`bookPrev`, `bookNext`), with the prices
 * of both ends kept here. A new order always has the latest time priority, so it goes after every
 * order priced at least as well: at either end without reading any order, or found by walking
 * from the end nearer in price (each order on the way is cold memory, a cache miss a step). Taking
 * an order out touches only its neighbours.
 */
export class AccountBook {
  /** Taken out of the best orders' ladder while a tick fills it (see `LimitBook.takeCrossed`). */
  detached = false;
  private head: OrderRecord | null = null;
  private tail: OrderRecord | null = null;
  private headPrice = 0;
  private tailPrice = 0;

  constructor(private readonly highestFirst: boolean) {}

  /** Its best order: the one a crossing tick fills first. */
  get best(): OrderRecord | undefined {
    return this.head ?? undefined;
  }

  add(order: OrderRecord, price: number): void {
    const before = this.placeAfter(price);
    const after = before === null ? this.head : before === this.tail ? null : before.bookNext;
    order.bookPrev = before;
    order.bookNext = after;
    if (before === null) {
      this.head = order;
      this.headPrice = price;
    } else before.bookNext = order;
    if (after === null) {
      this.tail = order;
      this.tailPrice = price;
    } else after.bookPrev = order;
  }

  /** The order a new one at `price` goes right after; null for the front. */
  private placeAfter(price: number): OrderRecord | null {
    if (this.head === null || this.precedes(price, this.headPrice)) return null;
    if (!this.precedes(price, this.tailPrice)) return this.tail;
    if (Math.abs(price - this.headPrice) < Math.abs(price - this.tailPrice)) {
      let before = this.head;
      for (let next = before.bookNext; next !== null && !this.precedes(price, next.price as number); next = next.bookNext) before = next;
      return before;
    }
    let before = this.tail;
    while (before !== null && this.precedes(price, before.price as number)) before = before.bookPrev;
    return before;
  }

  /** Whether a new order at `price` goes before one resting at `other`: strictly better priced. */
  private precedes(price: number, other: number): boolean {
    return this.highestFirst ? price > other : price < other;
  }

  remove(order: OrderRecord): void {
    if (order.bookPrev === null) {
      this.head = order.bookNext;
      if (this.head !== null) this.headPrice = this.head.price as number;
    } else order.bookPrev.bookNext = order.bookNext;
    if (order.bookNext === null) {
      this.tail = order.bookPrev;
      if (this.tail !== null) this.tailPrice = this.tail.price as number;
    } else order.bookNext.bookPrev = order.bookPrev;
    order.bookPrev = null;
    order.bookNext = null;
  }
}

export class LimitBook {
  /** The best order of every account with orders here. */
  private readonly bests: PriceLadder<OrderRecord>;
  private count = 0;
  /** What `takeCrossed` answers, made anew by each call: one array for the book's life, not one per tick. */
  private readonly crossed: AccountBook[] = [];
  private readonly byBestOrder: (a: AccountBook, b: AccountBook) => number;

  /** `slot`: where an account keeps its book of this side of this instrument (`AccountRecord.limitBooks`). */
  constructor(
    readonly highestFirst: boolean,
    private readonly slot: number,
  ) {
    this.bests = new PriceLadder(highestFirst);
    this.byBestOrder = (a, b) => compareOrders(a.best as OrderRecord, b.best as OrderRecord, highestFirst);
  }

  get size(): number {
    return this.count;
  }

  /** Puts the order in its account's book (`price` is its limit, where it sorts). */
  add(order: OrderRecord, price: number): void {
    const book = this.bookOf(order.account);
    const best = book.best;
    book.add(order, price);
    this.count += 1;
    order.ladderLevel = IN_ACCOUNT_BOOK;
    if (book.best === order && !book.detached) {
      if (best !== undefined) this.leaveBests(best);
      this.bests.add(order, price);
    }
  }

  remove(order: OrderRecord): void {
    if (order.ladderLevel === null) return;
    if (order.bookPrev !== null && order.bookNext !== null) {
      // Neither end of its account's book: only its neighbours change, and the book is not read.
      order.bookPrev.bookNext = order.bookNext;
      order.bookNext.bookPrev = order.bookPrev;
      order.bookPrev = null;
      order.bookNext = null;
      order.ladderLevel = null;
      this.count -= 1;
      return;
    }
    const book = order.account.limitBooks[this.slot] as AccountBook;
    const wasBest = book.best === order;
    if (wasBest && !book.detached) this.bests.remove(order);
    book.remove(order);
    order.ladderLevel = null;
    this.count -= 1;
    if (wasBest && !book.detached) this.joinBests(book);
  }

  /** Whether a tick at `price` reaches a limit at `limit`: a BUY at or above it, a SELL at or below. */
  reaches(limit: number, price: number): boolean {
    return this.highestFirst ? limit >= price : limit <= price;
  }

  /**
   * Takes out the books of every account whose best order a tick at `price` crosses, in
   * price-time priority of those best orders: the same order whatever the history of the ladder,
   * so a restored engine fills in the same order. Each must be given back with `putBack` once
   * filled. The array is this book's own, reused by the next call (no garbage per tick).
   */
  takeCrossed(price: number): readonly AccountBook[] {
    const crossed = this.crossed;
    crossed.length = 0;
    for (let level = this.bests.bestLevel(); level !== undefined && this.reaches(level.price, price); level = this.bests.bestLevel()) {
      const order = level.head as OrderRecord;
      this.leaveBests(order);
      const book = this.bookOf(order.account);
      book.detached = true;
      crossed.push(book);
    }
    if (crossed.length > 1) crossed.sort(this.byBestOrder);
    return crossed;
  }

  putBack(book: AccountBook): void {
    book.detached = false;
    this.joinBests(book);
  }

  private bookOf(account: AccountRecord): AccountBook {
    let book = account.limitBooks[this.slot];
    if (book === undefined) {
      book = new AccountBook(this.highestFirst);
      account.limitBooks[this.slot] = book;
    }
    return book;
  }

  /** An account's best order enters the ladder of best orders. */
  private joinBests(book: AccountBook): void {
    const best = book.best;
    if (best !== undefined) this.bests.add(best, best.price as number);
  }

  /** An order leaves the ladder of best orders but stays in its account's book. */
  private leaveBests(order: OrderRecord): void {
    this.bests.remove(order);
    order.ladderLevel = IN_ACCOUNT_BOOK;
  }
}

/** Price-time priority between two limit orders of one side. */
function compareOrders(x: OrderRecord, y: OrderRecord, highestFirst: boolean): number {
  const byPrice = (x.price as number) - (y.price as number);
  return (highestFirst ? -byPrice : byPrice) || x.priority - y.priority;
}
