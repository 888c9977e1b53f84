// What a basket of orders would hold back if placed now, in order, without placing them: Kite's
// basket margin. Each order is sized as placing it would size it (see risk.ts and intraday.ts),
// with the basket's earlier orders counted as filled: an intraday SELL after an intraday BUY in the
// same basket closes it and holds nothing; a delivery SELL counts the shares earlier ones sell.
import { orderCharges } from "./charges/charges.js";
import { NO_CHARGE_RATES } from "./charges/rates.js";
import { validateOrderInput } from "./commands/order-input.js";
import { intradayHold, marginFor, openingPart } from "./intraday.js";
import type { Paise } from "./money.js";
import { InstrumentRecord, type AccountRecord } from "./records.js";
import { availableCash, blockingPrice, buyChargeBound, freeShares } from "./risk.js";
import type { Store } from "./store.js";
import type { ReasonCode } from "./reasons.js";
import type { OrderInput, Side } from "./types.js";

export interface OrderMargin {
  symbol: string;
  side: Side;
  product: "CNC" | "MIS";
  quantity: number;
  /** The price it is sized at: its limit or trigger, else the last price. */
  price: Paise;
  value: Paise;
  /** Intraday margin for the part that would open a position; a delivery BUY's value. */
  margin: Paise;
  /** The charges of the order filled alone (an estimate; what it blocks for them may be a little more). */
  charges: Paise;
  /** What placing it would hold back: margin or value, and room for its charges. */
  blocked: Paise;
  /** Why it would be refused by itself (a bad price, shares it does not have), or null. */
  refusal: { code: ReasonCode; message: string } | null;
}

export interface BasketMargin {
  orders: OrderMargin[];
  /** What the basket would hold back in all. */
  blocked: Paise;
  available: Paise;
  /** How much more cash the basket needs; 0 when it fits. */
  shortfall: Paise;
}

export function basketMargin(store: Store, account: AccountRecord, inputs: readonly OrderInput[]): BasketMargin {
  // What the basket's earlier orders did: intraday, moved each position; delivery SELLs, took free shares.
  const taken = new Map<string, number>();
  const orders = inputs.map((input) => orderMargin(store, account, input, taken));
  const blocked = orders.reduce((sum, o) => sum + o.blocked, 0);
  const available = availableCash(account);
  return { orders, blocked, available, shortfall: Math.max(0, blocked - available) };
}

function orderMargin(store: Store, account: AccountRecord, input: OrderInput, taken: Map<string, number>): OrderMargin {
  const product = input.product ?? "CNC";
  const instrument = validateOrderInput(input, store);
  const known = instrument instanceof InstrumentRecord ? instrument : store.instruments.get(input.symbol);
  const price = known === undefined ? 0 : blockingPrice(input, known.lastTradedPrice);
  const value = input.quantity * price;
  const base = { symbol: input.symbol, side: input.side, product, quantity: input.quantity, price, value };
  if (!(instrument instanceof InstrumentRecord)) {
    return { ...base, margin: 0, charges: 0, blocked: 0, refusal: { code: instrument.code, message: instrument.message } };
  }
  const rates = store.chargeRates;
  const fill = { symbol: input.symbol, side: input.side, product, exchange: instrument.spec.exchange, value };
  const charges = orderCharges(fill, rates ?? NO_CHARGE_RATES).total;
  const key = `${product}:${input.symbol}`;
  const before = taken.get(key) ?? 0;
  const signed = input.side === "BUY" ? input.quantity : -input.quantity;
  if (product === "MIS") {
    taken.set(key, before + signed);
    const opening = openingPart(account, instrument, input.side, input.quantity, before);
    const blocked = intradayHold(input.side, input.quantity, opening, price, instrument, rates);
    return { ...base, margin: marginFor(opening * price, instrument), charges, blocked, refusal: null };
  }
  if (input.side === "BUY")
    return { ...base, margin: value, charges, blocked: value + buyChargeBound(value, instrument, rates), refusal: null };
  taken.set(key, before + input.quantity);
  const free = freeShares(account, instrument) - before;
  const refusal =
    input.quantity > free
      ? {
          code: "INSUFFICIENT_HOLDINGS" as const,
          message: `selling ${input.quantity} ${input.symbol} needs that many free shares; ${Math.max(free, 0)} are free`,
        }
      : null;
  return { ...base, margin: 0, charges, blocked: 0, refusal };
}
