// The engine's state: instruments with their order books, accounts, holdings, orders, trades and
// the event sequence. Only the commands change it, and only through these methods,
// so reservations, the state machine and the event log stay in step.
import type { LimitBook } from "./books.js";
import type { ChargeRates } from "./charges/rates.js";
import { buyChargeBound } from "./risk.js";
import { intradayHolds } from "./intraday.js";
import type { PriceLadder } from "./ladder.js";
import { IllegalTransitionError, isLegalTransition, isOpen } from "./transitions.js";
import type { EngineEvent, MarketPhase, Millis, OrderCause, OrderEventType, OrderState, OrderView, Trade, WaitingFor } from "./types.js";
import type { InstrumentRecord, AccountRecord } from "./records.js";
import type { OrderRecord } from "./order-record.js";
import { newOrderRecord } from "./order-record.js";
import { orderView } from "./views.js";
import { OrderIndex } from "./order-index.js";

/**
 * Commands served by one working events array before it is replaced (see Store.pending): far fewer
 * than come between two young-generation collections (thousands), so it never grows old.
 */
const PENDING_COMMANDS = 256;
/** Closed-order records kept for reuse, at most (about 30 MB). */
const MAX_POOLED = 100_000;

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
  /**
   * This engine's share of trade ids when several engines make them (a cluster's shards): trade
   * n is `T<n * count + index>`, so no two shards make the same id. Default: all of them.
   */
  idSpace?: IdSpace | undefined;
}

export interface IdSpace {
  index: number;
  count: number;
}

const WHOLE_ID_SPACE: IdSpace = { index: 0, count: 1 };

export class Store {
  readonly retainClosedOrders: boolean;
  seq = 0;
  tradeCounter = 0;
  /** The feed position of the last market command that carried one (see `TickCommand.feedSeq`); 0 before any. */
  lastFeedSeq = 0;
  priorityCounter = 0;
  /** The rates trades are charged at; null: no charges (see commands/charges.ts). */
  chargeRates: ChargeRates | null = null;
  /** The market's phase (see commands/session.ts); a new engine's market is open. */
  phase: MarketPhase = "open";
  /**
   * Accepted orders not yet in the market, in the order they will enter it (see
   * commands/waiting.ts): after-market orders, and MARKET orders placed in pre-open.
   */
  readonly waiting = new Set<OrderRecord>();
  /** Trading days begun (sessions opened) so far: a holding's shares bought "today" are those of this one. */
  tradingDay = 0;
  /** When the current trading day began (its pre-open or open; a new market's first listing); 0 before any. */
  dayBeganAt: Millis = 0;
  /** True from today's intraday square-off until the next trading day: no MIS orders (see commands/intraday.ts). */
  intradayClosed = false;
  /** Square-off orders made so far (their ids, like trade ids, are in this engine's id space). */
  squareOffCounter = 0;
  readonly instruments = new Map<string, InstrumentRecord>();
  readonly accounts = new Map<string, AccountRecord>();
  readonly orders = new OrderIndex();
  readonly trades: Trade[] = [];

  readonly idSpace: IdSpace;

  constructor(options: StoreOptions = {}) {
    this.retainClosedOrders = options.retainClosedOrders ?? true;
    const space = options.idSpace ?? WHOLE_ID_SPACE;
    if (!(
      Number.isSafeInteger(space.count) &&
      space.count >= 1 &&
      Number.isSafeInteger(space.index) &&
      space.index >= 0 &&
      space.index < space.count
    )) {
      throw new RangeError(`idSpace must be a whole index from 0 to below a whole count; got ${JSON.stringify(space)}`);
    }
    this.idSpace = { index: space.index, count: space.count };
  }

  /** The id of the next trade, in this engine's share of ids (see `StoreOptions.idSpace`). */
  nextTradeId(): string {
    this.tradeCounter += 1;
    return `T${this.tradeCounter * this.idSpace.count + this.idSpace.index}`;
  }

