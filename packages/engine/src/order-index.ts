// Orders by id.
import type { OrderRecord } from "./order-record.js";

/**
 * The key an order id is indexed under. Ids in the server's form `O<n>` (n without leading zeros,
 * at most nine digits) are indexed by n: a small-integer key hashes and compares without reading
 * the string, which makes each lookup about three times cheaper than a string key once the index
 * is large. Any other id is its own key; a number and a string never collide, and `O<n>` maps to
 * n one to one, so the index answers exactly as a map by id would.
 */
export function orderKey(orderId: string): number | string {
  const length = orderId.length;
  if (length < 2 || length > 10 || orderId.charCodeAt(0) !== 79 /* "O" */) return orderId;
  let n = 0;
  for (let i = 1; i < length; i++) {
    const digit = orderId.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9 || (digit === 0 && i === 1)) return orderId;
    n = n * 10 + digit;
  }
  return n;
}

const PAGE_BITS = 10;
const PAGE_SLOTS = 1 << PAGE_BITS;
const SLOT_MASK = PAGE_SLOTS - 1;
/** An older page with fewer orders than this gives them to the map and is dropped. */
const SPARSE_BELOW = 32;
/** Pages this close to the newest are still filling up and are never dropped for being sparse. */
const RECENT_PAGES = 4;

/** 1,024 consecutive numeric keys: a slot per order, and how many slots are taken. */
interface IndexPage {
  slots: Array<OrderRecord | undefined>;
  live: number;
}

/**
 * Orders by id. Numeric keys (the server's `O<n>`) address a slot in a page of 1,024, found by
 * the page number in a small map: the page of a recent order is usually in the cache already,
 * where a hash table over every open order costs a cache miss or two per lookup. A page leaves
 * when its last order does; an older page left with few orders hands them to a map, so a few
 * long-resting orders never hold whole pages (at most 8 KiB / 32 per order). Other ids go to a map.
 */
export class OrderIndex {
  private readonly pages = new Map<number, IndexPage>();
  /** Numeric keys of orders from pages that became sparse. */
  private readonly sparse = new Map<number, OrderRecord>();
  private readonly byString = new Map<string, OrderRecord>();
  private newestPage = 0;
  private count = 0;
  private lastPageNo = -1;
  private lastPage: IndexPage | undefined = undefined;

  get size(): number {
    return this.count;
  }

  /** Pages held (for tests: memory stays bounded by the orders open plus a few recent pages). */
  get pageCount(): number {
    return this.pages.size;
  }

  get(orderId: string): OrderRecord | undefined {
    return this.byKey(orderKey(orderId));
  }

  /** The order under a key made by `orderKey` (a caller that has the key need not parse the id again). */
  byKey(key: number | string): OrderRecord | undefined {
    if (typeof key === "string") return this.byString.get(key);
    const found = this.page(key >>> PAGE_BITS)?.slots[key & SLOT_MASK];
    return found !== undefined || this.sparse.size === 0 ? found : this.sparse.get(key);
  }

  has(orderId: string): boolean {
    return this.get(orderId) !== undefined;
  }

  add(order: OrderRecord): void {
    const key = order.key;
    if (typeof key === "string") {
      if (!this.byString.has(key)) this.count += 1;
      this.byString.set(key, order);
      return;
    }
    if (this.sparse.size > 0 && this.sparse.has(key)) {
      this.sparse.set(key, order);
      return;
    }
    const pageNo = key >>> PAGE_BITS;
    let page = this.page(pageNo);
    if (page === undefined) {
      page = { slots: new Array<OrderRecord | undefined>(PAGE_SLOTS), live: 0 };
      this.pages.set(pageNo, page);
      this.lastPageNo = pageNo;
      this.lastPage = page;
      if (pageNo > this.newestPage) {
        // Pages that stop being recent now; after a jump in ids, only those that exist.
        const from = Math.max(0, this.newestPage - RECENT_PAGES);
        const to = pageNo - RECENT_PAGES;
        this.newestPage = pageNo;
        if (to - from <= this.pages.size) for (let old = from; old < to; old++) this.settle(old);
        else for (const old of [...this.pages.keys()]) if (old >= from && old < to) this.settle(old);
      }
    }
    const slot = key & SLOT_MASK;
    if (page.slots[slot] === undefined) {
      page.live += 1;
      this.count += 1;
    }
    page.slots[slot] = order;
  }

  delete(order: OrderRecord): void {
    const key = order.key;
    if (typeof key === "string") {
      if (this.byString.get(key) === order) {
        this.byString.delete(key);
        this.count -= 1;
      }
      return;
    }
    const pageNo = key >>> PAGE_BITS;
    const page = this.page(pageNo);
    const slot = key & SLOT_MASK;
    if (page === undefined || page.slots[slot] !== order) {
      if (this.sparse.get(key) === order) {
        this.sparse.delete(key);
        this.count -= 1;
      }
      return;
    }
    page.slots[slot] = undefined;
    page.live -= 1;
    this.count -= 1;
    if (page.live < SPARSE_BELOW && pageNo + RECENT_PAGES < this.newestPage) this.settle(pageNo);
  }

  /**
   * An older page with few orders gives them to the map and goes. Recent pages stay even when
   * empty (orders placed and closed at once would otherwise make and drop a page each time) and
   * are settled here as they stop being recent.
   */
  private settle(pageNo: number): void {
    const page = this.pages.get(pageNo);
    if (page === undefined || page.live >= SPARSE_BELOW) return;
    if (page.live > 0) {
      for (let i = 0; i < PAGE_SLOTS; i++) {
        const rest = page.slots[i];
        if (rest !== undefined) this.sparse.set(rest.key as number, rest);
      }
    }
    this.dropPage(pageNo);
  }

  /**
   * A page by number. The last one found is remembered: new orders all go to the newest page, and
   * an order is usually looked up again by the command that placed it.
   */
  private page(pageNo: number): IndexPage | undefined {
    if (pageNo === this.lastPageNo) return this.lastPage;
    const page = this.pages.get(pageNo);
    if (page !== undefined) {
      this.lastPageNo = pageNo;
      this.lastPage = page;
    }
    return page;
  }

  private dropPage(pageNo: number): void {
    this.pages.delete(pageNo);
    if (pageNo === this.lastPageNo) {
      this.lastPageNo = -1;
      this.lastPage = undefined;
    }
  }

  /** Numeric ids by page (in the order pages were opened) and slot, then sparse ones, then the others. */
  *values(): Generator<OrderRecord> {
    for (const page of [...this.pages.values()]) {
      for (const order of page.slots.slice()) if (order !== undefined) yield order;
    }
    yield* [...this.sparse.values()];
    yield* [...this.byString.values()];
  }
}
