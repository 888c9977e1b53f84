// The session: the market opens (a new trading day's open, high and low) and closes (every open
// order is a DAY order, as IOC never rests, so every one expires).
import { closeOrder } from "../execution.js";
import type { Store } from "../store.js";
import { isOpen } from "../transitions.js";
import type { CommandResult, Millis } from "../types.js";
import { refuse } from "./common.js";

export function openSession(store: Store, time: Millis): CommandResult {
  if (store.marketOpen) return refuse("INVALID_COMMAND", "the session is already open");
  store.marketOpen = true;
  store.tradingDay += 1;
  for (const instrument of store.instruments.values()) {
    instrument.previousClose = instrument.lastTradedPrice;
    instrument.open = instrument.lastTradedPrice;
    instrument.high = instrument.lastTradedPrice;
    instrument.low = instrument.lastTradedPrice;
    instrument.volume = 0;
    instrument.review();
  }
  store.emit({ seq: store.nextSeq(), time, type: "session.opened" });
  return { ok: true, events: store.takeEvents(time) };
}

export function closeSession(store: Store, time: Millis): CommandResult {
  if (!store.marketOpen) return refuse("INVALID_COMMAND", "the session is already closed");
  for (const order of store.orders.values()) {
    if (isOpen(order.state)) closeOrder(store, order, "EXPIRED", time, "session-closed", "order.expired");
  }
  store.marketOpen = false;
  store.emit({ seq: store.nextSeq(), time, type: "session.closed" });
  return { ok: true, events: store.takeEvents(time) };
}
