// The REST mirror under /api/v1: the classic broker endpoints for curl and other languages. Each
// endpoint delegates to the tRPC procedure of the same name through a caller, so auth, rate
// limits, validation and errors are the same ones; this file only adds paths, REST-shaped
// inputs (flat objects, query strings) and the output schemas the OpenAPI document shows.
import {
  orderRequestSchema,
  productSchema,
  orderTypeSchema,
  quantitySchema,
  rupeePriceSchema,
  sideSchema,
  symbolSchema,
  validitySchema,
} from "@trading/engine";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { chargesPreviewInput } from "./router/charges.js";
import { contractNoteInput } from "./router/contract-notes.js";
import { basketMarginInput } from "./router/margins.js";
import { candlesInput, cursorText, idText, isoTime, orderIdSchema, orderStateInput, pageLimitSchema } from "./procedures/inputs.js";
import {
  basketMarginOutput,
  positionOutput,
  candleOutput,
  chargesPreviewOutput,
  contractNoteOutput,
  fundsOutput,
  holdingOutput,
  instrumentOutput,
  orderDetailOutput,
  orderOutput,
  pageOf,
  marketStatusOutput,
  quoteOutput,
  tradeOutput,
  whoamiOutput,
} from "./outputs.js";
import { appRouter } from "./root.js";
import { createCallerFactory, publicProcedure, router } from "./trpc.js";

const call = createCallerFactory(appRouter);

/*
 * trpc-to-openapi coerces every number and boolean field of a REST input, in bodies as well as
 * query strings, by setting zod's coerce flag on the field's schema: Number("0x10") is 16 and
 * Number("") is 0, so `"quantity": "0x10"` would be an order for 16 shares. It leaves pipes alone,
 * so every number field of a REST input is one of these two pipes, and the REST mirror takes
 * exactly what tRPC takes:
 * - in a body, `jsonNumber`: the value reaches the shared schema as sent, so only a JSON number
 *   passes;
 * - in a query string, `queryNumber`: decimal digits are read as a number, anything else reaches
 *   the schema as text and fails with its message.
 * Booleans travel in query strings as "true"/"false" (`flag`); no body has one.
 */
const jsonNumber = <T extends z.ZodType>(schema: T) => z.preprocess((value) => value, schema);
const queryNumber = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value), schema);
/** `queryNumber` for amounts: decimal digits with a fraction are read as a number too. */
const queryDecimal = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === "string" && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value), schema);

/**
 * REST takes one flat object. Its fields describe the shape for the OpenAPI document and check
 * each value; once they all pass, the body is checked with the same discriminated union as tRPC,
 * whose messages it returns (before, a bad field would be reported twice).
 */
const placeOrderBody = z
  .object({
    symbol: z.string().describe("e.g. INFY"),
    side: sideSchema,
    type: orderTypeSchema,
    quantity: jsonNumber(quantitySchema),
    price: jsonNumber(rupeePriceSchema).optional().describe("LIMIT and SL only"),
    triggerPrice: jsonNumber(rupeePriceSchema).optional().describe("SL and SL_M only"),
    validity: validitySchema.optional(),
    product: productSchema.optional().describe("CNC (delivery, the default) or MIS (intraday)"),
    clientOrderId: idText().optional().describe("idempotency key: a retry returns the original order"),
  })
  .partial()
  .superRefine(
    (value, ctx) => {
      const parsed = orderRequestSchema.safeParse(value);
      if (!parsed.success)
        for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
    },
    { when: (payload) => payload.issues.length === 0 },
  );

const flag = z.enum(["true", "false"]).optional();
const asBoolean = (value: "true" | "false" | undefined): boolean | undefined => (value === undefined ? undefined : value === "true");

