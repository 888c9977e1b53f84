// The engine's state: instruments with their order books, accounts, holdings, orders, trades and
// the event sequence. Only the executor and matcher change it, and only through these methods,
// so reservations, the state machine and the event log stay in step.
import { LimitBook, type AccountBook } from "./books.js";
import { PriceLadder, type LadderEntry, type PriceLevel } from "./ladder.js";
import { divRound, type Paise } from "./money.js";
import type { ReasonCode } from "./reasons.js";
import { IllegalTransitionError, isLegalTransition, isOpen } from "./transitions.js";
import { ORDER_STATES, ORDER_TYPES, orderStateIndex, orderTypeIndex } from "./types.js";
import type {
  EngineEvent,
  InstrumentSpec,
  Millis,
  OrderCause,
  OrderDetail,
  OrderEventType,
  OrderState,
  OrderType,
  OrderView,
  Side,
  StateChange,
  Trade,
  Validity,
} from "./types.js";

export class InstrumentRecord {
  lastTradedPrice: Paise;
  previousClose: Paise;
  open: Paise;
  high: Paise;
  low: Paise;
  volume = 0;
  /**
   * The last tick's time, NaN before the first. A number field, not `Millis | null`: V8 keeps a
   * number-only field's value inside the record, where a field that may hold null holds a pointer
   * to the command's own number object, kept alive by the record and stored through the write
   * barrier's slow path on every tick.
   */
  private lastTick = Number.NaN;
  /** Resting limits, apart by account (see books.ts): BUYs highest first, SELLs lowest first. */
  readonly buyLimits: LimitBook;
  readonly sellLimits: LimitBook;
  /** BUY stops trigger as the price rises: the lowest trigger is next. */
  readonly buyStops = new PriceLadder<OrderRecord>(false);
  /** SELL stops trigger as the price falls: the highest trigger is next. */
  readonly sellStops = new PriceLadder<OrderRecord>(true);

  get lastTickAt(): Millis | null {
    return Number.isNaN(this.lastTick) ? null : this.lastTick;
  }

  set lastTickAt(time: Millis | null) {
    this.lastTick = time ?? Number.NaN;
  }

  constructor(
    readonly spec: InstrumentSpec,
    /** Its place among the store's instruments (0, 1, 2...), for lookups by array index. */
    readonly ordinal: number,
  ) {
    this.buyLimits = new LimitBook(true, ordinal * 2);
    this.sellLimits = new LimitBook(false, ordinal * 2 + 1);
    this.lastTradedPrice = spec.price;
    this.previousClose = spec.price;
    this.open = spec.price;
    this.high = spec.price;
    this.low = spec.price;
  }
}

export class AccountRecord {
  /** Cash reserved for open BUY orders: always the sum of their `reserved`. */
  blocked: Paise = 0;
  /** True while the command being applied has changed this account (one funds event per command). */
  touched = false;
  /** By symbol, in the order first bought. */
  readonly holdings = new Map<string, HoldingRecord>();
  /** The user's orders in memory, oldest first (open ones only when closed orders are not retained). */
  readonly orders = new AccountOrders();
  /** Orders placed with a clientOrderId, by that id; null until the first. */
  clientOrderIds: Map<string, OrderRecord> | null = null;
  /** The user's trades, oldest first; empty when closed orders are not retained. */
  readonly trades: Trade[] = [];

  constructor(
    readonly userId: string,
    public cash: Paise,
    /** All cash ever put in (opening balance and resets), the base of total P&L. */
    public deposited: Paise,
  ) {}

  /** This account's resting limits, by book (see `LimitBook.slot`): no hashing on a placement. */
  readonly limitBooks: Array<AccountBook | undefined> = [];

  /** The same holdings by instrument ordinal, filled as they are looked up: no hashing on a fill. */
  private readonly holdingSlots: Array<HoldingRecord | undefined> = [];

  holdingFor(symbol: string): HoldingRecord {
    let holding = this.holdings.get(symbol);
    if (holding === undefined) {
      holding = { symbol, quantity: 0, reserved: 0, costBasis: 0, realizedPnl: 0 };
      this.holdings.set(symbol, holding);
    }
    return holding;
  }

