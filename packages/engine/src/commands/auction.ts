// The opening auction (NSE's pre-open call auction, 09:08). The exchange finds the price at which
// the most shares trade among the orders collected in pre-open; here the market outside (the
// simulated feed) brings that price, and paper orders take it without moving it, as every paper
// order takes the market's ticks. At each instrument's opening price, each account's pre-open
// orders fill from the auction's volume (each account has all of it, as with a tick): MARKET orders
// first, earliest first, then the LIMIT orders the price crosses, best price first; every fill is
// at the one opening price. A MARKET order the volume does not fill waits for the normal market;
// LIMIT orders the price does not cross stay in the book.
import { fill } from "../execution.js";
import type { AccountRecord, InstrumentRecord } from "../records.js";
import { checkMarketBuy } from "../risk.js";
import type { Store } from "../store.js";
import type { CommandResult, Millis, OpeningAuctionCommand, OpeningPrice, Refused } from "../types.js";
import { refuse } from "./common.js";
import { checkBand } from "./order-input.js";
import { fillAccount } from "./ticks.js";
import { rejectOnEntry } from "./waiting.js";

export function openingAuction(store: Store, cmd: OpeningAuctionCommand): CommandResult {
  if (store.phase !== "pre-open") return refuse("INVALID_COMMAND", `the opening auction ends pre-open; the market is ${store.phase}`);
  const refusal = checkOpeningPrices(store, cmd.prices);
  if (refusal !== undefined) return refusal;
  store.phase = "opening";
  store.emit({ seq: store.nextSeq(), time: cmd.time, type: "session.auction" });
  for (const { symbol, price, volume } of cmd.prices) {
    openAt(store, store.instruments.get(symbol) as InstrumentRecord, price, volume, cmd.time);
  }
  for (const order of store.waiting) if (order.waitingFor === "auction") order.waitingFor = "open";
  return { ok: true, events: store.takeEvents(cmd.time) };
}

/** Every price is checked before any is applied: a bad one refuses the whole command. */
function checkOpeningPrices(store: Store, prices: unknown): Refused | undefined {
  if (!Array.isArray(prices)) return refuse("INVALID_COMMAND", "prices must be a list of { symbol, price, volume }");
  const seen = new Set<string>();
  for (const entry of prices as OpeningPrice[]) {
    const instrument = typeof entry?.symbol === "string" ? store.instruments.get(entry.symbol) : undefined;
    if (instrument === undefined) return refuse("UNKNOWN_INSTRUMENT", `no instrument with symbol ${JSON.stringify(entry?.symbol)}`);
    if (seen.has(entry.symbol)) return refuse("INVALID_COMMAND", `${entry.symbol} has two opening prices`);
    seen.add(entry.symbol);
    if (!Number.isSafeInteger(entry.price) || entry.price <= 0)
      return refuse("INVALID_PRICE", "opening price must be a positive amount in paise");
    if (entry.price % instrument.tickSize !== 0) {
      return refuse("PRICE_NOT_ON_TICK", `opening price is not a multiple of the tick size for ${entry.symbol}`);
    }
    if (!Number.isSafeInteger(entry.volume) || entry.volume < 0) {
      return refuse("INVALID_QUANTITY", "opening volume must be a whole number of shares, zero or more");
    }
    const outside = checkBand("opening price", entry.price, instrument);
    if (outside !== undefined) return outside;
  }
  return undefined;
}

function openAt(store: Store, instrument: InstrumentRecord, price: number, volume: number, time: Millis): void {
  instrument.lastTradedPrice = price;
  instrument.open = price;
  instrument.high = price;
  instrument.low = price;
  instrument.volume += volume;
  instrument.lastTickAt = time;
  instrument.flexBand(price);
  store.emit({ seq: store.nextSeq(), time, type: "price.tick", symbol: instrument.spec.symbol, price, volume });

  const usable = volume - (volume % instrument.spec.lotSize);
  const left = { BUY: new Map<AccountRecord, number>(), SELL: new Map<AccountRecord, number>() };
  fillMarketOrders(store, instrument, price, usable, left, time);
  for (const book of [instrument.buyLimits, instrument.sellLimits]) {
    const side = book === instrument.buyLimits ? left.BUY : left.SELL;
    for (const accountBook of book.takeCrossed(price)) {
      const account = (accountBook.best as { account: AccountRecord }).account;
      fillAccount(store, book, accountBook, price, side.get(account) ?? usable, time, true);
      book.putBack(accountBook);
    }
  }
}

/** The MARKET orders waiting for this auction, earliest first, each from its account's volume on its side. */
function fillMarketOrders(
  store: Store,
  instrument: InstrumentRecord,
  price: number,
  usable: number,
  left: Record<"BUY" | "SELL", Map<AccountRecord, number>>,
  time: Millis,
): void {
  for (const order of [...store.waiting]) {
    if (order.waitingFor !== "auction" || order.instrument !== instrument) continue;
    const have = left[order.side].get(order.account) ?? usable;
    if (have === 0) continue;
    const unfunded = order.side === "BUY" ? checkMarketBuy(order, price, store.chargeRates) : undefined;
    if (unfunded !== undefined) {
      rejectOnEntry(store, order, unfunded, time);
      continue;
    }
    const quantity = Math.min(order.remaining, have);
    if (quantity === order.remaining) store.stopWaiting(order);
    else order.waitingFor = "open";
    fill(store, order, quantity, price, time);
    left[order.side].set(order.account, have - quantity);
  }
}
