// A second, deliberately plain reading of SPEC §2's order rules, for the engine to be checked
// against: every order in one list, books found by filtering and sorting that list on every step,
// blocked cash and reserved shares summed from the open orders whenever they are needed. Nothing
// here is fast and nothing is shared with the engine's code, so where the two disagree one of them
// misreads the rules.
import type { ReasonCode } from "../reasons.js";
import type { InstrumentSpec, MarketPhase, OpeningPrice, OrderState, OrderType, Side, Validity, WaitingFor } from "../types.js";

export interface ModelOrderInput {
  symbol: string;
  side: Side;
  type: OrderType;
  validity: Validity;
  quantity: number;
  price?: number;
  triggerPrice?: number;
}

export interface ModelOrder {
  orderId: string;
  userId: string;
  symbol: string;
  side: Side;
  type: OrderType;
  validity: Validity;
  quantity: number;
  filled: number;
  price: number | null;
  triggerPrice: number | null;
  state: OrderState;
  /** When it last entered a book (larger is later); null while it is in none. */
  arrival: number | null;
  /** What it waits for before it meets the market (see below); null when it does not wait. */
  waitingFor: WaitingFor | null;
  /** Its turn among waiting orders (larger is later); null while it does not wait. */
  waitTurn: number | null;
  /** Placed while the market could not take it. */
  amo: boolean;
  /** A waiting MARKET BUY holds cash at this price; null for every other order. */
  blockPrice: number | null;
}

export interface ModelFill {
  orderId: string;
  quantity: number;
  price: number;
}

/** What a command did: "OK" or the reason it was refused, and the fills it caused, in order. */
export interface ModelOutcome {
  code: "OK" | ReasonCode;
  fills: ModelFill[];
}

export interface ModelHolding {
  quantity: number;
  costBasis: number;
  realizedPnl: number;
}

const OPEN_STATES: readonly OrderState[] = ["PLACED", "TRIGGER_PENDING", "PARTIALLY_EXECUTED"];

export class MarketModel {
  readonly orders: ModelOrder[] = [];
  readonly cash = new Map<string, number>();
  readonly holdings = new Map<string, Map<string, ModelHolding>>();
  readonly ltp = new Map<string, number>();
  /**
   * closed -> pre-open (LIMIT and MARKET DAY orders collect) -> opening (after the auction) -> open.
   * An order a phase does not take waits for the next one that does; the test instruments have no
   * band, so a waiting MARKET BUY holds cash at the last price.
   */
  phase: MarketPhase = "open";
  private turns = 0;
  private readonly specs = new Map<string, InstrumentSpec>();
  private arrivals = 0;
  private fills: ModelFill[] = [];

  constructor(instruments: InstrumentSpec[], accounts: Record<string, number>) {
    for (const spec of instruments) {
      this.specs.set(spec.symbol, spec);
      this.ltp.set(spec.symbol, spec.price);
    }
    for (const [userId, cash] of Object.entries(accounts)) {
      this.cash.set(userId, cash);
      this.holdings.set(userId, new Map());
    }
  }

  get marketOpen(): boolean {
    return this.phase === "open";
  }

  isOpen(order: ModelOrder): boolean {
    return OPEN_STATES.includes(order.state);
  }

  /** Cash an open BUY holds back: what is left of it at its limit, or at the trigger of a waiting stop-market. */
  reservation(order: ModelOrder): number {
    if (!this.isOpen(order)) return 0;
    const left = order.quantity - order.filled;
    if (order.side === "SELL") return left;
    const unit = order.state === "TRIGGER_PENDING" && order.type === "SL_M" ? order.triggerPrice : (order.price ?? order.blockPrice);
    return left * (unit ?? 0);
  }

  cashOf(userId: string): number {
    return this.cash.get(userId) ?? 0;
  }

  ltpOf(symbol: string): number {
    return this.ltp.get(symbol) ?? 0;
  }

