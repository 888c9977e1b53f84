// The executor: placing, modifying and cancelling orders, filling them, and closing them at the
// end of a session (SPEC §2.3-§2.4). Checks come first and change nothing; only when every check
// has passed does the state move.
import { MAX_ID_LENGTH, MAX_ORDER_QUANTITY } from "./limits.js";
import { formatRupees, mulDivRound, nearestTicks, type Paise } from "./money.js";
import type { ReasonCode } from "./reasons.js";
import { InstrumentRecord, orderKey, orderView, OrderRecord, type AccountRecord, type Store } from "./store.js";
import { isOpen } from "./transitions.js";
import type {
  CancelOrderCommand,
  CommandResult,
  Millis,
  ModifyOrderCommand,
  OrderCause,
  OrderInput,
  OrderView,
  PlaceOrderCommand,
  Refused,
} from "./types.js";

export function refuse(code: ReasonCode, message: string): Refused {
  return { ok: false, code, message, events: [] };
}

const rupees = (paise: Paise): string => `₹${formatRupees(paise)}`;

/** Command times are whole milliseconds since the epoch. */
export function isCommandTime(time: unknown): boolean {
  return Number.isSafeInteger(time) && (time as number) >= 0;
}

export function badTime(): Refused {
  return refuse("INVALID_COMMAND", "command time must be whole milliseconds since the epoch");
}

export function isValidId(id: unknown): id is string {
  return typeof id === "string" && id.length > 0 && id.length <= MAX_ID_LENGTH;
}

/** Checks a price that must sit on the instrument's tick size; undefined when it does. */
function checkPrice(label: string, value: unknown, instrument: InstrumentRecord): Refused | undefined {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    return refuse("INVALID_PRICE", `${label} must be a positive amount in paise`);
  }
  const tick = instrument.spec.tickSize;
  const nearest = nearestTicks(value, tick);
  if (nearest !== null) {
    return refuse(
      "PRICE_NOT_ON_TICK",
      `${label} ${rupees(value)} is not a multiple of the tick size ${rupees(tick)} for ${instrument.spec.symbol}; ` +
        `nearest allowed prices are ${rupees(nearest.below)} and ${rupees(nearest.above)}`,
    );
  }
  return undefined;
}

function checkQuantity(quantity: unknown, instrument: InstrumentRecord): Refused | undefined {
  if (typeof quantity !== "number" || !Number.isSafeInteger(quantity) || quantity <= 0) {
    return refuse("INVALID_QUANTITY", "quantity must be a whole number of shares greater than zero");
  }
  if (quantity > MAX_ORDER_QUANTITY) {
    return refuse("INVALID_QUANTITY", `quantity must be at most ${MAX_ORDER_QUANTITY.toLocaleString("en-IN")} shares`);
  }
  const lot = instrument.spec.lotSize;
  if (quantity % lot !== 0) {
    return refuse(
      "QUANTITY_NOT_MULTIPLE_OF_LOT",
      `quantity ${quantity} is not a multiple of the lot size ${lot} for ${instrument.spec.symbol}`,
    );
  }
  return undefined;
}

/**
 * Where a stop's trigger must sit: a BUY stop above the market (it protects against a rise), a
 * SELL stop below it; and a stop-limit's price on the far side of its trigger.
 */
function checkStopPrices(side: "BUY" | "SELL", trigger: Paise, limit: Paise | null, instrument: InstrumentRecord): Refused | undefined {
  const ltp = instrument.lastTradedPrice;
  if (side === "BUY" && trigger <= ltp) {
    return refuse(
      "INVALID_TRIGGER_PRICE",
      `a BUY stop's trigger must be above the last traded price ${rupees(ltp)}; got ${rupees(trigger)}`,
    );
  }
  if (side === "SELL" && trigger >= ltp) {
    return refuse(
      "INVALID_TRIGGER_PRICE",
      `a SELL stop's trigger must be below the last traded price ${rupees(ltp)}; got ${rupees(trigger)}`,
    );
  }
  if (limit !== null && side === "BUY" && limit < trigger) {
    return refuse("INVALID_PRICE", `a BUY stop-limit's price must be at or above its trigger ${rupees(trigger)}`);
  }
  if (limit !== null && side === "SELL" && limit > trigger) {
    return refuse("INVALID_PRICE", `a SELL stop-limit's price must be at or below its trigger ${rupees(trigger)}`);
  }
  return undefined;
}

