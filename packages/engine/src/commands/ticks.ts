// Ticks: everything a price tick sets off. A tick moves the market price, triggers the stops
// it crosses, then fills the resting limits it crosses: each account has the tick's whole volume,
// shared by its own crossed orders in price-time priority. Only crossed levels and accounts are
// visited, so a tick costs O(log n + fills).
import type { AccountBook, LimitBook } from "../books.js";
import { closeOrder, executeOnArrival, fill } from "../execution.js";
import type { PriceLadder } from "../ladder.js";
import type { OrderRecord } from "../order-record.js";
import type { InstrumentRecord } from "../records.js";
import { checkMarketBuy } from "../risk.js";
import type { Store } from "../store.js";
import type { CommandResult, Millis, TickCommand } from "../types.js";
import { badFeedSeq, badTime, isCommandTime, isFeedSeq, refuse } from "./common.js";
import { checkBand } from "./order-input.js";

export function applyTick(store: Store, cmd: TickCommand): CommandResult {
  if (!isCommandTime(cmd.time)) return badTime();
  const instrument = store.instruments.get(cmd.symbol);
  if (instrument === undefined) return refuse("UNKNOWN_INSTRUMENT", `no instrument with symbol ${JSON.stringify(cmd.symbol)}`);
  if (!Number.isSafeInteger(cmd.price) || cmd.price <= 0) return refuse("INVALID_PRICE", "tick price must be a positive amount in paise");
  if (cmd.price % instrument.tickSize !== 0) {
    return refuse("PRICE_NOT_ON_TICK", `tick price is not a multiple of the tick size for ${cmd.symbol}`);
  }
  if (!Number.isSafeInteger(cmd.volume) || cmd.volume < 0) {
    return refuse("INVALID_QUANTITY", "tick volume must be a whole number of shares, zero or more");
  }
  if (!isFeedSeq(cmd.feedSeq)) return badFeedSeq();
  if (!store.marketOpen) {
    return refuse("MARKET_CLOSED", `the market is ${store.phase}; ticks are accepted while the normal market is open`);
  }
  const outside = checkBand("tick price", cmd.price, instrument);
  if (outside !== undefined) return outside;

  const { price, volume, time } = cmd;
  if (cmd.feedSeq !== undefined) store.lastFeedSeq = cmd.feedSeq;
  instrument.lastTradedPrice = price;
  if (price > instrument.high) instrument.high = price;
  if (price < instrument.low) instrument.low = price;
  instrument.volume += volume;
  instrument.lastTickAt = time;
  instrument.flexBand(price);
  store.emit({ seq: store.nextSeq(), time, type: "price.tick", symbol: cmd.symbol, price, volume });

  triggerStops(store, instrument, instrument.buyStops, price, time);
  triggerStops(store, instrument, instrument.sellStops, price, time);
  fillCrossedLimits(store, instrument, instrument.buyLimits, price, volume, time);
  fillCrossedLimits(store, instrument, instrument.sellLimits, price, volume, time);
  return { ok: true, events: store.takeEvents(time) };
}

/**
 * Whether a tick at `price` reaches a level of the ladder. Each ladder puts first the level a price
 * move reaches first: BUY limits and SELL stops highest first (reached by a price at or below
 * them), SELL limits and BUY stops lowest first (reached at or above).
 */
function reaches(ladder: PriceLadder<OrderRecord>, levelPrice: number, price: number): boolean {
  return ladder.highestFirst ? levelPrice >= price : levelPrice <= price;
}

/** Every stop whose trigger the price reached, nearest trigger first, earliest first. */
function triggerStops(store: Store, instrument: InstrumentRecord, ladder: PriceLadder<OrderRecord>, price: number, time: Millis): void {
  for (let level = ladder.bestLevel(); level !== undefined && reaches(ladder, level.price, price); level = ladder.bestLevel()) {
    const order = level.head as OrderRecord;
    triggerStop(store, instrument, order, time);
  }
}

/**
 * A triggered SL becomes a LIMIT at its price, an SL_M a MARKET order; both then meet the market
 * as a new order would. An SL_M BUY blocked cash at its trigger; if the market gapped past it and
 * the difference cannot be found, the order is rejected rather than overdrawing the account.
 */
function triggerStop(store: Store, instrument: InstrumentRecord, order: OrderRecord, time: Millis): void {
  store.removeFromBook(order);
  const unfunded =
    order.type === "SL_M" && order.side === "BUY" ? checkMarketBuy(order, instrument.lastTradedPrice, store.chargeRates) : undefined;
  if (unfunded) {
    order.rejectReason = unfunded.code;
    order.rejectMessage = unfunded.message;
    order.triggeredAt = time;
    closeOrder(store, order, "REJECTED", time, "trigger-unfunded", "order.rejected");
    return;
  }
  order.triggeredAt = time;
  store.transition(order, "PLACED", time, "triggered");
  store.emitOrder(order, "order.triggered", time, "triggered");
  executeOnArrival(store, order, instrument, time);
}

/**
 * Crossed resting limits fill from the tick's volume: each account has all of it (accounts never
 * compete), and one account's crossed orders share it, best price first, then earliest.
 */
function fillCrossedLimits(store: Store, instrument: InstrumentRecord, book: LimitBook, price: number, volume: number, time: Millis): void {
  const lot = instrument.spec.lotSize;
  const usable = volume - (volume % lot);
  if (usable === 0) return;
  for (const account of book.takeCrossed(price)) {
    fillAccount(store, book, account, price, usable, time, false);
    book.putBack(account);
  }
}

/**
 * One account's crossed orders share `volume`, best price first, then earliest; each fills at its
 * own limit, or with `atPrice` at `price` (an auction's one price). Answers the volume left.
 */
export function fillAccount(
  store: Store,
  book: LimitBook,
  account: AccountBook,
  price: number,
  volume: number,
  time: Millis,
  atPrice: boolean,
): number {
  let left = volume;
  for (let order = account.best; order !== undefined && left > 0 && book.reaches(order.price as number, price); order = account.best) {
    const quantity = Math.min(order.remaining, left);
    // A whole fill takes the order out of the book; a partial one uses up the volume.
    fill(store, order, quantity, atPrice ? price : (order.price as number), time);
    left -= quantity;
  }
  return left;
}
