// Risk: what an account can pay for and deliver. Every check of cash, margin and shares before an
// order is accepted, changed or triggered is made here (intraday margin itself: intraday.ts).
import { refuse, rupees } from "./commands/common.js";
import type { Paise } from "./money.js";
import type { OrderRecord } from "./order-record.js";
import type { AccountRecord, InstrumentRecord } from "./records.js";
import type { OrderInput, Refused } from "./types.js";
import { chargeBound } from "./charges/charges.js";
import type { ChargeRates } from "./charges/rates.js";
import { intradayHold, intradayHolds, leverageOf, openingPart, totalHold } from "./intraday.js";

/**
 * The charges a BUY of `value` blocks cash for beside its value, so its fills can always pay them
 * (none without rates). Delivery (CNC) until orders carry a product.
 */
export function buyChargeBound(value: Paise, instrument: InstrumentRecord, rates: ChargeRates | null): Paise {
  return rates === null ? 0 : chargeBound({ side: "BUY", product: "CNC", exchange: instrument.spec.exchange, value }, rates);
}

/** What a BUY needs: its value, and room for its charges. */
interface BuyNeeds {
  value: Paise;
  charges: Paise;
  needed: Paise;
}

function buyNeeds(value: Paise, instrument: InstrumentRecord, rates: ChargeRates | null): BuyNeeds {
  const charges = buyChargeBound(value, instrument, rates);
  return { value, charges, needed: value + charges };
}

/** A BUY's needs in words, for a refusal (only then: most BUYs are not refused). */
function needsText({ value, charges, needed }: BuyNeeds): string {
  return charges === 0 ? rupees(value) : `${rupees(needed)} (${rupees(value)} and up to ${rupees(charges)} of charges)`;
}

/** Cash the account can still commit: less what orders block and positions hold as margin; `order`'s own blocked cash counts as available to it. */
export function availableCash(account: AccountRecord, order?: OrderRecord): Paise {
  return account.cash - account.blocked - account.marginUsed + (order?.reserved ?? 0);
}

/** Shares held and not promised to open SELL orders; `order`'s own reserved shares count as free to it. */
export function freeShares(account: AccountRecord, instrument: InstrumentRecord, order?: OrderRecord): number {
  const holding = account.holding(instrument);
  return holding === undefined ? 0 : holding.quantity - holding.reserved + (order?.reserved ?? 0);
}

/**
 * Refuses an order whose value (or twice it, as a fill adds it to one total and takes it from
 * another) would leave the range where whole paise are exact.
 */
export function checkOrderValue(quantity: number, unitPrice: Paise): Refused | undefined {
  return Number.isSafeInteger(quantity * unitPrice * 2) ? undefined : refuse("INVALID_QUANTITY", "order value is too large");
}

/** The price a BUY blocks cash at: its limit, a stop-market's trigger, or `marketPrice` for a MARKET order. */
export function blockingPrice(input: OrderInput, marketPrice: Paise): Paise {
  return input.type === "MARKET" ? marketPrice : input.type === "SL_M" ? input.triggerPrice : input.price;
}

/**
 * The cash a new BUY must find available, or the shares a new SELL must find free. A MARKET BUY
 * blocks at `marketPrice`: the last price, or for one that waits, its block price.
 */
export function checkPlacement(
  account: AccountRecord,
  input: OrderInput,
  instrument: InstrumentRecord,
  rates: ChargeRates | null,
  marketPrice: Paise = instrument.lastTradedPrice,
): Refused | undefined {
  if (input.product === "MIS") return checkIntradayPlacement(account, input, instrument, rates, marketPrice);
  if (input.side === "BUY") {
    const needs = buyNeeds(input.quantity * blockingPrice(input, marketPrice), instrument, rates);
    const available = availableCash(account);
    if (needs.needed > available) {
      return refuse(
        "INSUFFICIENT_FUNDS",
        `buying ${input.quantity} ${input.symbol} needs ${needsText(needs)} but only ${rupees(available)} is available`,
      );
    }
    return undefined;
  }
  const free = freeShares(account, instrument);
  if (input.quantity > free) {
    return refuse(
      "INSUFFICIENT_HOLDINGS",
      `selling ${input.quantity} ${input.symbol} needs that many free shares but you hold ${free} not already in open SELL orders (no short selling)`,
    );
  }
  return undefined;
}