/** Validates the shape and prices of an order; answers its instrument, or the refusal. */
function validateOrderInput(input: OrderInput, store: Store): Refused | InstrumentRecord {
  if (typeof input !== "object" || input === null) return refuse("INVALID_ORDER", "order is missing");
  const { side, type, validity } = input as { side: unknown; type: unknown; validity: unknown };
  // Spelled out rather than SIDES.includes(...): this runs for every order.
  if (side !== "BUY" && side !== "SELL") return refuse("INVALID_ORDER", "side must be BUY or SELL");
  if (type !== "MARKET" && type !== "LIMIT" && type !== "SL" && type !== "SL_M") {
    return refuse("INVALID_ORDER", "type must be MARKET, LIMIT, SL or SL_M");
  }
  if (validity !== "DAY" && validity !== "IOC") return refuse("INVALID_ORDER", "validity must be DAY or IOC");
  if (input.clientOrderId !== undefined && !isValidId(input.clientOrderId)) {
    return refuse("INVALID_ORDER", `clientOrderId must be 1 to ${MAX_ID_LENGTH} characters`);
  }
  const instrument = typeof input.symbol === "string" ? store.instruments.get(input.symbol) : undefined;
  if (instrument === undefined) {
    return refuse("UNKNOWN_INSTRUMENT", `no instrument with symbol ${JSON.stringify(input.symbol)}`);
  }
  const quantityError = checkQuantity(input.quantity, instrument);
  if (quantityError) return quantityError;

  const fields = input as { price?: unknown; triggerPrice?: unknown };
  const needsPrice = input.type === "LIMIT" || input.type === "SL";
  const needsTrigger = input.type === "SL" || input.type === "SL_M";
  if (needsPrice && fields.price === undefined) return refuse("INVALID_ORDER", `a ${input.type} order needs a price`);
  if (!needsPrice && fields.price !== undefined) {
    return refuse("INVALID_ORDER", `a ${input.type} order takes no price`);
  }
  if (needsTrigger && fields.triggerPrice === undefined) {
    return refuse("INVALID_ORDER", `a ${input.type} order needs a trigger price`);
  }
  if (!needsTrigger && fields.triggerPrice !== undefined) {
    return refuse("INVALID_ORDER", `a ${input.type} order takes no trigger price`);
  }
  if (needsPrice) {
    const priceError = checkPrice("price", fields.price, instrument);
    if (priceError) return priceError;
  }
  if (needsTrigger) {
    const triggerError = checkPrice("trigger price", fields.triggerPrice, instrument);
    if (triggerError) return triggerError;
    const limit = needsPrice ? (fields.price as Paise) : null;
    const stopError = checkStopPrices(input.side, fields.triggerPrice as Paise, limit, instrument);
    if (stopError) return stopError;
  }
  const sizingPrice = needsPrice ? (fields.price as Paise) : needsTrigger ? (fields.triggerPrice as Paise) : instrument.lastTradedPrice;
  if (!Number.isSafeInteger(input.quantity * sizingPrice * 2)) {
    return refuse("INVALID_QUANTITY", "order value is too large");
  }
  return instrument;
}

function sameOrderInput(order: OrderView, input: OrderInput): boolean {
  const fields = input as { price?: Paise; triggerPrice?: Paise };
  return (
    order.symbol === input.symbol &&
    order.side === input.side &&
    order.type === input.type &&
    order.validity === input.validity &&
    order.quantity === input.quantity &&
    order.price === (fields.price ?? null) &&
    order.triggerPrice === (fields.triggerPrice ?? null)
  );
}

/**
 * What the same clientOrderId answers the second time: the original order, never a new one (or
 * its rejection again), and a conflict when the parameters differ. A caller that answers retries
 * of forgotten keys from its own history (see StoreOptions) answers them with this too.
 */
