// Margins: what an order, or a basket of orders, would hold back if placed now, charges included,
// without placing anything (Kite's order and basket margins).
import { orderRequestSchema, toEngineOrder } from "@trading/engine";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { basketMarginDto } from "../dto.js";
import { DomainError } from "../errors.js";
import { protectedProcedure } from "../trpc.js";

/** A basket as Kite's basket holds at most this many orders. */
export const MAX_BASKET_ORDERS = 50;

export const basketMarginInput = () =>
  z.object({
    orders: z
      .array(orderRequestSchema)
      .min(1, "give at least one order")
      .max(MAX_BASKET_ORDERS, `a basket holds at most ${MAX_BASKET_ORDERS} orders`)
      .describe("orders as placing them takes them, sized in this order"),
  });

export const marginsRouter = {
  /** Each order's margin, charges and what it would block, and the basket's total against what is available. */
  basket: protectedProcedure.input(basketMarginInput()).query(async ({ ctx, input }) => {
    const userId = ctx.auth.userId;
    const basket = await ctx.platform.accounts.basketMargin(userId, input.orders.map(toEngineOrder));
    if (basket === undefined) throw new DomainError("UNKNOWN_ACCOUNT", `no trading account for ${userId}`);
    return basketMarginDto(basket);
  }),
} satisfies TRPCRouterRecord;