const orderId = z.object({ orderId: orderIdSchema });
const range = () => ({
  from: isoTime().optional(),
  to: isoTime().optional(),
  cursor: cursorText().optional(),
  limit: queryNumber(pageLimitSchema),
});
const get = (path: `/${string}`, summary: string, tags: string[]) => ({
  openapi: { method: "GET" as const, path, summary, tags, protect: true },
});
const post = (path: `/${string}`, summary: string, tags: string[]) => ({
  openapi: { method: "POST" as const, path, summary, tags, protect: true },
});

export const restRouter = router({
  listInstruments: publicProcedure
    .meta(get("/instruments", "All instruments with their quotes", ["instruments"]))
    .input(z.object({}))
    .output(z.array(instrumentOutput))
    .query(({ ctx }) => call(ctx).instruments.list()),
  getInstrument: publicProcedure
    .meta(get("/instruments/{symbol}", "One instrument", ["instruments"]))
    .input(z.object({ symbol: symbolSchema }))
    .output(instrumentOutput)
    .query(({ ctx, input }) => call(ctx).instruments.get(input)),
  quotes: publicProcedure
    .meta(get("/quotes", "Quotes; `symbols` is a comma-separated list (all when absent)", ["market"]))
    .input(z.object({ symbols: z.string().max(2_000, "is at most 2,000 characters").optional() }))
    .output(z.array(quoteOutput))
    .query(({ ctx, input }) => call(ctx).market.quotes({ symbols: input.symbols?.split(",").filter((s) => s.length > 0) })),
  marketStatus: publicProcedure
    .meta(
      get("/market/status", "The market's phase (pre-open, opening, open, closed), trading day, next open and close, and clock", [
        "market",
      ]),
    )
    .input(z.object({}))
    .output(marketStatusOutput)
    .query(({ ctx }) => call(ctx).market.status()),
  chargesPreview: publicProcedure
    .meta(get("/charges", "What an order would cost in brokerage, taxes and fees, filled in full (product CNC or MIS)", ["charges"]))
    .input(
      chargesPreviewInput().extend({
        quantity: queryNumber(chargesPreviewInput().shape.quantity),
        price: queryDecimal(rupeePriceSchema).optional(),
      }),
    )
    .output(chargesPreviewOutput)
    .query(({ ctx, input }) => call(ctx).charges.preview(input)),
  contractNote: publicProcedure
    .meta(
      get("/contract-notes", "Your contract note for a trading day (`date`, IST; today when absent): trades, charges, net amount", [
        "charges",
      ]),
    )
    .input(contractNoteInput())
    .output(contractNoteOutput)
    .query(({ ctx, input }) => call(ctx).contractNotes.get(input)),
  candles: publicProcedure
    .meta(
      get(
        "/instruments/{symbol}/candles",
        "Candles oldest first; `interval` 1m (default), 5m, 15m, 30m, 1h or 1d (hours and days on the Indian clock)",
        ["market"],
      ),
    )
    .input(candlesInput().extend({ limit: queryNumber(candlesInput().shape.limit) }))
    .output(z.array(candleOutput))
    .query(({ ctx, input }) => call(ctx).market.candles(input)),
  placeOrder: publicProcedure
    .meta(post("/orders", "Place an order (prices in rupees)", ["orders"]))
    .input(placeOrderBody)
    .output(orderOutput)
    .mutation(({ ctx, input }) => {
      const order = orderRequestSchema.safeParse(input);
      if (!order.success) throw new TRPCError({ code: "BAD_REQUEST", message: "invalid order", cause: order.error });
      return call(ctx).orders.place(order.data);
    }),
  listOrders: publicProcedure
    .meta(get("/orders", "Your orders, newest first, paginated", ["orders"]))
    .input(z.object({ open: flag, symbol: symbolSchema.optional(), state: orderStateInput.optional(), ...range() }))
    .output(pageOf(orderOutput))
    .query(({ ctx, input }) => {
      const { state, open, ...rest } = input;
      return call(ctx).orders.list({ ...rest, open: asBoolean(open), states: state === undefined ? undefined : [state] });
    }),
  getOrder: publicProcedure
    .meta(get("/orders/{orderId}", "One order with its state history and trades", ["orders"]))
    .input(orderId)
    .output(orderDetailOutput)
    .query(({ ctx, input }) => call(ctx).orders.get(input)),
  modifyOrder: publicProcedure
    .meta(post("/orders/{orderId}/modify", "Change quantity, price or trigger price of an open order", ["orders"]))
    .input(
      orderId.extend({
        quantity: jsonNumber(quantitySchema).optional(),
        price: jsonNumber(rupeePriceSchema).optional(),
        triggerPrice: jsonNumber(rupeePriceSchema).optional(),
      }),
    )
    .output(orderOutput)
    .mutation(({ ctx, input }) => call(ctx).orders.modify(input)),
  cancelOrder: publicProcedure
    .meta(post("/orders/{orderId}/cancel", "Cancel an open order", ["orders"]))
    .input(orderId)
    .output(orderOutput)
    .mutation(({ ctx, input }) => call(ctx).orders.cancel(input)),
  cancelAllOrders: publicProcedure
    .meta(post("/orders/cancel-all", "Cancel all your open orders (optionally of one symbol)", ["orders"]))
    .input(z.object({ symbol: symbolSchema.optional() }))
    .output(z.object({ cancelled: z.array(orderOutput) }))
    .mutation(({ ctx, input }) => call(ctx).orders.cancelAll(input)),
  listTrades: publicProcedure
    .meta(get("/trades", "Your trades, newest first, paginated", ["trades"]))
    .input(z.object({ symbol: symbolSchema.optional(), orderId: orderIdSchema.optional(), ...range() }))
    .output(pageOf(tradeOutput))
    .query(({ ctx, input }) => call(ctx).trades.list(input)),
  portfolio: publicProcedure
    .meta(get("/portfolio", "Holdings with live P&L", ["portfolio"]))
    .input(z.object({}))
    .output(z.array(holdingOutput))
    .query(({ ctx }) => call(ctx).portfolio.holdings()),
  positions: publicProcedure
    .meta(get("/positions", "Today's positions by product (CNC, MIS) with buy/sell quantities and M2M P&L", ["portfolio"]))
    .input(z.object({}))
    .output(z.array(positionOutput))
    .query(({ ctx }) => call(ctx).positions.list()),
  convertPosition: publicProcedure
    .meta(post("/positions/convert", "Move part of today's position between CNC and MIS", ["portfolio"]))
    .input(z.object({ symbol: symbolSchema, quantity: jsonNumber(quantitySchema), from: productSchema, to: productSchema }))
    .output(z.object({ symbol: z.string(), quantity: z.number().int(), from: productSchema, to: productSchema, funds: fundsOutput }))
    .mutation(({ ctx, input }) => call(ctx).positions.convert(input)),
  basketMargin: publicProcedure
    .meta(post("/margins/basket", "What a basket of orders would block if placed now, charges included, without placing it", ["charges"]))
    .input(z.object({ orders: z.array(z.record(z.string(), z.unknown())).describe("orders as POST /orders takes them") }))
    .output(basketMarginOutput)
    .mutation(({ ctx, input }) => {
      const basket = basketMarginInput().safeParse(input);
      if (!basket.success) throw new TRPCError({ code: "BAD_REQUEST", message: "invalid basket", cause: basket.error });
      return call(ctx).margins.basket(basket.data);
    }),
  funds: publicProcedure
    .meta(get("/funds", "Cash, blocked cash, margin used, equity and P&L", ["portfolio"]))
    .input(z.object({}))
    .output(fundsOutput)
    .query(({ ctx }) => call(ctx).funds.get()),
  whoami: publicProcedure
    .meta(get("/me", "Who this API key belongs to", ["auth"]))
    .input(z.object({}))
    .output(whoamiOutput)
    .query(({ ctx }) => call(ctx).auth.whoami()),
});

export type RestRouter = typeof restRouter;