export function repeatPlacement(original: OrderView, input: OrderInput): CommandResult {
  if (!sameOrderInput(original, input)) {
    return refuse(
      "IDEMPOTENCY_CONFLICT",
      `clientOrderId ${JSON.stringify(original.clientOrderId)} was already used for order ${original.orderId} with different parameters`,
    );
  }
  if (original.state === "REJECTED" && original.rejectReason !== null) {
    return { ok: false, code: original.rejectReason, message: original.rejectMessage ?? "", events: [], order: original };
  }
  return { ok: true, events: [], order: original, duplicate: true };
}

/** The cash a BUY must find available at placement, or the shares a SELL must find free. */
function checkRisk(account: AccountRecord, input: OrderInput, instrument: InstrumentRecord): Refused | undefined {
  if (input.side === "BUY") {
    const unitPrice = input.type === "MARKET" ? instrument.lastTradedPrice : input.type === "SL_M" ? input.triggerPrice : input.price;
    const required = input.quantity * unitPrice;
    const available = account.cash - account.blocked;
    if (required > available) {
      return refuse(
        "INSUFFICIENT_FUNDS",
        `buying ${input.quantity} ${input.symbol} needs ${rupees(required)} but only ${rupees(available)} is available`,
      );
    }
    return undefined;
  }
  const holding = account.findHolding(instrument);
  const free = holding === undefined ? 0 : holding.quantity - holding.reserved;
  if (input.quantity > free) {
    return refuse(
      "INSUFFICIENT_HOLDINGS",
      `selling ${input.quantity} ${input.symbol} needs that many free shares but you hold ${free} not already in open SELL orders (no short selling)`,
    );
  }
  return undefined;
}

export function placeOrder(store: Store, cmd: PlaceOrderCommand): CommandResult {
  if (!isCommandTime(cmd.time)) return badTime();
  const { userId, orderId, order: input, time } = cmd;
  if (!isValidId(orderId)) return refuse("INVALID_COMMAND", `orderId must be 1 to ${MAX_ID_LENGTH} characters`);
  const account = store.account(userId);
  if (account === undefined) return refuse("UNKNOWN_ACCOUNT", `no account for user ${String(userId)}`);
  if (typeof input === "object" && input !== null && input.clientOrderId !== undefined) {
    const existing = account.clientOrderIds?.get(input.clientOrderId);
    if (existing !== undefined) return repeatPlacement(orderView(existing), input);
  }
  const key = orderKey(orderId);
  if (store.orders.byKey(key) !== undefined) return refuse("DUPLICATE_ORDER_ID", `order id ${orderId} is already taken`);
  const instrument = validateOrderInput(input, store);
  if (!(instrument instanceof InstrumentRecord)) return instrument;

  const riskRefusal = store.marketOpen
    ? checkRisk(account, input, instrument)
    : refuse("MARKET_CLOSED", "the market is closed; orders are accepted while a session is open");
  const isStop = input.type === "SL" || input.type === "SL_M";
  const fields = input as { price?: Paise; triggerPrice?: Paise };
  const order = store
    .orderRecord()
    .reuse(
      orderId,
      account,
      input.clientOrderId ?? null,
      instrument,
      input.side,
      input.type,
      input.validity,
      input.quantity,
      fields.price ?? null,
      fields.triggerPrice ?? null,
      time,
      riskRefusal ? "REJECTED" : isStop ? "TRIGGER_PENDING" : "PLACED",
      riskRefusal ? "rejected" : "placed",
      key,
    );

  if (riskRefusal) {
    order.rejectReason = riskRefusal.code;
    order.rejectMessage = riskRefusal.message;
    store.addOrder(order, "order.rejected");
    store.retire(order);
    const view = store.answerView(order);
    return { ...riskRefusal, events: store.takeEvents(time), order: view };
  }

  store.addOrder(order, "order.accepted");
  if (isStop) {
    store.setReserve(order, store.reserveNeeded(order));
    store.rest(order);
  } else {
    executeOnArrival(store, order, instrument, time);
  }
  const view = store.answerView(order);
  return { ok: true, events: store.takeEvents(time), order: view };
}

/** True when a limit price can trade against the market right now. */
function isMarketable(order: OrderRecord, ltp: Paise): boolean {
  if (order.type === "MARKET" || order.type === "SL_M") return true;
  const price = order.price as Paise;
  return order.side === "BUY" ? price >= ltp : price <= ltp;
}