  /** The holding of an instrument, created empty when there is none. */
  holdingOf(instrument: InstrumentRecord): HoldingRecord {
    let holding = this.holdingSlots[instrument.ordinal];
    if (holding === undefined) {
      holding = this.holdingFor(instrument.spec.symbol);
      this.holdingSlots[instrument.ordinal] = holding;
    }
    return holding;
  }

  /** The holding of an instrument, if there is one. */
  findHolding(instrument: InstrumentRecord): HoldingRecord | undefined {
    return this.holdingSlots[instrument.ordinal] ?? this.holdings.get(instrument.spec.symbol);
  }

  clearHoldings(): void {
    this.holdings.clear();
    this.holdingSlots.length = 0;
  }
}

export interface HoldingRecord {
  symbol: string;
  quantity: number;
  /** Shares promised to open SELL orders: always the sum of their `reserved`. */
  reserved: number;
  /** Exact cost of the shares held, in paise. */
  costBasis: Paise;
  realizedPnl: Paise;
}

const NO_TRADES: Trade[] = [];
/**
 * Commands served by one working events array before it is replaced (see Store.pending): far fewer
 * than come between two young-generation collections (thousands), so it never grows old.
 */
const PENDING_COMMANDS = 256;
/** Closed-order records kept for reuse, at most (about 30 MB). */
const MAX_POOLED = 100_000;

/**
 * One account's orders, oldest first, linked through the orders themselves so adding and removing
 * cost no hashing (a busy account places and retires orders constantly).
 */
export class AccountOrders {
  private head: OrderRecord | null = null;
  private tail: OrderRecord | null = null;
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(order: OrderRecord): void {
    order.accountPrev = this.tail;
    order.accountNext = null;
    if (this.tail === null) this.head = order;
    else this.tail.accountNext = order;
    this.tail = order;
    order.inAccountList = true;
    this.count += 1;
  }

  remove(order: OrderRecord): void {
    if (!order.inAccountList) return;
    if (order.accountPrev === null) this.head = order.accountNext;
    else order.accountPrev.accountNext = order.accountNext;
    if (order.accountNext === null) this.tail = order.accountPrev;
    else order.accountNext.accountPrev = order.accountPrev;
    order.accountPrev = null;
    order.accountNext = null;
    order.inAccountList = false;
    this.count -= 1;
  }

  /** Safe against removing the order just yielded. */
  *values(): Generator<OrderRecord> {
    let order = this.head;
    while (order !== null) {
      const next: OrderRecord | null = order.accountNext;
      yield order;
      order = next;
    }
  }
}

/** What few orders have: a client id, a rejection, a trigger time, a first state caused by other than placing. */
class OrderExtras {
  clientOrderId: string | null = null;
  rejectReason: ReasonCode | null = null;
  rejectMessage: string | null = null;
  triggeredAt: Millis | null = null;
  initialCause: OrderCause = PLACED_CAUSE;
}

const PLACED_CAUSE: OrderCause = "placed";

// Side, type, validity, first state and list membership share one small integer (`bits`).
const SIDE_BIT = 1;
const TYPE_SHIFT = 1;
const VALIDITY_BIT = 1 << 3;
const STATE_SHIFT = 4;
/** A time is kept as high * TIME_SPLIT + low: both are small integers for any time a command can carry. */
const TIME_SPLIT = 2 ** 30;
const IN_ACCOUNT_LIST_BIT = 1 << 7;

/**
 * An order in memory. The store makes records with newOrderRecord() (see there) and sets every
 * field with reuse(); fields marked `!` have no value before that.
 *
 * The record is kept small, with the fields a fill or a cancel reads first: the book holds one per
 * resting order (and the server's snapshot thread a second copy), so what only some orders have
 * lives in `extras`, and side, type, validity and first state are packed into `bits`. A resting
 * order takes 257 bytes of heap, indexes and book included (the bench's memory-per-resting-order).
 */
