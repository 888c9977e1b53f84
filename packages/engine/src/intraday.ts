// Intraday (MIS) trading: margin, positions, and what open intraday orders hold back.
//
// An MIS position is paid for with margin, not its value: it holds what it cost to open divided by
// the instrument's leverage (rounded up to the paisa), and closing it moves only what it realized
// into cash. A short sale opens a position like a purchase does. An open MIS order holds margin (and
// room for its charges) for the part of it that would open or grow a position; the part that would
// close one (a SELL against a long, a BUY against a short) holds nothing, so a trader can always
// exit. The position's open quantity goes to its closing orders oldest first, so a fill, a
// modification or a closed order can move that split: every open intraday order of the instrument
// is re-sized then (`resizeIntradayOrders`). Such a re-sizing is never refused: at worst, margin
// moves from an order that filled to one still open.
import { chargeBound } from "./charges/charges.js";
import type { ChargeRates } from "./charges/rates.js";
import { mulDivRound, type Paise } from "./money.js";
import type { OrderRecord } from "./order-record.js";
import type { AccountRecord, InstrumentRecord, PositionRecord } from "./records.js";
import type { Side } from "./types.js";

/** 5×: an intraday position holds 20 % of its value as margin (see `InstrumentSpec.intradayLeverage`). */
export const DEFAULT_INTRADAY_LEVERAGE = 5;
/** The most leverage an instrument may give. */
export const MAX_INTRADAY_LEVERAGE = 100;

export function leverageOf(instrument: InstrumentRecord): number {
  return instrument.spec.intradayLeverage ?? DEFAULT_INTRADAY_LEVERAGE;
}

/** The margin a position or order of `value` holds. */
export function marginFor(value: Paise, instrument: InstrumentRecord): Paise {
  const leverage = leverageOf(instrument);
  return Math.floor((value + leverage - 1) / leverage);
}

/** What an intraday order of `quantity` at `price` holds back when `opening` of it would open a position. */
export function intradayHold(
  side: Side,
  quantity: number,
  opening: number,
  price: Paise,
  instrument: InstrumentRecord,
  rates: ChargeRates | null,
): Paise {
  if (opening === 0) return 0;
  const charges =
    rates === null ? 0 : chargeBound({ side, product: "MIS", exchange: instrument.spec.exchange, value: quantity * price }, rates);
  return marginFor(opening * price, instrument) + charges;
}

/** What orders on `side` can close of a position of `quantity`: a SELL closes a long, a BUY a short. */
function closable(quantity: number, side: Side): number {
  return side === "SELL" ? Math.max(quantity, 0) : Math.max(-quantity, 0);
}

/**
 * The part of a new intraday order that would open or grow a position: what the position's open
 * quantity (moved by `filled`: a basket's earlier orders, as if filled), less what the account's
 * open orders on the same side already close, cannot absorb.
 */
export function openingPart(account: AccountRecord, instrument: InstrumentRecord, side: Side, quantity: number, filled = 0): number {
  const position = account.positions.get(instrument.spec.symbol);
  let left = closable((position?.quantity ?? 0) + filled, side);
  for (const order of position?.openOrders ?? []) if (order.side === side) left -= order.remaining;
  return quantity - Math.min(quantity, Math.max(left, 0));
}

/**
 * What each open intraday order of the position holds back, in the order placed; `change` sizes one
 * of them as modified (its new remaining quantity and price) instead of as it is.
 */
export function intradayHolds(
  position: PositionRecord,
  instrument: InstrumentRecord,
  rates: ChargeRates | null,
  change?: { order: OrderRecord; remaining: number; price: Paise },
): Map<OrderRecord, Paise> {
  const left = { SELL: closable(position.quantity, "SELL"), BUY: closable(position.quantity, "BUY") };
  const holds = new Map<OrderRecord, Paise>();
  for (const order of position.openOrders) {
    const remaining = change?.order === order ? change.remaining : order.remaining;
    const price = change?.order === order ? change.price : order.reservePrice;
    const closing = Math.min(remaining, left[order.side]);
    left[order.side] -= closing;
    holds.set(order, intradayHold(order.side, remaining, remaining - closing, price, instrument, rates));
  }
  return holds;
}

/** The sum of what the position's open orders hold back. */
export function totalHold(holds: ReadonlyMap<OrderRecord, Paise>): Paise {
  let total = 0;
  for (const hold of holds.values()) total += hold;
  return total;
}

/** Sets the margin a position holds from its cost, keeping the account's total in step. */
export function setPositionMargin(account: AccountRecord, position: PositionRecord, instrument: InstrumentRecord): void {
  const margin = marginFor(position.costBasis, instrument);
  account.marginUsed += margin - position.margin;
  position.margin = margin;
}

/**
 * An intraday fill of `quantity` at `price` on `side`: first it closes what it can of the opposite
 * position (realizing the difference from its average cost into cash), then it opens the rest.
 */
export function fillPosition(account: AccountRecord, instrument: InstrumentRecord, side: Side, quantity: number, price: Paise): void {
  const position = account.getOrCreatePosition(instrument.spec.symbol);
  const open = Math.abs(position.quantity);
  const closing = side === "BUY" ? Math.min(quantity, Math.max(-position.quantity, 0)) : Math.min(quantity, Math.max(position.quantity, 0));
  if (closing > 0) {
    const costRemoved = closing === open ? position.costBasis : mulDivRound(position.costBasis, closing, open);
    const value = closing * price;
    const realized = side === "SELL" ? value - costRemoved : costRemoved - value;
    position.costBasis -= costRemoved;
    position.realizedPnl += realized;
    position.quantity += side === "BUY" ? closing : -closing;
    account.cash += realized;
  }
  const opening = quantity - closing;
  if (opening > 0) {
    position.quantity += side === "BUY" ? opening : -opening;
    position.costBasis += opening * price;
  }
  setPositionMargin(account, position, instrument);
}