/**
 * An order meeting the market (new, modified to a marketable price, or a stop just triggered):
 * marketable ones fill in full at the last traded price (a limit gets the price improvement),
 * IOC leftovers are cancelled, the rest rests in the book holding its reservation.
 */
export function executeOnArrival(store: Store, order: OrderRecord, instrument: InstrumentRecord, time: Millis): void {
  const ltp = instrument.lastTradedPrice;
  if (isMarketable(order, ltp)) {
    store.unrest(order);
    fill(store, order, order.remaining, ltp, time);
    return;
  }
  if (order.validity === "IOC") {
    store.unrest(order);
    closeOrder(store, order, "CANCELLED", time, "ioc-unfilled", "order.cancelled");
    return;
  }
  store.setReserve(order, store.reserveNeeded(order));
  if (order.ladderLevel === null) store.rest(order);
}

/** Fills `quantity` of an order at `price`: cash, holding, trade, state and reservation. */
export function fill(store: Store, order: OrderRecord, quantity: number, price: Paise, time: Millis): void {
  // Callers size fills from what is left; a fill of more (or of nothing) would make money up.
  if (!(quantity > 0 && quantity <= order.remaining))
    throw new Error(`fill of ${quantity} for order ${order.orderId}, which has ${order.remaining} left`);
  const account = order.account;
  const holding = account.holdingOf(order.instrument);
  const value = quantity * price;
  if (order.side === "BUY") {
    account.cash -= value;
    holding.quantity += quantity;
    holding.costBasis += value;
  } else {
    const costRemoved = quantity === holding.quantity ? holding.costBasis : mulDivRound(holding.costBasis, quantity, holding.quantity);
    account.cash += value;
    holding.quantity -= quantity;
    holding.costBasis -= costRemoved;
    holding.realizedPnl += value - costRemoved;
  }
  store.touchFunds(account);

  store.tradeCounter += 1;
  const trade = {
    tradeId: `T${store.tradeCounter}`,
    orderId: order.orderId,
    userId: order.userId,
    symbol: order.symbol,
    side: order.side,
    quantity,
    price,
    time,
  };
  store.recordTrade(account, trade);
  order.filledQuantity += quantity;
  order.filledValue += value;
  const done = order.filledQuantity === order.quantity;
  // An order filled in full that leaves memory (see Store.retire) never shows its trades again.
  if (!done || store.keepsClosed(order)) store.attachTrade(order, trade);

  store.transition(order, done ? "EXECUTED" : "PARTIALLY_EXECUTED", time, "filled");
  if (done) store.unrest(order);
  store.setReserve(order, store.reserveNeeded(order));
  store.emit({ seq: store.nextSeq(), time, type: "order.filled", cause: "filled", order: orderView(order), trade });
  if (done) store.retire(order);
}

/** Ends an open order: out of the book, reservation released, one event. */
export function closeOrder(
  store: Store,
  order: OrderRecord,
  state: "CANCELLED" | "EXPIRED" | "REJECTED",
  time: Millis,
  cause: OrderCause,
  eventType: "order.cancelled" | "order.expired" | "order.rejected",
): void {
  store.unrest(order);
  store.transition(order, state, time, cause);
  store.setReserve(order, 0);
  store.emitOrder(order, eventType, time, cause);
  store.retire(order);
}

/** The caller's open order, or the refusal to give instead. Other users' orders are "not found". */
function ownOpenOrder(store: Store, userId: string, orderId: string): OrderRecord | Refused {
  const order = typeof orderId === "string" ? store.orders.get(orderId) : undefined;
  if (order === undefined || order.userId !== userId) {
    return refuse("ORDER_NOT_FOUND", `no order ${JSON.stringify(orderId)} for this user`);
  }
  if (!isOpen(order.state)) {
    return refuse("ORDER_NOT_OPEN", `order ${orderId} is ${order.state} and can no longer be changed`);
  }
  return order;
}

export function cancelOrder(store: Store, cmd: CancelOrderCommand): CommandResult {
  if (!isCommandTime(cmd.time)) return badTime();
  const found = ownOpenOrder(store, cmd.userId, cmd.orderId);
  if (!(found instanceof OrderRecord)) return found;
  closeOrder(store, found, "CANCELLED", cmd.time, "cancelled", "order.cancelled");
  const view = store.answerView(found);
  return { ok: true, events: store.takeEvents(cmd.time), order: view };
}

