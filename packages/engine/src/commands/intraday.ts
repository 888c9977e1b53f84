// Intraday positions: the broker's square-off, and moving a position between products.
//
// The square-off (15:20 on NSE, as brokers run it; a session's close runs it too if it has not run)
// cancels every open intraday order and closes every intraday position with a MARKET order at the
// last price, placed by the broker (`squareOff` on the order, ids `S<n>`), each bearing the
// square-off fee. From then until the next trading day, intraday orders are refused.
//
// A conversion moves part of today's position between products, as Kite's does: MIS to CNC pays
// the shares' cost in full and releases their margin (a long position only: delivery cannot be
// short); CNC to MIS takes shares bought today back onto margin. Charges stay those of the product
// each trade executed under.
import { closeOrder, fill } from "../execution.js";
import { marginFor, setPositionMargin } from "../intraday.js";
import { MAX_ORDER_QUANTITY } from "../limits.js";
import { mulDivRound } from "../money.js";
import { todaysLot, type AccountRecord, type InstrumentRecord, type PositionRecord } from "../records.js";
import { availableCash } from "../risk.js";
import type { Store } from "../store.js";
import type { CommandResult, ConvertPositionCommand, Millis } from "../types.js";
import { refuse, rupees } from "./common.js";

export function squareOff(store: Store, time: Millis): CommandResult {
  if (store.intradayClosed) return refuse("INVALID_COMMAND", "today's intraday square-off has already run");
  squareOffAll(store, time);
  return { ok: true, events: store.takeEvents(time) };
}

/** Closes every intraday order and position (see above). */
export function squareOffAll(store: Store, time: Millis): void {
  store.intradayClosed = true;
  for (const account of store.accounts.values()) {
    for (const position of account.positions.values()) {
      for (const order of [...position.openOrders]) closeOrder(store, order, "CANCELLED", time, "squared-off", "order.cancelled");
      if (position.quantity !== 0) closePosition(store, account, position, time);
    }
  }
  store.emit({ seq: store.nextSeq(), time, type: "session.squared-off" });
}

function closePosition(store: Store, account: AccountRecord, position: PositionRecord, time: Millis): void {
  const instrument = store.instruments.get(position.symbol);
  if (instrument === undefined) throw new Error(`position in unknown instrument ${position.symbol}`);
  const side = position.quantity > 0 ? "SELL" : "BUY";
  const quantity = Math.abs(position.quantity);
  const order = store
    .orderRecord()
    .init(store.nextSquareOffId(), account, null, instrument, side, "MARKET", "DAY", quantity, null, null, time, "PLACED", "squared-off");
  order.product = "MIS";
  order.squareOff = true;
  store.indexOrder(order);
  store.emitOrder(order, "order.accepted", time, "squared-off");
  fill(store, order, quantity, instrument.lastTradedPrice, time);
}

export function convertPosition(store: Store, cmd: ConvertPositionCommand): CommandResult {
  const account = store.account(cmd.userId);
  if (account === undefined) return refuse("UNKNOWN_ACCOUNT", `no account for user ${String(cmd.userId)}`);
  const instrument = typeof cmd.symbol === "string" ? store.instruments.get(cmd.symbol) : undefined;
  if (instrument === undefined) return refuse("UNKNOWN_INSTRUMENT", `no instrument with symbol ${JSON.stringify(cmd.symbol)}`);
  const { from, to, quantity } = cmd;
  if (!((from === "CNC" && to === "MIS") || (from === "MIS" && to === "CNC"))) {
    return refuse("INVALID_COMMAND", "a conversion is from CNC to MIS or from MIS to CNC");
  }
  if (!Number.isSafeInteger(quantity) || quantity <= 0 || quantity > MAX_ORDER_QUANTITY) {
    return refuse("INVALID_QUANTITY", "quantity must be a whole number of shares greater than zero");
  }
  if (quantity % instrument.spec.lotSize !== 0) {
    return refuse("QUANTITY_NOT_MULTIPLE_OF_LOT", `quantity ${quantity} is not a multiple of the lot size ${instrument.spec.lotSize}`);
  }
  const refusal = from === "MIS" ? toDelivery(store, account, instrument, cmd) : toIntraday(store, account, instrument, cmd);
  if (refusal !== undefined) return refusal;
  store.resizeIntradayOrders(account, instrument);
  store.touchFunds(account);
  store.emit({
    seq: store.nextSeq(),
    time: cmd.time,
    type: "position.converted",
    userId: account.userId,
    symbol: cmd.symbol,
    quantity,
    from,
    to,
  });
  return { ok: true, events: store.takeEvents(cmd.time) };
}