/** An intraday order: margin (and room for charges) for the part that would open a position. */
function checkIntradayPlacement(
  account: AccountRecord,
  input: OrderInput,
  instrument: InstrumentRecord,
  rates: ChargeRates | null,
  marketPrice: Paise,
): Refused | undefined {
  const price = blockingPrice(input, marketPrice);
  const opening = openingPart(account, instrument, input.side, input.quantity);
  const needed = intradayHold(input.side, input.quantity, opening, price, instrument, rates);
  const available = availableCash(account);
  if (needed <= available) return undefined;
  const verb = input.side === "BUY" ? "buying" : "selling";
  return refuse(
    "INSUFFICIENT_FUNDS",
    `${verb} ${input.quantity} ${input.symbol} intraday needs ${rupees(needed)} of margin and charges ` +
      `(1/${leverageOf(instrument)} of ${rupees(opening * price)}) but only ${rupees(available)} is available`,
  );
}

/** An intraday order modified: what the instrument's open intraday orders hold, after less before. */
function checkIntradayModification(
  order: OrderRecord,
  remaining: number,
  unitPrice: Paise,
  rates: ChargeRates | null,
): Refused | undefined {
  const tooLarge = checkOrderValue(remaining, unitPrice);
  if (tooLarge) return tooLarge;
  const position = order.account.getOrCreatePosition(order.symbol);
  const before = totalHold(intradayHolds(position, order.instrument, rates));
  const after = totalHold(intradayHolds(position, order.instrument, rates, { order, remaining, price: unitPrice }));
  const available = availableCash(order.account);
  if (after - before <= available) return undefined;
  return refuse(
    "INSUFFICIENT_FUNDS",
    `the modified order needs ${rupees(after - before)} more margin but only ${rupees(available)} is available`,
  );
}

/**
 * What an open order changed to `remaining` shares at `unitPrice` must find: only what it adds to
 * what it holds back already.
 */
export function checkModification(order: OrderRecord, remaining: number, unitPrice: Paise, rates: ChargeRates | null): Refused | undefined {
  if (order.product === "MIS") return checkIntradayModification(order, remaining, unitPrice, rates);
  if (order.side === "BUY") {
    const tooLarge = checkOrderValue(remaining, unitPrice);
    if (tooLarge) return tooLarge;
    const needs = buyNeeds(remaining * unitPrice, order.instrument, rates);
    const available = availableCash(order.account, order);
    if (needs.needed > available) {
      return refuse(
        "INSUFFICIENT_FUNDS",
        `the modified order needs ${needsText(needs)} blocked but only ${rupees(available)} is available to it`,
      );
    }
    return undefined;
  }
  const free = freeShares(order.account, order.instrument, order);
  if (remaining > free) {
    return refuse("INSUFFICIENT_HOLDINGS", `the modified order needs ${remaining} free shares but only ${free} are free`);
  }
  return undefined;
}

/**
 * A BUY that meets the market at a price it did not block cash at: a triggered SL-M (blocked at
 * its trigger, the market may have gapped past it) or a waiting MARKET order entering the market.
 * The refusal when the difference cannot be found. An intraday order is not refused for a gap: it
 * is most often a stop that exits a position, and its margin is re-sized as it fills.
 */
export function checkMarketBuy(order: OrderRecord, marketPrice: Paise, rates: ChargeRates | null): Refused | undefined {
  if (order.product === "MIS") return undefined;
  const needs = buyNeeds(order.remaining * marketPrice, order.instrument, rates);
  const available = availableCash(order.account, order);
  if (needs.needed <= available) return undefined;
  const what = order.isPendingStop ? "stop triggered" : `${order.type} order meeting the market`;
  return refuse(
    "INSUFFICIENT_FUNDS",
    `${what} at ${rupees(marketPrice)}: buying ${order.remaining} needs ${needsText(needs)} and only ${rupees(available)} is available`,
  );
}