  blocked(userId: string): number {
    return this.sumReservations(userId, "BUY", null);
  }

  reservedShares(userId: string, symbol: string): number {
    return this.sumReservations(userId, "SELL", symbol);
  }

  holding(userId: string, symbol: string): ModelHolding {
    const mine = this.holdings.get(userId) as Map<string, ModelHolding>;
    let holding = mine.get(symbol);
    if (holding === undefined) {
      holding = { quantity: 0, costBasis: 0, realizedPnl: 0 };
      mine.set(symbol, holding);
    }
    return holding;
  }

  place(userId: string, orderId: string, input: ModelOrderInput): ModelOutcome {
    this.fills = [];
    const spec = this.specs.get(input.symbol);
    if (spec === undefined) return this.outcome("UNKNOWN_INSTRUMENT");
    const quantityError = this.quantityError(input.quantity, spec);
    if (quantityError) return this.outcome(quantityError);
    const hasLimit = input.type === "LIMIT" || input.type === "SL";
    const isStop = input.type === "SL" || input.type === "SL_M";
    if (hasLimit && (input.price === undefined || input.price % spec.tickSize !== 0)) return this.outcome("PRICE_NOT_ON_TICK");
    if (isStop && (input.triggerPrice === undefined || input.triggerPrice % spec.tickSize !== 0)) return this.outcome("PRICE_NOT_ON_TICK");
    if (isStop) {
      const stopError = this.stopError(input.side, input.triggerPrice as number, hasLimit ? (input.price as number) : null, spec.symbol);
      if (stopError) return this.outcome(stopError);
    }
    const waitingFor = this.waitingForNew(input);
    const order: ModelOrder = {
      orderId,
      userId,
      symbol: input.symbol,
      side: input.side,
      type: input.type,
      validity: input.validity,
      quantity: input.quantity,
      filled: 0,
      price: hasLimit ? (input.price as number) : null,
      triggerPrice: isStop ? (input.triggerPrice as number) : null,
      state: "REJECTED",
      arrival: null,
      waitingFor: null,
      waitTurn: null,
      amo: waitingFor === "pre-open" || waitingFor === "open",
      blockPrice: input.type === "MARKET" && waitingFor !== null ? this.ltpOf(input.symbol) : null,
    };
    const refusal = this.placementRisk(order);
    this.orders.push(order);
    if (refusal) return this.outcome(refusal);
    order.state = isStop ? "TRIGGER_PENDING" : "PLACED";
    if (waitingFor !== null) {
      order.waitingFor = waitingFor;
      order.waitTurn = ++this.turns;
    } else if (isStop || !this.marketOpen) {
      order.arrival = ++this.arrivals;
    } else {
      this.meetMarket(order);
    }
    return this.outcome("OK");
  }

  /** Pre-open takes LIMIT and MARKET DAY orders (MARKET ones wait there for the auction); the normal market takes all. */
  private waitingForNew(input: ModelOrderInput): WaitingFor | null {
    const preOpenKind = (input.type === "LIMIT" || input.type === "MARKET") && input.validity === "DAY";
    if (this.phase === "open") return null;
    if (this.phase === "closed") return preOpenKind ? "pre-open" : "open";
    if (this.phase === "opening" || !preOpenKind) return "open";
    return input.type === "MARKET" ? "auction" : null;
  }

