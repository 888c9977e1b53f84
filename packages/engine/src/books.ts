// Resting limit orders of one side of one instrument. Accounts never compete for a tick's volume
// (each has all of it), so a tick fills each account's crossed orders on their own: the orders are
// kept apart by account, in a book per account, and a price ladder holds those books by the price
// of their best order. A tick visits only the accounts whose best order it crosses, and each of
// those fills at least one order, so it costs O(log n + fills).
//
// Placing an order must stay cheap, though, and finding its place in its account's book reads that
// account's older orders, cold memory by then. So an order first rests in a ladder shared by every
// account, in price-time priority (appending to a price level touches nothing else), and moves to
// its account's book only when a tick first reaches its price. Each order moves at most once, so
// the moves cost a tick no more than the placements paid for them; and what a tick fills does not
// depend on where an order was waiting.
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
 * of both ends kept here. An order arriving here is later than every order of its price already
 * here (those were reached by an earlier tick, so were placed before it; orders reached by the
 * same tick arrive in price-time order), so it goes after every order priced at least as well: at
 * either end without reading any order, or found by walking from the end nearer in price. Taking
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
  /** Orders no tick has reached yet, every account's together, in price-time priority. */
  private readonly fresh: PriceLadder<OrderRecord>;
  /** The book of every account with orders a tick has reached, by the price of its best order. */
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
    this.fresh = new PriceLadder(highestFirst);
    this.books = new PriceLadder(highestFirst);
    this.byBestOrder = (a, b) => compareOrders(a.best as OrderRecord, b.best as OrderRecord, highestFirst);
  }

  get size(): number {
    return this.count;
  }

  /** Rests an order (`price` is its limit) with the newest time priority. */
  add(order: OrderRecord, price: number): void {
    this.fresh.add(order, price);
    this.count += 1;
  }

  remove(order: OrderRecord): void {
    if (order.ladderLevel === null) return;
    this.count -= 1;
    if (order.ladderLevel !== IN_ACCOUNT_BOOK) {
      this.fresh.remove(order);
      return;
    }
    order.ladderLevel = null;
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
    if (crossed.length > 0) crossed.length = 0;
    // The orders the tick reaches for the first time join their accounts' books, in price-time
    // priority: each goes after every order of its account priced at least as well. Their
    // accounts are crossed: taken out at once, not first put in the ladder of books.
    for (let level = this.fresh.bestLevel(); level !== undefined && this.reaches(level.price, price); level = this.fresh.bestLevel()) {
      for (let order = level.head as OrderRecord | null; order !== null; order = level.head as OrderRecord | null) {
        this.fresh.remove(order);
        const book = this.bookOf(order.account);
        book.add(order, level.price);
        order.ladderLevel = IN_ACCOUNT_BOOK;
        if (!book.detached) this.detach(book, crossed);
      }
    }
    for (let level = this.books.bestLevel(); level !== undefined && this.reaches(level.price, price); level = this.books.bestLevel()) {
      for (let book = level.head as AccountBook | null; book !== null; book = level.head as AccountBook | null) this.detach(book, crossed);
    }
    if (crossed.length > 1) crossed.sort(this.byBestOrder);
    return crossed;
  }

  private detach(book: AccountBook, crossed: AccountBook[]): void {
    this.books.remove(book);
    book.detached = true;
    crossed.push(book);
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