export class OrderRecord implements LadderEntry {
  state!: OrderState;
  quantity!: number;
  filledQuantity = 0;
  price!: Paise | null;
  triggerPrice!: Paise | null;
  ladderLevel: PriceLevel | null = null;
  ladderPrev: LadderEntry | null = null;
  ladderNext: LadderEntry | null = null;
  /** Neighbours in its account's book of resting limits (see books.ts). */
  bookPrev: OrderRecord | null = null;
  bookNext: OrderRecord | null = null;
  /** Time priority: a counter taken when the order (re)enters a book; lower is earlier. */
  priority = 0;
  /** BUY: paise blocked for this order; SELL: shares reserved. Zero once the order is closed. */
  reserved = 0;
  /** The owner's account and the instrument, held directly so fills need no lookups. */
  account!: AccountRecord;
  instrument!: InstrumentRecord;
  private bits = 0;
  /** Sum of quantity x price over the fills, for the average fill price. */
  filledValue: Paise = 0;
  /** The order's key in the store's index (see `orderKey`). */
  key!: number | string;
  orderId!: string;
  accountPrev: OrderRecord | null = null;
  accountNext: OrderRecord | null = null;
  // Times as two small integers each (see TIME_SPLIT), never a number object: epoch milliseconds
  // are too large for V8's small integers, and this record's fields hold any number that is not one
  // as a pointer to a number object (the literal in newOrderRecord makes them general fields). A
  // command's time stored so would be kept alive by the record and stored through the write
  // barrier's slow path, for every order placed and every change of state.
  private placedHigh = 0;
  private placedLow = 0;
  private updatedHigh = 0;
  private updatedLow = 0;
  /** Shares the empty array until the first fill: most orders never fill, and there are many. */
  trades: Trade[] = NO_TRADES;
  /** Changes after the first; null until there is one (most resting orders never change). */
  private laterChanges: StateChange[] | null = null;
  private extras: OrderExtras | null = null;

  /**
   * Sets every field for a new order: on a fresh record, and when the store makes a retired record
   * a new order again (see Store.orderRecord), so a reused record is exactly a fresh one. Parameters
   * are spelled out (no rest tuple): this runs for every order placed.
   */
  reuse(
    orderId: string,
    account: AccountRecord,
    clientOrderId: string | null,
    instrument: InstrumentRecord,
    side: Side,
    type: OrderType,
    validity: Validity,
    quantity: number,
    price: Paise | null,
    triggerPrice: Paise | null,
    placedAt: Millis,
    initialState: OrderState,
    cause: OrderCause,
    /** The id's index key, when the caller has made it already. */
    key: number | string = orderKey(orderId),
  ): this {
    this.state = initialState;
    this.quantity = quantity;
    this.filledQuantity = 0;
    this.price = price;
    this.triggerPrice = triggerPrice;
    this.ladderLevel = null;
    this.ladderPrev = null;
    this.ladderNext = null;
    this.bookPrev = null;
    this.bookNext = null;
    this.priority = 0;
    this.reserved = 0;
    this.account = account;
    this.instrument = instrument;
    this.bits =
      (side === "SELL" ? SIDE_BIT : 0) |
      (orderTypeIndex(type) << TYPE_SHIFT) |
      (validity === "IOC" ? VALIDITY_BIT : 0) |
      (orderStateIndex(initialState) << STATE_SHIFT);
    this.filledValue = 0;
    this.key = key;
    this.orderId = orderId;
    this.accountPrev = null;
    this.accountNext = null;
    const placedHigh = Math.floor(placedAt / TIME_SPLIT);
    this.placedHigh = placedHigh;
    this.placedLow = placedAt - placedHigh * TIME_SPLIT;
    this.updatedHigh = placedHigh;
    this.updatedLow = this.placedLow;
    this.trades = NO_TRADES;
    this.laterChanges = null;
    this.extras = null;
    if (clientOrderId !== null) this.extra().clientOrderId = clientOrderId;
    if (cause !== PLACED_CAUSE) this.extra().initialCause = cause;
    return this;
  }

  private extra(): OrderExtras {
    return (this.extras ??= new OrderExtras());
  }

  get side(): Side {
    return (this.bits & SIDE_BIT) === 0 ? "BUY" : "SELL";
  }

  get type(): OrderType {
    return ORDER_TYPES[(this.bits >> TYPE_SHIFT) & 3] as OrderType;
  }