  modify(userId: string, orderId: string, change: { quantity?: number; price?: number; triggerPrice?: number }): ModelOutcome {
    this.fills = [];
    const order = this.orders.find((o) => o.orderId === orderId && o.userId === userId);
    if (order === undefined) return this.outcome("ORDER_NOT_FOUND");
    if (!this.isOpen(order)) return this.outcome("ORDER_NOT_OPEN");
    const spec = this.specs.get(order.symbol) as InstrumentSpec;
    const pending = order.state === "TRIGGER_PENDING";
    if (change.quantity !== undefined) {
      const quantityError = this.quantityError(change.quantity, spec);
      if (quantityError) return this.outcome(quantityError);
      if (change.quantity <= order.filled) return this.outcome("INVALID_QUANTITY");
    }
    if (change.price !== undefined) {
      if (order.type !== "LIMIT" && order.type !== "SL") return this.outcome("MODIFY_NOT_ALLOWED");
      if (change.price % spec.tickSize !== 0) return this.outcome("PRICE_NOT_ON_TICK");
    }
    if (change.triggerPrice !== undefined) {
      if ((order.type !== "SL" && order.type !== "SL_M") || !pending) return this.outcome("MODIFY_NOT_ALLOWED");
      if (change.triggerPrice % spec.tickSize !== 0) return this.outcome("PRICE_NOT_ON_TICK");
    }
    const quantity = change.quantity ?? order.quantity;
    const price = change.price ?? order.price;
    const triggerPrice = change.triggerPrice ?? order.triggerPrice;
    if (quantity === order.quantity && price === order.price && triggerPrice === order.triggerPrice) {
      return this.outcome("NOTHING_TO_MODIFY");
    }
    if (pending) {
      const stopError = this.stopError(order.side, triggerPrice as number, order.type === "SL" ? price : null, order.symbol);
      if (stopError) return this.outcome(stopError);
    }
    const changed = { ...order, quantity, price, triggerPrice };
    if (order.side === "BUY") {
      if (this.reservation(changed) > this.cashOf(userId) - this.blocked(userId) + this.reservation(order)) {
        return this.outcome("INSUFFICIENT_FUNDS");
      }
    } else {
      const free = this.holding(userId, order.symbol).quantity - this.reservedShares(userId, order.symbol) + this.reservation(order);
      if (this.reservation(changed) > free) return this.outcome("INSUFFICIENT_HOLDINGS");
    }
    // A new price or trigger, or more shares, go to the back of the queue; fewer shares keep their place.
    const losesPlace = price !== order.price || triggerPrice !== order.triggerPrice || quantity > order.quantity;
    order.quantity = quantity;
    order.price = price;
    order.triggerPrice = triggerPrice;
    if (losesPlace) order.arrival = null;
    if (losesPlace && order.waitingFor !== null) order.waitTurn = ++this.turns;
    if (order.waitingFor !== null) return this.outcome("OK");
    if (pending || !this.marketOpen) order.arrival ??= ++this.arrivals;
    else this.meetMarket(order);
    return this.outcome("OK");
  }

  cancel(userId: string, orderId: string): ModelOutcome {
    this.fills = [];
    const order = this.orders.find((o) => o.orderId === orderId && o.userId === userId);
    if (order === undefined) return this.outcome("ORDER_NOT_FOUND");
    if (!this.isOpen(order)) return this.outcome("ORDER_NOT_OPEN");
    this.close(order, "CANCELLED");
    return this.outcome("OK");
  }

  tick(symbol: string, price: number, volume: number): ModelOutcome {
    this.fills = [];
    if (!this.marketOpen) return this.outcome("MARKET_CLOSED");
    this.ltp.set(symbol, price);
    const lot = (this.specs.get(symbol) as InstrumentSpec).lotSize;
    // Stops first: BUY stops at or below the price, lowest trigger first; SELL stops at or above, highest first.
    for (const stop of this.book(
      symbol,
      "BUY",
      "TRIGGER_PENDING",
      (o) => o.triggerPrice as number,
      (t) => t <= price,
      1,
    ))
      this.trigger(stop);
    for (const stop of this.book(
      symbol,
      "SELL",
      "TRIGGER_PENDING",
      (o) => o.triggerPrice as number,
      (t) => t >= price,
      -1,
    ))
      this.trigger(stop);
    // Then the resting limits the price crossed, each at its own limit.
    const usable = volume - (volume % lot);
    this.fillCrossedLimits(
      symbol,
      price,
      () => usable,
      (order) => order.price as number,
    );
    return this.outcome("OK");
  }

