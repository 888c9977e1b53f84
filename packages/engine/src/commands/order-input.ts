// The checks of what an order says, before anyone's money is looked at: its shape, its quantity
// against the lot size, its prices against the tick size and the market.
import { MAX_ID_LENGTH, MAX_ORDER_QUANTITY } from "../limits.js";
import { nearestTicks, type Paise } from "../money.js";
import type { InstrumentRecord } from "../records.js";
import { checkOrderValue } from "../risk.js";
import type { Store } from "../store.js";
import type { OrderInput, Refused } from "../types.js";
import { isValidId, refuse, rupees } from "./common.js";

/** Checks a price that must sit on the instrument's tick size; undefined when it does. */
export function checkPrice(label: string, value: unknown, instrument: InstrumentRecord): Refused | undefined {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    return refuse("INVALID_PRICE", `${label} must be a positive amount in paise`);
  }
  const tick = instrument.tickSize;
  const nearest = nearestTicks(value, tick);
  if (nearest !== null) {
    return refuse(
      "PRICE_NOT_ON_TICK",
      `${label} ${rupees(value)} is not a multiple of the tick size ${rupees(tick)} for ${instrument.spec.symbol}; ` +
        `nearest allowed prices are ${rupees(nearest.below)} and ${rupees(nearest.above)}`,
    );
  }
  return checkBand(label, value, instrument);
}

/** Refuses a price outside the instrument's band today, saying what the band is. */
export function checkBand(label: string, value: number, instrument: InstrumentRecord): Refused | undefined {
  const band = instrument.band;
  if (band === null || (value >= band.lower && value <= band.upper)) return undefined;
  return refuse(
    "PRICE_OUTSIDE_BAND",
    `${label} ${rupees(value)} is outside today's price band for ${instrument.spec.symbol}: ${rupees(band.lower)} to ${rupees(band.upper)}`,
  );
}

export function checkQuantity(quantity: unknown, instrument: InstrumentRecord): Refused | undefined {
  if (typeof quantity !== "number" || !Number.isSafeInteger(quantity) || quantity <= 0) {
    return refuse("INVALID_QUANTITY", "quantity must be a whole number of shares greater than zero");
  }
  if (quantity > MAX_ORDER_QUANTITY) {
    return refuse("INVALID_QUANTITY", `quantity must be at most ${MAX_ORDER_QUANTITY.toLocaleString("en-IN")} shares`);
  }
  const lot = instrument.spec.lotSize;
  if (quantity % lot !== 0) {
    return refuse(
      "QUANTITY_NOT_MULTIPLE_OF_LOT",
      `quantity ${quantity} is not a multiple of the lot size ${lot} for ${instrument.spec.symbol}`,
    );
  }
  return undefined;
}

/**
 * Where a stop's trigger must sit: a BUY stop above the market (it protects against a rise), a
 * SELL stop below it; and a stop-limit's price on the far side of its trigger.
 */
export function checkStopPrices(
  side: "BUY" | "SELL",
  trigger: Paise,
  limit: Paise | null,
  instrument: InstrumentRecord,
): Refused | undefined {
  const ltp = instrument.lastTradedPrice;
  if (side === "BUY" && trigger <= ltp) {
    return refuse(
      "INVALID_TRIGGER_PRICE",
      `a BUY stop's trigger must be above the last traded price ${rupees(ltp)}; got ${rupees(trigger)}`,
    );
  }
  if (side === "SELL" && trigger >= ltp) {
    return refuse(
      "INVALID_TRIGGER_PRICE",
      `a SELL stop's trigger must be below the last traded price ${rupees(ltp)}; got ${rupees(trigger)}`,
    );
  }
  if (limit !== null && side === "BUY" && limit < trigger) {
    return refuse("INVALID_PRICE", `a BUY stop-limit's price must be at or above its trigger ${rupees(trigger)}`);
  }
  if (limit !== null && side === "SELL" && limit > trigger) {
    return refuse("INVALID_PRICE", `a SELL stop-limit's price must be at or below its trigger ${rupees(trigger)}`);
  }
  return undefined;
}

/** Validates the shape and prices of an order; answers its instrument, or the refusal. */
export function validateOrderInput(input: OrderInput, store: Store): Refused | InstrumentRecord {
  if (typeof input !== "object" || input === null) return refuse("INVALID_ORDER", "order is missing");
  const { side, type, validity } = input as { side: unknown; type: unknown; validity: unknown };
  // Spelled out rather than SIDES.includes(...): this runs for every order.
  if (side !== "BUY" && side !== "SELL") return refuse("INVALID_ORDER", "side must be BUY or SELL");
  if (type !== "MARKET" && type !== "LIMIT" && type !== "SL" && type !== "SL_M") {
    return refuse("INVALID_ORDER", "type must be MARKET, LIMIT, SL or SL_M");
  }
  if (validity !== "DAY" && validity !== "IOC") return refuse("INVALID_ORDER", "validity must be DAY or IOC");
  const product = (input as { product?: unknown }).product;
  if (product !== undefined && product !== "CNC" && product !== "MIS") return refuse("INVALID_ORDER", "product must be CNC or MIS");
  if (input.clientOrderId !== undefined && !isValidId(input.clientOrderId)) {
    return refuse("INVALID_ORDER", `clientOrderId must be 1 to ${MAX_ID_LENGTH} characters`);
  }
  const instrument = typeof input.symbol === "string" ? store.instruments.get(input.symbol) : undefined;
  if (instrument === undefined) {
    return refuse("UNKNOWN_INSTRUMENT", `no instrument with symbol ${JSON.stringify(input.symbol)}`);
  }
  const quantityError = checkQuantity(input.quantity, instrument);
  if (quantityError) return quantityError;

  const fields = input as { price?: unknown; triggerPrice?: unknown };
  const needsPrice = input.type === "LIMIT" || input.type === "SL";
  const needsTrigger = input.type === "SL" || input.type === "SL_M";
  if (needsPrice && fields.price === undefined) return refuse("INVALID_ORDER", `a ${input.type} order needs a price`);
  if (!needsPrice && fields.price !== undefined) {
    return refuse("INVALID_ORDER", `a ${input.type} order takes no price`);
  }
  if (needsTrigger && fields.triggerPrice === undefined) {
    return refuse("INVALID_ORDER", `a ${input.type} order needs a trigger price`);
  }
  if (!needsTrigger && fields.triggerPrice !== undefined) {
    return refuse("INVALID_ORDER", `a ${input.type} order takes no trigger price`);
  }
  if (needsPrice) {
    const priceError = checkPrice("price", fields.price, instrument);
    if (priceError) return priceError;
  }
  if (needsTrigger) {
    const triggerError = checkPrice("trigger price", fields.triggerPrice, instrument);
    if (triggerError) return triggerError;
    const limit = needsPrice ? (fields.price as Paise) : null;
    const stopError = checkStopPrices(input.side, fields.triggerPrice as Paise, limit, instrument);
    if (stopError) return stopError;
  }
  const sizingPrice = needsPrice ? (fields.price as Paise) : needsTrigger ? (fields.triggerPrice as Paise) : instrument.lastTradedPrice;
  return checkOrderValue(input.quantity, sizingPrice) ?? instrument;
}