  get validity(): Validity {
    return (this.bits & VALIDITY_BIT) === 0 ? "DAY" : "IOC";
  }

  get placedAt(): Millis {
    return this.placedHigh * TIME_SPLIT + this.placedLow;
  }

  get updatedAt(): Millis {
    return this.updatedHigh * TIME_SPLIT + this.updatedLow;
  }

  set updatedAt(time: Millis) {
    const high = Math.floor(time / TIME_SPLIT);
    this.updatedHigh = high;
    this.updatedLow = time - high * TIME_SPLIT;
  }

  private get initialState(): OrderState {
    return ORDER_STATES[(this.bits >> STATE_SHIFT) & 7] as OrderState;
  }

  /** Whether the order is in its account's list of open orders (see AccountOrders). */
  get inAccountList(): boolean {
    return (this.bits & IN_ACCOUNT_LIST_BIT) !== 0;
  }

  set inAccountList(value: boolean) {
    this.bits = value ? this.bits | IN_ACCOUNT_LIST_BIT : this.bits & ~IN_ACCOUNT_LIST_BIT;
  }

  get clientOrderId(): string | null {
    return this.extras?.clientOrderId ?? null;
  }

  get rejectReason(): ReasonCode | null {
    return this.extras?.rejectReason ?? null;
  }

  set rejectReason(value: ReasonCode | null) {
    if (value !== null || this.extras !== null) this.extra().rejectReason = value;
  }

  get rejectMessage(): string | null {
    return this.extras?.rejectMessage ?? null;
  }

  set rejectMessage(value: string | null) {
    if (value !== null || this.extras !== null) this.extra().rejectMessage = value;
  }

  get triggeredAt(): Millis | null {
    return this.extras?.triggeredAt ?? null;
  }

  set triggeredAt(value: Millis | null) {
    if (value !== null || this.extras !== null) this.extra().triggeredAt = value;
  }

  private get initialCause(): OrderCause {
    return this.extras?.initialCause ?? PLACED_CAUSE;
  }

  /** Every state the order has been in, with when and why, oldest first. */
  get history(): StateChange[] {
    const first = { state: this.initialState, time: this.placedAt, cause: this.initialCause };
    return this.laterChanges === null ? [first] : [first, ...this.laterChanges.map((c) => ({ ...c }))];
  }

  recordChange(change: StateChange): void {
    // A literal for the first: an empty array's first push reserves room for 17.
    if (this.laterChanges === null) this.laterChanges = [change];
    else this.laterChanges.push(change);
  }

  get userId(): string {
    return this.account.userId;
  }

  get symbol(): string {
    return this.instrument.spec.symbol;
  }

  get remaining(): number {
    return this.quantity - this.filledQuantity;
  }

  /** A stop that has triggered behaves as the order it became (LIMIT for SL, MARKET for SL_M). */
  get isPendingStop(): boolean {
    return this.state === "TRIGGER_PENDING";
  }

  /** The price that sizes a BUY's blocked cash: its limit, or the trigger for a pending SL_M. */
  get reservePrice(): Paise {
    return this.price ?? this.triggerPrice ?? 0;
  }
}

/**
 * A new order record, for reuse() to set. Made by an object literal, not `new OrderRecord()`: V8
 * keeps an allocation site per literal and, once it sees that the objects made there live on, makes
 * them in the old generation directly, while objects made by a constructor always start young. A
 * resting order lives long, and a young record is copied twice by the collector before it settles
 * (the mixed bench runs about 5 % faster this way). The fields are the class's, in its order (a test
 * checks), so every record has the one shape. Setting the prototype makes V8 treat every field as
 * general, holding any number that is not a small integer as a pointer to a number object: hence
 * the times in two small integers each.
 */