  /** Orders that still wait (after-market orders placed after the auction) stay for the next session. */
  closeSession(): ModelOutcome {
    this.fills = [];
    if (this.phase === "closed") return this.outcome("INVALID_COMMAND");
    for (const order of this.orders) if (this.isOpen(order) && order.waitingFor === null) this.close(order, "EXPIRED");
    this.phase = "closed";
    return this.outcome("OK");
  }

  startPreOpen(): ModelOutcome {
    this.fills = [];
    if (this.phase !== "closed") return this.outcome("INVALID_COMMAND");
    this.phase = "pre-open";
    for (const order of this.waitingOrders("pre-open")) {
      if (order.type === "MARKET") {
        order.waitingFor = "auction";
      } else {
        this.stopWaiting(order);
        order.arrival = ++this.arrivals;
      }
    }
    return this.outcome("OK");
  }

  /**
   * Each instrument opens at its price. Per side and per account, the auction's volume goes first
   * to the MARKET orders waiting for it (earliest first; a BUY the cash no longer covers at the
   * price is rejected), then to the LIMITs the price crosses (best first); all fill at the price.
   */
  openingAuction(prices: OpeningPrice[]): ModelOutcome {
    this.fills = [];
    if (this.phase !== "pre-open") return this.outcome("INVALID_COMMAND");
    const symbols = prices.map((p) => p.symbol);
    for (const { symbol, price } of prices) {
      const spec = this.specs.get(symbol);
      if (spec === undefined) return this.outcome("UNKNOWN_INSTRUMENT");
      if (symbols.indexOf(symbol) !== symbols.lastIndexOf(symbol)) return this.outcome("INVALID_COMMAND");
      if (price % spec.tickSize !== 0) return this.outcome("PRICE_NOT_ON_TICK");
    }
    this.phase = "opening";
    for (const { symbol, price, volume } of prices) {
      this.ltp.set(symbol, price);
      const lot = (this.specs.get(symbol) as InstrumentSpec).lotSize;
      const usable = volume - (volume % lot);
      const left = new Map<string, number>();
      const leftOf = (side: Side, userId: string) => left.get(`${side}/${userId}`) ?? usable;
      for (const order of this.waitingOrders("auction").filter((o) => o.symbol === symbol)) {
        const have = leftOf(order.side, order.userId);
        if (have === 0) continue;
        const remaining = order.quantity - order.filled;
        if (order.side === "BUY" && remaining * price > this.cashOf(order.userId) - this.blocked(order.userId) + this.reservation(order)) {
          this.stopWaiting(order);
          order.state = "REJECTED";
          continue;
        }
        const quantity = Math.min(remaining, have);
        if (quantity === remaining) this.stopWaiting(order);
        else order.waitingFor = "open";
        this.fill(order, quantity, price);
        left.set(`${order.side}/${order.userId}`, have - quantity);
      }
      this.fillCrossedLimits(symbol, price, leftOf, () => price);
    }
    for (const order of this.waitingOrders("auction")) order.waitingFor = "open";
    return this.outcome("OK");
  }

  /**
   * The normal market opens and every waiting order enters it, earliest first, checked as a new
   * order would be: a stop's trigger against the market, a MARKET BUY's cash at the market price.
   */
  openSession(): ModelOutcome {
    this.fills = [];
    if (this.phase === "open") return this.outcome("INVALID_COMMAND");
    this.phase = "open";
    for (const order of this.waitingOrders(null)) {
      this.stopWaiting(order);
      const remaining = order.quantity - order.filled;
      const pending = order.state === "TRIGGER_PENDING";
      const stopError = pending
        ? this.stopError(order.side, order.triggerPrice as number, order.type === "SL" ? order.price : null, order.symbol)
        : undefined;
      const unfunded =
        order.type === "MARKET" &&
        order.side === "BUY" &&
        remaining * this.ltpOf(order.symbol) > this.cashOf(order.userId) - this.blocked(order.userId) + this.reservation(order);
      if (stopError !== undefined || unfunded) order.state = "REJECTED";
      else if (pending) order.arrival = ++this.arrivals;
      else this.meetMarket(order);
    }
    return this.outcome("OK");
  }