/** MIS to CNC: the shares' cost paid in full, their margin released; they join today's delivery buys (T1). */
function toDelivery(
  store: Store,
  account: AccountRecord,
  instrument: InstrumentRecord,
  cmd: ConvertPositionCommand,
): CommandResult | undefined {
  const position = account.positions.get(cmd.symbol);
  if (position === undefined || position.quantity <= 0) {
    return refuse("INSUFFICIENT_HOLDINGS", `no long intraday position in ${cmd.symbol} to convert (a short one cannot become delivery)`);
  }
  let free = position.quantity;
  for (const order of position.openOrders) if (order.side === "SELL") free -= order.remaining;
  if (cmd.quantity > free) {
    return refuse(
      "INSUFFICIENT_HOLDINGS",
      `only ${Math.max(free, 0)} intraday ${cmd.symbol} shares are free to convert (${position.quantity} held, ${position.quantity - Math.max(free, 0)} in open SELL orders)`,
    );
  }
  const cost = cmd.quantity === position.quantity ? position.costBasis : mulDivRound(position.costBasis, cmd.quantity, position.quantity);
  const released = position.margin - marginFor(position.costBasis - cost, instrument);
  const available = availableCash(account);
  if (cost - released > available) {
    return refuse(
      "INSUFFICIENT_FUNDS",
      `delivery of ${cmd.quantity} ${cmd.symbol} costs ${rupees(cost)}, ${rupees(cost - released)} beyond the margin it releases, but only ${rupees(available)} is available`,
    );
  }
  position.quantity -= cmd.quantity;
  position.costBasis -= cost;
  setPositionMargin(account, position, instrument);
  account.cash -= cost;
  const holding = account.getOrCreateHolding(instrument);
  const lot = todaysLot(holding, store.tradingDay);
  holding.quantity += cmd.quantity;
  holding.costBasis += cost;
  holding.boughtToday = lot.quantity + cmd.quantity;
  holding.boughtTodayCost = lot.cost + cost;
  holding.boughtOnDay = store.tradingDay;
  moveActivity(store, account, instrument, cmd, cost);
  return undefined;
}

/** CNC to MIS: shares bought today (and not in open SELL orders) go back onto margin; their cost returns to cash. */
function toIntraday(
  store: Store,
  account: AccountRecord,
  instrument: InstrumentRecord,
  cmd: ConvertPositionCommand,
): CommandResult | undefined {
  if (store.intradayClosed) {
    return refuse("INTRADAY_CLOSED", "intraday positions are closed for today: positions have been squared off");
  }
  const holding = account.holding(instrument);
  if (holding === undefined) return refuse("INSUFFICIENT_HOLDINGS", `no shares of ${cmd.symbol} bought today to convert`);
  const lot = todaysLot(holding, store.tradingDay);
  const free = Math.min(lot.quantity, holding.quantity - holding.reserved);
  if (cmd.quantity > free) {
    return refuse(
      "INSUFFICIENT_HOLDINGS",
      `only ${free} shares of ${cmd.symbol} bought today are free to convert (bought earlier ones are delivery)`,
    );
  }
  const position = account.getOrCreatePosition(cmd.symbol);
  if (position.quantity < 0) return refuse("INSUFFICIENT_HOLDINGS", `the intraday position in ${cmd.symbol} is short: cover it first`);
  // The shares leave the holding at its average cost, as a sale's do (money.ts); today's lot, kept
  // apart for the day's change, gives up its own share of what they cost today. The two differ
  // once older shares were sold at the average: moving today's cost would leave cost behind.
  const cost = cmd.quantity === holding.quantity ? holding.costBasis : mulDivRound(holding.costBasis, cmd.quantity, holding.quantity);
  const lotCost = cmd.quantity === lot.quantity ? lot.cost : mulDivRound(lot.cost, cmd.quantity, lot.quantity);
  holding.quantity -= cmd.quantity;
  holding.costBasis -= cost;
  holding.boughtToday = lot.quantity - cmd.quantity;
  holding.boughtTodayCost = lot.cost - lotCost;
  account.cash += cost;
  position.quantity += cmd.quantity;
  position.costBasis += cost;
  setPositionMargin(account, position, instrument);
  moveActivity(store, account, instrument, cmd, lotCost);
  return undefined;
}

/** The converted buys move between the products' day activity, so positions show them where they now are. */
function moveActivity(store: Store, account: AccountRecord, instrument: InstrumentRecord, cmd: ConvertPositionCommand, cost: number): void {
  const from = account.activityOf(cmd.from, instrument, store.tradingDay);
  const to = account.activityOf(cmd.to, instrument, store.tradingDay);
  from.buyQuantity -= cmd.quantity;
  from.buyValue -= cost;
  to.buyQuantity += cmd.quantity;
  to.buyValue += cost;
}
