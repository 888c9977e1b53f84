// Orders the market cannot take yet. Which phase takes which order (NSE's rules, as brokers apply
// them to after-market orders):
//   pre-open order entry (09:00-09:08): LIMIT and MARKET DAY orders, for the opening auction;
//   the normal market (09:15-15:30): every order.
// An order placed while its phase is not on is accepted and waits, holding its cash or shares as
// any open order does, and enters at the next phase that takes it. An order placed while the market
// is closed, or one pre-open does not take, is an after-market order (AMO); a MARKET order placed in
// pre-open waits for the opening auction. On entering, an order meets the checks a new order meets
// then (its prices within the day's band, a stop's trigger on the right side of the market, a
// MARKET BUY's cash at the price it meets), and is rejected if it fails them.
import type { ChargeRates } from "../charges/rates.js";
import { closeOrder, executeOnArrival } from "../execution.js";
import type { Paise } from "../money.js";
import type { OrderRecord } from "../order-record.js";
import type { InstrumentRecord } from "../records.js";
import { checkMarketBuy } from "../risk.js";
import type { Store } from "../store.js";
import type { MarketPhase, Millis, OrderInput, Refused, WaitingFor } from "../types.js";
import { checkBand, checkStopPrices } from "./order-input.js";

function takenInPreOpen(input: Pick<OrderInput, "type" | "validity">): boolean {
  return (input.type === "LIMIT" || input.type === "MARKET") && input.validity === "DAY";
}

/** What a new order placed in `phase` waits for; null when it meets the market (or the pre-open book) at once. */
export function waitingForOf(phase: MarketPhase, input: Pick<OrderInput, "type" | "validity">): WaitingFor | null {
  switch (phase) {
    case "open":
      return null;
    case "pre-open":
      if (!takenInPreOpen(input)) return "open";
      return input.type === "MARKET" ? "auction" : null;
    case "opening":
      return "open";
    case "closed":
      return takenInPreOpen(input) ? "pre-open" : "open";
  }
}

/** Whether an order waiting for `what` is an after-market order. */
export function isAfterMarket(what: WaitingFor | null): boolean {
  return what === "pre-open" || what === "open";
}

/**
 * The price a waiting MARKET BUY blocks cash at: the most it can cost, the upper end of the band it
 * will meet (after the close, the next session's); without a band, the last price (checked again
 * when it enters).
 */
export function waitingBlockPrice(instrument: InstrumentRecord): Paise {
  return instrument.band?.upper ?? instrument.lastTradedPrice;
}

/** An accepted order where it belongs now: waiting, in the pre-open book, or meeting the market. */
export function routeAccepted(store: Store, order: OrderRecord, time: Millis): void {
  if (order.waitingFor !== null || order.isPendingStop || !store.marketOpen) {
    store.updateReserve(order);
    // Outside the normal market a LIMIT order in the book rests untouched (pre-open orders until the
    // auction; one modified before the open until a tick reaches it): nothing trades there.
    if (order.waitingFor === null && order.ladderLevel === null) store.addToBook(order);
    return;
  }
  executeOnArrival(store, order, order.instrument, time);
}

/** Pre-open begins: the after-market orders waiting for it enter, LIMITs into the book, MARKETs to wait for the auction. */
export function enterPreOpen(store: Store, time: Millis): void {
  for (const order of [...store.waiting]) {
    if (order.waitingFor !== "pre-open") continue;
    const refusal = order.price === null ? undefined : checkBand("price", order.price, order.instrument);
    if (refusal !== undefined) {
      rejectOnEntry(store, order, refusal, time);
      continue;
    }
    if (order.type === "MARKET") order.waitingFor = "auction";
    else store.stopWaiting(order);
    announceEntry(store, order, time);
    if (order.waitingFor === null) store.addToBook(order);
  }
}

/** The normal market opens: every waiting order enters it, earliest first. */
export function enterOpenMarket(store: Store, time: Millis): void {
  for (const order of [...store.waiting]) {
    store.stopWaiting(order);
    const refusal = entryRefusal(order, store.chargeRates);
    if (refusal !== undefined) {
      rejectOnEntry(store, order, refusal, time);
      continue;
    }
    announceEntry(store, order, time);
    if (order.isPendingStop) store.addToBook(order);
    else executeOnArrival(store, order, order.instrument, time);
  }
}

/** The checks a waiting order meets as it enters the normal market. */
function entryRefusal(order: OrderRecord, rates: ChargeRates | null): Refused | undefined {
  const instrument = order.instrument;
  if (order.price !== null) {
    const outside = checkBand("price", order.price, instrument);
    if (outside !== undefined) return outside;
  }
  if (order.isPendingStop && order.triggerPrice !== null) {
    const trigger = checkBand("trigger price", order.triggerPrice, instrument);
    if (trigger !== undefined) return trigger;
    const stop = checkStopPrices(order.side, order.triggerPrice, order.type === "SL" ? order.price : null, instrument);
    if (stop !== undefined) return stop;
  }
  if (order.type === "MARKET" && order.side === "BUY") return checkMarketBuy(order, instrument.lastTradedPrice, rates);
  return undefined;
}

function announceEntry(store: Store, order: OrderRecord, time: Millis): void {
  store.transition(order, order.state, time, "entered");
  store.emitOrder(order, "order.entered", time, "entered");
}

export function rejectOnEntry(store: Store, order: OrderRecord, refusal: Refused, time: Millis): void {
  order.rejectReason = refusal.code;
  order.rejectMessage = refusal.message;
  closeOrder(store, order, "REJECTED", time, "entry-rejected", "order.rejected");
}
