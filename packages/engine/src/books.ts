// Resting limit orders of one side of one instrument, kept apart by account. Accounts never compete
// for a tick's volume (each has all of it), so each account's orders here are a book of their own,
// and a price ladder holds the account books by the price of their best order: a tick visits only
// the accounts whose best order it crosses, and each of those fills at least one order, so a tick
// still costs O(log n + fills). The price is memory: a placement or a cancel also touches its
// account's book, where one shared ladder touched only the ladder.
import { PriceLadder, PriceLevel, type LadderEntry } from "./ladder.js";
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
export class AccountBook implements LadderEntry {
  /** Taken out of the ladder of books while a tick fills it (see `LimitBook.takeCrossed`). */
  detached = false;
  /** Its place in the ladder of books, at the price of its best order (see `PriceLadder`). */
  ladderLevel: PriceLevel | null = null;
  ladderPrev: LadderEntry | null = null;
  ladderNext: LadderEntry | null = null;
  private head: OrderRecord | null = null;
  private tail: OrderRecord | null = null;
  private headPrice = 0;
  private tailPrice = 0;

  constructor(private readonly highestFirst: boolean) {}

  /** Its best order: the one a crossing tick fills first. */
  get best(): OrderRecord | undefined {
    return this.head ?? undefined;
  }

  /** The price of its best order (meaningless when it is empty). */
  get bestPrice(): number {
    return this.headPrice;
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
  /** The book of every account with orders here, by the price of its best order. */
  private readonly books: PriceLadder<AccountBook>;
  private count = 0;
  /** What `takeCrossed` answers, made anew by each call: one array for the book's life, not one per tick. */
  private readonly crossed: AccountBook[] = [];
  private readonly byBestOrder: (a: AccountBook, b: AccountBook) => number;

  /** `slot`: where an account keeps its book of this side of this instrument (`AccountRecord.limitBooks`). */
  constructor(
    readonly highestFirst: boolean,
    private readonly slot: number,
  ) {
    this.books = new PriceLadder(highestFirst);
    this.byBestOrder = (a, b) => compareOrders(a.best as OrderRecord, b.best as OrderRecord, highestFirst);
  }

  get size(): number {
    return this.count;
  }

  /** Puts the order in its account's book (`price` is its limit, where it sorts). */
  add(order: OrderRecord, price: number): void {
    const book = this.bookOf(order.account);
    book.add(order, price);
    this.count += 1;
    order.ladderLevel = IN_ACCOUNT_BOOK;
    if (book.best === order) this.reposition(book);
  }

  remove(order: OrderRecord): void {
    if (order.ladderLevel === null) return;
    order.ladderLevel = null;
    this.count -= 1;
    if (order.bookPrev !== null && order.bookNext !== null) {
      // Neither end of its account's book: only its neighbours change, and the book is not read.
      order.bookPrev.bookNext = order.bookNext;
      order.bookNext.bookPrev = order.bookPrev;
      order.bookPrev = null;
      order.bookNext = null;
      return;
    }
    const book = order.account.limitBooks[this.slot] as AccountBook;
    const wasBest = book.best === order;
    book.remove(order);
    if (wasBest) this.reposition(book);
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
    for (let level = this.books.bestLevel(); level !== undefined && this.reaches(level.price, price); level = this.books.bestLevel()) {
      const book = level.head as AccountBook;
      this.books.remove(book);
      book.detached = true;
      crossed.push(book);
    }
    if (crossed.length > 1) crossed.sort(this.byBestOrder);
    return crossed;
  }

  putBack(book: AccountBook): void {
    book.detached = false;
    if (book.best !== undefined) this.books.add(book, book.bestPrice);
  }

  private bookOf(account: AccountRecord): AccountBook {
    let book = account.limitBooks[this.slot];
    if (book === undefined) {
      book = new AccountBook(this.highestFirst);
      account.limitBooks[this.slot] = book;
    }
    return book;
  }

  /** A book whose best order changed moves to that order's price in the ladder (or leaves it, empty). */
  private reposition(book: AccountBook): void {
    if (book.detached) return;
    const empty = book.best === undefined;
    if (!empty && book.ladderLevel?.price === book.bestPrice) return;
    this.books.remove(book);
    if (!empty) this.books.add(book, book.bestPrice);
  }
}

/** Price-time priority between two limit orders of one side. */
function compareOrders(x: OrderRecord, y: OrderRecord, highestFirst: boolean): number {
  const byPrice = (x.price as number) - (y.price as number);
  return (highestFirst ? -byPrice : byPrice) || x.priority - y.priority;
}