  /** The id of the next square-off order: `S<n>`, in this engine's share of ids. */
  nextSquareOffId(): string {
    this.squareOffCounter += 1;
    return `S${this.squareOffCounter * this.idSpace.count + this.idSpace.index}`;
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

  /** A record for a new order: a pooled one, or a fresh one; the caller sets it with init(). */
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
   * Sets what an open order holds back: blocked cash for a BUY, reserved shares for a SELL, margin
   * for an intraday order. The account or holding total moves by the difference, so totals always
   * equal the sum over orders.
   */
  setReserve(order: OrderRecord, amount: number): void {
    const delta = amount - order.reserved;
    if (delta === 0) return;
    if (amount < 0) throw new Error(`reservation of ${amount} for order ${order.orderId}`);
    const account = order.account;
    if (order.product === "MIS") {
      // Re-sizing intraday orders may move margin between them (see intraday.ts): never refused.
      order.reserved = amount;
      account.blocked += delta;
      this.touchFunds(account);
    } else if (order.side === "BUY") {
      // The risk checks came first: a reservation they did not allow would spend money or shares
      // the account does not have. Only a growing one can break that.
      if (delta > 0 && account.blocked + delta > account.cash) {
        throw new Error(`order ${order.orderId} would block ${delta} more than the ${account.cash - account.blocked} cash left`);
      }
      order.reserved = amount;
      account.blocked += delta;
      this.touchFunds(account);
    } else {
      const holding = account.getOrCreateHolding(order.instrument);
      if (delta > 0 && holding.reserved + delta > holding.quantity) {
        throw new Error(`order ${order.orderId} would reserve ${holding.reserved + delta} shares of the ${holding.quantity} held`);
      }
      order.reserved = amount;
      holding.reserved += delta;
    }
  }

  /**
   * Sets an order's reservation to what it needs now; for an intraday order, every open intraday
   * order of its account and instrument (their split into closing and opening parts moves together).
   */
  updateReserve(order: OrderRecord): void {
    if (order.product === "CNC") {
      this.setReserve(order, this.reserveNeeded(order));
      return;
    }
    if (!isOpen(order.state)) {
      order.account.getOrCreatePosition(order.symbol).openOrders.delete(order);
      this.setReserve(order, 0);
    }
    this.resizeIntradayOrders(order.account, order.instrument);
  }

  /** Sets what each open intraday order of an account in an instrument holds back, as its position now splits them. */
  resizeIntradayOrders(account: AccountRecord, instrument: InstrumentRecord): void {
    const position = account.getOrCreatePosition(instrument.spec.symbol);
    for (const [open, hold] of intradayHolds(position, instrument, this.chargeRates)) this.setReserve(open, hold);
  }

  /** The reservation an open order needs for what is left of it. */
  reserveNeeded(order: OrderRecord): number {
    if (!isOpen(order.state)) return 0;
    if (order.product === "MIS") {
      const position = order.account.positions.get(order.symbol);
      return position === undefined ? 0 : (intradayHolds(position, order.instrument, this.chargeRates).get(order) ?? 0);
    }
    if (order.side === "SELL") return order.remaining;
    const value = order.remaining * order.reservePrice;
    return value + buyChargeBound(value, order.instrument, this.chargeRates);
  }

  ladderOf(order: OrderRecord): PriceLadder<OrderRecord> | LimitBook {
    const instrument = order.instrument;
    if (order.state === "TRIGGER_PENDING") return order.side === "BUY" ? instrument.buyStops : instrument.sellStops;
    return order.side === "BUY" ? instrument.buyLimits : instrument.sellLimits;
  }

  /** Puts an order at the back of its price level: it takes the newest time priority. */
  addToBook(order: OrderRecord): void {
    const ladder = this.ladderOf(order);
    this.priorityCounter += 1;
    order.priority = this.priorityCounter;
    const key = order.state === "TRIGGER_PENDING" ? order.triggerPrice : order.price;
    if (key === null) throw new Error(`order ${order.orderId} has no price to rest at`);
    ladder.add(order, key);
  }

  removeFromBook(order: OrderRecord): void {
    if (order.ladderLevel === null) return;
    this.ladderOf(order).remove(order);
  }

  get marketOpen(): boolean {
    return this.phase === "open";
  }

  /** An accepted order that waits for `what` before it meets the market (time priority taken now). */
  addWaiting(order: OrderRecord, what: WaitingFor): void {
    order.waitingFor = what;
    this.priorityCounter += 1;
    order.priority = this.priorityCounter;
    this.waiting.delete(order);
    this.waiting.add(order);
  }

  /** The order no longer waits: it enters the market, or closes. */
  stopWaiting(order: OrderRecord): void {
    if (order.waitingFor === null) return;
    order.waitingFor = null;
    this.waiting.delete(order);
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