export function newOrderRecord(): OrderRecord {
  return {
    __proto__: OrderRecord.prototype,
    state: "PLACED",
    quantity: 0,
    filledQuantity: 0,
    price: null,
    triggerPrice: null,
    ladderLevel: null,
    ladderPrev: null,
    ladderNext: null,
    bookPrev: null,
    bookNext: null,
    priority: 0,
    reserved: 0,
    account: null,
    instrument: null,
    bits: 0,
    filledValue: 0,
    key: 0,
    orderId: "",
    accountPrev: null,
    accountNext: null,
    placedHigh: 0,
    placedLow: 0,
    updatedHigh: 0,
    updatedLow: 0,
    trades: NO_TRADES,
    laterChanges: null,
    extras: null,
  } as unknown as OrderRecord;
}

export function orderView(o: OrderRecord): OrderView {
  return {
    orderId: o.orderId,
    userId: o.userId,
    clientOrderId: o.clientOrderId,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    validity: o.validity,
    quantity: o.quantity,
    price: o.price,
    triggerPrice: o.triggerPrice,
    state: o.state,
    filledQuantity: o.filledQuantity,
    averageFillPrice: o.filledQuantity === 0 ? null : divRound(o.filledValue, o.filledQuantity),
    rejectReason: o.rejectReason,
    rejectMessage: o.rejectMessage,
    placedAt: o.placedAt,
    updatedAt: o.updatedAt,
    triggeredAt: o.triggeredAt,
  };
}

export function orderDetail(o: OrderRecord): OrderDetail {
  return { ...orderView(o), history: o.history, trades: o.trades.slice() };
}

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

export interface StoreOptions {
  /**
   * Keep closed orders and all trades in memory (the default, for a self-contained engine). A
   * server that keeps history in a database turns this off, so memory grows with open state only:
   * a closed order leaves memory as soon as its last event is out, except that one placed with a
   * clientOrderId stays findable by that key until a `forgetClientOrderIds` command lets it go.
   * The caller must then keep order ids unique itself, and answer a retry of a forgotten key from
   * its history (the engine would take it for a new order).
   */
  retainClosedOrders?: boolean | undefined;
}

export class Store {
  readonly retainClosedOrders: boolean;
  seq = 0;
  tradeCounter = 0;
  priorityCounter = 0;
  marketOpen = true;
  readonly instruments = new Map<string, InstrumentRecord>();
  readonly accounts = new Map<string, AccountRecord>();
  readonly orders = new OrderIndex();
  readonly trades: Trade[] = [];

  constructor(options: StoreOptions = {}) {
    this.retainClosedOrders = options.retainClosedOrders ?? true;
  }

  /**
   * Events of the command being applied; handed to the caller when it finishes. The array is
   * reused, but replaced every PENDING_COMMANDS commands so that it stays in V8's young generation:
   * storing a young object (every event is one) into an old array takes the write barrier's slow
   * path and leaves an entry for the next young-generation collection to visit, several per command
   * (the mixed bench about 4 % faster this way).
   */
  private pending: Array<EngineEvent | null> = [];
  /** How many of `pending` belong to the command being applied. */
  private pendingCount = 0;
  /** Commands that have used the current `pending` array. */
  private pendingUses = 0;
  /**
   * Records of closed orders, to be made new orders again (closed orders not retained): a reused
   * record costs no allocation at all, and already lives in the old generation.
   */
  private readonly pool: OrderRecord[] = [];
  /**
   * Retired during the command being applied (the first `retiringCount`): pooled only when it ends,
   * so none is reused within it. The array is kept, not made anew per command.
   */
  private readonly retiring: OrderRecord[] = [];
  private retiringCount = 0;
  /**
   * Closed orders kept only for their clientOrderId (closed orders not retained), in the order
   * they closed, from `closedKeyedHead` on: a forgetClientOrderIds command lets go of them from
   * the front.
   */
  private closedKeyed: OrderRecord[] = [];
  private closedKeyedHead = 0;

  /** A record for a new order: a pooled one, or a fresh one; the caller sets it with reuse(). */
  orderRecord(): OrderRecord {
    return this.pool.pop() ?? newOrderRecord();
  }
  /**
   * Accounts whose cash or blocked cash changed during the command: nearly always one, so it has a
   * field of its own, and only further ones allocate an array.
   */
  private firstTouched: AccountRecord | null = null;
  private moreTouched: AccountRecord[] | null = null;

