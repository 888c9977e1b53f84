// The market's phases and the commands that move it through them, as NSE's day runs:
//
//   closed --startPreOpen--> pre-open --openingAuction--> opening --openSession--> open --closeSession--> closed
//
// In the open market the intraday square-off (`squareOff`, see intraday.ts) ends intraday trading
// for the day; the close runs it if it has not run.
//
// A trading day begins at pre-open (or at the open, for a market without one: `openSession` from
// closed does both): previous close, open, high and low reset, tick sizes and bands reviewed. The
// close expires every open order (all are DAY orders, as IOC never rests) and reviews each band
// from the day's last price, so after-market orders meet the next session's band. Orders placed
// outside the normal market wait for the phase that takes them (see waiting.ts); the opening price
// is set by the auction (see auction.ts).
import { closeOrder } from "../execution.js";
import type { Store } from "../store.js";
import { isOpen } from "../transitions.js";
import type { CommandResult, Millis } from "../types.js";
import { refuse } from "./common.js";
import { enterOpenMarket, enterPreOpen } from "./waiting.js";
import { squareOffAll } from "./intraday.js";

function beginTradingDay(store: Store, time: Millis): void {
  store.tradingDay += 1;
  store.dayBeganAt = time;
  store.intradayClosed = false;
  for (const instrument of store.instruments.values()) {
    instrument.previousClose = instrument.lastTradedPrice;
    instrument.open = instrument.lastTradedPrice;
    instrument.high = instrument.lastTradedPrice;
    instrument.low = instrument.lastTradedPrice;
    instrument.volume = 0;
    instrument.review();
  }
}

export function startPreOpen(store: Store, time: Millis): CommandResult {
  if (store.phase !== "closed") return refuse("INVALID_COMMAND", `pre-open begins from a closed market; the market is ${store.phase}`);
  beginTradingDay(store, time);
  store.phase = "pre-open";
  store.emit({ seq: store.nextSeq(), time, type: "session.pre-open" });
  enterPreOpen(store, time);
  return { ok: true, events: store.takeEvents(time) };
}

export function openSession(store: Store, time: Millis): CommandResult {
  if (store.phase === "open") return refuse("INVALID_COMMAND", "the session is already open");
  if (store.phase === "closed") beginTradingDay(store, time);
  store.phase = "open";
  store.emit({ seq: store.nextSeq(), time, type: "session.opened" });
  enterOpenMarket(store, time);
  return { ok: true, events: store.takeEvents(time) };
}

/**
 * Orders still waiting (placed after the auction, or after-market orders) stay for the next
 * session. Intraday positions are squared off first if the square-off has not run today.
 */
export function closeSession(store: Store, time: Millis): CommandResult {
  if (store.phase === "closed") return refuse("INVALID_COMMAND", "the session is already closed");
  if (!store.intradayClosed) squareOffAll(store, time);
  for (const order of store.orders.values()) {
    if (isOpen(order.state) && order.waitingFor === null) closeOrder(store, order, "EXPIRED", time, "session-closed", "order.expired");
  }
  store.phase = "closed";
  for (const instrument of store.instruments.values()) instrument.review(instrument.lastTradedPrice);
  store.emit({ seq: store.nextSeq(), time, type: "session.closed" });
  return { ok: true, events: store.takeEvents(time) };
}
