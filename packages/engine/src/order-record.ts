// The order record: one per open order, the engine's most numerous object.
import { type LadderEntry, type PriceLevel } from "./ladder.js";
import { type Paise } from "./money.js";
import type { ReasonCode } from "./reasons.js";
import { ORDER_STATES, ORDER_TYPES, orderStateIndex, orderTypeIndex } from "./types.js";
import type { Millis, OrderCause, OrderState, OrderType, Side, StateChange, Trade, Validity, WaitingFor } from "./types.js";
import type { InstrumentRecord, AccountRecord } from "./records.js";
import type { Product } from "./charges/rates.js";
import { orderKey } from "./order-index.js";

const NO_TRADES: Trade[] = [];

/** What few orders have: a client id, a rejection, a trigger time, a first state caused by other than placing. */
class OrderExtras {
  clientOrderId: string | null = null;
  rejectReason: ReasonCode | null = null;
  rejectMessage: string | null = null;
  triggeredAt: Millis | null = null;
  initialCause: OrderCause = PLACED_CAUSE;
  amo = false;
  waitingFor: WaitingFor | null = null;
  /** The price a waiting MARKET BUY blocks cash at (see commands/waiting.ts). */
  blockPrice: Paise | null = null;
  /** Placed by the broker to square off an intraday position (see commands/intraday.ts). */
  squareOff = false;
}

const PLACED_CAUSE: OrderCause = "placed";

// Side, type, validity, first state, list membership and product share one small integer (`bits`).
const SIDE_BIT = 1;
const TYPE_SHIFT = 1;
const VALIDITY_BIT = 1 << 3;
const STATE_SHIFT = 4;
/** A time is kept as high * TIME_SPLIT + low: both are small integers for any time a command can carry. */
const TIME_SPLIT = 2 ** 30;
const IN_ACCOUNT_LIST_BIT = 1 << 7;
const MIS_BIT = 1 << 8;

/**
 * An order in memory. The store makes records with newOrderRecord() (see there) and sets every
 * field with init(); fields marked `!` have no value before that.
 *
 * The record is kept small, with the fields a fill or a cancel reads first: the book holds one per
 * resting order (and the server's snapshot thread a second copy), so what only some orders have
 * lives in `extras`, and side, type, validity and first state are packed into `bits`. A resting
 * order takes 273 bytes of heap, indexes and book included (the bench's memory-per-resting-order).
 */
export class OrderRecord implements LadderEntry {
  state!: OrderState;
  quantity!: number;
  filledQuantity = 0;
  price!: Paise | null;
  /** Neighbours in its account's book of resting limits (see books.ts), beside the price it sorts by. */
  bookPrev: OrderRecord | null = null;
  bookNext: OrderRecord | null = null;
  triggerPrice!: Paise | null;
  ladderLevel: PriceLevel | null = null;
  ladderPrev: LadderEntry | null = null;
  ladderNext: LadderEntry | null = null;
  /** Time priority: a counter taken when the order (re)enters a book; lower is earlier. */
  priority = 0;
  /** CNC BUY: paise blocked; CNC SELL: shares reserved; MIS: paise of margin. Zero once the order is closed. */
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
  init(
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

  /** CNC unless set to MIS after init(). */
  get product(): Product {
    return (this.bits & MIS_BIT) === 0 ? "CNC" : "MIS";
  }

  set product(value: Product) {
    this.bits = value === "MIS" ? this.bits | MIS_BIT : this.bits & ~MIS_BIT;
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

  get amo(): boolean {
    return this.extras?.amo ?? false;
  }

  set amo(value: boolean) {
    if (value || this.extras !== null) this.extra().amo = value;
  }

  get waitingFor(): WaitingFor | null {
    return this.extras?.waitingFor ?? null;
  }

  set waitingFor(value: WaitingFor | null) {
    if (value !== null || this.extras !== null) this.extra().waitingFor = value;
  }

  get blockPrice(): Paise | null {
    return this.extras?.blockPrice ?? null;
  }

  set blockPrice(value: Paise | null) {
    if (value !== null || this.extras !== null) this.extra().blockPrice = value;
  }

  get squareOff(): boolean {
    return this.extras?.squareOff ?? false;
  }

  set squareOff(value: boolean) {
    if (value || this.extras !== null) this.extra().squareOff = value;
  }

  private get initialCause(): OrderCause {
    return this.extras?.initialCause ?? PLACED_CAUSE;
  }

  /** Every state the order has been in, with when and why, oldest first. */
  get history(): StateChange[] {
    const first = { state: this.initialState, time: this.placedAt, cause: this.initialCause };
    return this.laterChanges === null ? [first] : [first, ...this.laterChanges.map((c) => ({ ...c }))];
  }

  attachTrade(trade: Trade): void {
    if (this.trades === NO_TRADES) this.trades = [trade];
    else this.trades.push(trade);
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

  /** The price that sizes a BUY's blocked cash: its limit, the trigger for a pending SL_M, or a waiting MARKET order's block price. */
  get reservePrice(): Paise {
    return this.price ?? this.triggerPrice ?? this.extras?.blockPrice ?? 0;
  }
}

/**
 * A new order record, for init() to set. Made by an object literal, not `new OrderRecord()`: V8
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
    bookPrev: null,
    bookNext: null,
    triggerPrice: null,
    ladderLevel: null,
    ladderPrev: null,
    ladderNext: null,
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