export function modifyOrder(store: Store, cmd: ModifyOrderCommand): CommandResult {
  if (!isCommandTime(cmd.time)) return badTime();
  const found = ownOpenOrder(store, cmd.userId, cmd.orderId);
  if (!(found instanceof OrderRecord)) return found;
  const order = found;
  const instrument = order.instrument;
  const { time } = cmd;

  const quantity = cmd.quantity ?? order.quantity;
  const price = cmd.price ?? order.price;
  const triggerPrice = cmd.triggerPrice ?? order.triggerPrice;
  if (cmd.quantity !== undefined) {
    const error = checkQuantity(cmd.quantity, instrument);
    if (error) return error;
    if (cmd.quantity <= order.filledQuantity) {
      return refuse(
        "INVALID_QUANTITY",
        `quantity must be more than the ${order.filledQuantity} already filled; cancel the order to stop it`,
      );
    }
  }
  if (cmd.price !== undefined) {
    if (order.type !== "LIMIT" && order.type !== "SL") {
      return refuse("MODIFY_NOT_ALLOWED", `a ${order.type} order has no price to change`);
    }
    const error = checkPrice("price", cmd.price, instrument);
    if (error) return error;
  }
  if (cmd.triggerPrice !== undefined) {
    if (order.type !== "SL" && order.type !== "SL_M") {
      return refuse("MODIFY_NOT_ALLOWED", `a ${order.type} order has no trigger price`);
    }
    if (!order.isPendingStop) {
      return refuse("MODIFY_NOT_ALLOWED", "the stop has already triggered; its trigger price can no longer change");
    }
    const error = checkPrice("trigger price", cmd.triggerPrice, instrument);
    if (error) return error;
  }
  if (quantity === order.quantity && price === order.price && triggerPrice === order.triggerPrice) {
    return refuse("NOTHING_TO_MODIFY", "the modification changes nothing: give a new quantity, price or trigger price");
  }
  if (order.isPendingStop && triggerPrice !== null) {
    const error = checkStopPrices(order.side, triggerPrice, order.type === "SL" ? price : null, instrument);
    if (error) return error;
  }

  // Risk: only what the modification adds has to be found.
  const remaining = quantity - order.filledQuantity;
  if (order.side === "BUY") {
    const unitPrice = (order.isPendingStop && order.type === "SL_M" ? triggerPrice : price) ?? 0;
    const needed = remaining * unitPrice;
    if (!Number.isSafeInteger(needed * 2)) return refuse("INVALID_QUANTITY", "order value is too large");
    const account = order.account;
    const available = account.cash - account.blocked + order.reserved;
    if (needed > available) {
      return refuse(
        "INSUFFICIENT_FUNDS",
        `the modified order needs ${rupees(needed)} blocked but only ${rupees(available)} is available to it`,
      );
    }
  } else {
    const holding = order.account.findHolding(order.instrument);
    const free = holding === undefined ? 0 : holding.quantity - holding.reserved + order.reserved;
    if (remaining > free) {
      return refuse("INSUFFICIENT_HOLDINGS", `the modified order needs ${remaining} free shares but only ${free} are free`);
    }
  }

  // A new price or trigger, or more shares, sends the order to the back of the queue.
  const losesPriority = price !== order.price || triggerPrice !== order.triggerPrice || quantity > order.quantity;
  if (losesPriority) store.unrest(order);
  order.quantity = quantity;
  order.price = price;
  order.triggerPrice = triggerPrice;
  store.transition(order, order.state, time, "modified");
  store.emitOrder(order, "order.modified", time, "modified");
  if (order.isPendingStop) {
    store.setReserve(order, store.reserveNeeded(order));
    if (order.ladderLevel === null) store.rest(order);
  } else {
    executeOnArrival(store, order, instrument, time);
  }
  const view = store.answerView(order);
  return { ok: true, events: store.takeEvents(time), order: view };
}

/** Session close: every open order is a DAY order (IOC never rests), so every one expires. */
export function expireOpenOrders(store: Store, time: Millis): void {
  for (const order of store.orders.values()) {
    if (isOpen(order.state)) closeOrder(store, order, "EXPIRED", time, "session-closed", "order.expired");
  }
}