  /**
   * The resting limits `price` crossed. Each side, and each account, has all of the volume
   * (`volumeOf` its starting amount): accounts never compete. Within an account its crossed orders
   * share it, best price first, earliest first; accounts take their turns in the order of their best
   * crossed order. Each fills at `fillPrice`.
   */
  private fillCrossedLimits(
    symbol: string,
    price: number,
    volumeOf: (side: Side, userId: string) => number,
    fillPrice: (order: ModelOrder) => number,
  ): void {
    for (const [side, reached, direction] of [
      ["BUY", (limit: number) => limit >= price, -1],
      ["SELL", (limit: number) => limit <= price, 1],
    ] as const) {
      const crossed = this.book(symbol, side, "RESTING", (o) => o.price as number, reached, direction);
      for (const userId of new Set(crossed.map((o) => o.userId))) {
        let left = volumeOf(side, userId);
        for (const order of crossed.filter((o) => o.userId === userId)) {
          if (left === 0) break;
          const quantity = Math.min(order.quantity - order.filled, left);
          this.fill(order, quantity, fillPrice(order));
          left -= quantity;
        }
      }
    }
  }

  /** Waiting orders (all, or those waiting for `what`), earliest first. */
  private waitingOrders(what: WaitingFor | null): ModelOrder[] {
    return this.orders
      .filter((o) => o.waitingFor !== null && (what === null || o.waitingFor === what))
      .sort((a, b) => (a.waitTurn as number) - (b.waitTurn as number));
  }

  private stopWaiting(order: ModelOrder): void {
    order.waitingFor = null;
    order.waitTurn = null;
  }

  private outcome(code: ModelOutcome["code"]): ModelOutcome {
    return { code, fills: this.fills };
  }

  private sumReservations(userId: string, side: Side, symbol: string | null): number {
    let sum = 0;
    for (const o of this.orders) {
      if (o.userId === userId && o.side === side && (symbol === null || o.symbol === symbol)) sum += this.reservation(o);
    }
    return sum;
  }

  private quantityError(quantity: number, spec: InstrumentSpec): ReasonCode | undefined {
    if (!Number.isSafeInteger(quantity) || quantity <= 0) return "INVALID_QUANTITY";
    if (quantity % spec.lotSize !== 0) return "QUANTITY_NOT_MULTIPLE_OF_LOT";
    return undefined;
  }

  /** A BUY stop waits above the market, a SELL stop below; a stop-limit's price is on the far side of its trigger. */
  private stopError(side: Side, trigger: number, limit: number | null, symbol: string): ReasonCode | undefined {
    const ltp = this.ltpOf(symbol);
    if (side === "BUY" ? trigger <= ltp : trigger >= ltp) return "INVALID_TRIGGER_PRICE";
    if (limit !== null && (side === "BUY" ? limit < trigger : limit > trigger)) return "INVALID_PRICE";
    return undefined;
  }

  /** BUY: what the order would block against cash not already blocked. SELL: shares held and not promised. */
  private placementRisk(order: ModelOrder): ReasonCode | undefined {
    if (order.side === "BUY") {
      const unit =
        order.type === "MARKET" ? (order.blockPrice ?? this.ltpOf(order.symbol)) : ((order.price ?? order.triggerPrice) as number);
      return order.quantity * unit > this.cashOf(order.userId) - this.blocked(order.userId) ? "INSUFFICIENT_FUNDS" : undefined;
    }
    const free = this.holding(order.userId, order.symbol).quantity - this.reservedShares(order.userId, order.symbol);
    return order.quantity > free ? "INSUFFICIENT_HOLDINGS" : undefined;
  }