  emit(event: EngineEvent): void {
    this.pending[this.pendingCount++] = event;
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  /** Closes the command: one funds.changed per touched account, then returns the events. */
  takeEvents(time: Millis): EngineEvent[] {
    if (this.retiringCount > 0) {
      for (let i = 0; i < this.retiringCount; i++) if (this.pool.length < MAX_POOLED) this.pool.push(this.retiring[i] as OrderRecord);
      this.retiringCount = 0;
    }
    if (this.firstTouched !== null) {
      this.emitFunds(this.firstTouched, time);
      this.firstTouched = null;
      if (this.moreTouched !== null) {
        for (const account of this.moreTouched) this.emitFunds(account, time);
        this.moreTouched = null;
      }
    }
    // The working array stays for the next commands; the caller gets an exact-size copy, and the
    // working slots let go of the events so that they do not outlive the caller's use of them.
    const count = this.pendingCount;
    const events = new Array<EngineEvent>(count);
    for (let i = 0; i < count; i++) {
      events[i] = this.pending[i] as EngineEvent;
      this.pending[i] = null;
    }
    this.pendingCount = 0;
    if (++this.pendingUses === PENDING_COMMANDS) {
      this.pendingUses = 0;
      this.pending = [];
    }
    return events;
  }

  private emitFunds(account: AccountRecord, time: Millis): void {
    account.touched = false;
    this.emit({ seq: this.nextSeq(), time, type: "funds.changed", userId: account.userId, cash: account.cash, blocked: account.blocked });
  }

  touchFunds(account: AccountRecord): void {
    if (account.touched) return;
    account.touched = true;
    if (this.firstTouched === null) this.firstTouched = account;
    else (this.moreTouched ??= []).push(account);
  }

  account(userId: string): AccountRecord | undefined {
    return this.accounts.get(userId);
  }

  /** Records a new order and emits its first event. */
  addOrder(order: OrderRecord, eventType: OrderEventType): void {
    this.indexOrder(order);
    this.emitOrder(order, eventType, order.placedAt, eventType === "order.rejected" ? "rejected" : "placed");
  }

  /** Makes an order findable by id, by user and by client order id. */
  indexOrder(order: OrderRecord): void {
    this.orders.add(order);
    const account = order.account;
    account.orders.add(order);
    this.rememberClientOrderId(order);
  }

  /** Makes an order placed with a clientOrderId findable by it. */
  private rememberClientOrderId(order: OrderRecord): void {
    if (order.clientOrderId === null) return;
    const account = order.account;
    if (account.clientOrderIds === null) account.clientOrderIds = new Map();
    account.clientOrderIds.set(order.clientOrderId, order);
  }

  emitOrder(order: OrderRecord, type: OrderEventType, time: Millis, cause: OrderCause): void {
    this.emit({ seq: this.nextSeq(), time, type, cause, order: orderView(order) });
  }

  /**
   * The order as the command leaves it. Every change to an order emits an event carrying a fresh
   * view, so the latest such view of the command is current and can be shared, not rebuilt.
   */
  answerView(order: OrderRecord): OrderView {
    for (let i = this.pendingCount - 1; i >= 0; i--) {
      const event = this.pending[i] as EngineEvent;
      if ("order" in event && event.order.orderId === order.orderId) return event.order;
    }
    return orderView(order);
  }

  /** Moves an order through the state machine and writes the step into its history. */
  transition(order: OrderRecord, to: OrderState, time: Millis, cause: OrderCause): void {
    if (!isLegalTransition(order.state, to)) throw new IllegalTransitionError(order.orderId, order.state, to);
    order.state = to;
    order.updatedAt = time;
    // The last step of an order about to leave memory (see retire) would never be read.
    if (isOpen(to) || this.keepsClosed(order)) order.recordChange({ state: to, time, cause });
  }

  /** Whether a closed order stays in memory: always when closed orders are retained, else only if keyed by a clientOrderId. */
  keepsClosed(order: OrderRecord): boolean {
    return this.retainClosedOrders || order.clientOrderId !== null;
  }

  /**
   * Sets what an open order holds back: blocked cash for a BUY, reserved shares for a SELL. The
   * account or holding total moves by the difference, so totals always equal the sum over orders.
   */
  setReserve(order: OrderRecord, amount: number): void {
    const delta = amount - order.reserved;
    if (delta === 0) return;
    order.reserved = amount;
    if (order.side === "BUY") {
      order.account.blocked += delta;
      this.touchFunds(order.account);
    } else {
      order.account.holdingOf(order.instrument).reserved += delta;
    }
  }

  /** The reservation an open order needs for what is left of it. */
  reserveNeeded(order: OrderRecord): number {
    if (!isOpen(order.state)) return 0;
    return order.side === "BUY" ? order.remaining * order.reservePrice : order.remaining;
  }

  ladderOf(order: OrderRecord): PriceLadder<OrderRecord> | LimitBook {
    const instrument = order.instrument;
    if (order.state === "TRIGGER_PENDING") return order.side === "BUY" ? instrument.buyStops : instrument.sellStops;
    return order.side === "BUY" ? instrument.buyLimits : instrument.sellLimits;
  }

  /** Puts an order at the back of its price level: it takes the newest time priority. */
  rest(order: OrderRecord): void {
    const ladder = this.ladderOf(order);
    this.priorityCounter += 1;
    order.priority = this.priorityCounter;
    const key = order.state === "TRIGGER_PENDING" ? order.triggerPrice : order.price;
    if (key === null) throw new Error(`order ${order.orderId} has no price to rest at`);
    ladder.add(order, key);
  }

  unrest(order: OrderRecord): void {
    if (order.ladderLevel === null) return;
    this.ladderOf(order).remove(order);
  }

  attachTrade(order: OrderRecord, trade: Trade): void {
    if (order.trades === NO_TRADES) order.trades = [trade];
    else order.trades.push(trade);
  }

  recordTrade(account: AccountRecord, trade: Trade): void {
    if (!this.retainClosedOrders) return;
    this.trades.push(trade);
    account.trades.push(trade);
  }

  /** A closed order leaves memory unless closed orders are retained (see StoreOptions). */
  retire(order: OrderRecord): void {
    if (this.retainClosedOrders) return;
    this.orders.delete(order);
    order.account.orders.remove(order);
    // An order with a clientOrderId stays findable by it until forgotten; only then is its record reused.
    if (order.clientOrderId === null) this.retiring[this.retiringCount++] = order;
    else this.closedKeyed.push(order);
  }

  /** When the oldest closed order kept for its clientOrderId closed; null when none is kept. */
  oldestClosedKeyedAt(): Millis | null {
    return this.closedKeyed[this.closedKeyedHead]?.updatedAt ?? null;
  }

  /** How many closed orders are kept for their clientOrderId. */
  get closedKeyedCount(): number {
    return this.closedKeyed.length - this.closedKeyedHead;
  }

  /** Closed orders kept for their clientOrderId, oldest closed first. */
  closedKeyedOrders(): OrderRecord[] {
    return this.closedKeyed.slice(this.closedKeyedHead);
  }

  /** Keeps a closed order for its clientOrderId (restoring a snapshot). */
  keepClosedKeyed(order: OrderRecord): void {
    this.rememberClientOrderId(order);
    this.closedKeyed.push(order);
  }

  /**
   * Lets go of the closed keyed orders that closed before `time`, from the oldest; stops at the
   * first that closed later (command times may step back, so later ones may wait for a later call).
   */
  forgetClosedKeyed(time: Millis): number {
    const list = this.closedKeyed;
    let head = this.closedKeyedHead;
    while (head < list.length) {
      const order = list[head] as OrderRecord;
      if (order.updatedAt >= time) break;
      const keys = order.account.clientOrderIds;
      const key = order.clientOrderId;
      if (keys !== null && key !== null && keys.get(key) === order) keys.delete(key);
      if (this.pool.length < MAX_POOLED) this.pool.push(order);
      head += 1;
    }
    const forgotten = head - this.closedKeyedHead;
    if (head === list.length) {
      this.closedKeyed = [];
      head = 0;
    } else if (head > 1024 && head * 2 > list.length) {
      this.closedKeyed = list.slice(head);
      head = 0;
    }
    this.closedKeyedHead = head;
    return forgotten;
  }
}
