// The zod schemas for what people type: the server validates requests with them, the web form
// validates inline with them, the CLI parses arguments with them. Prices here are decimal rupees;
// `toEngineOrder` turns a parsed request into the engine's paise.
import { z } from "zod";
import { PRODUCTS } from "./charges/rates.js";
import { rupeesToPaise } from "./money.js";
import { ORDER_TYPES, SIDES, VALIDITIES, type OrderInput } from "./types.js";
import { MAX_ID_LENGTH, MAX_ORDER_QUANTITY, SYMBOL_PATTERN } from "./limits.js";
import { CANDLE_INTERVALS, type CandleInterval } from "./candles.js";

export const symbolSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(20, "is at most 20 characters")
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(SYMBOL_PATTERN, "may hold only letters, digits, &, _ and -"));

export const sideSchema = z.enum(SIDES, { error: "must be BUY or SELL" });
export const orderTypeSchema = z.enum(ORDER_TYPES, { error: "must be MARKET, LIMIT, SL or SL_M" });
export const validitySchema = z.enum(VALIDITIES, { error: "must be DAY or IOC" });
export const productSchema = z.enum(PRODUCTS, { error: "must be CNC (delivery) or MIS (intraday)" });

const candleIntervals = Object.keys(CANDLE_INTERVALS) as [CandleInterval, ...CandleInterval[]];
export const candleIntervalSchema = z.enum(candleIntervals, { error: `must be one of ${candleIntervals.join(", ")}` });

/** A fresh quantity schema (a new instance, for tools that annotate or alter schemas in place). */
export const makeQuantitySchema = () =>
  z
    .number({ error: (issue) => (issue.input === undefined ? "is required" : "must be a number of shares") })
    .int("must be a whole number of shares")
    .positive("must be greater than zero")
    .max(MAX_ORDER_QUANTITY, `must be at most ${MAX_ORDER_QUANTITY.toLocaleString("en-IN")}`);
export const quantitySchema = makeQuantitySchema();

/** A price in rupees: positive, with at most two decimals (whole paise). A fresh instance each call. */
export const makeRupeePriceSchema = () =>
  z
    .number({ error: (issue) => (issue.input === undefined ? "is required" : "must be a number in rupees") })
    .positive({ message: "must be greater than zero", abort: true })
    // Past the range, a value's decimals are beside the point (and a huge one never has exact paise).
    .max(10_000_000, { message: "must be at most ₹1,00,00,000", abort: true })
    .refine((v) => rupeesToPaise(v) !== undefined, "must have at most two decimals (whole paise)");
export const rupeePriceSchema = makeRupeePriceSchema();

export const clientOrderIdSchema = z
  .string()
  .min(1, "must not be empty")
  .max(MAX_ID_LENGTH, `is at most ${MAX_ID_LENGTH} characters`)
  .regex(/^[\x21-\x7e]+$/, "may hold only printable characters without spaces");

const orderBase = {
  symbol: symbolSchema,
  side: sideSchema,
  quantity: quantitySchema,
  validity: validitySchema.default("DAY"),
  product: productSchema.default("CNC"),
  clientOrderId: clientOrderIdSchema.optional(),
};

export const marketOrderSchema = z.strictObject({ ...orderBase, type: z.literal("MARKET") });
export const limitOrderSchema = z.strictObject({ ...orderBase, type: z.literal("LIMIT"), price: rupeePriceSchema });
export const stopLimitOrderSchema = z
  .strictObject({ ...orderBase, type: z.literal("SL"), price: rupeePriceSchema, triggerPrice: rupeePriceSchema })
  .refine((o) => (o.side === "BUY" ? o.price >= o.triggerPrice : o.price <= o.triggerPrice), {
    message: "must be at or beyond the trigger price (BUY: price ≥ trigger, SELL: price ≤ trigger)",
    path: ["price"],
  });
export const stopMarketOrderSchema = z.strictObject({ ...orderBase, type: z.literal("SL_M"), triggerPrice: rupeePriceSchema });

/**
 * An order as a user asks for it. A discriminated union on `type`, so a LIMIT without a price or
 * a MARKET with one cannot be written down.
 */
export const orderRequestSchema = z.discriminatedUnion(
  "type",
  [marketOrderSchema, limitOrderSchema, stopLimitOrderSchema, stopMarketOrderSchema],
  {
    // The union's own issues: what is not an object at all, and a type missing or not one of the four.
    error: (issue) =>
      typeof issue.input !== "object" || issue.input === null || Array.isArray(issue.input)
        ? "an order is an object with symbol, side, type, quantity and the type's prices"
        : "must be MARKET, LIMIT, SL or SL_M",
  },
);

export type OrderRequest = z.infer<typeof orderRequestSchema>;
export type OrderRequestInput = z.input<typeof orderRequestSchema>;

export const modifyOrderRequestSchema = z
  .strictObject({
    orderId: z.string().min(1, "is required").max(MAX_ID_LENGTH),
    quantity: quantitySchema.optional(),
    price: rupeePriceSchema.optional(),
    triggerPrice: rupeePriceSchema.optional(),
  })
  .refine((m) => m.quantity !== undefined || m.price !== undefined || m.triggerPrice !== undefined, {
    message: "give at least one of quantity, price or triggerPrice to change",
  });

export type ModifyOrderRequest = z.infer<typeof modifyOrderRequestSchema>;

/** Moving part of today's position between products (see the engine's commands/intraday.ts). */
export const convertPositionRequestSchema = z
  .strictObject({ symbol: symbolSchema, quantity: quantitySchema, from: productSchema, to: productSchema })
  .refine((c) => c.from !== c.to, { message: "from and to must be different products", path: ["to"] });

export type ConvertPositionRequest = z.infer<typeof convertPositionRequestSchema>;

/** Rupees that passed `rupeePriceSchema` to paise. */
function paise(rupees: number): number {
  const value = rupeesToPaise(rupees);
  if (value === undefined) throw new RangeError(`${rupees} is not a whole number of paise`);
  return value;
}

/** A parsed order request in the engine's units. */
export function toEngineOrder(request: OrderRequest): OrderInput {
  const common = {
    symbol: request.symbol,
    side: request.side,
    quantity: request.quantity,
    validity: request.validity,
    product: request.product,
    clientOrderId: request.clientOrderId,
  };
  switch (request.type) {
    case "MARKET":
      return { ...common, type: "MARKET" };
    case "LIMIT":
      return { ...common, type: "LIMIT", price: paise(request.price) };
    case "SL":
      return { ...common, type: "SL", price: paise(request.price), triggerPrice: paise(request.triggerPrice) };
    case "SL_M":
      return { ...common, type: "SL_M", triggerPrice: paise(request.triggerPrice) };
  }
}

/** A parsed modification in the engine's units. */
export function toEngineModification(request: ModifyOrderRequest): {
  quantity?: number | undefined;
  price?: number | undefined;
  triggerPrice?: number | undefined;
} {
  return {
    quantity: request.quantity,
    price: request.price === undefined ? undefined : paise(request.price),
    triggerPrice: request.triggerPrice === undefined ? undefined : paise(request.triggerPrice),
  };
}