  /**
   * Open orders of one side of one book ("RESTING": limits in the book, "TRIGGER_PENDING": waiting
   * stops) whose price the tick reached, by price in `direction` (1 lowest first), then by arrival.
   */
  private book(
    symbol: string,
    side: Side,
    kind: "RESTING" | "TRIGGER_PENDING",
    priceOf: (o: ModelOrder) => number,
    reached: (price: number) => boolean,
    direction: 1 | -1,
  ): ModelOrder[] {
    return this.orders
      .filter((o) => o.symbol === symbol && o.side === side && o.arrival !== null && this.isOpen(o))
      .filter((o) => (kind === "TRIGGER_PENDING") === (o.state === "TRIGGER_PENDING") && reached(priceOf(o)))
      .sort((a, b) => direction * (priceOf(a) - priceOf(b)) || (a.arrival as number) - (b.arrival as number));
  }

  /**
   * A triggered stop becomes the order it stands for (SL a LIMIT, SL_M a MARKET) and meets the
   * market like a new one; a BUY stop-market that the cash can no longer pay for at today's price is
   * rejected instead.
   */
  private trigger(order: ModelOrder): void {
    order.arrival = null;
    if (order.type === "SL_M" && order.side === "BUY") {
      const cost = (order.quantity - order.filled) * this.ltpOf(order.symbol);
      if (cost > this.cashOf(order.userId) - this.blocked(order.userId) + this.reservation(order)) {
        order.state = "REJECTED";
        return;
      }
    }
    order.state = "PLACED";
    this.meetMarket(order);
  }

  /** A marketable order fills in full at the last traded price; an IOC that is not is cancelled; the rest rests. */
  private meetMarket(order: ModelOrder): void {
    const ltp = this.ltpOf(order.symbol);
    const marketable =
      order.type === "MARKET" ||
      order.type === "SL_M" ||
      (order.side === "BUY" ? (order.price as number) >= ltp : (order.price as number) <= ltp);
    if (marketable) {
      order.arrival = null;
      this.fill(order, order.quantity - order.filled, ltp);
    } else if (order.validity === "IOC") {
      this.close(order, "CANCELLED");
    } else {
      order.arrival ??= ++this.arrivals;
    }
  }

  private fill(order: ModelOrder, quantity: number, price: number): void {
    const holding = this.holding(order.userId, order.symbol);
    const value = quantity * price;
    if (order.side === "BUY") {
      this.cash.set(order.userId, this.cashOf(order.userId) - value);
      holding.quantity += quantity;
      holding.costBasis += value;
    } else {
      const costOut =
        quantity === holding.quantity ? holding.costBasis : proportionHalfAwayFromZero(holding.costBasis, quantity, holding.quantity);
      this.cash.set(order.userId, this.cashOf(order.userId) + value);
      holding.quantity -= quantity;
      holding.costBasis -= costOut;
      holding.realizedPnl += value - costOut;
    }
    order.filled += quantity;
    order.state = order.filled === order.quantity ? "EXECUTED" : "PARTIALLY_EXECUTED";
    if (order.state === "EXECUTED") order.arrival = null;
    this.fills.push({ orderId: order.orderId, quantity, price });
  }

  private close(order: ModelOrder, state: "CANCELLED" | "EXPIRED"): void {
    order.state = state;
    order.arrival = null;
    this.stopWaiting(order);
  }
}

/** total × part / whole in whole paise, halves rounded away from zero (SPEC §2.2: the engine's one rounding rule). */
function proportionHalfAwayFromZero(total: number, part: number, whole: number): number {
  const numerator = BigInt(total) * BigInt(part) * 2n;
  const denominator = BigInt(whole) * 2n;
  const negative = numerator < 0n;
  const magnitude = ((negative ? -numerator : numerator) + BigInt(whole)) / denominator;
  return Number(negative ? -magnitude : magnitude);
}
