// The life of an accepted order: meeting the market, filling, resting, closing. Shared by every
// command that moves an order (placing, modifying, a tick, a session's close, an account's reset).
import { addFill, dayCharges, emptyDay } from "./charges/charges.js";
import { mulDivRound, type Paise } from "./money.js";
import type { OrderRecord } from "./order-record.js";
import { todaysLot, type InstrumentRecord } from "./records.js";
import type { Store } from "./store.js";
import type { Millis, OrderCause, Trade } from "./types.js";
import { fillPosition } from "./intraday.js";
import { orderView } from "./views.js";

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
    store.removeFromBook(order);
    fill(store, order, order.remaining, ltp, time);
    return;
  }
  if (order.validity === "IOC") {
    store.removeFromBook(order);
    closeOrder(store, order, "CANCELLED", time, "ioc-unfilled", "order.cancelled");
    return;
  }
  store.updateReserve(order);
  if (order.ladderLevel === null) store.addToBook(order);
}

/** Fills `quantity` of an order at `price`: cash, holding, trade, state and reservation. */
export function fill(store: Store, order: OrderRecord, quantity: number, price: Paise, time: Millis): void {
  // Callers size fills from what is left; a fill of more (or of nothing) would make money up.
  if (!(quantity > 0 && quantity <= order.remaining))
    throw new Error(`fill of ${quantity} for order ${order.orderId}, which has ${order.remaining} left`);
  const account = order.account;
  const value = quantity * price;
  if (order.product === "MIS") fillPosition(account, order.instrument, order.side, quantity, price);
  else fillHolding(store, order, quantity, price);
  recordActivity(store, order, quantity, value);
  chargeFill(store, order, value);
  store.touchFunds(account);

  const trade: Trade = {
    tradeId: store.nextTradeId(),
    orderId: order.orderId,
    userId: order.userId,
    symbol: order.symbol,
    side: order.side,
    quantity,
    price,
    time,
    product: order.product,
  };
  if (order.squareOff) trade.squareOff = true;
  store.recordTrade(account, trade);
  order.filledQuantity += quantity;
  order.filledValue += value;
  const done = order.filledQuantity === order.quantity;
  // An order filled in full that leaves memory (see Store.retire) never shows its trades again.
  if (!done || store.keepsClosed(order)) order.attachTrade(trade);

  store.transition(order, done ? "EXECUTED" : "PARTIALLY_EXECUTED", time, "filled");
  if (done) store.removeFromBook(order);
  store.updateReserve(order);
  store.emit({ seq: store.nextSeq(), time, type: "order.filled", cause: "filled", order: orderView(order), trade });
  if (done) store.retire(order);
}

/** A delivery fill: cash for shares, at their cost (a sale takes the shares held before today first). */
function fillHolding(store: Store, order: OrderRecord, quantity: number, price: Paise): void {
  const account = order.account;
  const holding = account.getOrCreateHolding(order.instrument);
  const value = quantity * price;
  const lot = todaysLot(holding, store.tradingDay);
  if (order.side === "BUY") {
    account.cash -= value;
    holding.quantity += quantity;
    holding.costBasis += value;
    holding.boughtToday = lot.quantity + quantity;
    holding.boughtTodayCost = lot.cost + value;
    holding.boughtOnDay = store.tradingDay;
    return;
  }
  const fromToday = Math.max(0, quantity - (holding.quantity - lot.quantity));
  if (fromToday > 0) {
    holding.boughtTodayCost = lot.cost - (fromToday === lot.quantity ? lot.cost : mulDivRound(lot.cost, fromToday, lot.quantity));
    holding.boughtToday = lot.quantity - fromToday;
  }
  const costRemoved = quantity === holding.quantity ? holding.costBasis : mulDivRound(holding.costBasis, quantity, holding.quantity);
  account.cash += value;
  holding.quantity -= quantity;
  holding.costBasis -= costRemoved;
  holding.realizedPnl += value - costRemoved;
}

/** Today's buys and sells by product and symbol, for the positions view. */
function recordActivity(store: Store, order: OrderRecord, quantity: number, value: Paise): void {
  const activity = order.account.activityOf(order.product, order.instrument, store.tradingDay);
  if (order.side === "BUY") {
    activity.buyQuantity += quantity;
    activity.buyValue += value;
  } else {
    activity.sellQuantity += quantity;
    activity.sellValue += value;
  }
}

/**
 * Debits the charges a fill adds to its account's day (see charges/charges.ts): the day's charges
 * after it less those before, so a day's debits are its contract note's total.
 */
function chargeFill(store: Store, order: OrderRecord, value: Paise): void {
  const rates = store.chargeRates;
  if (rates === null) return;
  const account = order.account;
  if (account.chargeDay === null || account.chargeDayOf !== store.tradingDay) {
    account.chargeDay = emptyDay();
    account.chargeDayOf = store.tradingDay;
    account.chargesToday = 0;
  }
  const fill = {
    orderId: order.orderId,
    symbol: order.symbol,
    side: order.side,
    product: order.product,
    exchange: order.instrument.spec.exchange,
    value,
    squareOff: order.squareOff,
  };
  addFill(account.chargeDay, fill, rates);
  const total = dayCharges(account.chargeDay, rates).total;
  const debit = total - account.chargesToday;
  account.chargesToday = total;
  account.chargesPaid += debit;
  account.cash -= debit;
}

/** Ends an open order: out of the book (or no longer waiting), reservation released, one event. */
export function closeOrder(
  store: Store,
  order: OrderRecord,
  state: "CANCELLED" | "EXPIRED" | "REJECTED",
  time: Millis,
  cause: OrderCause,
  eventType: "order.cancelled" | "order.expired" | "order.rejected",
): void {
  store.removeFromBook(order);
  store.stopWaiting(order);
  store.transition(order, state, time, cause);
  store.updateReserve(order);
  store.emitOrder(order, eventType, time, cause);
  store.retire(order);
}
